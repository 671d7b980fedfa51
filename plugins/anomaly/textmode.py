"""Text mode: which characters and words of a text surprise a character language model.

The model is the autocomplete plugin's character RNN, loaded through the shared registry
(``registry.load("char-rnn-english")``: the same cached instance the ghost text uses).
It must offer ``char_surprisals(text) -> [(char, nats, rank)]`` (rank 1 = top guess). When
it is missing, text mode says so and how to get it; nothing else breaks.
"""

from __future__ import annotations

import re
from typing import Any

from textseq_tui.plugin import Annotation, ModelError, Span

CHAR_MODEL = "char-rnn-english"
#: Its kind (the autocomplete plugin's ``ModelSpec``): another kind is refused in one line.
CHAR_MODEL_KIND = "char-rnn"
#: A character is surprising above this many nats (p < ~0.25 %).
CHAR_NATS = 6.0
#: A word is surprising above this mean surprisal per character (nats): about the 99th
#: percentile of words in held-out sentences of the default model's training corpora (masc
#: 5.99, movie reviews 3.86, State of the Union 3.12), so ordinary messages are rarely marked;
#: measured by ``python bench/anomaly_textmode.py`` (3.0, the Shakespeare-era value, marked a
#: word in 17-60 % of ordinary sentences).
WORD_NATS = 4.5
#: Words are letters with inner apostrophes: a lone "?" or "," at a message's end surprises
#: a character model often and says nothing about the text.
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def load_char_model(registry: Any, name: str = CHAR_MODEL) -> Any:
    """The shared character model, or ModelError saying how to get one."""
    try:
        model = registry.load(name, kind=CHAR_MODEL_KIND)
    except ModelError as err:
        raise ModelError(f"text mode needs the autocomplete character model {name!r}: {err} "
                         "(train one with `textseq autocomplete train --corpus FILE "
                         f"--name {name}`)") from None
    if not hasattr(model, "char_surprisals"):
        raise ModelError(f"model {name!r} has no char_surprisals(); text mode needs the "
                         "autocomplete plugin's character model")
    return model


def text_surprise(registry: Any, text: str, *, top: int = 5, char_nats: float = CHAR_NATS,
                  word_nats: float = WORD_NATS, model: Any = None) -> dict[str, Any]:
    """Surprisal of ``text`` character by character and word by word.

    Returns ``{"text", "nats_per_char", "chars": [surprising chars: index, char, nats,
    rank], "words": [the ``top`` most surprising words whose mean nats per char is above
    ``word_nats`` and twice the text's mean: word, start, end (character offsets),
    nats_per_char]}``.
    """
    model = model or load_char_model(registry)
    if not text:
        return {"text": text, "nats_per_char": 0.0, "chars": [], "words": []}
    scored = model.char_surprisals(text)
    nats = [s for _, s, _ in scored]
    chars = [{"index": i, "char": c, "nats": round(s, 3), "rank": r}
             for i, (c, s, r) in enumerate(scored) if s > char_nats]
    overall = sum(nats) / len(nats)
    # Relative as well as absolute: a weak model (or an odd text) is surprised everywhere,
    # and the words worth showing are those well above the text's own level.
    bar = max(word_nats, 2.0 * overall)
    words = []
    for m in WORD.finditer(text):
        span = nats[m.start() : m.end()]
        mean = sum(span) / len(span)
        if mean > bar:
            words.append({"word": m.group(), "start": m.start(), "end": m.end(),
                          "nats_per_char": round(mean, 3)})
    words.sort(key=lambda w: -w["nats_per_char"])
    return {"text": text, "nats_per_char": round(overall, 4), "chars": chars,
            "words": words[:top]}


def render_markup(result: dict[str, Any], escape: Any = None) -> str:
    """Markup: surprising words reversed red, surprising characters bold. Textual markup
    (the app's transcript) unless ``escape`` is Rich's (``rich.markup.escape``, for the
    CLI's Rich console)."""
    if escape is None:
        from textseq_tui.plugin import escape

    text = result["text"]
    style = [""] * len(text)
    for c in result["chars"]:
        style[c["index"]] = "bold"
    for w in result["words"]:
        for i in range(w["start"], w["end"]):
            style[i] = "reverse red"
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and style[j] == style[i]:
            j += 1
        piece = escape(text[i:j])
        out.append(f"[{style[i]}]{piece}[/]" if style[i] else piece)
        i = j
    words = ", ".join(f"{w['word']} ({w['nats_per_char']:.1f})" for w in result["words"])
    summary = f"\n{result['nats_per_char']:.2f} nats/char"
    return "".join(out) + summary + (f"; surprising: {words}" if words else "; nothing stands out")


class SurpriseAnnotator:
    """Marks the surprising words of each chat message (character model); ``None`` when the
    message is too short, and a one-time note label when the model is missing."""

    name = "surprise"

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self._missing_noted = False

    def annotate(self, text: str) -> Annotation | None:
        if len(text.strip()) < 3:
            return None
        try:
            result = text_surprise(self.registry, text, top=3)
        except ModelError as err:
            if self._missing_noted:
                return None
            self._missing_noted = True
            return Annotation(label="surprise: off (no character model)", data={"note": str(err)})
        spans = [Span(w["start"], w["end"], "reverse red",
                      f"{w['nats_per_char']:.1f} nats/char") for w in result["words"]]
        return Annotation(label=f"surprise {result['nats_per_char']:.2f} nats/char",
                          spans=spans, data=result)
