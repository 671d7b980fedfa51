"""The personal history: the user's words and word pairs, counted in the home's SQLite.

Tables (migration ``m002_personal``): ``autocomplete_words(word, count)`` and
``autocomplete_bigrams(prev, word, count)``, words lower-cased; ``prev`` is one word (a word
pair) or two words joined by a space (a triple: the phrase cache). Writes go through the plugin's
store (one transaction per text). Reading it back builds a ``PersonalWords`` for the word
layer (the most frequent ``MAX_WORDS`` words and ``MAX_BIGRAMS`` pairs: bounded memory
whatever was learned).

The text itself is kept too, bounded (``autocomplete_texts``, migration ``m003``: the newest
``MAX_TEXT_CHARS`` characters, one row per text or per 1 MB piece of a file): the background
adaptation of the character model (``adapt.py``) trains on it. ``forget`` deletes it with the
counts.

``autocomplete_state`` (``m004``) keeps the ghost text's calibration between sessions (how far
the hit rate has moved the thresholds): saved with each text learned, deleted by ``forget``.

``learn_stream`` reads a file (or stdin) in 1 MB pieces with an incremental UTF-8 decoder:
memory stays bounded for a 100 MB file, counts are flushed to SQLite every ``FLUSH_WORDS``
words, and the whole text commits at once (a non-UTF-8 byte half-way learns nothing).
"""

from __future__ import annotations

import codecs
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textseq_plugins.autocomplete.counts import PersonalWords
from textseq_plugins.autocomplete.text_input import looks_binary
from textseq_plugins.autocomplete.vocabulary import words_of

from textseq_tui.plugin import BadInput

MAX_WORDS = 200_000
MAX_BIGRAMS = 500_000
CHUNK = 1 << 20
FLUSH_WORDS = 200_000  # ~50 MB of counts at most between flushes
MAX_TEXT_CHARS = 4_000_000  # the personal text kept for adaptation (the newest)


class Counts:
    """Unigram and bigram counts of a text stream, fed piece by piece."""

    def __init__(self) -> None:
        self.unigrams: Counter[str] = Counter()
        self.bigrams: Counter[tuple[str, str]] = Counter()
        self.prev = self.prev2 = ""
        self.carry = ""  # a word possibly cut at the end of the last piece
        self.words = 0

    def feed(self, text: str, final: bool = False) -> None:
        text = self.carry + text
        cut = len(text)
        if not final:  # keep a trailing partial word for the next piece
            while cut > 0 and (text[cut - 1].isalnum() or text[cut - 1] == "'"):
                cut -= 1
            cut = cut or len(text)
        self.carry = text[cut:]
        for w in words_of(text[:cut]):
            self.unigrams[w] += 1
            if self.prev:
                self.bigrams[(self.prev, w)] += 1
                if self.prev2:  # a triple: ``w`` after the context "prev2 prev"
                    self.bigrams[(f"{self.prev2} {self.prev}", w)] += 1
            self.prev2, self.prev = self.prev, w
            self.words += 1

    def clear(self) -> None:
        self.unigrams.clear()
        self.bigrams.clear()


def _flush(store: Any, counts: Counts) -> None:
    db = store.db
    words, pairs = store.table_name("words"), store.table_name("bigrams")
    db.conn.executemany(
        f"INSERT INTO {words}(word, count) VALUES (?, ?) "
        "ON CONFLICT(word) DO UPDATE SET count = count + excluded.count",
        counts.unigrams.items())
    db.conn.executemany(
        f"INSERT INTO {pairs}(prev, word, count) VALUES (?, ?, ?) "
        "ON CONFLICT(prev, word) DO UPDATE SET count = count + excluded.count",
        ((p, w, n) for (p, w), n in counts.bigrams.items()))
    counts.clear()


def _keep_text(store: Any, text: str) -> None:
    """Append ``text`` to the stored personal text (inside the caller's transaction)."""
    if text.strip():
        store.db.conn.execute(f"INSERT INTO {store.table_name('texts')}(added, chars, text) "
                              "VALUES (?, ?, ?)", (time.time(), len(text), text))


def _trim_text(store: Any, limit: int) -> None:
    """Drop the oldest stored texts while the rest still hold ``limit`` characters."""
    table = store.table_name("texts")
    rows = store.db.execute(f"SELECT id, chars FROM {table} ORDER BY id DESC").fetchall()
    kept = 0
    for i, (_, chars) in enumerate(rows):
        kept += chars
        if kept >= limit and i + 1 < len(rows):
            store.db.conn.execute(f"DELETE FROM {table} WHERE id <= ?", (rows[i + 1][0],))
            break


def learn_texts(store: Any, texts: Iterable[str]) -> int:
    """Add ``texts`` (each a separate text: no pair across them) to the history; returns the
    number of words learned."""
    total = 0
    with store.transaction():
        for text in texts:
            counts = Counts()
            counts.feed(text, final=True)
            total += counts.words
            _flush(store, counts)
            _keep_text(store, text)
        _trim_text(store, MAX_TEXT_CHARS)
    return total


def personal_text(store: Any, max_chars: int = MAX_TEXT_CHARS) -> tuple[str, int]:
    """The newest ``max_chars`` characters of stored personal text (texts joined by a blank
    line) and the id of the newest text in it (0: none)."""
    table = store.table("texts")
    if not table.exists():
        return "", 0
    parts: list[str] = []
    size, last = 0, 0
    for row_id, text in store.db.execute(f"SELECT id, text FROM {table.name} ORDER BY id DESC"):
        last = last or int(row_id)
        parts.append(text)
        size += len(text) + 2
        if size >= max_chars:
            break
    return "\n\n".join(reversed(parts))[-max_chars:], last


