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
words. It commits in short transactions (``PluginStore.chunked_transaction``: the write
lock is held a few hundred ms at a time, never while counting), so the app and other
commands wait little behind a big file. A file is checked first (binary, not UTF-8, empty:
nothing is learned); from stdin, a bad byte half-way keeps what came before it.

``forget`` wins over learning in flight: it bumps the history's *generation* (key
``generation`` of ``autocomplete_state``, in the transaction that deletes everything). A
``learn_stream`` checks the generation at the start of each of its transactions and stops
(``Forgotten``) when it moved; the adaptation (``adapt.adapt_home``) checks it under the
write lock before its model file is renamed into place, and discards its result when it
moved; the app's caches (words, calibration, adapted model) are dropped when they see it
move (``plugin.Personal``). Both sides hold SQLite's write lock for their check and change,
so no learning can land between a ``forget`` and its end.
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

from textseq_tui.plugin import BadInput, TextseqError

MAX_WORDS = 200_000
MAX_BIGRAMS = 500_000
CHUNK = 1 << 20
FLUSH_WORDS = 200_000  # ~50 MB of counts at most between flushes
MAX_TEXT_CHARS = 4_000_000  # the personal text kept for adaptation (the newest)
ROWS_PER_WRITE = 5_000  # counts upserted per statement batch (a chunk may end after each)


class Forgotten(TextseqError):
    """``forget`` ran while this learning or adaptation was in flight: it stopped, and
    nothing of it was kept."""


def _state(store: Any, key: str) -> float:
    """A number kept in ``autocomplete_state`` (0 when absent)."""
    table = store.table("state")
    if not table.exists():
        return 0.0
    row = store.execute(f"SELECT value FROM {table.name} WHERE key = ?", (key,)).fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def generation(store: Any) -> int:
    """How many times the history was forgotten (0: never); read inside a transaction
    to compare with the value a long learning started from."""
    return int(_state(store, "generation"))


def same_generation(store: Any, started: int, what: str) -> Any:
    """An ``on_begin`` check for a chunked write: raises ``Forgotten`` once ``forget`` ran
    after ``started`` was read."""
    def check(_db: Any) -> None:
        if generation(store) != started:
            raise Forgotten(f"the personal history was forgotten while {what}: stopped, and "
                            "nothing of it was kept")
    return check


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


def _flush(store: Any, counts: Counts, chunks: Any = None) -> None:
    """Add the counts to the tables (inside the caller's transaction; with ``chunks``, in
    batches of ``ROWS_PER_WRITE`` rows, each one free to end a chunk)."""
    from itertools import islice

    words, pairs = store.table_name("words"), store.table_name("bigrams")
    statements = [
        (f"INSERT INTO {words}(word, count) VALUES (?, ?) "
         "ON CONFLICT(word) DO UPDATE SET count = count + excluded.count",
         iter(counts.unigrams.items())),
        (f"INSERT INTO {pairs}(prev, word, count) VALUES (?, ?, ?) "
         "ON CONFLICT(prev, word) DO UPDATE SET count = count + excluded.count",
         ((p, w, n) for (p, w), n in counts.bigrams.items())),
    ]
    for sql, rows in statements:
        while batch := list(islice(rows, ROWS_PER_WRITE if chunks is not None else None)):
            if chunks is not None:
                chunks.ensure()
            store.executemany(sql, batch)
            if chunks is not None:
                chunks.tick()
    counts.clear()


def _keep_text(store: Any, text: str) -> None:
    """Append ``text`` to the stored personal text (inside the caller's transaction)."""
    if text.strip():
        store.execute(f"INSERT INTO {store.table_name('texts')}(added, chars, text) "
                      "VALUES (?, ?, ?)", (time.time(), len(text), text))


def _trim_text(store: Any, limit: int) -> None:
    """Drop the oldest stored texts while the rest still hold ``limit`` characters."""
    table = store.table_name("texts")
    rows = store.execute(f"SELECT id, chars FROM {table} ORDER BY id DESC").fetchall()
    kept = 0
    for i, (_, chars) in enumerate(rows):
        kept += chars
        if kept >= limit and i + 1 < len(rows):
            store.execute(f"DELETE FROM {table} WHERE id <= ?", (rows[i + 1][0],))
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
    for row_id, text in store.execute(f"SELECT id, text FROM {table.name} ORDER BY id DESC"):
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
    row = store.execute(f"SELECT coalesce(sum(chars), 0) FROM {table.name} WHERE id > ?",
                        (after_id,)).fetchone()
    return int(row[0])


