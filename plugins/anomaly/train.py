"""Training a next-token detector on normal sequences, and choosing its threshold.

``textseq anomaly train`` runs :func:`train_detector`. A slice of the normal sequences
(``calib_fraction``) is held out:
it never trains the network; its loss is the card's held-out metric and the surprisal
threshold is chosen on it so that at most ``fp_budget`` of normal sequences would be flagged.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textseq_plugins.anomaly.model import (
    BOS_ID,
    EOS_ID,
    INVARIANTS_FILE,
    TEMPLATES_FILE,
    VOCAB_FILE,
    WEIGHTS_FILE,
    AnomalyDetector,
    Vocabulary,
    build_network,
)
from textseq_plugins.anomaly.plugin import KIND

from textseq_tui.plugin import TRAIN_LOSS, VAL_LOSS, BadInput


@dataclass
class DetectorTrainConfig:
    """Hyper-parameters (DeepLog's network is 2 layers x 64 units; lr in Adam's units)."""

    cell: str = "lstm"
    layers: int = 2
    hidden: int = 64
    embedding: int = 32
    batch_size: int = 64
    lr: float = 3e-3
    max_steps: int = 2000
    minutes: float | None = 3.0
    #: None: DeepLog's 9 without the count view, no rank rule with it; 0: chosen on held-out data.
    top_g: int | None = None
    fp_budget: float = 0.001
    threshold_margin: float = 1.0
    calib_fraction: float = 0.1
    end_token: bool = True
    seed: int = 0
    #: Mine count invariants of the training sequences (the count view; log keys only).
    counts: bool = True
    #: Share of held-out normal sequences whose most surprising step is enough to confirm
    #: broken counts: the count view's threshold is their ``1 - count_flag_rate`` quantile.
    count_flag_rate: float = 0.01


@dataclass
class DetectorTrainResult:
    """A trained, calibrated detector with the card's metrics and hyper-parameters."""

    detector: AnomalyDetector
    metrics: dict[str, Any]
    hyperparameters: dict[str, Any]


def read_sequences(source: str) -> list[list[str]]:
    """Token lists from a file of one sequence a line (blank lines skipped). A CSV with a
    ``Sequence,label`` header keeps only rows labelled 0 (normal)."""
    from textseq_tui.plugin import iter_input

    out = []
    csv_mode = False
    for number, line in iter_input(source):
        if number == 1 and line.lower().startswith("sequence,"):
            csv_mode = True
            continue
        if csv_mode:
            seq, _, label = line.rpartition(",")
            if label.strip() != "0":
                continue
            line = seq
        out.append(line.split())
    if not out:
        raise BadInput(f"{source}: no sequences (one sequence a line, tokens space-separated)")
    return out


def split_calibration(sequences: Sequence[list[str]], fraction: float, seed: int
                      ) -> tuple[list[list[str]], list[list[str]]]:
    """A seeded ``(train, calibration)`` split; calibration is empty when fraction is 0."""
    idx = list(range(len(sequences)))
    random.Random(seed).shuffle(idx)
    n_cal = int(round(len(idx) * fraction)) if len(idx) >= 10 else 0
    cal = [sequences[i] for i in idx[:n_cal]]
    train = [sequences[i] for i in idx[n_cal:]]
    return train, cal


def conformal_quantile(values: Sequence[float], rate: float) -> float:
    """The split-conformal ``1 - rate`` quantile of ``values`` (scores of held-out normal
    sequences): the ``ceil((n + 1)(1 - rate))``-th smallest, so that a new normal sequence
    exceeds it with probability at most ``rate`` (for exchangeable data); the largest value
    when ``n`` is too small for that rate (fewer than ``1/rate - 1`` values). Unlike an
    interpolated percentile, it does not pretend a 0.1 % tail can be read off 1,500 values."""
    if not values:
        return float("inf")
    ordered = sorted(float(v) for v in values)
    k = math.ceil((len(ordered) + 1) * (1.0 - rate))
    return ordered[min(k, len(ordered)) - 1]


