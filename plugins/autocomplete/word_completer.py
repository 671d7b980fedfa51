"""Whole-word suggestions: the one suggestion policy of the chat, ``/type``, ``/complete``
and ``eval``.

For the text before the cursor, the current word's typed part is the *prefix* ("" after a
space or punctuation: then the next word is offered). Candidates are whole words:

- the most frequent English words with that prefix (``vocabulary.english_prior``);
- the words and phrases of the model's word layer (``word_layer.WordLayer``: the counts of
  its training text, and for a model trained on your corpus the modern-English counts beside
  them), of the personal history and of the text being typed (a per-document cache):
  unigrams, and the words that followed the previous one or two words;
- after a space, words starting with the character model's likeliest first characters.

Each candidate's probability mixes two distributions over words: ``p = lam * P_char(rest of
word + word end | text) + (1 - lam) * P_prior(word | prefix, previous words)``, where
``P_prior`` interpolates the count layers over the English list (weights grow with the
evidence). What is shown (``WordCompleter.suggest``) follows ``policy.Policy``: the likeliest
candidate when it is likely enough (a higher bar for a next word), else inside a word the
beginning the likely ones share; never a completion that saves nothing; the thresholds follow
the session's hit rate. A word suggestion ends with a space when the character model's
likeliest character after the word is a space. Case follows the typing.

Without a character model (``model=None``: it is still loading, the first second or two
after launch) the word layer suggests alone: ``p = P_prior``, shown at the policy's
``words_only_*`` thresholds, always with a space after a word, a capital after a sentence's
end. numpy and the standard library only: torch is imported only with a model.

Cost per keystroke with a model: the character state moves one step; candidates are scored
by the character model (``char_scores.WordScorer``) only when they could win, at most
``Policy.max_scored`` of them, in one batched pass, cached for the word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textseq_plugins.autocomplete.counts import PersonalWords
from textseq_plugins.autocomplete.policy import Policy
from textseq_plugins.autocomplete.vocabulary import (
    MAX_WORD,
    SortedVocab,
    adapt_case,
    english_prior,
    is_word_char,
    words_of,
)
from textseq_plugins.autocomplete.word_layer import WordLayer

#: the previous word, and the one before it when only spaces separate them
_LAST_TWO = re.compile(r"(?:(?<![A-Za-z'])([A-Za-z][A-Za-z']*) +)?([A-Za-z][A-Za-z']*)$")
_SENTENCE_END = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")
#: a capitalised word of two letters or more (not "I") right before the spaces at the end
_NAME_BEFORE = re.compile(r"(?<![A-Za-z'])([A-Z][a-z'][A-Za-z']*) +$")

#: one count layer of the prior, with a factor on its interpolation weight (the model's own
#: counts beside the English ones: ``WordLayer.own_weight``)
Layer = tuple[Any, float]


@dataclass
class Suggestion:
    """A completion (only the new characters) and its probability."""

    completion: str
    prob: float


@dataclass
class _Keystroke:
    """What ``ranked`` works out about the text before scoring: the typed prefix (as typed
    and lower case), the previous one or two words, the count layers and the candidates with
    their ``P_prior``."""

    prefix: str
    low: str
    prev: str
    layers: list[Layer]
    cands: list[str]
    priors: dict[str, float]


class WordCompleter:
    """The suggestion policy over one text buffer (not thread-safe; one per input).

    ``model``: the character model (None: the word layer alone, see the module docstring);
    ``layer``: the model's word layer (None: the English list only); ``personal``: the user's
    stored history (None: none); ``session`` (default on) also counts the words of the text
    being typed. Has the ``update``/``suggest`` interface of ``Completer`` so
    ``keystroke_savings`` replays it exactly as the app shows it.
    """

    #: Skip candidates that cannot win (False: score all of them, for experiments).
    prune = True

    def __init__(self, model: Any, personal: PersonalWords | None = None, *,
                 layer: WordLayer | None = None, policy: Policy | None = None,
                 session: bool = True, prior: SortedVocab | None = None) -> None:
        self.policy = policy or Policy()
        self.model = model
        self.prior = prior if prior is not None else english_prior()
        self.layer = layer or WordLayer()
        self.personal = personal
        self.session = PersonalWords() if session else None
        #: the share of shown suggestions to be taken (None: fixed thresholds), and what the
        #: session's hit rate adds to the thresholds
        self.target = self.policy.target_precision
        self.calibration = 0.0
        self._pairs = [0, 0]  # the typed text's word pairs: seen, also in the history
        self._shown: tuple[Any, str, int] = (None, "", 0)  # (word key, word, prefix length)
        self._offered: tuple[str, str] | None = None  # (text, completion) shown last
        self._ignored: Counter[str] = Counter()  # times typed past, in the current word
        self._counted = ""  # the text whose complete words ``session`` holds
        self._last = ""
        self._word_key: tuple[int, str] | None = None
        #: the character model's scores of candidate words (None: the word layer alone)
        self.scorer: Any = None
        #: the character state of the text (``completer.Completer``; None without a model)
        self.chars: Any = None
        if model is not None:
            from textseq_plugins.autocomplete.char_scores import WordScorer

            self.scorer = WordScorer(model, self.policy)
            self.chars = self.scorer.chars

    # -- the Completer interface ---------------------------------------------------------

    def update(self, text: str, should_stop: Any = None) -> bool:
        return self.chars.update(text, should_stop) if self.chars is not None else True

    def suggest(self, text: str, *, space: bool = True, **_: Any) -> list[Suggestion]:
        """The suggestion shown after ``text`` (a list of at most one ``Suggestion``)."""
        if not text:
            self.update(text)
            return []
        self._calibrate(text)
        floor = self._floor(next_word=not is_word_char(text[-1]))
        ranked = self.ranked(text, floor)
        key = self._word_key
        plen = len(text) - key[0] if key is not None else 0
        prefix = text[len(text) - plen:]
        ranked = self._worth_showing(ranked, key, prefix, space)
        if ranked and ranked[0][1] >= floor:
            completion, prob, spaced = ranked[0]
        else:
            stem = self._stem(ranked) if plen else None
            if stem is None:
                self._shown = (key, "", plen)
                return []
            (completion, prob), spaced = stem, False
        self._shown = (key, prefix + completion, plen)
        shown = completion + (" " if space and spaced else "")
        self._offered = (text, shown)
        return [Suggestion(shown, prob)]

    def _floor(self, next_word: bool) -> float:
        """The probability a suggestion needs now."""
        policy = self.policy
        if self.model is None:
            return policy.words_only_min_prob + (policy.words_only_next_margin if next_word
                                                 else 0.0)
        floor = policy.min_prob + (policy.next_word_margin if next_word else 0.0)
        return floor + (self.calibration - self.personal_drop())

    def _worth_showing(self, ranked: list[tuple[str, float, bool]], key: Any, prefix: str,
                       space: bool) -> list[tuple[str, float, bool]]:
        """``ranked`` without the words typed past and the completions that save nothing.

        A word typed past (shown, the next key typed still matching it, not taken) is not
        offered again for this word: the ghost text gets out of the way (once, not twice: on
        the validation text +1.4 points of savings at the same precision). Only one key past:
        when the app skipped the suggestions of a fast burst of keys, the user never saw
        them. One character without a space saves nothing (one key for one)."""
        shown_key, shown_word, shown_len = self._shown
        plen = len(prefix)
        if key != shown_key:
            self._ignored = Counter()
        elif plen == shown_len + 1 and shown_word.lower().startswith(prefix.lower()):
            self._ignored[shown_word.lower()] += 1
        limit = self.policy.ignored_limit
        return [r for r in ranked if self._ignored[(prefix + r[0]).lower()] < limit
                and len(r[0]) + (1 if space and r[2] else 0) >= 2]

    def _calibrate(self, text: str) -> None:
        """Score the suggestion shown last against what came next: taken (the text grew by
        it, with or without its space) or typed past (one other key); anything else (an
        edit, a burst of keys) says nothing. The word layer alone (no model) calibrates
        nothing: its hit rate is not the model's."""
        offered, self._offered = self._offered, None
        if offered is None or self.target is None or self.model is None:
            return
        before, shown = offered
        if not text.startswith(before):
            return
        added = text[len(before):]
        if added in (shown, shown.rstrip(" ")):
            hit = 1.0
        elif len(added) == 1:
            hit = 0.0
        else:
            return
        low, high = self.policy.calibration_range
        self.calibration = min(high, max(low, self.calibration + self.policy.calibration_step
                                         * (self.target - hit)))

    def personal_drop(self) -> float:
        """How much lower the thresholds are now: ``personal_drop`` (+ ``adapted_drop`` with a
        model adapted to the history) times ``personal_share()``."""
        policy = self.policy
        share = self.personal_share()
        return share * (policy.personal_drop + (policy.adapted_drop if self._adapted() else 0.0))

    def personal_share(self) -> float:
        """0-1: how far the text typed so far looks like the history (the share of its word
        pairs the history holds, between ``gate_low`` and ``gate_high``), scaled by the
        history's size."""
        policy = self.policy
        seen, hit = self._pairs
        most = self._history_weight()
        if not most or seen < policy.gate_pairs:
            return 0.0
        share = (hit / seen - policy.gate_low) / (policy.gate_high - policy.gate_low)
        return most * min(1.0, max(0.0, share))

    def _history_weight(self) -> float:
        """The history's size, 0-1 (full from ``personal_full`` words; 0: no history, nothing
        changes; the app sets ``personal`` before each keystroke)."""
        mine = self.personal
        if mine is None or not len(mine):
            return 0.0
        return min(1.0, mine.tokens / self.policy.personal_full)

    def _adapted(self) -> bool:
        """Is the character model this home's adaptation (``adapt.load_adapted``)?"""
        return bool(getattr(self.model, "info", {}).get("adapted"))

    def _stem(self, ranked: list[tuple[str, float, bool]]) -> tuple[str, float] | None:
        """When no word is likely enough: the longest common beginning (two characters or
        more, short of a whole candidate) of candidates whose probabilities add up to
        ``stem_prob`` ("inter|nation|al", "inter|nation|s" -> "nation")."""
        best: tuple[str, float] | None = None
        for c, _, _ in ranked:
            for n in range(len(c) - 1, max(1, len(best[0]) if best else 1), -1):
                mass = sum(p for d, p, _ in ranked if d.startswith(c[:n]))
                if mass >= self.policy.stem_prob:
                    best = (c[:n], mass)
                    break
        return best

    def complete(self, text: str, *, n: int = 3, words: int = 1) -> dict[str, Any]:
        """The CLI's answer: the top ``n`` candidates, every one scored (no threshold)."""
        ranked = self.ranked(text)[:n]
        return {"text": text, "suggestions": [
            {"completion": c, "prob": round(p, 4), "space_after": s} for c, p, s in ranked]}

    # -- ranking -------------------------------------------------------------------------

    def ranked(self, text: str, floor: float = 0.0) -> list[tuple[str, float, bool]]:
        """Candidates ``(completion, probability, space after)``, best first. Candidates that
        cannot reach ``floor`` nor beat the best one are not scored by the character model
        (``P_char`` of a word is at most that of its first character, known for free)."""
        stroke = self._keystroke(text)
        if stroke is None:
            return []
        if self.model is None:
            plen = len(stroke.prefix)
            out = [(c[plen:], stroke.priors[c], True) for c in stroke.cands]
            return sorted(out, key=lambda t: -t[1])
        return self._ranked_with_model(stroke, floor)

    def _keystroke(self, text: str) -> _Keystroke | None:
        """Bring the state and the session's counts to the end of ``text``; the prefix, the
        previous words, the candidates and their priors (None: nothing to offer here)."""
        if not text:
            self.update(text)
            return None
        start = len(text)
        while start > 0 and is_word_char(text[start - 1]):
            start -= 1
        prefix = text[start:]
        if len(prefix) > MAX_WORD or (prefix and not prefix[0].isalpha()):
            self.update(text)
            self._word_key = None
            return None
        self._count_session(text, start)
        before = text[:start]
        key = (start, before[-64:])
        if key != self._word_key:
            self._word_key = key
            if self.scorer is not None:
                self.scorer.new_word()
        self.update(text)
        low = prefix.lower()
        layers = self._layers()
        tail = before.rstrip(" ")
        found = _LAST_TWO.search(tail[-80:]) if tail != before else None
        prev = ""
        if found:
            prev = found.group(2).lower()
            if found.group(1):
                prev = f"{found.group(1).lower()} {prev}"
        if prefix:
            cands = self._candidates_in_word(prefix, low, prev, layers)
        elif self.model is not None:
            cands = self._next_word_candidates(prev, layers)
        else:
            cands = self._next_word_candidates_without_model(before, prev, layers)
        if not cands:
            return None
        priors = self._priors(cands, low, prev, layers, self.prior.mass(low))
        return _Keystroke(prefix, low, prev, layers, cands, priors)

    def _layers(self) -> list[Layer]:
        """The count layers, in the order they mix: the English counts of a model trained on
        a corpus of its own, that corpus's counts (trusted by ``own_weight``), the personal
        history, the text being typed."""
        found: list[Layer] = []
        layer = self.layer
        for counts, factor in ((layer.background, 1.0), (layer.own, layer.own_weight),
                               (self.personal, 1.0), (self.session, 1.0)):
            if counts is not None and len(counts) and factor > 0:
                found.append((counts, factor))
        return found

    def _ranked_with_model(self, stroke: _Keystroke, floor: float
                           ) -> list[tuple[str, float, bool]]:
        """``P_char`` for the candidates worth scoring, mixed with their priors."""
        plen, priors = len(stroke.prefix), stroke.priors
        lam = self.policy.lam
        if self._adapted():  # the model adapted to the history knows text like it best
            lam += self.policy.adapted_lam * self.personal_share()
        scorer = self.scorer
        p_char = scorer.p_char
        exact: dict[str, float] = {}
        bounds: dict[str, float] = {}
        for c in stroke.cands:
            e = scorer.cache.get(c)
            if e is None or e.base > plen:
                continue
            if e.state is None:
                exact[c] = lam * p_char(e, plen) + (1 - lam) * priors[c]
            elif plen - e.base < len(e.cum):  # part scored: a bound from that part
                bounds[c] = lam * p_char(e, plen) + (1 - lam) * priors[c]
        # (stems use the candidates scored here: scoring the unlikely ones too cost 1-6 ms a
        # keystroke and gave no more savings on the validation text)
        bar = max(floor, max(exact.values(), default=0.0))
        for c in stroke.cands:
            if c not in exact:
                ub = lam * scorer.first_char_bound(c[plen]) + (1 - lam) * priors[c]
                bounds[c] = min(ub, bounds.get(c, ub))
        if self.prune:
            bounds = {c: ub for c, ub in bounds.items() if ub >= bar}
        # the most promising few only: a keystroke's cost stays bounded
        most = self.policy.max_scored if self.prune else None
        todo = sorted(bounds, key=lambda c: -bounds[c])[:most]
        scorer.score(stroke.prefix, todo)
        out = []
        for c in stroke.cands:
            if c in exact:
                p = exact[c]
            elif c in todo and scorer.cache[c].state is None:
                p = lam * p_char(scorer.cache[c], plen) + (1 - lam) * priors[c]
            else:  # not scored (yet)
                continue
            out.append((c[plen:], p, scorer.cache[c].space))
        out.sort(key=lambda t: -t[1])
        return out

    def _priors(self, words: Iterable[str], low: str, prev: str, layers: list[Layer],
                prefix_mass: float) -> dict[str, float]:
        """``P_prior`` of each of ``words`` (as typed; looked up in lower case). Each layer's
        mass of the prefix is the same for every word: found once per keystroke."""
        policy = self.policy
        mixing = []  # (vocabulary, its mass of the prefix, weight): in the order they mix
        known = prefix_mass > 0
        for counts, factor in layers:  # the unigrams, then the word pairs and triples on top
            vocab = counts.vocab()
            mass = vocab.mass(low)
            if mass > 0:
                k = policy.session_k if counts is self.session else policy.history_k
                w = mass / (mass + k) if known else 1.0  # no English word has this prefix
                mixing.append((vocab, mass, w * factor))
                known = True
        for context, k in ((prev.rpartition(" ")[2], policy.pair_k),
                           (prev if " " in prev else "", policy.triple_k)):
            for counts, factor in layers:  # the word pairs, then the triples (phrases)
                follow = counts.follow(context)
                if follow is not None:
                    n = follow.mass(low)
                    if n:
                        mixing.append((follow, n, n / (n + k) * factor))
        out = {}
        for c in words:
            word = c.lower()
            p = self.prior.weight(word) / prefix_mass if prefix_mass > 0 else 0.0
            for vocab, mass, w in mixing:
                p = (1 - w) * p + w * vocab.weight(word) / mass
            out[c] = p
        return out

    def _candidates_in_word(self, prefix: str, low: str, prev: str,
                            layers: list[Layer]) -> list[str]:
        found: dict[str, None] = {}
        for w in self.prior.top(low, self.policy.candidates):
            found[adapt_case(prefix, w)] = None
        last = prev.rpartition(" ")[2]
        for counts, _ in layers:
            for w in (counts.successors(prev, low, 3) + counts.successors(last, low, 4)
                      + counts.vocab().top(low, 4)):
                found[adapt_case(prefix, w)] = None
        return [c for c in found if len(c) > len(prefix)]

    def _next_word_candidates(self, prev: str, layers: list[Layer]) -> list[str]:
        """Words starting with the character model's likeliest first characters, and the
        words the count layers saw after ``prev``."""
        policy = self.policy
        found: dict[str, None] = {}
        firsts = self.scorer.likeliest_first_chars(policy.first_chars)
        last = prev.rpartition(" ")[2]
        for first in firsts:
            if not first.isalpha():
                continue
            pool = self.prior.top(first.lower(), policy.per_first_char)
            for counts, _ in layers:
                pool += (counts.successors(prev, first.lower(), 2)
                         + counts.successors(last, first.lower(), 3)
                         + counts.vocab().top(first.lower(), 2))
            for w in pool:
                found[first + w[1:]] = None
        # the phrases' own next words, whatever the character model's first guesses
        upper = bool(firsts) and firsts[0].isupper()
        for counts, _ in layers:
            for w in counts.successors(prev, "", 2):
                found[w[:1].upper() + w[1:] if upper else w] = None
        return list(found)

    def _next_word_candidates_without_model(self, before: str, prev: str,
                                            layers: list[Layer]) -> list[str]:
        """Without a character model: the words the count layers saw after ``prev`` and the
        most frequent words, with a capital after a sentence's end or after a capitalised
        word inside a sentence (a name: "the United " -> "States")."""
        policy = self.policy
        last = prev.rpartition(" ")[2]
        pool = self.prior.top("", policy.candidates)
        for counts, _ in layers:
            pool += counts.successors(prev, "", 4) + counts.successors(last, "", 4)
        upper = bool(_SENTENCE_END.search(before[-8:]))
        if not upper and last:
            tail = before[-80:]
            found = _NAME_BEFORE.search(tail)
            upper = found is not None and not _SENTENCE_END.search(tail[: found.start(1)][-8:])
        return list(dict.fromkeys(w[:1].upper() + w[1:] if upper else w for w in pool))

    def _count_session(self, text: str, start: int) -> None:
        """Keep ``session`` counting the complete words before the current one."""
        if self.session is None:
            return
        done = text[:start]
        if done.startswith(self._counted):
            new = done[len(self._counted):]
        else:  # an edit before the current word: count the text again (its last 4,000 chars)
            self.session = PersonalWords()
            self._last, new = "", done[-4000:]
            self._pairs = [0, 0]
        if new:
            new_words = words_of(new)
            if self._history_weight():  # how much the typed text looks like the history
                prev = self._last.rpartition(" ")[2]
                for w in new_words:
                    if prev:
                        self._pairs[0] += 1
                        self._pairs[1] += w in self.personal.bigrams.get(prev, ())
                    prev = w
            self._last = self.session.add_words(new_words, self._last)
        self._counted = done

