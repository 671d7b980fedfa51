"""Training a character model on a user's corpus with the host's shared training loop.

The corpus is one long stream: the first 90 % trains, the last 10 % is held out (as nanoGPT
splits tinyshakespeare). Training uses truncated back-propagation through time: the stream
is cut into ``batch`` contiguous lanes, each window of ``seq_len`` characters continues the
previous one, and the hidden state is carried across windows (detached), so the model sees
context longer than one window. Each epoch starts at a new random offset (seeded).

Under ``torchrun --nproc_per_node N`` every rank joins the process group (gloo on CPU,
NCCL on GPUs), trims the stream to a multiple of ``N * batch`` and reads only its contiguous
``1/N`` shard; gradients are averaged by DDP, so N ranks with ``batch`` lanes each follow
the same trajectory as one process with ``N * batch`` lanes (a test checks this).
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from textseq_plugins.autocomplete.model import CharRNN, CharVocab, RNNConfig, stream_nats
from textseq_plugins.autocomplete.text_input import split_corpus

from textseq_tui.ml.batching import detach_hidden, shard_for_rank, stream_batches
from textseq_tui.ml.checkpoint import load_checkpoint
from textseq_tui.ml.params import param_groups
from textseq_tui.ml.schedule import WarmupCosine
from textseq_tui.ml.trainer import TrainConfig, Trainer
from textseq_tui.plugin import TRAIN_LOSS, VAL_LOSS, BadInput, ModelError


@dataclass
class TrainOptions:
    """Hyper-parameters of one training run (all recorded in the model card).

    ``steps``: optimizer updates in total (None: estimated from ``minutes`` by timing a few
    steps, so the learning-rate schedule ends when the budget does). ``lr`` is AdamW's peak
    learning rate, reached after ``warmup`` steps, then cosine-decayed to ``lr / 10``.
    ``eval_chars`` caps the held-out characters scored at each periodic evaluation (the
    final evaluation always scores all of them).
    """

    cell: str = "gru"
    embed: int = 64
    hidden: int = 384
    layers: int = 2
    dropout: float = 0.1
    batch: int = 32
    seq_len: int = 128
    lr: float = 3e-3
    weight_decay: float = 0.01
    warmup: int = 50
    steps: int | None = None
    minutes: float | None = 5.0
    seed: int = 0
    min_count: int = 1
    eval_every: int = 200
    eval_chars: int = 40_000
    init: str | None = None  # the model this run started from (``--init``), if any
    checkpoint_every: int = 100


def check_size(train_chars: int, opts: TrainOptions, world: int = 1) -> None:
    """``BadInput`` when the training part cannot fill one batch of every rank."""
    need = world * opts.batch * (opts.seq_len + 1)
    if train_chars < need:
        raise BadInput(
            f"the corpus is too small: its training part has {train_chars:,} characters, but "
            f"one batch needs {need:,} ({world} rank(s) x {opts.batch} lanes x "
            f"{opts.seq_len + 1} chars). Use more text, or smaller --batch-size/--seq-len."
        )


def epoch_batches(ids: torch.Tensor, opts: TrainOptions, rank: int = 0,
                  world: int = 1) -> Iterator[tuple[torch.Tensor, torch.Tensor, bool]]:
    """Endless ``(x, y, first)`` windows ``(batch, seq_len)`` over this rank's shard, epoch
    after epoch; ``first`` marks an epoch's first window (reset the hidden state there).
    Deterministic for a seed, so a resumed run can skip the batches it already trained on."""
    epoch = 0
    while True:
        gen = torch.Generator().manual_seed(opts.seed * 1000 + epoch)
        shift = int(torch.randint(0, opts.seq_len, (1,), generator=gen)) if epoch else 0
        stream = ids[shift:]
        used = (stream.shape[0] // (world * opts.batch)) * world * opts.batch
        shard = stream[shard_for_rank(used, rank, world)]
        for i, (x, y) in enumerate(stream_batches(shard, opts.batch, opts.seq_len, drop_last=True)):
            yield x, y, i == 0
        epoch += 1


def steps_per_epoch(n_train: int, opts: TrainOptions, world: int = 1) -> float:
    """Optimizer steps in one pass over the training characters."""
    return max(1.0, n_train / (world * opts.batch * opts.seq_len))


# -- training ------------------------------------------------------------------------------------


@dataclass
class TrainOutcome:
    """What ``train_char_model`` returns: the trained network, its vocabulary and figures."""

    net: CharRNN
    vocab: CharVocab
    metrics: dict[str, float]
    options: TrainOptions
    device: str


def _estimate_steps(net: CharRNN, opts: TrainOptions, batches: Iterator, device: torch.device,
                    minutes: float) -> int:
    """How many steps fit in ``minutes``, timed on a throwaway copy of the model."""
    probe = copy.deepcopy(net).to(device).train()
    optim = torch.optim.AdamW(probe.parameters(), lr=opts.lr)
    h, times = None, []
    for i, (x, y, _) in zip(range(6), batches, strict=False):
        t0 = time.perf_counter()
        logits, h = probe(x.to(device), h)
        h = detach_hidden(h)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                 y.to(device).reshape(-1))
        optim.zero_grad()
        loss.backward()
        optim.step()
        if i:  # the first step pays one-off allocation costs
            times.append(time.perf_counter() - t0)
    per_step = sorted(times)[len(times) // 2] * 1.1  # + checkpoints and evaluations
    steps = int(minutes * 60 / per_step)
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        t = torch.tensor(steps)
        torch.distributed.all_reduce(t, op=torch.distributed.ReduceOp.MIN)
        steps = int(t)
    return max(steps, 1)


@dataclass
class _Start:
    """Where a run starts: its options (a resumed run's own, an ``--init`` model's shape),
    vocabulary, and what a checkpoint being resumed holds (``saved``, ``saved_step``)."""

    opts: TrainOptions
    vocab: CharVocab
    saved: dict[str, Any]
    saved_step: int
    requested_steps: int | None


def _starting_point(text: str, train_text: str, opts: TrainOptions,
                    checkpoint_path: Path | None, resume: bool, init: Any) -> _Start:
    saved: dict[str, Any] = {}
    saved_step = 0
    requested_steps = opts.steps
    if resume and checkpoint_path is not None and Path(checkpoint_path).exists():
        ckpt = load_checkpoint(checkpoint_path, map_location="cpu")
        saved, saved_step = ckpt.get("extra") or {}, int(ckpt.get("step", 0))
        if saved.get("corpus_chars") != len(text):
            raise BadInput(
                f"the checkpoint {checkpoint_path} was trained on another corpus "
                f"({saved.get('corpus_chars')} chars, this one has {len(text)}); "
                "train again without --resume"
            )
        opts = TrainOptions(**{**asdict(opts), **saved["options"], "minutes": opts.minutes,
                               "steps": requested_steps})
    if init is not None and not saved:
        shape = init.config
        opts = TrainOptions(**{**asdict(opts), "cell": shape.cell, "embed": shape.embed,
                               "hidden": shape.hidden, "layers": shape.layers})
        vocab = CharVocab(list(init.vocab.chars))
    elif saved:
        vocab = CharVocab(saved["chars"])
    else:
        vocab = CharVocab.from_text(train_text, opts.min_count)
    return _Start(opts, vocab, saved, saved_step, requested_steps)


def _schedule(net: CharRNN, start: _Start, train_ids: torch.Tensor, rank: int, world: int,
              dev: torch.device) -> WarmupCosine:
    """Warm-up, then a cosine from lr to lr/10 (``textseq_tui.ml.schedule``). With --steps, or
    under DDP (ranks must agree on the rate bit for bit), it follows the step count, estimated
    from --minutes when not given; with only --minutes in one process it follows the clock: a
    shared CPU's speed drifts and the decay must end when the budget does. A resumed run
    continues the cosine from where it stopped and finishes it within its new budget. Sets
    ``opts.steps`` to the planned total (None: the clock's)."""
    opts, saved = start.opts, start.saved
    timed = start.requested_steps is None and opts.minutes is not None and world == 1
    total = opts.steps
    if total is None and not timed:
        total = start.saved_step + _estimate_steps(
            net, opts, epoch_batches(train_ids, opts, rank, world), dev, opts.minutes or 5.0)
    opts.steps = total
    warmup = max(1, min(opts.warmup, total // 10)) if total else max(1, opts.warmup)
    if "progress" in saved:
        done = float(saved["progress"])
    elif saved.get("total_steps"):
        done = min(1.0, start.saved_step / saved["total_steps"])
    else:
        done = 0.0
    if timed:
        return WarmupCosine(warmup, budget_s=(opts.minutes or 0) * 60, start=done)
    return WarmupCosine(warmup, total_steps=total, start=done)


def _val_losses(net: CharRNN, val_ids: torch.Tensor) -> dict[str, float]:
    """The held-out loss in nats/char: ``val_loss`` (the name ``/runs`` plots) and, the same
    number, ``val_nats_per_char``."""
    nats, count = stream_nats(net, val_ids)
    loss = nats / max(count, 1)
    return {VAL_LOSS: loss, "val_nats_per_char": loss}


def train_char_model(
    text: str,
    opts: TrainOptions,
    *,
    device: str = "cpu",
    checkpoint_path: Path | None = None,
    resume: bool = False,
    on_metrics: Callable[[int, dict[str, float]], None] | None = None,
    progress: bool = True,
    init: Any = None,
) -> TrainOutcome:
    """Train on the first 90 % of ``text`` and measure nats/char on the last 10 %.

    Runs in one process or as one rank of ``torchrun`` (``ddp_setup`` already called by the
    caller or here). ``resume`` restores model, optimizer, scheduler and step from
    ``checkpoint_path``; the vocabulary and step total come from the checkpoint, so resuming
    on a different corpus is refused. ``init`` (a ``CharModel``) starts a new run from that
    model's weights, vocabulary and shape (a warm restart: a fresh schedule and optimizer),
    to train a shipped model further.
    """
    from textseq_tui.ml.trainer import ddp_setup

    rank, world = ddp_setup()
    dev = torch.device(device)
    train_text, val_text = split_corpus(text)
    check_size(len(train_text), opts, world)
    if len(val_text) < 2:
        raise BadInput("the corpus is too small to hold out 10 % for validation")
    start = _starting_point(text, train_text, opts, checkpoint_path, resume, init)
    opts, vocab = start.opts, start.vocab
    train_ids, val_ids = vocab.encode(train_text), vocab.encode(val_text)
    torch.manual_seed(opts.seed)
    net = CharRNN(RNNConfig(vocab_size=len(vocab), cell=opts.cell, embed=opts.embed,
                            hidden=opts.hidden, layers=opts.layers, dropout=opts.dropout))
    if init is not None and not start.saved:
        net.load_state_dict(init.net.state_dict())
    model: torch.nn.Module = net
    if world > 1:
        net.to(dev)
        model = torch.nn.parallel.DistributedDataParallel(
            net, device_ids=[dev.index] if dev.type == "cuda" else None)
    schedule = _schedule(net, start, train_ids, rank, world, dev)
    optimizer = torch.optim.AdamW(param_groups(net, lr=opts.lr, weight_decay=opts.weight_decay),
                                  lr=opts.lr, betas=(0.9, 0.99))
    state: dict[str, Any] = {"h": None}
    per_epoch = steps_per_epoch(train_ids.shape[0], opts, world)
    fixed = {"chars": vocab.chars, "corpus_chars": len(text), "total_steps": opts.steps,
             "options": {k: v for k, v in asdict(opts).items() if k != "minutes"}}

    def log(step: int, metrics: dict[str, float]) -> None:
        if on_metrics is not None:
            on_metrics(step, {**metrics, "epoch": step / per_epoch})

    def extra() -> dict[str, Any]:
        # The carried hidden state goes into the checkpoint too: a resumed single-process
        # run then continues exactly where it stopped (under DDP each rank has its own
        # state and only rank 0 saves, so there it restarts from zeros).
        h = state["h"]
        return {**fixed, "progress": schedule.done,
                "hidden": detach_hidden(h) if world == 1 and h is not None else None}

    trainer = Trainer(
        model, optimizer, step_fn=bptt_step(state, opts.batch * opts.seq_len * world),
        scheduler=torch.optim.lr_scheduler.LambdaLR(optimizer, schedule), device=dev,
        config=TrainConfig(max_steps=opts.steps, minutes=opts.minutes, grad_clip=1.0,
                           checkpoint_every=opts.checkpoint_every, eval_every=opts.eval_every,
                           log_every=25, progress=progress, throughput_unit="chars"),
        checkpoint_path=checkpoint_path, on_metrics=log, extra_state=extra,
        eval_fn=lambda m: _val_losses(net, val_ids[: opts.eval_chars]),
    )
    if resume and trainer.resume() and world == 1:
        h = (trainer.resumed_extra or {}).get("hidden")
        state["h"] = tuple(h) if isinstance(h, list) else h
    result = trainer.fit(epoch_batches(train_ids, opts, rank, world))
    opts.steps = result.steps  # what was done: the model card's rebuild command repeats it
    net.eval()
    metrics = _final_metrics(net, val_ids, result, per_epoch, world,
                             {"corpus_chars": len(text), "train_chars": int(train_ids.shape[0])})
    return TrainOutcome(net=net, vocab=vocab, metrics=metrics, options=opts, device=str(dev))


def bptt_step(state: dict[str, Any], chars_per_step: int) -> Callable:
    """The ``Trainer``'s step for truncated BPTT over ``epoch_batches``: the hidden state
    (kept in ``state["h"]``) carries over from the previous window, detached, and is reset at
    an epoch's first window; the loss is in nats per character."""

    def step(m: torch.nn.Module, batch: tuple) -> tuple[torch.Tensor, int]:
        x, y, first = batch
        h = None if first else detach_hidden(state["h"])
        logits, state["h"] = m(x, h)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                 y.reshape(-1))
        return loss, chars_per_step

    return step


def _final_metrics(net: CharRNN, val_ids: torch.Tensor, result: Any, per_epoch: float,
                   world: int, sizes: dict[str, int]) -> dict[str, Any]:
    """The card's metrics: nats/char on every held-out character, and what the run did."""
    nats, count = stream_nats(net, val_ids)
    if not math.isfinite(nats):
        raise ModelError("training diverged (non-finite validation loss); lower --lr")
    metrics: dict[str, Any] = {
        "val_nats_per_char": nats / count,
        "val_bits_per_char": nats / count / math.log(2),
        "val_chars": count,
        **sizes,
        "steps": result.steps,
        "epochs": round(result.steps / per_epoch, 3),
        "minutes": round(result.seconds / 60, 2),
        "train_chars_per_s": round(result.metrics.get("items_per_s", 0.0), 1),
        "stopped_because": result.stopped_because,
        "world_size": world,
    }
    # A resume of a run that had already reached its last step trains 0 steps and has no
    # loss to report: leave the key out rather than write NaN (not valid JSON).
    loss = result.metrics.get(TRAIN_LOSS, float("nan"))
    if math.isfinite(loss):
        metrics["final_train_loss"] = round(loss, 4)
    return metrics