def choose_threshold(max_surprisals: Sequence[float], fp_budget: float, margin: float) -> float:
    """A surprisal threshold (nats) flagging at most ``fp_budget`` of normal sequences: the
    conformal ``1 - budget`` quantile of the calibration sequences' largest step surprisal
    (see :func:`conformal_quantile`), plus ``margin`` nats for the tail of unseen normal
    data a small calibration set does not show."""
    return conformal_quantile(max_surprisals, fp_budget) + margin


def calibrate(detector: AnomalyDetector, cal: Sequence[list[str]], settings: DetectorTrainConfig
              ) -> None:
    """Set the detector's threshold (and g when ``settings.top_g`` is 0) on held-out normal
    sequences. Unseen tokens are left out of both: they are flagged by rule (rank = vocabulary
    size), and one rare word in the held-out set must not raise the bar for everything else.
    With ``top_g == 0``, g is the smallest value that flags at most ``fp_budget`` of them by
    rank, which suits open vocabularies (words, characters) where DeepLog's 9 means little.
    """
    import numpy as np

    plain = detector.score(cal, threshold=None, top_g=1 << 30, counts=False)
    unk_rank = len(detector.vocab)
    max_ranks, max_nats = [], []
    for s in plain:
        known = s.ranks < unk_rank
        max_ranks.append(int(s.ranks[known].max()) if known.any() else 0)
        max_nats.append(float(s.surprisal[known].max()) if known.any() else 0.0)
    if settings.top_g == 0:
        g = int(np.quantile(max_ranks, 1.0 - settings.fp_budget, method="higher")) + 1
        detector.top_g = max(1, min(g, unk_rank))
    detector.threshold = choose_threshold(max_nats, settings.fp_budget, settings.threshold_margin)
    if detector.invariants is not None and len(detector.invariants) and max_nats:
        # A step as unusual as the most surprising step of 1 normal session in 100 confirms
        # broken counts; both together are rare in normal sessions (the views disagree on
        # what is unusual: a rare interleaving breaks no count, a replica more no order).
        detector.count_threshold = conformal_quantile(max_nats, settings.count_flag_rate)


def _batches(encoded: list[list[int]], batch_size: int, seed: int):
    """Endless seeded shuffled batches ``(PackedBatch inputs, targets)`` — the same order on
    every call, so ``Trainer.resume`` can skip what an interrupted run already saw."""
    import torch

    from textseq_tui.ml.batching import next_token_batch

    gen = torch.Generator().manual_seed(seed)
    tensors = [torch.tensor(seq, dtype=torch.long) for seq in encoded]
    while True:
        perm = torch.randperm(len(tensors), generator=gen).tolist()
        for s in range(0, len(perm), batch_size):
            yield next_token_batch([tensors[i] for i in perm[s : s + batch_size]])


def _heldout_loss(encoded: list[list[int]], device: str) -> Callable[[Any], dict[str, float]]:
    """The Trainer's ``eval_fn``: mean next-token cross-entropy (nats per token) of the
    held-out sequences ``encoded``."""
    import torch

    from textseq_tui.ml.batching import next_token_batch

    def eval_fn(model: Any) -> dict[str, float]:
        total, count = 0.0, 0
        for s in range(0, len(encoded), 512):
            chunk = [torch.tensor(e) for e in encoded[s : s + 512]]
            inputs, targets = next_token_batch(chunk)
            inputs, targets = inputs.to(device), targets.to(device)
            logits = model.head(model(inputs.packed).data)
            total += float(torch.nn.functional.cross_entropy(logits, targets, reduction="sum"))
            count += int(targets.numel())
        loss = total / max(count, 1)
        # val_loss: the standard name /runs plots; same value
        return {VAL_LOSS: loss, "heldout_nats_per_token": loss}

    return eval_fn


