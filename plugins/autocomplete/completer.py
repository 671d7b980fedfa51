"""Completion while typing: an incremental state cache, beam-searched word completions, and
the keystroke-savings simulation.

``Completer.update(text)`` keeps the recurrent state after ``text``: a keystroke that extends
the text feeds only the new characters (one step of the network per character); a backspace,
a cursor move or an edit inside the text restores the nearest cached state at or before the
first changed character (states are kept every ``CHECKPOINT_EVERY`` characters and after
every single typed character) and feeds from there. Only the last ``CONTEXT_CAP`` characters are ever encoded, so a 100 KB paste
costs the same as a 2 KB one; the window start moves in steps of half the cap, and plain
typing over such a step keeps its state (never a re-encoding stall).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from textseq_plugins.autocomplete.model import CharModel
from textseq_plugins.autocomplete.vocabulary import is_word_char
from textseq_plugins.autocomplete.word_completer import Suggestion

from textseq_tui.plugin import BadInput

CONTEXT_CAP = 2048
CHECKPOINT_EVERY = 32
MIN_PROB = 0.3  # a suggestion less likely than this is not shown: no suggestion beats a bad one
MAX_SUGGESTION_CHARS = 40




def _select(h: Any, index: torch.Tensor) -> Any:
    """Rows ``index`` of the batch dimension of a state (GRU tensor or LSTM pair)."""
    if isinstance(h, tuple):
        return tuple(t.index_select(1, index) for t in h)
    return h.index_select(1, index)


class Completer:
    """Incremental inference over one text buffer; not thread-safe (one per input widget, or
    guarded by a lock, as ``ModelCompletionProvider`` does)."""

    def __init__(self, model: CharModel, cap: int = CONTEXT_CAP,
                 checkpoint_every: int = CHECKPOINT_EVERY) -> None:
        self.model = model
        self.cap = max(cap, 2 * checkpoint_every)
        self.every = checkpoint_every
        self.text = ""
        self.anchor = 0
        start = model.encode("\n")[None, :]  # text starts as if after a line break
        self._start_logp, self._start_h = model.step(start, None)
        self._reset(0)

    def _reset(self, anchor: int) -> None:
        self.anchor = anchor
        self.text = ""
        self.logp, self.h = self._start_logp, self._start_h
        self.checkpoints: list[tuple[int, Any, torch.Tensor]] = [(anchor, self.h, self.logp)]
        self.fed_to = anchor  # absolute index in the text that the state has consumed

    def _anchor_for(self, length: int) -> int:
        over = length - self.cap
        if over <= 0:
            return 0
        half = self.cap // 2
        return (over // half + 1) * half

    def update(self, text: str, should_stop: Callable[[], bool] | None = None) -> bool:
        """Bring the state to the end of ``text``; returns False when ``should_stop()`` said
        to give up part-way (the cache stays consistent for the part fed)."""
        anchor = self._anchor_for(len(text))
        if anchor != self.anchor:
            if (anchor > self.anchor and text.startswith(self.text[: self.fed_to])
                    and len(text) - self.fed_to < len(text) - anchor):
                # Typing over a window boundary: the state goes on (its context reaches a
                # little further back than the window); re-encoding the window here cost one
                # keystroke ~180 ms every cap/2 characters. Checkpoints before it are dropped.
                self.anchor = anchor
                self.checkpoints = [c for c in self.checkpoints if c[0] >= anchor]
            else:
                self._reset(anchor)
        fed = self.text[: self.fed_to]
        if not text.startswith(fed):
            common = self.anchor
            limit = min(len(fed), len(text))
            while common < limit and fed[common] == text[common]:
                common += 1
            while self.checkpoints and self.checkpoints[-1][0] > common:
                self.checkpoints.pop()
            if self.checkpoints:
                self.fed_to, self.h, self.logp = self.checkpoints[-1]
            else:  # an edit before every kept checkpoint: encode the window afresh
                self._reset(self.anchor)
        self.text = text
        while self.fed_to < len(text):
            if should_stop is not None and should_stop():
                return False
            # Feed up to the next checkpoint boundary in one call of the network.
            end = min(len(text), (self.fed_to // self.every + 1) * self.every)
            ids = self.model.encode(text[self.fed_to : end])[None, :]
            self.logp, self.h = self.model.step(ids, self.h)
            self.fed_to = end
            # Keep the state at every boundary, and after every single typed character too:
            # a backspace then restores the previous state without feeding anything.
            if end % self.every == 0 or end - len(ids[0]) == len(text) - 1:
                self.checkpoints.append((end, self.h, self.logp))
        return True

    def next_char_logprobs(self) -> torch.Tensor:
        """Log-probabilities ``(vocab,)`` of the next character after the current text."""
        return self.logp[0]

    def suggest(self, text: str, *, n: int = 3, words: int = 1, beam: int = 6,
                min_prob: float = 0.0, space: bool = False) -> list[Suggestion]:
        """Up to ``n`` completions of ``text``: the rest of the current word (or, after a
        space or punctuation, the next word), then up to ``words - 1`` more words. Each
        ``prob`` is the model's probability of exactly that continuation followed by a word
        boundary. With ``space``, a completion whose most likely next character is a space
        ends with that space (its ``prob`` stays that of the word ending there: the app's
        Tab takes the word alone, Shift+Tab the word and the space). Beam search over
        characters with ``beam`` hypotheses; completions below ``min_prob`` are dropped."""
        if n < 1 or words < 1:
            raise BadInput("n and words must be >= 1")
        self.update(text)
        return self._beam(in_word=bool(text) and is_word_char(text[-1]), n=n, words=words,
                          beam=max(beam, n), min_prob=min_prob, space=space)

    def _beam(self, *, in_word: bool, n: int, words: int, beam: int,
              min_prob: float, space: bool = False) -> list[Suggestion]:
        # Vectorised over hypotheses: per step, a few tensor ops on (hyps, vocab) and one
        # network call with the hypotheses as the batch.
        model, chars = self.model, self.model.vocab.chars
        word = self._word_mask()
        blocked = [0, model.vocab.id("\n")]  # never the unknown char; ghost text is one line
        space_id = model.vocab.id(" ") if space and " " in chars else None
        floor = math.log(max(min_prob, 1e-6))
        texts = [""]
        scores = torch.zeros(1, dtype=torch.float64)
        in_w = torch.tensor([in_word])
        words_done = torch.zeros(1, dtype=torch.long)
        tail = torch.zeros(1, dtype=torch.long)  # trailing non-word chars of each hypothesis
        logp, h = self.logp, self.h
        done: list[tuple[float, str]] = []
        for _ in range(MAX_SUGGESTION_CHARS):
            lp = logp.double()
            spaced = None  # rows whose likeliest word end is a space (before blocking "\n")
            if space_id is not None:
                spaced = lp[:, space_id] >= lp[:, ~word].max(dim=1).values
            lp[:, blocked] = -math.inf
            finishing = in_w & (words_done + 1 >= words)
            if bool(finishing.any()):
                boundary = scores + torch.logsumexp(lp[:, ~word], dim=1)
                for i in finishing.nonzero()[:, 0].tolist():
                    if not texts[i]:
                        continue
                    # the word ends here: a finished completion
                    tail_space = " " if spaced is not None and bool(spaced[i]) else ""
                    done.append((float(boundary[i]), texts[i] + tail_space))
            # a finished word only continues as a longer word; leading punctuation is short
            stop_nonword = finishing | (~in_w & (tail >= 2))
            lp[stop_nonword[:, None] & ~word[None, :]] = -math.inf
            total = (scores[:, None] + lp).view(-1)
            k = min(beam, total.shape[0])
            top = torch.topk(total, k)
            keep = top.values > floor
            if len(done) >= n:
                nth = sorted((d[0] for d in done), reverse=True)[n - 1]
                keep &= top.values > nth  # scores only fall: these could not enter the top n
            if not bool(keep.any()):
                break
            flat = top.indices[keep]
            rows, cols = flat // lp.shape[1], flat % lp.shape[1]
            new_word = word[cols]
            words_done = words_done[rows] + (in_w[rows] & ~new_word).long()
            tail = torch.where(new_word, 0, tail[rows] + 1)
            in_w, scores = new_word, top.values[keep]
            texts = [texts[r] + chars[c] for r, c in zip(rows.tolist(), cols.tolist(), strict=True)]
            logp, h = model.step(cols[:, None].to(model.device), _select(h, rows.to(model.device)))
        done.sort(key=lambda d: -d[0])
        out, seen = [], set()
        for score, text in done:
            prob = math.exp(score)
            if text in seen or prob < min_prob:
                continue
            seen.add(text)
            out.append(Suggestion(text, prob))
            if len(out) == n:
                break
        return out

    def _word_mask(self) -> torch.Tensor:
        mask = getattr(self, "_word", None)
        if mask is None:
            mask = self._word = torch.tensor([is_word_char(c) for c in self.model.vocab.chars])
        return mask

    def complete(self, text: str, *, n: int = 3, words: int = 1) -> dict[str, Any]:
        """The CLI's answer: ``{"text", "suggestions": [{"completion", "prob"}]}``."""
        found = self.suggest(text, n=n, words=words)
        return {"text": text, "suggestions": [
            {"completion": s.completion, "prob": round(s.prob, 4)} for s in found]}


