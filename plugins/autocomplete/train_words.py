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
from textseq_plugins.autocomplete.text_input import split_corpus
from textseq_plugins.autocomplete.vocabulary import words_of
from textseq_plugins.autocomplete.word_layer import WordLayer, WordLayers

#: below this many characters a corpus gets no word layer of its own (too few words to beat
#: the English counts)
MIN_CHARS = 10_000
OWN_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
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
                     weights: tuple[float, ...] = OWN_WEIGHTS) -> TrainedWords:
    """Count the training part of ``text`` (the first 90 %, as the character model) and
    choose its weight among ``weights`` against ``background``'s counts on the validation
    split with ``model`` (a ``CharModel``). ``init``: the starting model's ``(path,
    card)``."""
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
    weight, tried = choose_own_weight(model, val_text, own, base, weights)
    ngrams = {n: int(len(table[2])) for n, table in own.orders.items()}
    settings = {"own": "words.npz", "background": background if base else None,
                "own_weight": weight, "savings_by_own_weight": tried,
                "chosen_on": f"keystroke savings on the first {min(len(val_text), CHOOSE_CHARS):,}"
                             " characters of the validation split (the last 10 %)",
                "counted_chars": len(train_text), "continued_from": continued,
                "words": len(own), "ngrams": ngrams}
    described = ("words.npz: the words, word pairs and triples of the training part "
                 f"({len(train_text):,} chars"
                 + (f", added to {continued}'s own)" if continued else ")")
                 + (f", mixed with {background}'s modern-English counts (read through the "
                    f"registry) at own_weight {weight:g}, chosen on the validation split"
                    if base else ""))
    summary = (f"word layer: {len(own):,} words, {ngrams.get(2, 0):,} pairs, "
               f"{ngrams.get(3, 0):,} triples; own weight {weight:g}"
               + (f" over {background}'s counts" if base else ""))
    metrics = {"word_layer_count_s": round(count_s, 2),
               "word_layer_choose_s": round(time.perf_counter() - started - count_s, 2)}
    return TrainedWords(own, settings, described, summary, metrics)


def _background(layers: WordLayers, name: str) -> CountStore | None:
    """``name``'s own counts (None when it has none or is not in the registry)."""
    try:
        return layers.get(name).own
    except Exception:  # noqa: BLE001 — a model without the English counts still trains
        return None


def choose_own_weight(model: Any, val_text: str, own: CountStore, background: CountStore | None,
                      weights: tuple[float, ...] = OWN_WEIGHTS
                      ) -> tuple[float, dict[str, float]]:
    """The one of ``weights`` whose suggestions save the most keystrokes on the first
    ``CHOOSE_CHARS`` characters of ``val_text``, and the savings of each one tried (without a
    background there is nothing to weigh: 1.0; with one weight, nothing to choose).

    A replay costs 1-2 ms a keystroke, so the weights are tried from the largest down while
    the savings grow (a text's own counts usually help: two or three replays, not five)."""
    from textseq_plugins.autocomplete.completer import keystroke_savings
    from textseq_plugins.autocomplete.word_completer import WordCompleter

    sample = val_text[:CHOOSE_CHARS]
    if background is None or len(sample) < 2:
        return 1.0, {}
    if len(weights) == 1:
        return weights[0], {}
    tried: dict[float, float] = {}
    for weight in sorted(weights, reverse=True):
        layer = WordLayer(own=own, background=background, own_weight=weight)
        tried[weight] = keystroke_savings(WordCompleter(model, layer=layer), sample,
                                          space=True)["savings"]
        if len(tried) > 1 and tried[weight] <= max(v for w, v in tried.items() if w != weight):
            break  # no better than a larger weight: the savings have stopped growing
    best = max(tried, key=lambda w: (tried[w], w))
    return best, {f"{w:g}": round(v, 4) for w, v in tried.items()}