def train_detector(
    sequences: Sequence[list[str]],
    settings: DetectorTrainConfig,
    *,
    device: str = "cpu",
    checkpoint_path: Path | None = None,
    resume: bool = False,
    progress: bool = True,
    on_metrics: Callable[[int, dict[str, float]], None] | None = None,
    calib: Sequence[list[str]] | None = None,
) -> DetectorTrainResult:
    """Train on normal ``sequences`` (token lists) and calibrate the threshold.

    With ``calib`` (held-out normal sequences, e.g. a separate file), every sequence of
    ``sequences`` trains and the threshold is chosen on ``calib``; without it a seeded
    ``settings.calib_fraction`` of ``sequences`` is held out for that."""
    import torch

    from textseq_tui.ml.params import param_groups
    from textseq_tui.ml.trainer import TrainConfig, Trainer

    sequences = [list(s) for s in sequences]
    if calib is None:
        train, cal = split_calibration(sequences, settings.calib_fraction, settings.seed)
    else:
        train, cal = sequences, [list(s) for s in calib]
    train = [s for s in train if s or settings.end_token]
    if not train:
        raise BadInput("no sequence to train on (need at least one non-empty sequence)")
    torch.manual_seed(settings.seed)
    vocab = Vocabulary.build(train)

    def ids(seq: list[str]) -> list[int]:
        body = vocab.encode(seq)
        return [BOS_ID] + body + ([EOS_ID] if settings.end_token else [])

    encoded = [e for e in (ids(s) for s in train) if len(e) >= 2]
    if not encoded:
        raise BadInput("every training sequence has a single token; without an end token "
                       "there is nothing to predict. Give longer sequences.")
    net = build_network(len(vocab), cell=settings.cell, layers=settings.layers,
                        hidden=settings.hidden, embedding=settings.embedding)
    optimizer = torch.optim.Adam(param_groups(net, lr=settings.lr), lr=settings.lr)
    cal_encoded = [e for e in (ids(s) for s in cal) if len(e) >= 2]

    def step_fn(model: Any, batch: Any) -> tuple[Any, int]:
        inputs, targets = batch
        logits = model.head(model(inputs.packed).data)
        return torch.nn.functional.cross_entropy(logits, targets), int(targets.numel())

    config = TrainConfig(max_steps=settings.max_steps, minutes=settings.minutes,
                         checkpoint_every=200, eval_every=200, log_every=50,
                         progress=progress, throughput_unit="tokens")
    trainer = Trainer(net, optimizer, step_fn=step_fn, config=config,
                      device=torch.device(device), checkpoint_path=checkpoint_path,
                      eval_fn=_heldout_loss(cal_encoded, device) if cal_encoded else None,
                      on_metrics=on_metrics,
                      extra_state={"vocab": vocab.itos})
    if resume:
        trainer.resume()
        if trainer.resumed_extra and trainer.resumed_extra.get("vocab") != vocab.itos:
            raise BadInput("the checkpoint was trained on other data (its vocabulary differs); "
                           "train again without --resume")
    elif checkpoint_path is not None and Path(checkpoint_path).exists():
        Path(checkpoint_path).unlink()
    result = trainer.fit(_batches(encoded, settings.batch_size, settings.seed))
    net.eval()
    detector = AnomalyDetector(net.cpu(), vocab, top_g=settings.top_g or 9, threshold=None,
                               end_token=settings.end_token, device="cpu")
    if settings.counts:
        from textseq_plugins.anomaly.invariants import CountInvariants

        detector.invariants = CountInvariants().fit(train)
    if settings.top_g is None and detector.invariants is not None and len(detector.invariants):
        detector.top_g = None  # the count view replaces DeepLog's uncalibrated rank rule
    metrics: dict[str, Any] = {
        "train_sequences": len(train),
        "calibration_sequences": len(cal),
        "steps": result.steps,
        "seconds": round(result.seconds, 1),
        "stopped_because": result.stopped_because,
        TRAIN_LOSS: round(result.metrics.get(TRAIN_LOSS, float("nan")), 4),
    }
    if "heldout_nats_per_token" in result.metrics:
        metrics["heldout_nats_per_token"] = round(result.metrics["heldout_nats_per_token"], 4)
    if cal:
        calibrate(detector, cal, settings)
        flagged = detector.score(cal)
        metrics["calibration_flag_rate"] = round(
            sum(s.anomalous for s in flagged) / len(flagged), 5)
    hyper = _hyperparameters(settings, detector, separate_calib=calib is not None)
    detector.hyperparameters = hyper
    return DetectorTrainResult(detector, metrics, hyper)


