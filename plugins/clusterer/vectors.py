"""Word vectors to cluster: the shared GloVe 6B 50d model, or a user's file.

``glove`` below is the registry model ``textseq_tui.ml.GLOVE_MODEL`` (a
``textseq_tui.ml.GloveVectors``: ``.words`` in frequency order, ``.matrix``, ``.index``),
loaded by the caller with ``ctx.registry.load(GLOVE_MODEL, kind=GLOVE_KIND)``.

Every loader returns a :class:`WordVectors` (words and a float32 ``(n, dim)`` matrix) that
has been checked: no duplicate words, no NaN/inf or all-zero rows, one dimension, at least
two words. Problems are raised as :class:`BadInput` naming the lines or words at fault, so
a user can fix the file rather than guess.

numpy and pyarrow are imported inside functions: the host imports this plugin for
``textseq --help``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textseq_tui.plugin import BadInput

_SHOW = 5  # how many offending lines/words an error message names
#: the source of lines of text clustered by their mean word vector (not words)
TEXT_MEANS = "glove-6b-50d text means"
#: the source of GloVe's vectors of words (the short-list path's pair model knows their scale)
GLOVE_WORDS = "glove-6b-50d"


@dataclass
class WordVectors:
    """Words and their vectors: ``matrix[i]`` is the vector of ``words[i]``.

    ``matrix`` is float32 ``(n, dim)`` (may be a read-only memory map); ``source`` says where
    it came from (for run records); ``missing`` lists requested words that had no vector.
    """

    words: list[str]
    matrix: Any
    source: str
    missing: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.words)

    @property
    def glove_words(self) -> bool:
        """True for GloVe's vectors of words (not lines of text, not a user's vectors)."""
        return self.source == GLOVE_WORDS or self.source.startswith(f"{GLOVE_WORDS} top ")

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])


def load_glove_vocab(glove: Any, top_n: int) -> WordVectors:
    """The ``top_n`` most frequent GloVe words (GloVe rows are frequency-ordered)."""
    if top_n < 2:
        raise BadInput(f"--vocab must be at least 2 words (got {top_n})")
    if top_n > len(glove):
        raise BadInput(f"--vocab {top_n}: GloVe 6B has only {len(glove):,} words")
    words = glove.words[:top_n]
    return WordVectors(words, glove.matrix[:top_n], f"{GLOVE_WORDS} top {top_n}")


def load_glove_words(glove: Any, words: Sequence[str]) -> WordVectors:
    """GloVe vectors of the given words; words without a vector go to ``missing``.

    GloVe is lower-cased, so a word not found as typed is looked up in lower case.
    Duplicates must have been removed by the caller (see :func:`read_word_list`).
    """
    import numpy as np

    index = glove.index
    rows, found, missing = [], [], []
    for word in words:
        row = index.get(word, index.get(word.lower()))
        if row is None:
            missing.append(word)
        else:
            rows.append(row)
            found.append(word)
    if not found:
        shown = ", ".join(repr(w) for w in missing[:_SHOW])
        more = f" and {len(missing) - _SHOW} more" if len(missing) > _SHOW else ""
        raise BadInput(f"none of the {len(missing)} words has a GloVe vector "
                       f"({shown}{more}): nothing to cluster")
    matrix = np.asarray(glove.matrix[np.asarray(rows, dtype=np.int64)], dtype=np.float32)
    vectors = WordVectors(found, matrix.reshape(len(found), -1), GLOVE_WORDS, missing)
    return vectors


def read_word_list(lines: Iterable[tuple[int, str]], line_of: dict[str, int] | None = None
                   ) -> tuple[list[str], list[str]]:
    """Words from ``(line_no, line)`` pairs: one word per line (first field).

    Returns ``(words, problems)``: a duplicate is kept once and reported as
    ``"line 7: 'cat' repeats line 2"`` so the caller can show it with the line number.
    ``line_of``, if given, is filled with each word's (first) line number.
    """
    seen: dict[str, int] = {} if line_of is None else line_of
    words: list[str] = []
    problems: list[str] = []
    for number, line in lines:
        word = line.strip().split()[0] if line.strip() else ""
        if not word:
            continue
        if word in seen:
            problems.append(f"line {number}: {word!r} repeats line {seen[word]}")
            continue
        seen[word] = number
        words.append(word)
    return words, problems


def check_vectors(words: Sequence[str], matrix: Any, source: str) -> None:
    """Raise BadInput for duplicate words, NaN/inf or all-zero rows, or fewer than 2 words.

    ``matrix`` must be 2-D ``(len(words), dim)``; messages name the first offending words.
    """
    import numpy as np

    if matrix.ndim != 2:
        raise BadInput(f"{source}: expected a 2-D matrix (words x dims), got shape "
                       f"{tuple(matrix.shape)}")
    if matrix.shape[0] != len(words):
        raise BadInput(f"{source}: {matrix.shape[0]} vectors but {len(words)} words; "
                       "the words file needs one word per matrix row")
    if len(words) < 2:
        raise BadInput(f"{source}: clustering needs at least 2 words, got {len(words)}")
    seen: dict[str, int] = {}
    dups = []
    for i, word in enumerate(words):
        if word in seen:
            dups.append(f"{word!r} (rows {seen[word] + 1} and {i + 1})")
        seen.setdefault(word, i)
    if dups:
        raise BadInput(f"{source}: {len(dups)} duplicate words: {', '.join(dups[:_SHOW])}"
                       + (" ..." if len(dups) > _SHOW else "") + "; keep one vector per word")
    # Checked in blocks so a 400k memory map is never copied whole.
    bad_nan, bad_zero = [], []
    for start in range(0, matrix.shape[0], 65536):
        block = np.asarray(matrix[start:start + 65536], dtype=np.float32)
        finite = np.isfinite(block).all(axis=1)
        zero = finite & ~np.any(block != 0, axis=1)
        bad_nan += (np.flatnonzero(~finite) + start).tolist()
        bad_zero += (np.flatnonzero(zero) + start).tolist()
    for rows, what in ((bad_nan, "NaN or infinite values"), (bad_zero, "all-zero vectors")):
        if rows:
            named = ", ".join(f"{words[r]!r} (row {r + 1})" for r in rows[:_SHOW])
            raise BadInput(f"{source}: {len(rows)} words have {what}: {named}"
                           + (" ..." if len(rows) > _SHOW else "")
                           + "; a cosine needs a finite, non-zero vector: drop or fix them")


def load_vectors_file(path: str | Path, words_file: str | Path | None = None) -> WordVectors:
    """A user's vectors: ``.npy`` (with a words file) or word2vec/GloVe text.

    - ``.npy``: a float matrix ``(n, dim)``; the words come from ``words_file`` or, if not
      given, from ``<stem>.words``/``<stem>.txt``/``<stem>.vocab`` beside it (one a line).
    - text: ``word v1 v2 ...`` per line, with an optional word2vec header ``n dim``.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise BadInput(f"{path}: no such vectors file")
    if path.suffix == ".npy":
        return _load_npy(path, words_file)
    return _load_text(path)


