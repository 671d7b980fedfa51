"""Word vectors for odd-one-out: the shared GloVe model, or imported files.

GloVe 6B 50d is the registry model ``textseq_tui.ml.GLOVE_MODEL`` (a
``textseq_tui.ml.GloveVectors``: the package's own ``.npy`` memory-mapped, nothing copied);
:func:`as_keyed_vectors` wraps it in the gensim ``KeyedVectors`` the model works on.

On-disk layout of an imported vector set (a registry model of kind ``word-vectors``):

- ``vectors.npy``: float32 matrix, shape (vocab, dim), raw (not normalised) vectors;
- ``vocab.txt``: one word a line, in row order (UTF-8).

Both load memory-mapped into a gensim ``KeyedVectors``. Gensim's own ``.kv`` format is a
pickle, and textseq never unpickles, so these are two plain files instead: a cold load is
one ``np.load(mmap_mode="r")`` plus reading the word list. :func:`plain_vectors` wraps the
shared GloVe without gensim (whose import alone takes seconds) and finds words in its list
only when asked: what a one-shot command such as ``groups --board`` needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from textseq_tui.plugin import BadInput, ModelError, atomic_write_bytes

VECTORS_FILE = "vectors.npy"
VOCAB_FILE = "vocab.txt"


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
    # vocab first: the vectors file's presence marks a complete write
    atomic_write_bytes(out_dir / VOCAB_FILE, ("\n".join(words) + "\n").encode("utf-8"))
    atomic_write_bytes(out_dir / VECTORS_FILE, buf.getvalue())


def load_vector_dir(model_dir: Path) -> Any:
    """A gensim ``KeyedVectors`` on the memory-mapped files of ``model_dir``."""
    import numpy as np

    vec_path, vocab_path = model_dir / VECTORS_FILE, model_dir / VOCAB_FILE
    if not vec_path.is_file() or not vocab_path.is_file():
        raise ModelError(f"{model_dir} has no {VECTORS_FILE} + {VOCAB_FILE}")
    try:
        vectors = np.load(vec_path, mmap_mode="r", allow_pickle=False)
    except ValueError as err:
        raise ModelError(f"{vec_path}: not a plain .npy matrix ({err})") from None
    words = vocab_path.read_text(encoding="utf-8").split("\n")
    if words and words[-1] == "":
        words.pop()
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ModelError(f"{model_dir}: {vectors.shape[0]} vectors but {len(words)} words")
    return keyed_vectors(words, vectors)


def keyed_vectors(words: list[str], vectors: Any, index: dict[str, int] | None = None) -> Any:
    """A gensim ``KeyedVectors`` over ``vectors`` (row ``i`` is ``words[i]``) without copying
    them (a memory map stays one); ``index`` (word -> row) is built when not given."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=vectors.shape[1], count=0)
    kv.index_to_key = words
    kv.key_to_index = index if index is not None else {w: i for i, w in enumerate(words)}
    kv.vectors = vectors
    return kv


def as_keyed_vectors(model: Any) -> Any:
    """The ``KeyedVectors`` of a loaded vector model: an imported set is one already; the
    shared GloVe model (``.words``, ``.matrix``, ``.index``) is wrapped, its matrix in row
    order (the package stores it column-major; a word's row is then one read, and every sum
    runs in the order the model was tuned with)."""
    import numpy as np

    if hasattr(model, "key_to_index"):
        return model
    return keyed_vectors(model.words, np.ascontiguousarray(model.matrix), model.index)


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
    """The part of gensim's ``KeyedVectors`` the odd-one-out AI uses, on the same matrix,
    without importing gensim: ``vectors``, ``vector_size``, ``key_to_index``,
    ``index_to_key``, ``kv[word]`` and ``similar_by_vector``."""

    def __init__(self, vectors: Any, words: list[str]) -> None:
        self.vectors = vectors
        self.vector_size = int(vectors.shape[1])
        self.index_to_key = words
        self.key_to_index = _WordRows("\n" + "\n".join(words) + "\n", int(vectors.shape[0]))

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
        return [(self.index_to_key[i], float(sims[i])) for i in top]


def plain_vectors(model: Any) -> Any:
    """The shared GloVe model (``.words``, ``.matrix``) as :class:`PlainVectors` (its memory
    map as is, no gensim); an imported set (``KeyedVectors`` already) is returned as it is."""
    if hasattr(model, "key_to_index"):
        return model
    return PlainVectors(model.matrix, model.words)


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
