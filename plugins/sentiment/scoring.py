"""What the CLI, the slash command, the annotator and the screen share: the user's scorer.

``SentimentScorer`` = the registry's cached model + the user's personal deltas (from the
store, cached until a correction or reset) + a log of shown scores with the model version.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from textseq_plugins.sentiment.model import EMPTY_NOTE, Explanation, SentimentModel
from textseq_plugins.sentiment.plugin import DEFAULT_MODEL, MODEL_KIND

from textseq_tui.plugin import Annotation, BadInput, PluginContext, Span

#: Texts above this many characters are scored on their first MAX_CHARS (a 1 MB paste must
#: not stall the meter); the note says so.
MAX_CHARS = 200_000


class SentimentScorer:
    """Scores for one user: ``personal=True`` adds their corrections to the model."""

    def __init__(self, ctx: PluginContext, model_name: str | None = None,
                 personal: bool = True) -> None:
        self.ctx = ctx
        self.model_name = model_name or ctx.settings.get("model", DEFAULT_MODEL) or DEFAULT_MODEL
        self.use_personal = personal
        self._deltas: dict[str, float] | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> SentimentModel:
        # the model is plain Python dicts: no reason to let "auto" import torch for a device
        return self.ctx.registry.load(self.model_name, device="cpu", kind=MODEL_KIND)

    def personal(self) -> Any:
        from textseq_plugins.sentiment.personal import PersonalModel

        return PersonalModel(self.model, self.ctx.store)

    def deltas(self) -> dict[str, float] | None:
        """The personal deltas (None when personal scoring is off or there are none)."""
        if not self.use_personal:
            return None
        with self._lock:
            if self._deltas is None:
                self._deltas = self.personal().deltas()
            return self._deltas or None

    def explain(self, text: str) -> Explanation:
        """Score and explain; an over-long text is cut to ``MAX_CHARS`` with a note."""
        note = ""
        if len(text) > MAX_CHARS:
            text, note = text[:MAX_CHARS], f"scored the first {MAX_CHARS:,} characters"
        exp = self.model.explain(text, self.deltas())
        if note:
            exp.note = note
        return exp

    def score(self, text: str) -> dict[str, Any]:
        """The CLI's answer for one text: ``{"text", "score"}`` (+ ``"note"`` when any)."""
        if not text.strip():
            return {"text": text, "score": 0.0, "note": EMPTY_NOTE}
        out: dict[str, Any] = {"text": text}
        if len(text) > MAX_CHARS:
            out["note"] = f"scored the first {MAX_CHARS:,} characters"
            text = text[:MAX_CHARS]
        out["score"] = round(self.model.score(text, self.deltas()), 4)
        return out

    def correct(self, text: str, label: str) -> Any:
        """Apply a user's correction to their personal model (persisted at once)."""
        if not self.use_personal:
            raise BadInput("corrections go to the personal model; drop --no-personal")
        with self._lock:
            result = self.personal().correct(text, label)
            self._deltas = None
        return result

    def reset(self) -> int:
        """Back to the default model: delete this user's deltas and corrections."""
        with self._lock:
            n = self.personal().reset()
            self._deltas = None
        return n

    def record(self, text: str, score: float, source: str) -> None:
        """Store a shown score with the model name and version (the app's history)."""
        model = self.model
        self.ctx.store.insert("scores", {
            "text": text[:2000], "score": float(score), "model": model.name,
            "version": model.version, "personal": int(bool(self.deltas())),
            "source": source, "at": time.time(),
        })


def label_for(score: float) -> str:
    """``sentiment +0.42``: the annotator's label."""
    return f"sentiment {score:+.2f}"


class SentimentAnnotator:
    """The chat's message annotator: a score label and spans on the words that drove it."""

    name = "sentiment"

    def __init__(self, scorer: SentimentScorer, top: int = 3) -> None:
        self.scorer = scorer
        self.top = top

    def annotate(self, text: str) -> Annotation | None:
        if not text.strip():
            return None
        exp = self.scorer.explain(text)
        spans = []
        for c in exp.contributions[: self.top]:
            style = "bold green" if c.value > 0 else "bold red"
            for start, end in c.spans[:2]:
                spans.append(Span(start, end, style, f"{c.term} {c.value:+.2f}"))
        self.scorer.record(text, exp.score, "annotator")
        return Annotation(label_for(exp.score), spans,
                          data={"score": exp.score, "model": self.scorer.model_name})