def _hyperparameters(settings: DetectorTrainConfig, detector: AnomalyDetector,
                     separate_calib: bool) -> dict[str, Any]:
    """The card's hyper-parameters: the settings and what calibration chose."""
    return {
        "cell": settings.cell, "layers": settings.layers, "hidden": settings.hidden,
        "embedding": settings.embedding, "batch_size": settings.batch_size, "lr": settings.lr,
        "max_steps": settings.max_steps, "minutes": settings.minutes, "seed": settings.seed,
        "top_g": detector.top_g, "top_g_auto": settings.top_g == 0,
        "fp_budget": settings.fp_budget,
        "threshold_margin": settings.threshold_margin, "end_token": settings.end_token,
        "calib_fraction": "separate file" if separate_calib else settings.calib_fraction,
        "threshold": None if detector.threshold is None else round(detector.threshold, 4),
        "vocab_size": len(detector.vocab),
        "count_flag_rate": settings.count_flag_rate,
        "count_threshold": None if detector.count_threshold is None
        else round(detector.count_threshold, 4),
        "invariants": len(detector.invariants) if detector.invariants is not None else 0,
    }


def model_files(detector: AnomalyDetector) -> dict[str, bytes]:
    """The files of a model directory: safetensors weights, the vocabulary and, for a model
    of parsed logs, its log templates."""
    from safetensors.torch import save

    state = {k: v.detach().cpu().contiguous() for k, v in detector.net.state_dict().items()}
    files = {WEIGHTS_FILE: save(state), VOCAB_FILE: detector.vocab.to_json().encode("utf-8")}
    if detector.templates is not None:
        files[TEMPLATES_FILE] = detector.templates.to_json().encode("utf-8")
    if detector.invariants is not None and detector.count_threshold is not None:
        files[INVARIANTS_FILE] = detector.invariants.to_json().encode("utf-8")
    return files


def model_card(outcome: DetectorTrainResult, *, name: str, data: Any, rebuild: str,
               device: str = "cpu") -> Any:
    """The card of a trained detector (its files are filled in when it is saved)."""
    from textseq_tui.plugin import new_card

    return new_card(name=name, plugin="anomaly", kind=KIND, device=device, data=data,
                    hyperparameters=outcome.hyperparameters, metrics=outcome.metrics,
                    description="Next-token GRU/LSTM anomaly detector: a step is surprising "
                    "when the real token is outside the top-g or above the threshold.",
                    rebuild=rebuild)


def save_model(registry_dir: Path | None, registry: Any, outcome: DetectorTrainResult, *, name: str,
               data: Any, rebuild: str, device: str = "cpu") -> Any:
    """Save into ``registry`` (the user dir) or, with ``registry_dir``, into that directory
    (``registry_dir / name``; how the shipped model in ``models/`` is written). The CLI saves
    through ``ctx.save_model`` instead; this is for scripts and tests without a context."""
    from textseq_tui.plugin import ModelRegistry

    card = model_card(outcome, name=name, data=data, rebuild=rebuild, device=device)
    target = ModelRegistry(Path(registry_dir)) if registry_dir is not None else registry
    return target.save(card, model_files(outcome.detector))