def _check_file(path: Path, name: str) -> None:
    """Refuse a binary, non-UTF-8 or empty file before anything of it is learned."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen, text_seen = 0, False
    with path.open("rb") as handle:
        while True:
            raw = handle.read(CHUNK)
            if seen == 0 and raw and looks_binary(raw):
                raise BadInput(f"{name} looks like a binary file, not text: give a "
                               "plain UTF-8 text file")
            _decode(decoder, raw, seen, name)
            text_seen = text_seen or bool(raw.strip())
            seen += len(raw)
            if not raw:
                break
    if not text_seen:
        raise BadInput(f"{name} is empty: there is no text to learn from")


def _decode(decoder: Any, raw: bytes, seen: int, name: str) -> str:
    try:
        return decoder.decode(raw, final=not raw)
    except UnicodeDecodeError as err:
        byte = raw[err.start] if err.start < len(raw) else 0
        raise BadInput(f"{name} is not UTF-8 (byte 0x{byte:02x} near offset "
                       f"{seen + err.start}); convert it first, e.g. iconv -f latin1 -t utf-8"
                       ) from None


def learn_stream(store: Any, source: str,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Learn a UTF-8 file (``-``: stdin) in bounded memory; ``progress(bytes_read, total)``
    after each piece. ``BadInput`` naming the file when it is missing, empty, binary or not
    UTF-8 (for a file, nothing is learned then). Commits in short transactions; ``Forgotten``
    when ``forget`` runs meanwhile (what was committed is gone with the rest)."""
    name = "stdin" if source == "-" else source
    if source == "-":
        handle = sys.stdin.buffer
        total = 0
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise BadInput(f"{source}: no such file (give a UTF-8 text file, or - for stdin)")
        _check_file(path, name)
        handle = path.open("rb")
        total = path.stat().st_size
    decoder = codecs.getincrementaldecoder("utf-8")()
    counts, seen, text_seen, words, pieces = Counts(), 0, False, 0, 0
    check = same_generation(store, generation(store), f"learning {name}")
    try:
        with store.chunked_transaction(on_begin=check) as chunks:
            while True:
                raw = handle.read(CHUNK)  # no write lock is held while reading and counting
                if seen == 0 and raw and looks_binary(raw):
                    raise BadInput(f"{name} looks like a binary file, not text: give a "
                                   "plain UTF-8 text file")
                text = _decode(decoder, raw, seen, name)
                seen += len(raw)
                text_seen = text_seen or bool(text.strip())
                counts.feed(text, final=not raw)
                if text:  # the newest pieces only: trimmed as it goes
                    chunks.ensure()
                    _keep_text(store, text)
                    pieces += 1
                    if pieces % 8 == 0:
                        _trim_text(store, MAX_TEXT_CHARS)
                if counts.words >= FLUSH_WORDS or not raw:
                    words += counts.words
                    counts.words = 0
                    _flush(store, counts, chunks)
                if not raw:
                    break
                chunks.release()  # each piece commits: other writers get in between
                if progress is not None:
                    progress(seen, total)
            if not text_seen:
                raise BadInput(f"{name} is empty: there is no text to learn from")
            chunks.ensure()
            _trim_text(store, MAX_TEXT_CHARS)
        if progress is not None:
            progress(seen, total)
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    return {"bytes": seen, "words": words}


def forget(store: Any) -> int:
    """Delete the whole personal history and bump its generation (learning in flight then
    stops, see the module doc); returns how many words it held (0: nothing)."""
    words, pairs, texts = store.table("words"), store.table("bigrams"), store.table("texts")
    if not words.exists():
        return 0
    with store.transaction() as tx:
        n = int(tx.execute(f"SELECT count(*) FROM {words.name}").fetchone()[0])
        bumped = generation(store) + 1
        tx.execute(f"DELETE FROM {words.name}")
        tx.execute(f"DELETE FROM {pairs.name}")
        if texts.exists():
            tx.execute(f"DELETE FROM {texts.name}")
        if store.table("state").exists():
            state = store.table_name("state")
            tx.execute(f"DELETE FROM {state}")
            tx.execute(f"INSERT INTO {state}(key, value) VALUES ('generation', ?)", (bumped,))
    return n


def load_calibration(store: Any) -> float:
    """The thresholds' shift the ghost text's hit rate reached in earlier sessions (0: none)."""
    return _state(store, "calibration")


def save_calibration(store: Any, value: float, since: int | None = None) -> bool:
    """Keep the ghost text's calibration; with ``since`` (a generation), only when the
    history was not forgotten after it (then False: nothing written)."""
    with store.transaction() as tx:
        if since is not None and generation(store) != since:
            return False
        tx.execute(f"INSERT OR REPLACE INTO {store.table_name('state')}(key, value) "
                   "VALUES ('calibration', ?)", (float(value),))
    return True


def summary(store: Any) -> dict[str, int]:
    """How much the history holds: distinct words, total words, word pairs, characters of
    text kept for the model's adaptation."""
    words = store.table("words")
    if not words.exists():
        return {"words": 0, "tokens": 0, "pairs": 0, "text_chars": 0}
    n, tokens = store.execute(f"SELECT count(*), coalesce(sum(count), 0) FROM {words.name}"
                              ).fetchone()
    pairs = store.execute(f"SELECT count(*) FROM {store.table_name('bigrams')}").fetchone()[0]
    texts = store.table("texts")
    chars = (store.execute(f"SELECT coalesce(sum(chars), 0) FROM {texts.name}").fetchone()[0]
             if texts.exists() else 0)
    return {"words": int(n), "tokens": int(tokens), "pairs": int(pairs),
            "text_chars": int(chars)}


def load(store: Any) -> PersonalWords:
    """The history as a ``PersonalWords`` (the most frequent words and pairs)."""
    personal = PersonalWords()
    words = store.table("words")
    if not words.exists():
        return personal
    uni = dict(store.execute(f"SELECT word, count FROM {words.name} ORDER BY count DESC "
                             f"LIMIT {MAX_WORDS}").fetchall())
    pairs = store.execute(f"SELECT prev, word, count FROM {store.table_name('bigrams')} "
                          f"ORDER BY count DESC LIMIT {MAX_BIGRAMS}").fetchall()
    personal.add_counts(uni, pairs)
    return personal
