"""What a typing test gives to type: common English words, or the typist's own text.

- **Common words** (the default): the 200 most frequent English words of wordfreq's list
  that are made of letters only (no ``it's``, no digits; single letters but ``a`` left out),
  lower case, drawn at random with a seed (never the same word twice in a row), as
  monkeytype's "english" list. wordfreq is a dependency of textseq, not shipped with it.
- **Your own text**: ``plugins.autocomplete.typing_text`` in settings, a UTF-8 text file;
  the test starts at a paragraph chosen by the seed and goes on through the file (round).
  Typographic quotes and dashes become the keys that type them. A file that is missing,
  unreadable, binary, not UTF-8 or without words is never fatal: the test uses the common
  words and says why (``Prompt.note``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from textseq_tui.plugin import TextseqError

COMMON_WORDS = 200
COMMON = "common words"
OWN_TEXT = "your text"
#: typographic characters a keyboard does not have, as they are typed
_TYPED_AS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                           "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})


@lru_cache(maxsize=1)
def common_words(n: int = COMMON_WORDS) -> tuple[str, ...]:
    """wordfreq's ``n`` most frequent English words made of letters a-z (``a`` the only
    one-letter word), most frequent first."""
    from wordfreq import top_n_list

    # the "small" list: the same ranks at the top, and quicker to read than "best"
    words = [w for w in top_n_list("en", 4 * n, wordlist="small")
             if w.isascii() and w.isalpha() and (len(w) > 1 or w == "a")]
    return tuple(words[:n])


@dataclass
class Prompt:
    """A prompt source: ``take(n)`` gives the next ``n`` words. ``kind`` is ``COMMON`` or
    ``OWN_TEXT`` (records are kept apart by it); ``note`` says why the common words stand in
    for a text that could not be used ("" when nothing went wrong)."""

    kind: str
    seed: int
    take: Callable[[int], list[str]] = field(repr=False)
    note: str = ""


def common_prompt(seed: int, note: str = "") -> Prompt:
    """Common words drawn with ``random.Random(seed)``, never the same word twice in a row."""
    words = common_words()
    rng = random.Random(seed)
    last = [""]

    def take(n: int) -> list[str]:
        out = []
        for _ in range(n):
            word = rng.choice(words)
            while word == last[0]:
                word = rng.choice(words)
            out.append(word)
            last[0] = word
        return out

    return Prompt(COMMON, seed, take, note)


def read_own_text(path: str | Path) -> list[list[str]]:
    """The paragraphs of a UTF-8 text file, each a list of words; ``ValueError`` saying what
    is wrong with a file that cannot be a prompt."""
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except OSError as err:
        raise ValueError(f"{path}: cannot be read ({err.strerror or err})") from None
    head = data[:65536]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) * 0.01:
        raise ValueError(f"{path} looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path} is not UTF-8 (byte 0x{data[err.start]:02x} at offset "
                         f"{err.start})") from None
    paragraphs = [p.translate(_TYPED_AS).split() for p in re.split(r"\n\s*\n", text)]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise ValueError(f"{path} has no words to type")
    return paragraphs


def own_text_prompt(path: str | Path, seed: int) -> Prompt:
    """The words of the file at ``path`` from a paragraph chosen by ``seed`` on (round);
    the common words, with a note saying why, when the file cannot be used."""
    try:
        paragraphs = read_own_text(path)
    except ValueError as err:
        return common_prompt(seed, note=f"{err}: typing common words instead")
    words = [w for p in paragraphs for w in p]
    starts = [0]
    for p in paragraphs[:-1]:
        starts.append(starts[-1] + len(p))
    at = [random.Random(seed).choice(starts)]

    def take(n: int) -> list[str]:
        out = [words[(at[0] + k) % len(words)] for k in range(n)]
        at[0] = (at[0] + n) % len(words)
        return out

    return Prompt(OWN_TEXT, seed, take)


def prompt_for(settings: Any, seed: int) -> Prompt:
    """The prompt the settings ask for: ``typing_text`` (a path) or the common words."""
    try:
        path = settings.get("typing_text", "")
    except TextseqError as err:  # not a string: said, and the common words stand in
        return common_prompt(seed, note=f"{err}: typing common words instead")
    if path:
        return own_text_prompt(str(path), seed)
    return common_prompt(seed)