def text_since(store: Any, after_id: int) -> int:
    """Characters of personal text stored after the text with id ``after_id``."""
    table = store.table("texts")
    if not table.exists():
        return 0
    row = store.db.execute(f"SELECT coalesce(sum(chars), 0) FROM {table.name} WHERE id > ?",
                           (after_id,)).fetchone()
    return int(row[0])


def learn_stream(store: Any, source: str,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Learn a UTF-8 file (``-``: stdin) in bounded memory; ``progress(bytes_read, total)``
    after each piece. ``BadInput`` naming the file when it is missing, empty, binary or not
    UTF-8 (nothing is learned then)."""
    name = "stdin" if source == "-" else source
    if source == "-":
        handle = sys.stdin.buffer
        total = 0
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise BadInput(f"{source}: no such file (give a UTF-8 text file, or - for stdin)")
        handle = path.open("rb")
        total = path.stat().st_size
    decoder = codecs.getincrementaldecoder("utf-8")()
    counts, seen, text_seen, words, pieces = Counts(), 0, False, 0, 0
    try:
        with store.transaction():
            while True:
                raw = handle.read(CHUNK)
                if seen == 0 and raw and looks_binary(raw):
                    raise BadInput(f"{name} looks like a binary file, not text: give a "
                                   "plain UTF-8 text file")
                try:
                    text = decoder.decode(raw, final=not raw)
                except UnicodeDecodeError as err:
                    raise BadInput(f"{name} is not UTF-8 (byte 0x{raw[err.start]:02x} near "
                                   f"offset {seen + err.start}); convert it first, e.g. "
                                   f"iconv -f latin1 -t utf-8") from None
                seen += len(raw)
                text_seen = text_seen or bool(text.strip())
                counts.feed(text, final=not raw)
                if text:  # the newest pieces only: trimmed as it goes, the file stays bounded
                    _keep_text(store, text)
                    pieces += 1
                    if pieces % 8 == 0:
                        _trim_text(store, MAX_TEXT_CHARS)
                if counts.words >= FLUSH_WORDS or not raw:
                    words += counts.words
                    counts.words = 0
                    _flush(store, counts)
                if progress is not None:
                    progress(seen, total)
                if not raw:
                    break
            if not text_seen:
                raise BadInput(f"{name} is empty: there is no text to learn from")
            _trim_text(store, MAX_TEXT_CHARS)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    return {"bytes": seen, "words": words}


def forget(store: Any) -> int:
    """Delete the whole personal history; returns how many words it held (0: nothing)."""
    words, pairs, texts = store.table("words"), store.table("bigrams"), store.table("texts")
    if not words.exists():
        return 0
    n = int(store.db.execute(f"SELECT count(*) FROM {words.name}").fetchone()[0])
    with store.transaction() as db:
        db.execute(f"DELETE FROM {words.name}")
        db.execute(f"DELETE FROM {pairs.name}")
        if texts.exists():
            db.execute(f"DELETE FROM {texts.name}")
        if store.table("state").exists():
            db.execute(f"DELETE FROM {store.table_name('state')}")
    return n


def load_calibration(store: Any) -> float:
    """The thresholds' shift the ghost text's hit rate reached in earlier sessions (0: none)."""
    table = store.table("state")
    if not table.exists():
        return 0.0
    row = store.db.execute(f"SELECT value FROM {table.name} WHERE key = 'calibration'"
                           ).fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def save_calibration(store: Any, value: float) -> None:
    with store.transaction() as db:
        db.execute(f"INSERT OR REPLACE INTO {store.table_name('state')}(key, value) "
                   "VALUES ('calibration', ?)", (float(value),))


def summary(store: Any) -> dict[str, int]:
    """How much the history holds: distinct words, total words, word pairs, characters of
    text kept for the model's adaptation."""
    words = store.table("words")
    if not words.exists():
        return {"words": 0, "tokens": 0, "pairs": 0, "text_chars": 0}
    db = store.db
    n, tokens = db.execute(f"SELECT count(*), coalesce(sum(count), 0) FROM {words.name}"
                           ).fetchone()
    pairs = db.execute(f"SELECT count(*) FROM {store.table_name('bigrams')}").fetchone()[0]
    texts = store.table("texts")
    chars = (db.execute(f"SELECT coalesce(sum(chars), 0) FROM {texts.name}").fetchone()[0]
             if texts.exists() else 0)
    return {"words": int(n), "tokens": int(tokens), "pairs": int(pairs),
            "text_chars": int(chars)}


def load(store: Any) -> PersonalWords:
    """The history as a ``PersonalWords`` (the most frequent words and pairs)."""
    personal = PersonalWords()
    words = store.table("words")
    if not words.exists():
        return personal
    db = store.db
    uni = dict(db.execute(f"SELECT word, count FROM {words.name} ORDER BY count DESC "
                          f"LIMIT {MAX_WORDS}").fetchall())
    pairs = db.execute(f"SELECT prev, word, count FROM {store.table_name('bigrams')} "
                       f"ORDER BY count DESC LIMIT {MAX_BIGRAMS}").fetchall()
    personal.add_counts(uni, pairs)
    return personal
