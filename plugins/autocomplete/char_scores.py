"""``P_char`` of whole candidate words: the character model's part of the word layer.

``WordScorer`` keeps the character state of the text (``completer.Completer``) and scores
candidate words from the state where the current word began, in one batched pass of the
network per keystroke, cached for the word: typing inside a word scores only candidates it
had not seen (usually none). A pass feeds each candidate at most the characters
``Policy.score_budget`` allows; a longer word goes on from its saved state at the next
keystroke. torch is imported here: the word layer alone (``WordCompleter`` without a model)
never imports this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import torch
from textseq_plugins.autocomplete.completer import Completer, _select
from textseq_plugins.autocomplete.policy import Policy
from textseq_plugins.autocomplete.vocabulary import is_word_char


@dataclass
class ScoredWord:
    """A candidate scored by the character model from the state after ``base`` chars of the
    word: cumulative log-probs of its characters, of a word end after it, and whether a space
    is the likeliest character after it."""

    base: int
    cum: list[float]
    end: float
    space: bool
    #: Scoring not finished (a long word: ``Policy.score_budget`` bounds the characters of a
    #: keystroke): the network's state after ``fed`` characters of the word's rest, to go on
    #: from. ``cum`` then covers the first ``fed + 1`` characters, ``end`` is not known yet.
    state: Any = None
    fed: int = 0


class WordScorer:
    """Candidate words scored by ``model`` (a ``CharModel``) after the text; ``cache`` holds
    the current word's candidates (``new_word()`` empties it)."""

    def __init__(self, model: Any, policy: Policy) -> None:
        self.model = model
        self.policy = policy
        self.chars = Completer(model)
        vocab = model.vocab.chars
        word_ids = [i for i, c in enumerate(vocab) if i and is_word_char(c)]
        nonword = [i for i, c in enumerate(vocab) if not is_word_char(c) and c != "\n" and i]
        self._word_ids_t = torch.tensor(word_ids, dtype=torch.long)
        self._nonword_t = torch.tensor(nonword, dtype=torch.long)
        self._space = model.vocab.id(" ")
        self.cache: dict[str, ScoredWord] = {}

    def update(self, text: str, should_stop: Any = None) -> bool:
        """Bring the character state to the end of ``text`` (see ``Completer.update``)."""
        return self.chars.update(text, should_stop)

    def new_word(self) -> None:
        self.cache = {}

    def first_char_bound(self, char: str) -> float:
        """``P_char`` of ``char`` next: a bound on that of any word starting with it."""
        return math.exp(float(self.chars.logp[0][self.model.vocab.id(char)]))

    def likeliest_first_chars(self, k: int) -> list[str]:
        """The ``k`` characters that may start a word likeliest next, likeliest first."""
        logp = self.chars.next_char_logprobs()
        top = logp[self._word_ids_t].topk(min(k, len(self._word_ids_t)))
        chars = self.model.vocab.chars
        return [chars[i] for i in self._word_ids_t[top.indices].tolist()]

    @staticmethod
    def p_char(e: ScoredWord, plen: int) -> float:
        """``P_char`` of the candidate's characters after the typed ``plen`` and of a word end
        (an upper bound when its scoring is not finished: its characters scored so far)."""
        rest_lp = e.cum[-1] + e.end - (e.cum[plen - e.base - 1] if plen > e.base else 0.0)
        return math.exp(min(0.0, rest_lp))

    def score(self, prefix: str, cands: list[str]) -> None:
        """Score ``cands`` (each starting with ``prefix``) in one batched pass of the network
        and cache them for this word: from the current state, or, for a word whose scoring
        stopped at an earlier keystroke, from where it stopped. Each feeds at most the
        characters ``Policy.score_budget`` allows for this many candidates; a longer one is
        cached unfinished (``ScoredWord.state``)."""
        if not cands:
            return
        plen = len(prefix)
        rows = []  # (candidate, base, its rest, characters of it fed already, earlier cum)
        states = []
        for c in cands:
            e = self.cache.get(c)
            if e is not None and e.state is not None and e.base <= plen:
                rows.append((c, e.base, c[e.base:], e.fed, e.cum))
                states.append(e.state)
            else:
                rows.append((c, plen, c[plen:], 0, None))
                states.append(self.chars.h)
        policy = self.policy
        most = max(1, int(policy.score_budget / (1 + policy.score_row_cost * (len(rows) - 1))))
        width = max(min(len(rest) - fed, most) for _, _, rest, fed, _ in rows)
        first, scored = self._run_network(rows, states, width)
        for row, (c, base, _, fed, cum) in enumerate(rows):
            got, n, end, space, state = scored[row]
            done = state is None
            lps = got[: n - 1 if done else n]  # the characters after the first fed
            if cum is None:  # a new candidate: its first character from the current state
                cum = list(accumulate(lps, initial=first[row]))
            else:  # going on: ``cum`` already has the first fed character
                cum = cum + list(accumulate(lps, initial=cum[-1]))[1:]
            self.cache[c] = ScoredWord(base=base, cum=cum, end=end if done else 0.0,
                                    space=space and done, state=state, fed=fed + n)

    def _run_network(self, rows: list[tuple], states: list[Any], width: int
                     ) -> tuple[list[float], list[tuple]]:
        """One call of the network over all the candidates' next ``width`` characters: 15-50 %
        cheaper than feeding them one time step at a time through the per-layer cells (2-24
        chars, 4 candidates, 1 thread), and the p99 of a keystroke is this scoring at word
        starts. Returns the log-p of each row's first fed character from the current state,
        and per row: the log-ps of its fed characters' successors, how many characters were
        fed, the log-p of a word end, whether a space is likeliest after it, and the state to
        go on from (None: the word is done)."""
        model, vocab = self.model, self.model.vocab
        feed = torch.zeros(len(rows), width, dtype=torch.long)
        target = torch.zeros(len(rows), width, dtype=torch.long)  # what each step predicts
        for row, (_, _, rest, fed, _) in enumerate(rows):
            part = rest[fed : fed + width]
            feed[row, : len(part)] = vocab.encode(part)
            after = rest[fed + 1 : fed + width + 1]
            target[row, : len(after)] = vocab.encode(after)
        h = (tuple(torch.cat([s[k] for s in states], 1) for k in range(len(states[0])))
             if isinstance(states[0], tuple) else torch.cat(states, 1))
        with model.lock, torch.no_grad():
            logits, h_out = model.fast(feed.to(model.device), h)
        logp = torch.log_softmax(logits.float(), dim=-1).cpu()  # (candidates, width, vocab)
        got = logp.gather(2, target[:, :, None])[:, :, 0].tolist()
        lens = [min(len(rest) - fed, width) for _, _, rest, fed, _ in rows]
        last = logp[torch.arange(len(rows)), torch.tensor(lens) - 1]  # after each fed part
        nonword = last[:, self._nonword_t]
        ends = torch.logsumexp(nonword, 1).tolist()
        spaces = ((last[:, self._space] >= nonword.max(1).values).tolist() if self._space
                  else [False] * len(rows))
        first = self.chars.logp[0, feed[:, 0].to(self.chars.logp.device)].tolist()
        scored = []
        for row, (_, _, rest, fed, _) in enumerate(rows):
            n = lens[row]
            state = (None if fed + n >= len(rest)
                     else _select(h_out, torch.tensor([row], device=model.device)))
            scored.append((got[row], n, ends[row], bool(spaces[row]), state))
        return first, scored
