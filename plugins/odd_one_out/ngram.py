"""Character n-gram vectors for out-of-vocabulary words (fastText-style hashed buckets).

A word is wrapped as ``<word>``; its character n-grams of length 3..6 are hashed with 32-bit
FNV-1a over their UTF-8 bytes (as fastText does) into ``buckets`` rows of a (buckets, dim)
matrix. A word's vector is the mean of its n-gram rows. The matrix is trained so that these
means reproduce the GloVe vectors of known words (ridge regression), so a typo or a made-up word
("wnter", "kingdomz") lands near the words it looks like.

Files of a ``char-ngram-oov`` model: ``ngrams.safetensors`` (``buckets``: float16, (buckets, dim)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from textseq_tui.plugin import ModelError

NGRAM_FILE = "ngrams.safetensors"
MIN_N, MAX_N = 3, 6
_FNV_OFFSET, _FNV_PRIME = 2166136261, 16777619
#: training words: lower-case letters with inner apostrophes/hyphens (no digits, no punctuation)
TRAIN_WORD = re.compile(r"^[a-z]+(?:['-][a-z]+)*$")


def fnv1a(data: bytes) -> int:
    """32-bit FNV-1a hash (fastText's string hash, unsigned)."""
    h = _FNV_OFFSET
    for byte in data:
        # fastText XORs the byte as a signed char; for ASCII it is the same, and for
        # non-ASCII bytes we follow fastText exactly (sign-extended to 32 bits)
        h ^= byte if byte < 128 else (byte - 256) & 0xFFFFFFFF
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
    return h


@lru_cache(maxsize=200_000)
def _hash_ngram(ngram: str) -> int:
    return fnv1a(ngram.encode("utf-8"))


def char_ngrams(word: str, min_n: int = MIN_N, max_n: int = MAX_N) -> list[str]:
    """The n-grams (``min_n``..``max_n`` characters) of ``<word>``, without the bare brackets."""
    padded = f"<{word}>"
    out = []
    for n in range(min_n, max_n + 1):
        for i in range(len(padded) - n + 1):
            out.append(padded[i : i + n])
    return out


def ngram_buckets(word: str, buckets: int) -> list[int]:
    """Bucket ids of ``word``'s n-grams (empty when the word is shorter than one n-gram)."""
    return [_hash_ngram(g) % buckets for g in char_ngrams(word)]


@dataclass
class NgramModel:
    """Hashed n-gram vectors: ``vector(word)`` -> float32 (dim,) or None (no usable n-grams)."""

    matrix: Any  # numpy float32 (buckets, dim)

    @property
    def buckets(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def vector(self, word: str) -> Any:
        """Mean of the word's n-gram rows (raw, not normalised), or None for no n-grams."""
        ids = ngram_buckets(word.lower(), self.buckets)
        if not ids:
            return None
        return self.matrix[ids].mean(axis=0)


def load_ngram_model(model_dir: Path, device: str = "cpu") -> NgramModel:
    """Registry loader for kind ``char-ngram-oov`` (kept on the CPU as numpy float32).

    Read with safetensors' numpy API: importing torch would cost seconds before the first puzzle.
    """
    import numpy as np
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    path = Path(model_dir) / NGRAM_FILE
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise ModelError(f"{path}: not a readable safetensors file ({err})") from None
    if "buckets" not in tensors or tensors["buckets"].ndim != 2:
        raise ModelError(f"{path} has no (buckets, dim) 'buckets' tensor")
    return NgramModel(np.ascontiguousarray(tensors["buckets"], dtype=np.float32))


def training_words(words: list[str], max_words: int) -> list[int]:
    """Row ids of the first ``max_words`` GloVe words (by frequency) fit for n-gram training."""
    out = []
    for i, w in enumerate(words):
        if TRAIN_WORD.match(w) and len(w) >= 2:
            out.append(i)
            if len(out) >= max_words:
                break
    return out
