"""The personal model: the default weights plus a user's own deltas, learned online.

A correction ("this is actually negative") is one passive-aggressive (PA) update of the
deltas on that text's term counts x:

- label ``pos``/``neg`` (hinge): if s * f(x) < margin, move by tau = (margin - s f) / |x|^2
  along s x, so the text lands on the margin (s = +1/-1, margin = the binary scale value);
- a float target y (epsilon-insensitive): if |y - f| > eps, move by (|y - f| - eps) / |x|^2
  along sign(y - f) x.

So the corrected text scores as the user said at once, and words shared with other texts
move them a little. Deltas live in the store (``sentiment_personal``), written in one
transaction with the correction's log row (``sentiment_corrections``); ``reset`` deletes
them: the default model is untouched, so a reset is complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textseq_plugins.sentiment.datasets import parse_label
from textseq_plugins.sentiment.model import SentimentModel

from textseq_tui.plugin import BadInput

EPSILON = 0.05
#: tau is capped so one odd correction cannot swing a word without bound (PA-I's C).
MAX_STEP = 2.0


@dataclass
class Correction:
    """The outcome of one correction: the score before and after, and the step taken."""

    text: str
    label: str
    target: float
    before: float
    after: float
    step: float


def pa_update(model: SentimentModel, deltas: dict[str, float], text: str, label: str
              ) -> tuple[dict[str, float], Correction]:
    """One online update; returns the changed deltas (term -> new value) and a summary."""
    if not text.strip():
        raise BadInput("cannot learn from an empty text")
    parsed = parse_label(label)
    target = parsed.target
    counts = model.term_counts(text)
    if not counts:
        raise BadInput("the text has no words to learn from")
    before = model.raw_score(text, deltas)
    norm2 = float(sum(c * c for c in counts.values()))
    if parsed.polarity:  # hinge: at least as positive (negative) as the class's value
        sign = 1.0 if target > 0 else -1.0
        loss = max(0.0, abs(target) - sign * before)
    else:  # epsilon-insensitive: this score, give or take EPSILON
        diff = target - before
        sign = 1.0 if diff > 0 else -1.0
        loss = max(0.0, abs(diff) - EPSILON)
    # on the margin already (to rounding): nothing to learn
    tau = min(MAX_STEP, loss / norm2) if loss > 1e-9 else 0.0
    changed = {}
    if tau > 0:
        for term, count in counts.items():
            changed[term] = deltas.get(term, 0.0) + tau * sign * count
    after_deltas = {**deltas, **changed}
    after = model.raw_score(text, after_deltas)
    return changed, Correction(text, label, target, model.calibrate(before),
                               model.calibrate(after), tau)


class PersonalModel:
    """The user's scorer over the store: default model + deltas (reloaded on each call)."""

    def __init__(self, model: SentimentModel, store: Any) -> None:
        self.model = model
        self.store = store

    def deltas(self) -> dict[str, float]:
        """The user's deltas for this model (empty when none or after a reset)."""
        rows = self.store.rows("personal", "model = ?", [self.model.name])
        return {r["term"]: r["delta"] for r in rows}

    def correct(self, text: str, label: str) -> Correction:
        """Apply and persist one correction (one transaction: deltas + log row)."""
        import time

        deltas = self.deltas()
        changed, corr = pa_update(self.model, deltas, text, label)
        with self.store.transaction() as tx:
            tx.table("personal").upsert_all(
                [{"model": self.model.name, "term": t, "delta": v} for t, v in changed.items()],
                pk=("model", "term"),
            )
            tx.table("corrections").insert({
                "model": self.model.name, "version": self.model.version, "text": text,
                "label": label, "target": corr.target, "before": corr.before,
                "after": corr.after, "at": time.time(),
            })
        return corr

    def reset(self) -> int:
        """Forget every correction of this model; returns how many terms were reset."""
        n = len(self.deltas())
        with self.store.transaction() as tx:
            tx.execute(f"DELETE FROM {tx.table_name('personal')} WHERE model = ?",
                       [self.model.name])
            tx.execute(f"DELETE FROM {tx.table_name('corrections')} WHERE model = ?",
                       [self.model.name])
        return n
