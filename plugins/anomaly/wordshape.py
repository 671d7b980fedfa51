"""Token shapes for text mode: which words of a message are judged at all.

A person does not call a URL, an @mention, a hashtag, a number, an emoticon, a name, an
acronym or a word in another alphabet odd because a language model has rarely seen it. So
before any model looks at a message, each whitespace token is given a shape, and only plain
words (letters with inner apostrophes) written in lower case, or capitalised where a sentence
starts, or shouted in a message that is mostly capitals, are judged.

``words(text)`` returns every word-like piece with its offsets and either ``judge`` (the
lower-case form to judge) or the reason it is left alone (``Word.skip``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Letters with inner apostrophes: "don't", "rock'n'roll". Digits and "_" are not letters.
LETTERS = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_TOKEN = re.compile(r"\S+")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)|^[\w.+-]+@[\w-]+\.[\w.-]+$",
                  re.IGNORECASE)
#: A dot, slash, underscore, "=", "@" or similar between letters: a domain (example.com),
#: a path (/usr/bin), code (fs.readFile, snake_case, a=b), an abbreviation (U.S., e.g.).
_INNER = re.compile(r"\w[./\\_=@+*^|~<>%$&:]+\w")
#: A call ("spawn()", "f(x)"), a command-line option ("--verbose", "-v") or `inline code`.
_CODE = re.compile(r"\w\(|^--?[A-Za-z]|`")
#: Emoticons: :) :-( ;P :D xD XD <3 ^^ -_- o_O T_T :3 D: and the like.
_EMOTICON = re.compile(
    r"^(?:[<>}\]]?[:;=8xX%][-o^'*]?[)(\]\[dDpPoO0/\\|*3sS$@{}<>]+|[)(\]\[dDpP/\\|]+[-o^']?[:;=8]"
    r"|<\/?3+|\^+[_.-]?\^+|[-oO0T>^;][_.][-oO0T<^;]|[xX][dDpP]+)$")
#: A letter written three or more times running ("sooo", "yesss", "ewwww"): expressive
#: spelling, not a typo a person would point out.
_ELONGATED = re.compile(r"([a-z])\1\1", re.IGNORECASE)
#: Laughter and similar interjections built from a repeated syllable (hahaha, hehe, lolol,
#: ahahah, mwahaha): their spellings vary endlessly and none is a mistake.
_LAUGH = re.compile(r"^(?:mw|bw)?a?(?:h[aeiou]){2,}h?$|^(?:lo)+l$|^(?:lu)+l$|^x[od]+$",
                    re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;\"\u201c\u201d(\[{*\-\u2014>]\s*$|^\s*$")
_OUTER = "\"'()[]{}<>,;!?\u201c\u201d\u2018\u2019"
#: Shortest word judged: a two-letter slip ("teh" has three) is rarely recognisable.
MIN_LETTERS = 3


@dataclass(frozen=True)
class Word:
    """A word-like piece of a text: ``text[start:end]``; ``judge`` is the lower-case form to
    judge, or "" when it is left alone, with ``skip`` saying why (a shape: "url", "mention",
    "hashtag", "number", "emoticon", "code", "other alphabet", "name", "acronym",
    "elongated", "laughter", "short")."""

    start: int
    end: int
    text: str
    judge: str = ""
    skip: str = ""


def _token_skip(token: str) -> str:
    """Why a whole whitespace token is left alone, or ""."""
    bare = token.strip(_OUTER)
    if not bare:
        return "emoticon" if _EMOTICON.match(token) else ""
    if _URL.search(bare):
        return "url"
    if bare[0] == "@":
        return "mention"
    if bare[0] == "#" and len(bare) > 1:
        return "hashtag"
    if _EMOTICON.match(bare) or _EMOTICON.match(token):
        return "emoticon"
    if any(c.isdigit() for c in bare):
        return "number"
    if _INNER.search(bare.rstrip(".:")) or _CODE.search(bare):
        return "code"
    return ""


def _word_skip(word: str, at_start: bool, shouting: bool) -> tuple[str, str]:
    """``(form to judge, "")`` or ``("", why it is left alone)`` for one run of letters."""
    if not word.isascii():
        return "", "other alphabet"
    letters = word.replace("'", "").replace("\u2019", "")
    if len(letters) < MIN_LETTERS:
        return "", "short"
    lower = word.lower().replace("\u2019", "'")
    if letters.isupper():
        if not shouting:
            return "", "acronym"
    elif not letters.islower():
        if letters[1:].lower() != letters[1:]:  # iPhone, McDonald, camelCase
            return "", "name"
        if not at_start:
            return "", "name"
    if _LAUGH.match(letters):
        return "", "laughter"
    if _ELONGATED.search(letters):
        return "", "elongated"
    return lower, ""


def words(text: str) -> list[Word]:
    """Every run of letters in ``text``, in order, with what to judge or why not."""
    upper = sum(c.isupper() for c in text)
    lower = sum(c.islower() for c in text)
    shouting = upper > 2 * lower and upper >= 6
    out: list[Word] = []
    for tok in _TOKEN.finditer(text):
        token = tok.group()
        token_skip = _token_skip(token)
        if token_skip:  # one entry for the whole token, its outer punctuation left out
            bare = token if token_skip == "emoticon" else token.lstrip(_OUTER).rstrip(_OUTER + ".:")
            bare = bare or token
            start = tok.start() + token.find(bare)
            out.append(Word(start, start + len(bare), bare, skip=token_skip))
            continue
        at_start = bool(_SENTENCE_END.search(text[: tok.start()]))
        for m in LETTERS.finditer(token):
            # a sentence's first word may be capitalised: "Teh" there is judged as "teh"
            first = at_start and not any(c.isalpha() for c in token[: m.start()])
            judge, why = _word_skip(m.group(), first, shouting)
            out.append(Word(tok.start() + m.start(), tok.start() + m.end(), m.group(),
                            judge=judge, skip=why))
    return out
