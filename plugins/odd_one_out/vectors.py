"""Word vectors for odd-one-out: GloVe 6B 50d from its PyPI package, or imported files.

On-disk layout of a vector set (a registry model of kind ``word-vectors``, or the user cache):

- ``vectors.npy``: float32 matrix, shape (vocab, dim), raw (not normalised) vectors;
- ``vocab.txt``: one word a line, in row order (UTF-8).

Both load memory-mapped into a gensim ``KeyedVectors``. Gensim's own ``.kv`` format is a
pickle, and textseq never unpickles, so the cache is these two plain files instead: a cold load
is one ``np.load(mmap_mode="r")`` plus reading the word list. :class:`PlainVectors` reads the
same files without gensim (whose import alone takes seconds) and finds words in the list only
when asked: what a one-shot command such as ``groups --board`` needs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from textseq_tui.ml import glove_matrix, glove_words
from textseq_tui.plugin import BadInput, ModelError, atomic_write_bytes

VECTORS_FILE = "vectors.npy"
VOCAB_FILE = "vocab.txt"
GLOVE_CACHE_NAME = "glove-6b-50d"

_LOCK = threading.Lock()


def write_vector_files(out_dir: Path, words: list[str], vectors: Any) -> None:
    """Write ``vectors.npy`` (float32, (vocab, dim)) and ``vocab.txt`` atomically into ``out_dir``."""
    import io

    import numpy as np

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ModelError(f"vector matrix {vectors.shape} does not match {len(words)} words")
    buf = io.BytesIO()
    np.save(buf, vectors, allow_pickle=False)
    out_dir.mkdir(parents=True, exist_ok=True)
    # vocab first: the vectors file's presence marks a complete conversion
    atomic_write_bytes(out_dir / VOCAB_FILE, ("\n".join(words) + "\n").encode("utf-8"))
    atomic_write_bytes(out_dir / VECTORS_FILE, buf.getvalue())


def convert_glove_package(out_dir: Path) -> Path:
    """Convert the package's .npy + parquet once into ``out_dir`` (about 80 MB); returns it."""

    write_vector_files(out_dir, glove_words(), glove_matrix())
    return out_dir


def _read_vector_files(model_dir: Path) -> tuple[Any, str]:
    """(memory-mapped matrix, the word list's text) of ``model_dir``, their sizes checked."""
    import numpy as np

    vec_path, vocab_path = model_dir / VECTORS_FILE, model_dir / VOCAB_FILE
    if not vec_path.is_file() or not vocab_path.is_file():
        raise ModelError(f"{model_dir} has no {VECTORS_FILE} + {VOCAB_FILE}")
    try:
        vectors = np.load(vec_path, mmap_mode="r", allow_pickle=False)
    except ValueError as err:
        raise ModelError(f"{vec_path}: not a plain .npy matrix ({err})") from None
    text = vocab_path.read_text(encoding="utf-8")
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if vectors.ndim != 2 or vectors.shape[0] != lines:
        raise ModelError(f"{model_dir}: {vectors.shape[0]} vectors but {lines} words")
    return vectors, text


def load_vector_dir(model_dir: Path) -> Any:
    """A gensim ``KeyedVectors`` on the memory-mapped files of ``model_dir``."""
    from gensim.models import KeyedVectors

    vectors, text = _read_vector_files(model_dir)
    words = text.split("\n")
    if words and words[-1] == "":
        words.pop()
    kv = KeyedVectors(vector_size=vectors.shape[1], count=0)
    kv.index_to_key = words
    kv.key_to_index = {w: i for i, w in enumerate(words)}
    kv.vectors = vectors
    return kv


class _WordRows(Mapping):
    """Word -> row of a word list held as one text, ``"\\nw0\\nw1\\n..."``: each word is
    found by a text search when first asked for (no 400,000-entry dict to build)."""

    def __init__(self, text: str, size: int) -> None:
        self._text = text
        self._size = size
        self._found: dict[str, int | None] = {}

    def get(self, word: str, default: Any = None) -> Any:  # type: ignore[override]
        if word not in self._found:
            row = None
            if word and "\n" not in word:
                pos = self._text.find(f"\n{word}\n")
                row = self._text.count("\n", 0, pos) if pos >= 0 else None
            self._found[word] = row
        row = self._found[word]
        return default if row is None else row

    def __getitem__(self, word: str) -> int:
        row = self.get(word)
        if row is None:
            raise KeyError(word)
        return row

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[str]:
        return iter(self._text[1:-1].split("\n"))


