"""Count invariants of normal sessions (invariants mining, Lou et al., USENIX ATC 2010).

A session's *count vector* says how often each event occurs in it. In normal HDFS sessions
some linear relations between counts almost always hold — every "Receiving block" (5) has
its "PacketResponder terminating" (11), three of each per allocated block (22) — and the
abnormal sessions break them. :class:`CountInvariants` finds the sparse integer relations
``c . x = 0`` over at most ``max_size`` events that hold in at least ``support`` of the
normal sessions it is fitted on, as loglizer's InvariantsMiner does.

The detector uses them as a second view beside the next-token model (see
``AnomalyDetector.score``): the order of a session may be unusual without being wrong (a
rare interleaving of two replicas), and counts may be unusual in a normal session (a block
replicated once more); a session whose counts break an invariant *and* which has a step
the sequence model finds unusual is an anomaly. A session whose count vector is exactly that
of a normal training session breaks nothing: an invariant holding in 98 % of sessions is
broken by the other 2 % of normal ones (a re-replicated block adds a "Receiving" without
its "terminating"), and those are known count vectors, not anomalies. Pure numpy; nothing
here imports torch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from textseq_tui.plugin import ModelError


def count_matrix(sessions: Sequence[Sequence[str]], events: Sequence[str]) -> Any:
    """Event-count vectors ``(n_sessions, len(events))`` (float64); other events are dropped."""
    import numpy as np

    col = {e: j for j, e in enumerate(events)}
    out = np.zeros((len(sessions), len(events)), dtype=np.float64)
    for i, seq in enumerate(sessions):
        row = out[i]
        for tok in seq:
            j = col.get(tok)
            if j is not None:
                row[j] += 1
    return out


class CountInvariants:
    """Invariants mined from normal sessions; :meth:`broken` lists those a session breaks.

    ``max_events``: with more distinct events than this (word or character vocabularies),
    nothing is mined — relations between counts mean something for log keys, not words,
    and the search grows as events cubed.
    """

    def __init__(self, max_size: int = 3, support: float = 0.98, max_coef: int = 10,
                 max_events: int = 60) -> None:
        self.max_size, self.support = max_size, support
        self.max_coef, self.max_events = max_coef, max_events
        self.events: list[str] = []
        #: ``(event indices, integer coefficients)`` per invariant.
        self.invariants: list[tuple[tuple[int, ...], list[int]]] = []
        #: The count vectors of the normal sessions fitted on (they break nothing).
        self.known: set[tuple[int, ...]] = set()

    def __len__(self) -> int:
        return len(self.invariants)

    def fit(self, sessions: Sequence[Sequence[str]]) -> CountInvariants:
        """Mine the invariants of ``sessions`` (normal ones); smaller relations first, and a
        set of events holding one is not searched again (loglizer's pruning)."""
        import numpy as np

        self.events = sorted({t for s in sessions for t in s})
        self.invariants = []
        if not sessions or len(self.events) > self.max_events:
            return self
        x = count_matrix(sessions, self.events)
        # Identical count vectors are common (sessions repeat shapes): weight unique rows.
        uniq, weight = np.unique(x, axis=0, return_counts=True)
        self.known = {tuple(int(v) for v in row) for row in uniq}
        total = weight.sum()
        found: list[set[int]] = []
        for size in range(1, self.max_size + 1):
            for cols in combinations(range(len(self.events)), size):
                if any(f <= set(cols) for f in found):
                    continue
                sub = uniq[:, cols]
                coef = np.linalg.svd(sub * np.sqrt(weight)[:, None], full_matrices=True)[2][-1]
                if not (np.abs(coef) > 1e-6).all():
                    continue  # the relation lives on fewer events: found at a smaller size
                coef = coef / np.abs(coef).min()
                if np.abs(coef).max() > self.max_coef:
                    continue
                coef = np.round(coef)
                coef = coef if coef[0] > 0 else -coef
                held = weight[np.abs(sub @ coef) < 1e-9].sum()
                if held >= self.support * total:
                    found.append(set(cols))
                    self.invariants.append((cols, [int(c) for c in coef]))
        return self

    def broken(self, sessions: Sequence[Sequence[str]], spare_known: bool = True
               ) -> list[list[int]]:
        """Per session, the indices of the invariants it breaks; with ``spare_known`` none
        for a session whose count vector is that of a normal session fitted on (events the
        invariants do not know are ignored here: the sequence model flags unseen tokens)."""
        import numpy as np

        if not self.invariants:
            return [[] for _ in sessions]
        x = count_matrix(sessions, self.events)
        bad = np.zeros((len(sessions), len(self.invariants)), dtype=bool)
        for k, (cols, coef) in enumerate(self.invariants):
            bad[:, k] = np.abs(x[:, list(cols)] @ np.asarray(coef, dtype=np.float64)) > 1e-9
        out = []
        for i, row in enumerate(bad):
            if row.any() and not (spare_known and tuple(int(v) for v in x[i]) in self.known):
                out.append(np.flatnonzero(row).tolist())
            else:
                out.append([])
        return out

    def describe(self, k: int) -> str:
        """Invariant ``k`` as text, e.g. ``"#11 = #5"`` or ``"#5 = 3 #22"`` or ``"#18 = 0"``."""
        cols, coef = self.invariants[k]
        left = [(c, self.events[j]) for j, c in zip(cols, coef, strict=True) if c > 0]
        right = [(-c, self.events[j]) for j, c in zip(cols, coef, strict=True) if c < 0]

        def side(terms: list[tuple[int, str]]) -> str:
            return " + ".join(f"{c} #{e}" if c != 1 else f"#{e}" for c, e in terms) or "0"

        return f"{side(left)} = {side(right)}"

    def to_json(self) -> str:
        return json.dumps({"events": self.events, "support": self.support,
                           "invariants": [{"events": [self.events[j] for j in cols],
                                           "coef": coef} for cols, coef in self.invariants],
                           "known_counts": sorted(self.known)})

    @classmethod
    def from_json(cls, text: str) -> CountInvariants:
        try:
            raw = json.loads(text)
            inv = cls(support=float(raw.get("support", 0.98)))
            inv.events = [str(e) for e in raw["events"]]
            index = {e: j for j, e in enumerate(inv.events)}
            inv.invariants = [(tuple(index[e] for e in r["events"]), [int(c) for c in r["coef"]])
                              for r in raw["invariants"]]
            inv.known = {tuple(int(v) for v in row) for row in raw.get("known_counts", [])}
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise ModelError(f"invariants file is not valid ({err})") from None
        return inv
