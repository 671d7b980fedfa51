"""The word layer of a model trained on a corpus (``autocomplete train``).

A trained character model gets the words, word pairs and triples of its training part
(``words.npz``, the same format as the shipped counts) and the default model's modern-English
counts beside them, read through the registry at run time (``word_layer``). How far its own
counts are trusted over the English ones (``own_weight``) is chosen on the validation split
of the training text itself (the last 10 % the trainer holds out), never on text the model is
measured on: the weights of ``OWN_WEIGHTS`` are replayed as the app would show them
(``keystroke_savings``) on the first ``CHOOSE_CHARS`` characters of that split, from the
largest down while the savings grow, and the one that saves the most keystrokes wins.

With ``--init`` the counts continue too: the starting model's own counts are added to the new
ones, except when the starting model's own counts *are* the background (``char-rnn-english``
itself: its English would otherwise count twice).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from textseq_plugins.autocomplete.counts import STORE_MIN_COUNTS, STORE_ORDER, CountStore
from textseq_plugins.autocomplete.policy import Policy
from textseq_plugins.autocomplete.text_input import split_corpus
from textseq_plugins.autocomplete.vocabulary import words_of
from textseq_plugins.autocomplete.word_layer import WordLayer, WordLayers

#: below this many characters a corpus gets no word layer of its own (too few words to beat
#: the English counts)
MIN_CHARS = 10_000
OWN_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
#: the character model's share in a word's probability (``Policy.lam`` is the shipped model's)
LAMS = (0.1, 0.2, 0.3, 0.4, 0.5)
CHOOSE_CHARS = 3_000


@dataclass
class TrainedWords:
    """What ``train_word_layer`` made: the own counts to save (None: none), the card's
    ``word_layer`` entry and ``data`` line, and one line for the command's output."""

    counts: CountStore | None
    settings: dict[str, Any]
    description: str
    summary: str
    metrics: dict[str, Any] = field(default_factory=dict)


def train_word_layer(layers: WordLayers, model: Any, text: str, *, background: str,
                     init: tuple[Any, Any] | None = None,
                     weights: tuple[float, ...] = OWN_WEIGHTS,
                     lams: tuple[float, ...] = LAMS) -> TrainedWords:
    """Count the training part of ``text`` (the first 90 %, as the character model) and
    choose its weight among ``weights`` against ``background``'s counts, then the model's
    ``lam`` among ``lams``, on the validation split with ``model`` (a ``CharModel``).
    ``init``: the starting model's ``(path, card)``."""
    train_text, val_text = split_corpus(text)
    previous = layers.for_model(*init) if init is not None else None
    if previous is not None and previous.background_name:
        background = previous.background_name  # a model trained further keeps its English
    base = _background(layers, background)
    if len(text) < MIN_CHARS:
        why = (f"the corpus has {len(text):,} characters; a word layer of its own needs "
               f"{MIN_CHARS:,}")
        return TrainedWords(None, {"own": None, "background": background if base else None,
                                   "reason": why},
                            f"no word layer of its own ({why})",
                            f"no word layer of its own: {why}")
    started = time.perf_counter()
    own = CountStore.count(words_of(train_text), STORE_ORDER, STORE_MIN_COUNTS)
    continued = None
    if previous is not None and previous.own is not None and init[1].name != background:
        own, continued = previous.own.merged(own), init[1].name
    count_s = time.perf_counter() - started
    weight, lam, tried = choose_mix(model, val_text, own, base, weights, lams)
    ngrams = {n: int(len(table[2])) for n, table in own.orders.items()}
    settings = {"own": "words.npz", "background": background if base else None,
                "own_weight": weight, "lam": lam, "savings_by_own_weight_and_lam": tried,
                "chosen_on": f"keystroke savings on the first {min(len(val_text), CHOOSE_CHARS):,}"
                             " characters of the validation split (the last 10 %)",
                "counted_chars": len(train_text), "continued_from": continued,
                "words": len(own), "ngrams": ngrams}
    described = ("words.npz: the words, word pairs and triples of the training part "
                 f"({len(train_text):,} chars"
                 + (f", added to {continued}'s own)" if continued else ")")
                 + (f", mixed with {background}'s modern-English counts (read through the "
                    f"registry) at own_weight {weight:g}" if base else "")
                 + (f", the character model's share lam {lam:g}" if lam is not None else "")
                 + "; chosen on the validation split")
    summary = (f"word layer: {len(own):,} words, {ngrams.get(2, 0):,} pairs, "
               f"{ngrams.get(3, 0):,} triples; own weight {weight:g}"
               + (f" over {background}'s counts" if base else "")
               + (f"; lam {lam:g}" if lam is not None else ""))
    metrics = {"word_layer_count_s": round(count_s, 2),
               "word_layer_choose_s": round(time.perf_counter() - started - count_s, 2)}
    return TrainedWords(own, settings, described, summary, metrics)