class PlainVectors:
    """The part of gensim's ``KeyedVectors`` the odd-one-out AI uses, on the same memory-mapped
    files, without importing gensim: ``vectors``, ``vector_size``, ``key_to_index``,
    ``index_to_key``, ``kv[word]`` and ``similar_by_vector``."""

    def __init__(self, vectors: Any, words_text: str) -> None:
        self.vectors = vectors
        self.vector_size = int(vectors.shape[1])
        self._text = "\n" + words_text.strip("\n") + "\n"
        self.key_to_index = _WordRows(self._text, int(vectors.shape[0]))
        self._words: list[str] | None = None

    @property
    def index_to_key(self) -> list[str]:
        if self._words is None:
            self._words = self._text[1:-1].split("\n")
        return self._words

    def __getitem__(self, word: str) -> Any:
        return self.vectors[self.key_to_index[word]]

    def __contains__(self, word: object) -> bool:
        return word in self.key_to_index

    def similar_by_vector(self, vector: Any, topn: int = 10, restrict_vocab: int | None = None
                          ) -> list[tuple[str, float]]:
        """The ``topn`` words (of the first ``restrict_vocab``) nearest ``vector`` by cosine."""
        import numpy as np

        limit = len(self.vectors) if restrict_vocab is None else restrict_vocab
        rows = np.asarray(self.vectors[:limit], dtype=np.float32)
        sims = rows @ np.asarray(vector, np.float32)
        sims /= np.maximum(np.linalg.norm(rows, axis=1) * np.linalg.norm(vector), 1e-8)
        top = np.argsort(-sims)[:topn]
        words = self._text[1:].split("\n", int(top.max()) + 1) if len(top) else []
        return [(words[i], float(sims[i])) for i in top]


def load_plain_vectors(model_dir: Path) -> PlainVectors:
    """:class:`PlainVectors` on the memory-mapped files of ``model_dir``."""
    return PlainVectors(*_read_vector_files(model_dir))


def load_glove(cache_dir: Path, plain: bool = False) -> Any:
    """GloVe 6B 50d as ``KeyedVectors`` (``plain``: as :class:`PlainVectors`), converting into
    ``cache_dir`` on first use."""
    target = Path(cache_dir) / GLOVE_CACHE_NAME
    with _LOCK:
        if not (target / VECTORS_FILE).is_file():
            convert_glove_package(target)
    return load_plain_vectors(target) if plain else load_vector_dir(target)


def read_vector_file(path: Path, fmt: str = "auto", limit: int | None = None) -> tuple[list[str], Any]:
    """Read a word2vec/GloVe text or word2vec binary file -> (words, float32 matrix).

    ``fmt``: "auto" (by content: binary when the header line is followed by non-text bytes;
    GloVe text when the first line has no "count dim" header), "word2vec-text",
    "word2vec-binary", "glove-text". Gensim ``.kv``/``.model`` files are pickles and are refused.
    """
    from gensim.models import KeyedVectors

    path = Path(path).expanduser()
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    if path.suffix in (".kv", ".model", ".pkl", ".pickle"):
        raise BadInput(
            f"{path}: gensim's native files are Python pickles, which textseq never loads; "
            "save them with kv.save_word2vec_format(path, binary=True) and import that"
        )
    if fmt == "auto":
        fmt = _sniff_format(path)
    try:
        if fmt == "glove-text":
            kv = KeyedVectors.load_word2vec_format(str(path), binary=False, no_header=True,
                                                   limit=limit, unicode_errors="replace")
        elif fmt in ("word2vec-text", "word2vec-binary"):
            kv = KeyedVectors.load_word2vec_format(str(path), binary=fmt == "word2vec-binary",
                                                   limit=limit, unicode_errors="replace")
        else:
            raise BadInput(f"unknown format {fmt!r}: use auto, word2vec-text, word2vec-binary "
                           "or glove-text")
    except (ValueError, EOFError, UnicodeDecodeError, IndexError) as err:
        raise BadInput(f"{path}: not a readable {fmt} vector file ({err})") from None
    if len(kv.index_to_key) == 0:
        raise BadInput(f"{path}: no vectors found")
    return list(kv.index_to_key), kv.vectors


def _sniff_format(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    first, _, rest = head.partition(b"\n")
    parts = first.split()
    is_header = len(parts) == 2 and all(p.isdigit() for p in parts)
    if not is_header:
        return "glove-text"
    try:
        rest.decode("utf-8")
    except UnicodeDecodeError as err:
        # a text file cut mid-character at 4096 bytes only fails in the last few bytes
        if err.start < len(rest) - 4:
            return "word2vec-binary"
    return "word2vec-text"
