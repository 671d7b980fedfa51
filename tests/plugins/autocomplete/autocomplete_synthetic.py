"""A tiny grammar for synthetic training text (its own module name: conftest.py files of
several test folders share that basename, so `from conftest import ...` is ambiguous)."""

from __future__ import annotations

import random

SUBJECTS = ["the quick brown fox", "the lazy dog", "my good lord", "the king", "a queen"]
VERBS = ["jumps over", "sleeps beside", "speaks with", "waits for"]


def synthetic_corpus(sentences: int, seed: int = 0) -> str:
    """Short sentences from a tiny grammar: predictable words, some choice between them."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        out.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(SUBJECTS)}.")
    return " ".join(out) + "\n"