def _background(layers: WordLayers, name: str) -> CountStore | None:
    """``name``'s own counts (None when it has none or is not in the registry)."""
    try:
        return layers.get(name).own
    except Exception:  # noqa: BLE001 — a model without the English counts still trains
        return None


def choose_mix(model: Any, val_text: str, own: CountStore, background: CountStore | None,
               weights: tuple[float, ...] = OWN_WEIGHTS, lams: tuple[float, ...] = LAMS
               ) -> tuple[float, float | None, dict[str, float]]:
    """``own_weight`` (one of ``weights``), then ``lam`` (one of ``lams``: how far the
    model's character predictions count against the word counts; a model trained for
    minutes predicts less well than the shipped one), each the one whose suggestions save the
    most keystrokes on the first ``CHOOSE_CHARS`` characters of ``val_text``; and the savings
    of each pair tried (``"own_weight/lam"``). Without a background the weight is 1.0; with
    one value there is nothing to choose (None: the policy's ``lam``).

    A replay costs 1-2 ms a keystroke, so each is climbed from where it usually is (the
    largest weight, the policy's ``lam``) to a neighbour while the savings grow: four or five
    replays, not ``len(weights) * len(lams)``."""
    from textseq_plugins.autocomplete.completer import keystroke_savings
    from textseq_plugins.autocomplete.word_completer import WordCompleter

    sample = val_text[:CHOOSE_CHARS]
    tried: dict[str, float] = {}

    def measure(weight: float, lam: float | None) -> float:
        key = f"{weight:g}/{'policy' if lam is None else f'{lam:g}'}"
        if key not in tried:
            layer = WordLayer(own=own, background=background, own_weight=weight, lam=lam)
            tried[key] = round(keystroke_savings(WordCompleter(model, layer=layer), sample,
                                                 space=True)["savings"], 4)
        return tried[key]

    if len(sample) < 2:
        return 1.0, None, tried
    weight = 1.0
    if background is not None and len(weights) > 1:
        ordered = sorted(weights, reverse=True)
        weight = ordered[_climb(len(ordered), 0, lambda i: measure(ordered[i], None))]
    lam = None
    if len(lams) > 1:
        ordered = sorted(lams)
        start = min(range(len(ordered)), key=lambda i: abs(ordered[i] - Policy().lam))
        lam = ordered[_climb(len(ordered), start, lambda i: measure(
            weight, None if ordered[i] == Policy().lam else ordered[i]))]
    return weight, None if lam == Policy().lam else lam, tried


def _climb(n: int, start: int, measure: Any) -> int:
    """The index (of ``n``) reached from ``start`` by stepping to a neighbour while
    ``measure(index)`` grows: first downwards, else upwards."""
    best = start
    for step in (1, -1):
        i = best + step
        moved = False
        while 0 <= i < n and measure(i) > measure(best):
            best, i, moved = i, i + step, True
        if moved:
            break
    return best
