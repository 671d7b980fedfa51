"""How a score is said to a person: its label, the words worth highlighting, and an
explanation whose numbers add up to the score shown.

One choice everywhere (the chat, the meter, ``/sentiment``, ``sentiment score --explain``):
each word's number is its share of the shown score (``Contribution.share``: the raw
contributions rescaled by the one factor that maps them onto the score), and the words'
shares, the other words' and the model's own lean (``Explanation.base``) sum to the score.
Shown rounded, the rounding is spread so that the rounded numbers still sum to the rounded
score.
"""

from __future__ import annotations

from typing import Any

from textseq_plugins.sentiment.model import Explanation

#: A word is highlighted when its share of the score is at least this (on the -1..+1
#: scale): a tenth of the scale, so a function word ("to", "have", "get"), whose GloVe
#: and lexicon parts move a sentence by a few hundredths, never lights up.
HIGHLIGHT_SHARE = 0.10
#: Words named in an explanation before the rest are summed as "other words".
TOP_WORDS = 8
OTHER_WORDS = "other words"
LEAN = "the model's lean"


def label_for(score: float) -> str:
    """The chat's label: ``positive 0.42``, ``negative 0.31`` or ``neutral``."""
    from textseq_plugins.sentiment.model import mood

    word = mood(score)
    return word if word == "neutral" else f"{word} {abs(score):.2f}"


def highlighted(exp: Explanation) -> list[Any]:
    """The contributions whose share of the score is real (``|share| >= HIGHLIGHT_SHARE``)."""
    return [c for c in exp.contributions if abs(c.share) >= HIGHLIGHT_SHARE]


def rounded_to_sum(values: list[float], total: float, digits: int = 2) -> list[float]:
    """``values`` rounded to ``digits`` so that they sum to ``total`` rounded (largest
    remainders take the units the rounding left over)."""
    unit = 10.0 ** -digits
    scaled = [v / unit for v in values]
    floors = [int(v // 1) for v in scaled]
    left = round(total / unit) - sum(floors)
    order = sorted(range(len(values)), key=lambda i: -(scaled[i] - floors[i]))
    for i in order[:max(0, left)]:
        floors[i] += 1
    return [round(f * unit, digits) for f in floors]


def explanation_parts(exp: Explanation, top: int = TOP_WORDS, digits: int = 2
                      ) -> list[tuple[str, float]]:
    """(what, share) rows: the ``top`` words, the other words together, the model's lean;
    rounded to ``digits``, they sum to the score rounded to ``digits`` (rows that round to
    0 are left out)."""
    rows = [(c.display, c.share) for c in exp.contributions[:top]]
    rest = sum(c.share for c in exp.contributions[top:])
    if exp.contributions[top:]:
        rows.append((OTHER_WORDS, rest))
    rows.append((LEAN, exp.base))
    values = rounded_to_sum([v for _, v in rows], exp.score, digits)
    # a row that rounds to nothing adds nothing: left out, the rest still sum to the score
    return [(what, value) for (what, _), value in zip(rows, values, strict=True) if value]


def explanation_json(exp: Explanation, top: int = 10) -> dict[str, Any]:
    """``--explain --json``: each named word's share, the other words', the lean; with
    the score rounded to 4 digits they sum to it."""
    parts = explanation_parts(exp, top, digits=4)
    words = [[what, value] for what, value in parts if what not in (OTHER_WORDS, LEAN)]
    out: dict[str, Any] = {"words": words}
    out["other_words"] = next((v for w, v in parts if w == OTHER_WORDS), 0.0)
    out["lean"] = next((v for w, v in parts if w == LEAN), 0.0)
    out["explained"] = "shares of the score: words + other_words + lean = score"
    return out


def explanation_line(exp: Explanation, top: int = 5) -> str:
    """One line (plain text): ``= love +0.32 wonderful +0.28 ... the model's lean -0.02``."""
    parts = explanation_parts(exp, top)
    return "= " + "  ".join(f"{what} {value:+.2f}" for what, value in parts)
