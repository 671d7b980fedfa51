"""Outlier-detection evaluation (Camacho-Collados & Navigli 2016): accuracy and OPP.

A data set is a folder of topics, one ``.txt`` per topic: 8 cluster words, a blank line, 8
outliers. Each (topic, outlier) pair is one test case of 9 items: the cluster plus that outlier.
For a case, a scorer gives every item an outlier score (higher = more likely the odd one);
the outlier's position p is the number of cluster items it outscores (0..8).

- accuracy: share of cases where p == 8 (the outlier is ranked first), in %;
- OPP (outlier position percentage): mean of p / 8, in %.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Topic:
    """One topic of an outlier data set: its cluster words and its outliers (items as written)."""

    name: str
    cluster: tuple[str, ...]
    outliers: tuple[str, ...]

    def cases(self) -> list[tuple[list[str], str]]:
        """(items, outlier) test cases: the cluster plus each outlier, outlier last."""
        return [([*self.cluster, o], o) for o in self.outliers]


def read_topic(path: Path) -> Topic:
    """Parse one topic file (cluster words, blank line, outliers); '_' joins multiword items."""
    text = path.read_text(encoding="utf-8", errors="replace")
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if len(blocks) < 2:
        raise ValueError(f"{path}: expected cluster words, a blank line, then outliers")
    cluster = tuple(w.strip().replace("_", " ") for w in blocks[0].splitlines() if w.strip())
    outliers = tuple(
        w.strip().replace("_", " ") for b in blocks[1:] for w in b.splitlines() if w.strip()
    )
    return Topic(path.stem, cluster, outliers)


def read_dataset(folder: Path) -> list[Topic]:
    """Every topic (``*.txt``) in ``folder``, sorted by name."""
    return [read_topic(p) for p in sorted(Path(folder).glob("*.txt"))]


#: (items) -> one outlier score per item, higher = more likely the odd one
Scorer = Callable[[Sequence[str]], Sequence[float]]


def evaluate(topics: Sequence[Topic], scorer: Scorer) -> dict[str, float]:
    """Accuracy and OPP (both in %) of ``scorer`` over every case of ``topics``.

    Ties count against the scorer: the outlier must score strictly above an item to pass it.
    """
    hits = positions = cases = 0
    for topic in topics:
        for items, _outlier in topic.cases():
            scores = list(scorer(items))
            mine = scores[-1]
            p = sum(1 for s in scores[:-1] if mine > s)
            n = len(items) - 1
            hits += p == n
            positions += p / n
            cases += 1
    return {
        "accuracy": 100.0 * hits / max(cases, 1),
        "opp": 100.0 * positions / max(cases, 1),
        "cases": cases,
    }
