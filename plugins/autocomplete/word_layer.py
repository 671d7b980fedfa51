"""A character model's word layer: the word counts its suggestions draw on.

A model may ship ``words.npz`` (a ``counts.CountStore``: the words, word pairs and triples of
its training text) beside its weights. Its card says how that layer is used, under
``hyperparameters["word_layer"]``:

- ``background``: the registry name of a model whose own counts go under this one's (a model
  trained with ``autocomplete train`` on your corpus has the default model's modern-English
  counts there, read through the registry, never copied into it);
- ``own_weight``: how far this model's own counts are trusted over the background (0-1,
  chosen on the validation split of its training text when it was trained).

A model without that entry (the shipped ``char-rnn-english``) uses its own counts alone, at
full weight; a model without ``words.npz`` (``char-rnn-shakespeare``) has none of its own.
Counts are read with numpy only (no torch: the first ghost text after launch comes from
them while the character model loads) and checked against the sha256 on the card. A damaged
or missing file never breaks typing: the layer goes on without it (``WordLayer.note``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textseq_plugins.autocomplete.counts import WORD_STORE, CountStore
from textseq_plugins.autocomplete.policy import Policy

#: the card's entry (under ``hyperparameters``) that says how the word layer is used
CARD_KEY = "word_layer"


@dataclass(frozen=True)
class WordLayer:
    """The counts a model's suggestions draw on: its ``own`` (its training text's) and the
    ``background`` under them (another model's own, by name: ``background_name``), mixed by
    ``own_weight`` (see ``WordCompleter._priors``). ``note`` says what is missing and why."""

    own: CountStore | None = None
    background: CountStore | None = None
    own_weight: float = 1.0
    background_name: str = ""
    note: str = ""

    def without_own(self) -> WordLayer:
        """The same layer without the model's own counts (its background alone)."""
        return WordLayer(background=self.background, background_name=self.background_name)


def layer_settings(card: Any) -> dict[str, Any]:
    """The card's word-layer entry (``{}``: own counts alone, at full weight)."""
    found = (getattr(card, "hyperparameters", None) or {}).get(CARD_KEY)
    return found if isinstance(found, dict) else {}


class WordLayers:
    """The word layers of the registry's models, read once per model file (thread-safe).

    The app keeps one (the ghost text asks for its model's layer when the model changes); a
    CLI command makes its own."""

    def __init__(self, registry: Any, policy: Policy | None = None) -> None:
        self.registry = registry
        self.continuation = (policy or Policy()).background_continuation
        self._counts: dict[tuple[str, str], CountStore] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> WordLayer:
        """The word layer of the registry's model ``name`` (``ModelNotFound`` when there is no
        such model)."""
        info = self.registry.get(name)
        return self.for_model(info.path, info.card)

    def for_model(self, path: Path, card: Any) -> WordLayer:
        """The word layer of the model in folder ``path`` with ``card``."""
        settings = layer_settings(card)
        own, note = self.own_counts(path, card)
        background_name = str(settings.get("background") or "")
        background = None
        if background_name and background_name != card.name:
            try:
                info = self.registry.get(background_name)
                background, why = self.own_counts(info.path, info.card)
            except Exception as err:  # noqa: BLE001 — typing goes on without the background
                why = str(err)
            if background is None:
                note = note or f"no background word counts from {background_name} ({why})"
        weight = float(settings.get("own_weight", 1.0)) if background is not None else 1.0
        return WordLayer(own=own, background=background, own_weight=weight,
                         background_name=background_name if background is not None else "",
                         note=note)

    def own_counts(self, path: Path, card: Any) -> tuple[CountStore | None, str]:
        """The model's own ``words.npz`` when its card lists it and the file matches its
        sha256; else None and why ("" when the model simply has none)."""
        digest = (getattr(card, "files", None) or {}).get(WORD_STORE)
        if not digest:
            return None, ""
        file = Path(path) / WORD_STORE
        key = (str(file), digest)
        with self._lock:
            if key in self._counts:
                return self._counts[key], ""
            import zipfile

            from textseq_tui.plugin import sha256_file

            try:
                if sha256_file(file) != digest:
                    return None, f"{file} does not match its card (sha256)"
                counts = CountStore.load(file, self.continuation)
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
                return None, f"{file} unreadable ({type(err).__name__}: {str(err)[:100]})"
            self._counts[key] = counts
            return counts, ""
