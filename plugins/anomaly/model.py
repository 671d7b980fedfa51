"""The next-token model and the detector that scores sequences with it.

A sequence is a list of string tokens (log-event ids, words, characters). The model reads
``<bos> t1 .. tn`` and predicts ``t1 .. tn <eos>``: every token gets a rank and a surprisal,
the first one included, and so does the end of the sequence. That is how short sequences are
handled honestly: a session of two events is judged on those two events and on ending there,
not flagged for being shorter than a window (the DeepLog ports' flaw), nor skipped.

A step is *surprising* when the real next token is outside the model's top-g predictions
(DeepLog's rule) or when its surprisal is above a threshold chosen on normal data. A token
never seen in training maps to ``<unk>``: as a target it is always surprising (rank = vocab
size), as an input the model reads it through the ``<unk>`` embedding.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textseq_tui.plugin import BadInput, ModelError

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIALS = (PAD, UNK, BOS, EOS)
PAD_ID, UNK_ID, BOS_ID, EOS_ID = range(4)
WEIGHTS_FILE = "model.safetensors"
VOCAB_FILE = "vocab.json"
#: Log templates beside a model trained on parsed logs (see ``logparse.KeyTemplates``).
TEMPLATES_FILE = "templates.json"
#: Count invariants of the normal training sessions (see ``invariants.CountInvariants``).
INVARIANTS_FILE = "invariants.json"


class Vocabulary:
    """Token strings <-> ids; ids 0..3 are ``<pad> <unk> <bos> <eos>``."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self.itos: list[str] = list(SPECIALS)
        self.stoi: dict[str, int] = {tok: i for i, tok in enumerate(SPECIALS)}
        for tok in tokens:
            if tok not in self.stoi:  # a dict, not the list: word vocabularies are large
                self.stoi[tok] = len(self.itos)
                self.itos.append(tok)

    @classmethod
    def build(cls, sequences: Iterable[Sequence[str]], min_count: int = 1) -> Vocabulary:
        """Tokens seen at least ``min_count`` times, most frequent first (ties by first seen)."""
        counts: dict[str, int] = {}
        for seq in sequences:
            for tok in seq:
                counts[tok] = counts.get(tok, 0) + 1
        kept = [t for t, c in counts.items() if c >= min_count]
        kept.sort(key=lambda t: -counts[t])  # stable: ties keep first-seen order
        return cls(kept)

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Token ids; unseen tokens become ``UNK_ID``."""
        get = self.stoi.get
        return [get(t, UNK_ID) for t in tokens]

    def to_json(self) -> str:
        return json.dumps({"tokens": self.itos}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Vocabulary:
        try:
            tokens = json.loads(text)["tokens"]
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise ModelError(f"vocabulary file is not valid ({err})") from None
        if list(tokens[:4]) != list(SPECIALS):
            raise ModelError("vocabulary file does not start with the special tokens")
        return cls(tokens[4:])


def build_network(vocab_size: int, *, cell: str = "lstm", layers: int = 2, hidden: int = 64,
                  embedding: int = 32, dropout: float = 0.0) -> Any:
    """An ``nn.Module``: embedding -> GRU/LSTM (``layers`` x ``hidden``) -> linear over the
    vocabulary. ``forward(packed)`` takes a PackedSequence of ids and returns the packed RNN
    output (rows ``(n_tokens, hidden)``); ``head`` turns rows into logits ``(n, vocab)``."""
    from torch import nn
    from torch.nn.utils.rnn import PackedSequence

    if cell not in ("lstm", "gru"):
        raise BadInput(f"cell must be 'lstm' or 'gru', not {cell!r}")

    class NextTokenRNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(vocab_size, embedding)
            rnn_cls = nn.LSTM if cell == "lstm" else nn.GRU
            self.rnn = rnn_cls(embedding, hidden, num_layers=layers, batch_first=True,
                               dropout=dropout if layers > 1 else 0.0)
            self.head = nn.Linear(hidden, vocab_size)

        def forward(self, packed: PackedSequence) -> PackedSequence:
            emb = PackedSequence(self.embed(packed.data), packed.batch_sizes,
                                 packed.sorted_indices, packed.unsorted_indices)
            out, _ = self.rnn(emb)
            return out

    return NextTokenRNN()


@dataclass
class SequenceScore:
    """The verdict on one sequence.

    ``ranks[i]``/``surprisal[i]`` (numpy arrays; nats) are for token ``i`` given the tokens
    before it (rank 0 = the model's first choice);
    with an end token there is one more entry, for "the sequence ends here". ``steps`` are
    the surprising token indices; ``end_surprising`` says the ending itself was surprising.
    ``score`` is the largest surprisal in nats (0 for an empty sequence without end token).
    """

    length: int
    ranks: Any
    surprisal: Any
    steps: list[int]
    end_surprising: bool
    score: float
    unknown: list[int] = field(default_factory=list)
    #: Count invariants of normal sessions this one breaks (text, e.g. ``"#11 = #5"``).
    counts: list[str] = field(default_factory=list)
    #: True when the verdict comes from broken counts confirmed by a surprising step.
    by_counts: bool = False

    @property
    def anomalous(self) -> bool:
        return bool(self.steps) or self.end_surprising

    def summary(self) -> dict[str, Any]:
        """The JSON shape of ``textseq anomaly score``."""
        out: dict[str, Any] = {
            "score": round(self.score, 4),
            "anomalous": self.anomalous,
            "steps": self.steps,
            "length": self.length,
        }
        if self.end_surprising:
            out["end_surprising"] = True
        if self.unknown:
            out["unknown"] = self.unknown
        if self.counts and self.anomalous:
            out["counts"] = self.counts
        return out


class AnomalyDetector:
    """A trained next-token network with its vocabulary and decision rule.

    ``top_g``: a step is surprising when the real token's rank (0 = the model's first
    choice) is ``>= top_g`` (None: no rank rule). ``threshold``: and/or when its surprisal
    in nats exceeds it (None: rank rule only). Both can be changed per call of
    :meth:`score`. An unseen token is always a surprising step.

    ``invariants`` (a ``CountInvariants``) and ``count_threshold`` (nats) add a second view:
    a session whose event counts break an invariant of normal sessions is anomalous when
    one of its steps is also above ``count_threshold`` (lower than ``threshold``: a step
    unusual for about 1 normal session in 100); those steps are its ``steps``. Models with
    this view are trained without the rank rule (``top_g`` None): DeepLog's fixed g judges a
    rare but valid transition by one step's rank among keys of near-zero probability.
    """

    def __init__(self, net: Any, vocab: Vocabulary, *, top_g: int | None = 9,
                 threshold: float | None = None, end_token: bool = True,
                 device: str = "cpu", hyperparameters: dict[str, Any] | None = None) -> None:
        self.net = net.to(device).eval()
        self.vocab = vocab
        self.top_g = top_g
        self.threshold = threshold
        self.end_token = end_token
        self.device = device
        self.hyperparameters = dict(hyperparameters or {})
        #: The ``KeyTemplates`` raw log lines are mapped with (None: the model has none).
        self.templates: Any = None
        #: The count view (see the class docstring); None: sequence rule alone.
        self.invariants: Any = None
        self.count_threshold: float | None = None
        # One instance is shared by every thread (the registry caches it): the app's workers,
        # annotators and screens. Two threads running torch on one module at once were seen to
        # hang, so inference is serialised per detector.
        self._lock = threading.RLock()

    # -- encoding ---------------------------------------------------------------------------

    def pairs(self, tokens: Sequence[str]) -> tuple[list[int], list[int]]:
        """Model inputs and targets (ids) for one sequence of tokens."""
        ids = self.vocab.encode(tokens)
        if self.end_token:
            return [BOS_ID] + ids, ids + [EOS_ID]
        if not ids:
            return [], []  # nothing to predict: scored as an empty, unsurprising sequence
        return [BOS_ID] + ids[:-1], ids

    # -- scoring ----------------------------------------------------------------------------

    def step_scores(self, sequences: Sequence[Sequence[str]], *, batch_tokens: int = 65536,
                    chunk_rows: int = 16384) -> list[tuple[Any, Any]]:
        """Per sequence ``(ranks, surprisal)``: numpy arrays (int64, float32 nats), one entry
        per predicted step.

        Sequences are sorted by length and cut into batches whose padded size is at most
        ``batch_tokens`` (a longer sequence runs alone), packed with one padded matrix per
        batch (not one tensor per sequence: that costs more than the network on short
        sessions). Logits are computed ``chunk_rows`` rows at a time so a 100,000-token
        sequence over a large vocabulary stays in memory.
        """
        import numpy as np
        import torch
        from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

        encoded = [self.pairs(seq) for seq in sequences]
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        results: list[tuple[Any, Any]] = [empty] * len(encoded)
        # Longest first inside each batch (pack_padded_sequence's enforce_sorted order).
        order = sorted((i for i, (x, _) in enumerate(encoded) if x),
                       key=lambda i: -len(encoded[i][0]))
        vocab_size = len(self.vocab)
        # At most ~16 M logits (64 MB) at a time, whatever the vocabulary size.
        chunk_rows = max(1, min(chunk_rows, (1 << 24) // vocab_size))
        with self._lock, torch.inference_mode():
            start = 0
            while start < len(order):
                longest = len(encoded[order[start]][0])
                end = min(len(order), start + max(1, batch_tokens // longest))
                idx = order[start:end]
                start = end
                lengths = np.array([len(encoded[i][0]) for i in idx], dtype=np.int64)
                inputs = np.zeros((len(idx), longest), dtype=np.int64)
                targets = np.zeros((len(idx), longest), dtype=np.int64)
                for row, i in enumerate(idx):
                    x, y = encoded[i]
                    inputs[row, : len(x)] = x
                    targets[row, : len(y)] = y
                len_t = torch.from_numpy(lengths)
                packed = pack_padded_sequence(torch.from_numpy(inputs), len_t, batch_first=True)
                tgt_all = pack_padded_sequence(torch.from_numpy(targets), len_t,
                                               batch_first=True).data.to(self.device)
                out = self.net(packed.to(self.device)).data
                ranks = torch.empty(out.shape[0], dtype=torch.long)
                surprisal = torch.empty(out.shape[0], dtype=torch.float32)
                for c in range(0, out.shape[0], chunk_rows):
                    logits = self.net.head(out[c : c + chunk_rows]).float()
                    # <pad> and <bos> are never a next token: keep them out of the ranking.
                    logits[:, PAD_ID] = -math.inf
                    logits[:, BOS_ID] = -math.inf
                    tgt = tgt_all[c : c + chunk_rows]
                    tgt_logit = logits.gather(1, tgt[:, None])
                    r = (logits > tgt_logit).sum(1)
                    # An unseen token was never a training target: always outside the top-g.
                    r = torch.where(tgt == UNK_ID, torch.full_like(r, vocab_size), r)
                    ranks[c : c + chunk_rows] = r.cpu()
                    lse = torch.logsumexp(logits, dim=1)
                    surprisal[c : c + chunk_rows] = (lse - tgt_logit[:, 0]).cpu()
                bs = packed.batch_sizes
                rank_pad = pad_packed_sequence(PackedSequence(ranks, bs), batch_first=True)[0]
                surp_pad = pad_packed_sequence(PackedSequence(surprisal, bs), batch_first=True)[0]
                rank_np, surp_np = rank_pad.numpy(), surp_pad.numpy()
                for row, i in enumerate(idx):
                    n = int(lengths[row])
                    results[i] = (rank_np[row, :n], surp_np[row, :n])
        return results

    def score(self, sequences: Sequence[Sequence[str]], *, top_g: int | None = None,
              threshold: float | None = ..., batch_tokens: int = 65536,  # type: ignore[assignment]
              dedupe: bool = True, counts: bool = True) -> list[SequenceScore]:
        """Score token sequences (lists of strings); see :class:`SequenceScore`.

        ``top_g``/``threshold`` override the model's rule for this call (pass
        ``threshold=None`` to use the rank rule alone). With ``dedupe``, identical sequences
        (common in logs: a few hundred session shapes repeat) run through the network once.
        ``counts=False`` leaves the count view out (the sequence rule alone).
        """
        import numpy as np

        g = self.top_g if top_g is None else int(top_g)
        if g is not None and g < 1:
            raise BadInput(f"top-g must be at least 1, not {g}")
        thr = self.threshold if threshold is ... else threshold
        if dedupe:
            first: dict[tuple[str, ...], int] = {}
            keys = [first.setdefault(tuple(s), len(first)) for s in sequences]
            unique: list[Sequence[str]] = [()] * len(first)
            for s, k in zip(sequences, keys, strict=True):
                unique[k] = s
            raw = self.step_scores(unique, batch_tokens=batch_tokens)
            per_seq = [raw[k] for k in keys]
        else:
            per_seq = self.step_scores(sequences, batch_tokens=batch_tokens)
        out = []
        unk_rank = len(self.vocab)
        count_thr = self.count_threshold
        use_counts = counts and self.invariants is not None and count_thr is not None
        broken = self.invariants.broken(sequences) if use_counts else None
        for k, (seq, (ranks, surp)) in enumerate(zip(sequences, per_seq, strict=True)):
            flagged = ranks == unk_rank  # an unseen token, whatever g is
            if g is not None:
                flagged |= ranks >= g
            if thr is not None:
                flagged |= surp > thr
            described: list[str] = []
            by_counts = False
            if broken is not None and broken[k]:
                described = [self.invariants.describe(j) for j in broken[k]]
                if not flagged.any():
                    flagged = surp > count_thr
                    by_counts = bool(flagged.any())
            n = len(seq)
            hits = np.flatnonzero(flagged).tolist() if flagged.any() else []
            end_hit = self.end_token and bool(hits) and hits[-1] == n
            steps = [h for h in hits if h < n]  # entry k predicts token k (entry n: the end)
            # Only an unseen token gets rank == vocabulary size (see step_scores).
            unknown = np.flatnonzero(ranks[:n] == unk_rank).tolist() if hits else []
            out.append(SequenceScore(
                length=n, ranks=ranks, surprisal=surp, steps=steps, end_surprising=end_hit,
                score=float(surp.max()) if len(surp) else 0.0, unknown=unknown,
                counts=described, by_counts=by_counts,
            ))
        return out

    def top_predictions(self, prefix: Sequence[str], k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` most likely next tokens after ``prefix`` with their probabilities."""
        import torch

        from textseq_tui.ml.batching import pack_batch

        ids = [BOS_ID] + self.vocab.encode(prefix)
        with self._lock, torch.inference_mode():
            batch = pack_batch([torch.tensor(ids, dtype=torch.long)])
            out = self.net(batch.packed.to(self.device)).data
            last = out[batch.positions()[1].argmax()]
            logits = self.net.head(last).float()
            logits[PAD_ID] = logits[BOS_ID] = -math.inf
            probs = torch.softmax(logits, 0)
            p, i = probs.topk(min(k, len(self.vocab) - 2))
        return [(self.vocab.itos[j], float(q)) for q, j in zip(p.tolist(), i.tolist(), strict=True)]