def _load_npy(path: Path, words_file: str | Path | None) -> WordVectors:
    import numpy as np

    if words_file is None:
        for suffix in (".words", ".txt", ".vocab"):
            candidate = path.with_suffix(suffix)
            if candidate.is_file():
                words_file = candidate
                break
        else:
            raise BadInput(f"{path}: a .npy matrix needs its words: pass --words-file FILE "
                           f"(one word a line) or put {path.with_suffix('.words').name} beside it")
    words_path = Path(words_file).expanduser()
    if not words_path.is_file():
        raise BadInput(f"{words_path}: no such words file")
    words = [ln.strip() for ln in words_path.read_text("utf-8", errors="replace").splitlines()]
    if words and words[-1] == "":
        words.pop()
    try:
        # allow_pickle=False: a .npy holding Python objects is refused, never unpickled.
        matrix = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as err:
        raise BadInput(f"{path}: not a plain numeric .npy matrix ({err})") from err
    if not np.issubdtype(matrix.dtype, np.number):
        raise BadInput(f"{path}: the matrix holds {matrix.dtype}, not numbers")
    blank = [i + 1 for i, w in enumerate(words) if not w]
    if blank:
        raise BadInput(f"{words_path}: blank word on lines {blank[:_SHOW]}")
    check_vectors(words, matrix, str(path))
    if matrix.dtype != np.float32:
        matrix = np.asarray(matrix, dtype=np.float32)
    return WordVectors(words, matrix, str(path))