def keystroke_savings(completer: Completer, text: str, *, min_prob: float = MIN_PROB,
                      words: int = 1, whole_words: bool = False,
                      space: bool = False) -> dict[str, float]:
    """Simulate a typist on ``text`` who accepts the top suggestion with one keystroke (Tab)
    whenever it is exactly what they were about to type, and otherwise types one character
    per keystroke.

    Conventions: a suggestion is shown after every keystroke (not before the first) when its
    probability is at least ``min_prob`` (a ``WordCompleter`` shows what its policy shows); it "matches" when the text continues with exactly
    the suggested characters (with ``whole_words``, only when the word also ends there: the
    next character is not a letter); a wrong suggestion costs nothing (it is ignored);
    newlines and spaces are typed like any character. With ``space`` a suggestion ends with
    a space where the model expects one (see ``Completer.suggest``) and, as in the app, one
    keystroke accepts either all of it (Shift+Tab) or all but that space (Tab): "lord "
    saves the space when the text goes on "lord and", and only "lord" when it goes on
    "lord,". Returns ``{"keystrokes", "chars", "savings", "accepts", "shown",
    "precision"}`` with savings = 1 - keystrokes / chars and precision = accepts / shown
    (the share of ghost texts shown that were right).
    """
    i = keys = accepts = shown = 0
    completer.update("")
    while i < len(text):
        keys += 1
        found = (completer.suggest(text[:i], n=1, words=words, min_prob=min_prob, space=space)
                 if i else [])
        if found:
            shown += 1
            whole = found[0].completion
            for s in dict.fromkeys((whole, whole.rstrip(" "))):  # the longer one first
                end = i + len(s.rstrip(" "))  # where the suggested word ends
                after = text[end : end + 1]
                if s and text.startswith(s, i) and not (whole_words and after
                                                        and is_word_char(after)):
                    i += len(s)
                    accepts += 1
                    break
            else:
                i += 1
            continue
        i += 1
    chars = max(len(text), 1)
    return {"keystrokes": keys, "chars": len(text), "savings": 1 - keys / chars,
            "accepts": accepts, "shown": shown, "precision": accepts / max(shown, 1)}


def evaluate_text(model: CharModel, text: str, *, savings_chars: int = 2000,
                  personal: Any = None, layer: Any = None, policy: Any = None) -> dict[str, Any]:
    """nats/char and bits/char of the character model over all of ``text``, and keystroke
    savings and ghost-text precision over its first ``savings_chars`` characters with the
    suggestions the app shows: the word layer (``word_completer.WordCompleter`` with the
    model's word ``layer``, ``personal`` history and the ``policy``, calibrated towards its
    target as in the app)."""
    from textseq_plugins.autocomplete.word_completer import WordCompleter

    if len(text) < 2:
        raise BadInput("the text to evaluate has fewer than 2 characters")
    nats = model.nats_per_char(text)
    words = WordCompleter(model, personal, layer=layer, policy=policy)
    sim = keystroke_savings(words, text[:savings_chars], space=True)
    return {"nats_per_char": nats, "bits_per_char": nats / math.log(2),
            "keystroke_savings": sim["savings"], "chars": len(text),
            "savings_chars": sim["chars"], "keystrokes": sim["keystrokes"],
            "suggestion_precision": sim["precision"], "min_prob": words.policy.min_prob,
            "target_precision": words.target,
            "threshold_shift": round(words.calibration, 4)}
