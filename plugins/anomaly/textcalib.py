"""Text mode's thresholds: chosen on ordinary text, split-conformally, per kind of text.

Each reason a word can be marked for (``REASONS``: a slip, a spelling unlike any word, a
noun that does not fit the message) has its own score (``wordscore``, ``outofplace``) and its
own threshold. A message's score for a
reason is the largest of its words'. For each kind of text in the calibration set (edited
prose, reviews, chat, tweets, web text: ``bench/anomaly_textmode.py``), the threshold is the
split-conformal ``1 - rate`` quantile of its messages' scores (``train.conformal_quantile``:
a new ordinary message of that kind exceeds it with probability at most ``rate``), and the
shipped threshold is the largest over the kinds, so the rate holds for each kind, not only
on average. A message is marked when any reason is, so per kind the chance that an ordinary
message gets a mark is at most the sum of the rates (``MESSAGE_RATE``).

The thresholds ship in ``textmode_thresholds.json`` with where they came from (the model's
weights, the calibration messages per kind, the command that rebuilds them).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

#: The reasons a word is marked, in the order they are tried.
REASONS = ("typo", "unusual", "out of place")
#: Where each reason's score sits in a word row ``[start, end, typo, unusual, suggestion,
#: ..., out of place]`` (the benchmark's stored rows; a row without the last has none).
COLUMNS = {"typo": 2, "unusual": 3, "out of place": 9}
#: Target share of ordinary messages a reason may mark, per kind of text: 4.0 % in all
#: (``MESSAGE_RATE``), below the 5 % a person would put up with (#32). Each kind's rate is a
#: bound; the shipped threshold is the strictest kind's, so most kinds see fewer. Most of it
#: goes to slips: ordinary chat and tweets hold real ones. (About 1/n is as low as a kind's
#: calibration messages can place a threshold: below it the conformal quantile is their
#: largest value.) Chosen on calibration-half messages the thresholds never saw (750 a
#: source beyond the 250 they are fitted on): typo 2.5 %, unusual 1 %, out of place 1 %
#: marked 5.2 % of NPS chat there (too close to 5 %: the test half then had chat 5.4 %,
#: documentation 5.2 %); 2.25 / 1 / 0.75 marks 4.3 % of the most marked source (NPS chat;
#: every other source <= 3.6 %) and keeps 87.6 % of mashes, 73.5 % of dropped letters and
#: 20 % of unrelated nouns found on the calibration half (2 / 0.75 / 0.75: 4.0 %, but mashes
#: 81.5 %; without "out of place": 4.1 %, no unrelated noun found).
RATES = {"typo": 0.0225, "unusual": 0.01, "out of place": 0.0075}
MESSAGE_RATE = sum(RATES.values())
THRESHOLDS_FILE = Path(__file__).with_name("textmode_thresholds.json")
_NONE = float("-inf")
_lock = threading.Lock()
_shipped: dict[str, Any] | None = None


def message_maxima(words: Iterable[Sequence[Any]]) -> dict[str, float]:
    """A message's score per reason: the largest of its words' (rows as ``COLUMNS`` says;
    ``None`` scores are left out), ``-inf`` when none applies."""
    best = dict.fromkeys(REASONS, _NONE)
    for row in words:
        for reason, column in COLUMNS.items():
            value = row[column] if column < len(row) else None
            if value is not None and value > best[reason]:
                best[reason] = float(value)
    return best


def calibrate(by_kind: dict[str, list[dict[str, float]]],
              rates: dict[str, float] | None = None) -> dict[str, Any]:
    """Thresholds from ordinary calibration messages grouped by kind: per reason the largest,
    over kinds, of the conformal ``1 - rate`` quantile of the kind's message scores."""
    from textseq_plugins.anomaly.train import conformal_quantile

    rates = rates or RATES
    out: dict[str, Any] = {"rates": dict(rates), "per_kind": {}}
    for reason in REASONS:
        per_kind = {kind: conformal_quantile([m[reason] for m in msgs], rates[reason])
                    for kind, msgs in sorted(by_kind.items()) if msgs}
        out["per_kind"][reason] = {k: round(v, 3) for k, v in per_kind.items()}
        out[reason] = round(max(per_kind.values()), 3)
    return out


def save(path: Path, thresholds: dict[str, Any]) -> None:
    """Write the thresholds (and their provenance) as JSON, atomically."""
    from textseq_tui.plugin import atomic_write_bytes

    atomic_write_bytes(Path(path), (json.dumps(thresholds, indent=1) + "\n").encode("utf-8"))


def load(path: Path | None = None) -> dict[str, Any]:
    """The thresholds in ``path`` (default: the shipped ones, read once)."""
    global _shipped
    if path is not None:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    with _lock:
        if _shipped is None:
            _shipped = json.loads(THRESHOLDS_FILE.read_text(encoding="utf-8"))
        return _shipped