def _load_text(path: Path) -> WordVectors:
    import numpy as np

    words: list[str] = []
    rows: list[list[float]] = []
    dim = None
    bad: list[str] = []
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.rstrip("\n").rstrip().split(" ")
            if not parts or parts == [""]:
                continue
            if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                dim = int(parts[1])  # word2vec header: "<count> <dim>"
                continue
            word, values = parts[0], parts[1:]
            if dim is None:
                dim = len(values)
            if len(values) != dim:
                bad.append(f"line {number} ({word!r}) has {len(values)} values, expected {dim}")
                continue
            try:
                rows.append([float(v) for v in values])
            except ValueError:
                bad.append(f"line {number} ({word!r}) has a value that is not a number")
                continue
            words.append(word)
    if bad:
        raise BadInput(f"{path}: {len(bad)} bad lines (dimension mismatch or not numbers): "
                       + "; ".join(bad[:_SHOW]) + (" ..." if len(bad) > _SHOW else ""))
    if not dim:
        raise BadInput(f"{path}: no vectors found (expected 'word v1 v2 ...' lines)")
    matrix = np.asarray(rows, dtype=np.float32).reshape(len(rows), dim)
    check_vectors(words, matrix, str(path))
    return WordVectors(words, matrix, str(path))


def restrict(vectors: WordVectors, wanted: Sequence[str]) -> WordVectors:
    """Keep only ``wanted`` words of ``vectors`` (in ``wanted`` order); others go to missing."""
    import numpy as np

    index = {w: i for i, w in enumerate(vectors.words)}
    rows = [index[w] for w in wanted if w in index]
    found = [w for w in wanted if w in index]
    missing = [w for w in wanted if w not in index]
    matrix = np.asarray(vectors.matrix[np.asarray(rows, dtype=np.int64)], dtype=np.float32)
    return WordVectors(found, matrix.reshape(len(found), vectors.dim), vectors.source, missing)


_TOKEN = r"[\w'-]+|[^\w\s]"


def load_glove_texts(glove: Any, lines: Iterable[tuple[int, str]]
                     ) -> tuple[WordVectors, list[int]]:
    """Mean GloVe vector of each text line (tokens lower-cased; unknown tokens skipped).

    Returns ``(vectors, line_numbers)``: ``vectors.words`` are the texts (stripped) and
    ``line_numbers[i]`` the input line of ``vectors.words[i]``; a line with no known token
    goes to ``vectors.missing`` as ``"line N: text"``.
    """
    import re

    import numpy as np

    index = glove.index
    matrix = glove.matrix
    texts, numbers, rows, missing = [], [], [], []
    for number, line in lines:
        text = line.strip()
        ids = [index[t] for t in re.findall(_TOKEN, text.lower()) if t in index]
        if not ids:
            missing.append(f"line {number}: {text}")
            continue
        vector = np.asarray(matrix[np.asarray(sorted(ids))], dtype=np.float32).mean(axis=0)
        if not np.any(vector):
            missing.append(f"line {number}: {text}")
            continue
        texts.append(text)
        numbers.append(number)
        rows.append(vector)
    stacked = np.asarray(rows, dtype=np.float32).reshape(len(rows), matrix.shape[1])
    return WordVectors(texts, stacked, TEXT_MEANS, missing), numbers