def load_detector(model_dir: Path, device: str = "cpu") -> AnomalyDetector:
    """The registry loader for kind ``next-token-rnn``: weights + vocabulary + rule."""
    from textseq_tui.ml import load_tensors
    from textseq_tui.plugin import read_card

    card = read_card(Path(model_dir))
    hp = card.hyperparameters
    vocab = Vocabulary.from_json((Path(model_dir) / VOCAB_FILE).read_text(encoding="utf-8"))
    net = build_network(len(vocab), cell=hp.get("cell", "lstm"), layers=int(hp.get("layers", 2)),
                        hidden=int(hp.get("hidden", 64)), embedding=int(hp.get("embedding", 32)))
    state = load_tensors(Path(model_dir) / WEIGHTS_FILE, device="cpu")
    try:
        net.load_state_dict({k: v.float() for k, v in state.items()})
    except RuntimeError as err:
        raise ModelError(f"{model_dir}: weights do not match the card's hyper-parameters "
                         f"({str(err).splitlines()[0]})") from None
    threshold = hp.get("threshold")
    top_g = hp.get("top_g", 9)
    detector = AnomalyDetector(net, vocab, top_g=None if top_g is None else int(top_g),
                               threshold=None if threshold is None else float(threshold),
                               end_token=bool(hp.get("end_token", True)), device=device,
                               hyperparameters=hp)
    if INVARIANTS_FILE in card.files and hp.get("count_threshold") is not None:
        from textseq_plugins.anomaly.invariants import CountInvariants

        text = (Path(model_dir) / INVARIANTS_FILE).read_text(encoding="utf-8")
        detector.invariants = CountInvariants.from_json(text)
        detector.count_threshold = float(hp["count_threshold"])
    if TEMPLATES_FILE in card.files:
        from textseq_plugins.anomaly.logparse import KeyTemplates

        text = (Path(model_dir) / TEMPLATES_FILE).read_text(encoding="utf-8")
        try:
            detector.templates = KeyTemplates.from_json(text)
        except BadInput as err:
            raise ModelError(f"{model_dir}: {TEMPLATES_FILE} is not valid ({err})") from None
    return detector
