"""The suggestion policy's constants, in one frozen object handed to the word layer.

Everything here was tuned on the validation split of the default model's training text (the
last 10 % of ``train.txt``) or, for the personal-history values, on an earlier split of
G. W. Bush's addresses and on webtext's wine reviews; never on the test corpora (see the
plugin README for what each change gave). ``Policy()`` is the shipped policy;
``policy_settings(settings)`` is the one the user's settings ask for; an experiment makes its
own with ``dataclasses.replace(Policy(), ...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Policy:
    """What ``WordCompleter`` shows and how it scores candidates.

    A candidate word's probability is ``lam * P_char + (1 - lam) * P_prior`` (see
    ``word_completer``); it is shown when it reaches ``min_prob`` inside a word, ``min_prob +
    next_word_margin`` for a next word after a space.
    """

    lam: float = 0.4
    min_prob: float = 0.24
    #: a next word (after a space) needs ``min_prob`` + this: on the validation text next
    #: words at p 0.3-0.5 were right only 22-34 % of the time
    next_word_margin: float = 0.14
    #: inside a word, when no word reaches the threshold: the longest beginning shared by
    #: candidates this likely together (> 1: never)
    stem_prob: float = 0.40
    #: the text's own words weigh ``mass / (mass + session_k)`` (a cache); the personal
    #: history's and the training text's words ``mass / (mass + history_k)``, their word pairs
    #: ``n / (n + pair_k)`` and triples ``n / (n + triple_k)``
    session_k: float = 2.0
    history_k: float = 20.0
    pair_k: float = 3.0
    triple_k: float = 2.0
    #: the training text's unigrams: this share of Kneser-Ney continuation counts (how many
    #: different words a word follows, so "francisco" does not weigh like a common word)
    background_continuation: float = 1.0
    #: a suggestion typed past (shown, not taken) this many times is not shown again for the
    #: word (once: +1.4 points of savings on the validation text at the same precision)
    ignored_limit: int = 1
    #: candidates scored by the character model per keystroke, at most
    max_scored: int = 4
    #: characters of each candidate fed to the character model per keystroke, in one-row
    #: steps: a step of ``rows`` candidates costs about ``1 + score_row_cost * (rows - 1)``
    #: one-row steps (the 2 x 384 GRU on one CPU thread: 0.20 ms for 1 row, 0.36 ms for 4), so
    #: 20 characters for one candidate, 11 for four. A longer word is scored on from where it
    #: stopped at the next keystroke (shown one key later). A bound on the worst keystroke,
    #: not on the p99: a budget of 12.5 cost 0.2-0.3 point of savings for no p99 gain.
    score_budget: float = 20.0
    score_row_cost: float = 0.26
    #: prior candidates scored per keystroke inside a word
    candidates: int = 8
    #: next-word offers: the character model's likeliest first characters, and this many
    #: prior words for each
    first_chars: int = 4
    per_first_char: int = 4
    #: Your own words: while the text being typed looks like the personal history (the share
    #: of its word pairs that the history holds goes from ``gate_low`` to ``gate_high``, over
    #: at least ``gate_pairs`` pairs), the thresholds drop by up to ``personal_drop`` (full
    #: from ``personal_full`` words of history): there the shown words are right more often,
    #: so the same precision (>= 60 %) allows more of them.
    personal_drop: float = 0.04
    personal_full: int = 20_000
    gate_low: float = 0.25
    gate_high: float = 0.40
    gate_pairs: int = 20
    #: ... and when the character model is this home's adaptation to that history, ``lam``
    #: rises by up to ``adapted_lam`` and the thresholds drop by up to ``adapted_drop`` more
    #: (same gate): on the tuning split of Bush, 42.65 % at 59.6 % precision -> 43.12 % at
    #: 60.5 %; wine reviews 36.32 % (58.4 %) -> 37.03 % (58.0 %).
    adapted_lam: float = 0.15
    adapted_drop: float = 0.03
    #: The thresholds follow the session's own hit rate: each shown suggestion that is taken
    #: lowers them by ``calibration_step * (1 - target_precision)``, each one typed past
    #: raises them by ``calibration_step * target_precision`` (a stochastic approximation:
    #: the share taken settles at the target), within ``calibration_range``. One threshold
    #: for every text left precision between 52 % (NPS chat) and 65 % (Switchboard). Chosen
    #: on the validation text alone (4 x 5,000 chars: every part >= 60 %, then the most
    #: savings): 0.61 / 0.002 -> 31.53 % at 60.0-61.1 % (0.61 / 0.004: 31.42 %; off: 31.43 %
    #: at 59.3-63.0 %). None: fixed thresholds.
    target_precision: float | None = 0.61
    calibration_step: float = 0.002
    calibration_range: tuple[float, float] = (-0.05, 0.15)
    #: Before the character model has loaded (the first second or two after launch) the word
    #: layer suggests alone, from ``P_prior``: a word is shown when it reaches
    #: ``words_only_min_prob`` inside a word, plus ``words_only_next_margin`` for a next word.
    #: On the validation text (4 x 5,000 chars, the same rule: every part >= 60 %, then the
    #: most savings): 0.40 / 0.05 -> 28.1 % at 65.0 % (parts 61.8-68.1 %); 0.35 / 0.05:
    #: 29.3 % but a part at 57.4 %; 0.45 / 0.15: 26.9 % at 67.7 %. (With the character
    #: model: 31.5 % at 61 %.)
    words_only_min_prob: float = 0.40
    words_only_next_margin: float = 0.05

    def next_word_min_prob(self) -> float:
        return self.min_prob + self.next_word_margin


def policy_settings(settings: Any, base: Policy | None = None) -> Policy:
    """The policy the plugin's settings ask for: ``min_prob`` (a number from 0 to 1; absent:
    the policy's, the starting point of the calibration) and ``target_precision`` (from 0 to
    1, or false for fixed thresholds). ``BadInput`` naming the setting for anything else."""
    from textseq_tui.plugin import BadInput

    base = base or Policy()

    def fraction(key: str, default: float | None, off: str = "") -> float | None:
        value = settings.get(key)
        if value is None:
            return default
        if value is False and off:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
            return float(value)
        raise BadInput(f"settings: plugins.autocomplete.{key} must be a number from 0 to "
                       f"1{off}, not {value!r}")

    return replace(base, min_prob=fraction("min_prob", base.min_prob),
                   target_precision=fraction("target_precision", base.target_precision,
                                             " (or false: fixed thresholds)"))
