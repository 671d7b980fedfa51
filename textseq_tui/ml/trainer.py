"""A small generic training loop: steps, gradient clipping, bf16 autocast on CUDA, a progress
bar, periodic atomic checkpoints, evaluation, metrics callbacks, resume after a crash, and
the ``torchrun`` helpers for multi-process (DDP) training (re-exported from ``device``).

The model-specific part is one function, ``step_fn(model, batch) -> loss`` (or
``(loss, n_items)`` for a throughput figure); everything else is shared by the plugins.
Metrics use the plugin API's standard names: the training loss is ``train_loss``
(``textseq_tui.plugin.TRAIN_LOSS``), and an ``eval_fn`` reports its held-out loss as
``val_loss`` (``VAL_LOSS``): ``/runs`` plots both for any plugin.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch

from textseq_tui.errors import BadInput, ModelError
from textseq_tui.files import sweep_temp_files
from textseq_tui.ml.batching import to_device
from textseq_tui.ml.checkpoint import (
    FORMAT,
    capture_rng_state,
    load_checkpoint,
    restore_rng_state,
    save_checkpoint,
)

# The torchrun helpers live beside device choice; they are re-exported here because a
# training script needs them together with the Trainer.
from textseq_tui.ml.device import ddp_cleanup, ddp_setup, is_main_process, max_across_ranks
from textseq_tui.plugin import TRAIN_LOSS

__all__ = [
    "TrainConfig",
    "TrainResult",
    "Trainer",
    "ddp_cleanup",
    "ddp_setup",
    "is_main_process",
    "to_device",
]

StepFn = Callable[[torch.nn.Module, Any], "torch.Tensor | tuple[torch.Tensor, int | torch.Tensor]"]
StopReason = Literal["max_steps", "minutes", "exhausted"]
_END = object()
_STOP_CODES: tuple[StopReason | None, ...] = (None, "max_steps", "minutes", "exhausted")


@dataclass
class TrainConfig:
    """How long and how carefully to train. Steps count optimizer updates.

    ``max_steps`` is a total including steps done before a resume; ``minutes`` is a wall-clock
    budget for one ``fit()`` call; whichever comes first stops training (neither: train until
    the batches run out). ``grad_clip`` is a max L2 norm over all gradients (None: off).
    ``checkpoint_every``/``eval_every``/``log_every`` are in steps (0: only at the end).
    ``amp`` enables bf16 autocast, on CUDA only. ``throughput_unit`` names what ``step_fn``'s
    ``n_items`` counts ("chars", "tokens") in the progress bar.
    """

    max_steps: int | None = None
    minutes: float | None = None
    grad_clip: float | None = 1.0
    checkpoint_every: int = 200
    eval_every: int = 200
    amp: bool = True
    log_every: int = 50
    progress: bool = True
    throughput_unit: str = "items"

    def __post_init__(self) -> None:
        if self.max_steps is not None and self.max_steps < 0:
            raise BadInput(f"max_steps must be >= 0, not {self.max_steps}.")
        if self.minutes is not None and not self.minutes >= 0:
            raise BadInput(f"The time budget must be >= 0 minutes, not {self.minutes}.")
        if self.grad_clip is not None and not self.grad_clip > 0:
            raise BadInput(f"grad_clip must be > 0 or None, not {self.grad_clip}.")
        for name in ("checkpoint_every", "eval_every", "log_every"):
            if getattr(self, name) < 0:
                raise BadInput(f"{name} must be >= 0 steps, not {getattr(self, name)}.")


class Metrics(dict):
    """Metrics under the standard names (``train_loss``, ``lr``, ``grad_norm``, ...).

    ``metrics["loss"]`` and ``metrics.get("loss")``, the training loss's name before plugin
    API 1 settled on ``train_loss``, still read ``train_loss`` for plugins written then;
    the alias is never listed (iterating or logging the dict gives each value once)."""

    def __missing__(self, key: str) -> float:
        if key == "loss" and TRAIN_LOSS in self:
            return self[TRAIN_LOSS]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


@dataclass
class TrainResult:
    """What one ``fit()`` call did. ``steps`` is the global step counter at the end (it
    includes steps before a resume); ``seconds`` is wall-clock time of this call;
    ``metrics`` holds the last training metrics (``train_loss``, the mean training loss of
    the last logging window in the step_fn's unit; ``lr``, ``grad_norm``, ``steps_per_s``,
    ``items_per_s``) merged with the last ``eval_fn`` result (``val_loss``, ...)."""

    steps: int
    steps_this_run: int
    seconds: float
    metrics: dict[str, float] = field(default_factory=Metrics)
    stopped_because: StopReason = "exhausted"


class Trainer:
    """Runs ``step_fn`` over batches with an optimizer; see ``fit`` and ``resume``.

    ``step_fn(model, batch)`` does the forward pass and returns the loss (a scalar tensor) or
    ``(loss, n_items)``; batches reach it already moved to ``device`` (``to_device``).
    ``eval_fn(model) -> {name: value}`` runs every ``eval_every`` steps and at the end, under
    ``torch.no_grad()`` with ``model.eval()``, its random draws isolated from training's;
    name its held-out loss ``val_loss`` (``VAL_LOSS``).
    ``on_metrics(step, metrics)`` receives training metrics (``train_loss`` in the step_fn's
    unit, ``lr``, ``grad_norm``, ``steps_per_s``, ``items_per_s``) and eval results: hand
    them to ``run.log`` and ``/runs`` plots the run.
    ``extra_state`` (a dict of plain values, or a function returning one) is saved in every
    checkpoint; after ``resume()`` the saved one is in ``resumed_extra``.

    Under DDP every rank runs the loop (pass the DDP-wrapped model); only rank 0 writes
    checkpoints, shows progress and calls ``on_metrics``. ``eval_fn`` runs on every rank
    because a DDP forward may itself communicate.
    """

    def __init__(
        self,
        model: torch.nn.Module,
        optimizer: torch.optim.Optimizer,
        *,
        step_fn: StepFn,
        config: TrainConfig,
        device: torch.device,
        scheduler: Any | None = None,
        checkpoint_path: str | os.PathLike[str] | None = None,
        eval_fn: Callable[[torch.nn.Module], dict[str, float]] | None = None,
        on_metrics: Callable[[int, dict[str, float]], None] | None = None,
        extra_state: dict | Callable[[], dict] | None = None,
    ) -> None:
        self.device = torch.device(device)
        self.model = model.to(self.device)
        self.optimizer = optimizer
        self.step_fn = step_fn
        self.config = config
        self.scheduler = scheduler
        self.checkpoint_path = None if checkpoint_path is None else Path(checkpoint_path)
        self.eval_fn = eval_fn
        self.on_metrics = on_metrics
        self.extra_state = extra_state
        self.step = 0
        self.epoch = 0
        self.resumed_extra: dict | None = None
        self._pending_skip = 0
        self._updating = False

    # -- resume and checkpoints ------------------------------------------------------------

    def resume(self) -> int:
        """Restore model, optimizer, scheduler, RNG states and the step counter from
        ``checkpoint_path`` when that file exists; return the step resumed from (0: none).

        The next ``fit()`` then drops the first ``step`` batches of its iterable, the ones the
        interrupted run trained on, so pass an iterable re-created from the very start in the
        same order (shuffle with a seeded ``torch.Generator``, not the global RNG).
        """
        path = self.checkpoint_path
        if path is None:
            return 0
        sweep_temp_files(path)  # a kill -9 during a save leaves its temp file behind
        if not path.exists():
            return 0
        ckpt = load_checkpoint(path, map_location=self.device)
        if ckpt.get("format") != FORMAT:
            raise ModelError(f"{path} is not a textseq training checkpoint; cannot resume from it.")
        try:
            _unwrap(self.model).load_state_dict(ckpt["model"])
            if ckpt.get("optimizer") is not None:
                self.optimizer.load_state_dict(ckpt["optimizer"])
            if self.scheduler is not None and ckpt.get("scheduler") is not None:
                self.scheduler.load_state_dict(ckpt["scheduler"])
        except (RuntimeError, ValueError, KeyError) as err:
            first_line = str(err).strip().splitlines()[0]
            raise ModelError(
                f"Checkpoint {path} does not match this model or optimizer ({first_line}). "
                "Were the hyper-parameters changed? Train again without --resume."
            ) from None
        restore_rng_state(ckpt["rng"])
        self.step = self._pending_skip = int(ckpt["step"])
        self.epoch = int(ckpt.get("epoch", 0))
        self.resumed_extra = ckpt.get("extra")
        return self.step

    def save(self) -> None:
        """Write a checkpoint now (rank 0 only; a no-op without ``checkpoint_path``)."""
        if self.checkpoint_path is None or not is_main_process():
            return
        extra = self.extra_state() if callable(self.extra_state) else self.extra_state
        save_checkpoint(
            self.checkpoint_path,
            model_state=_unwrap(self.model).state_dict(),
            optimizer_state=self.optimizer.state_dict(),
            scheduler_state=None if self.scheduler is None else self.scheduler.state_dict(),
            step=self.step,
            epoch=self.epoch,
            extra=extra,
        )

    # -- the loop ---------------------------------------------------------------------------

    def fit(self, batches: Iterable[Any], *, skip: int | None = None) -> TrainResult:
        """Train until ``max_steps``, the ``minutes`` budget or the end of ``batches``.

        ``skip`` batches are dropped first without training; by default that is the step
        ``resume()`` returned (once), else 0. Checkpoints are written every
        ``checkpoint_every`` steps and at the end, and on Ctrl-C unless it interrupts the
        optimizer update itself.
        """
        cfg = self.config
        to_skip = self._pending_skip if skip is None else skip
        self._pending_skip = 0
        started = time.monotonic()
        deadline = None if cfg.minutes is None else started + cfg.minutes * 60
        iterator = iter(batches)
        for _ in range(to_skip):
            if next(iterator, _END) is _END:
                break
        first_step = self.step
        window = _Window(self.device)
        metrics: dict[str, float] = Metrics()
        last_eval_step = None
        progress = (_ProgressBar(cfg, first_step, deadline)
                    if cfg.progress and is_main_process() else None)
        self.model.train()
        try:
            while True:
                reason = self._stop_reason(deadline)
                batch = _END if reason else next(iterator, _END)
                if reason is None and batch is _END:
                    reason = "exhausted"
                # Under DDP a rank that stops alone leaves the others blocked in all-reduce
                # forever: all ranks stop as soon as one has a reason (its shard ended, ...).
                reason = _STOP_CODES[max_across_ranks(_STOP_CODES.index(reason), self.device)]
                if reason is not None:
                    break
                self._train_step(batch, window)
                if progress is not None:
                    progress.advance(window)
                if cfg.log_every and self.step % cfg.log_every == 0:
                    metrics.update(self._flush(window))
                if cfg.checkpoint_every and self.step % cfg.checkpoint_every == 0:
                    window.check_finite(self.step)  # never checkpoint diverged weights
                    self.save()
                if self.eval_fn is not None and cfg.eval_every and self.step % cfg.eval_every == 0:
                    metrics.update(self._evaluate())
                    last_eval_step = self.step
            ran = self.step - first_step
            if window.steps:
                metrics.update(self._flush(window))
            if progress is not None:
                progress.show_final(metrics)
            if self.eval_fn is not None and ran and last_eval_step != self.step:
                metrics.update(self._evaluate())
            if ran or (self.checkpoint_path is not None and not self.checkpoint_path.exists()):
                self.save()
        except KeyboardInterrupt:
            # A half-applied optimizer update would not match the step counter, and diverged
            # weights are not worth resuming from: save only consistent, finite progress.
            finite = math.isfinite(window.mean_loss())
            if self.step > first_step and not self._updating and finite:
                self.save()
            raise
        finally:
            if progress is not None:
                progress.close()
        return TrainResult(
            steps=self.step,
            steps_this_run=self.step - first_step,
            seconds=time.monotonic() - started,
            metrics=metrics,
            stopped_because=reason,
        )

    def _stop_reason(self, deadline: float | None) -> StopReason | None:
        if self.config.max_steps is not None and self.step >= self.config.max_steps:
            return "max_steps"
        if deadline is not None and time.monotonic() >= deadline:
            return "minutes"
        return None

    def _train_step(self, batch: Any, window: _Window) -> None:
        batch = to_device(batch, self.device)
        self.optimizer.zero_grad(set_to_none=True)
        with self._autocast():
            out = self.step_fn(self.model, batch)
        loss, n_items = out if isinstance(out, tuple) else (out, None)
        loss.backward()
        grad_norm = None
        if self.config.grad_clip is not None:
            grad_norm = torch.nn.utils.clip_grad_norm_(
                self.model.parameters(), self.config.grad_clip
            )
        self._updating = True
        self.optimizer.step()
        if self.scheduler is not None:
            self.scheduler.step()
        self.step += 1
        self._updating = False
        window.add(loss.detach(), n_items, grad_norm)

    def _autocast(self) -> contextlib.AbstractContextManager:
        # bf16 needs no GradScaler; GPUs without bf16 simply train in fp32.
        if self.config.amp and self.device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def _flush(self, window: _Window) -> dict[str, float]:
        metrics = window.flush(self.step, self.optimizer)
        if self.on_metrics is not None and is_main_process():
            self.on_metrics(self.step, Metrics(metrics))
        return metrics

    def _evaluate(self) -> dict[str, float]:
        # Isolate eval's random draws so a resumed run replays training exactly, whether or
        # not the interrupted run evaluated at the point it stopped.
        rng = capture_rng_state()
        self.model.eval()
        try:
            with torch.no_grad():
                result = {name: float(value) for name, value in self.eval_fn(self.model).items()}
        finally:
            self.model.train()
            restore_rng_state(rng)
        if self.on_metrics is not None and is_main_process():
            self.on_metrics(self.step, dict(result))
        return result


class _Window:
    """Running sums since the last log point, kept on the device so that a step does not wait
    for the GPU; read back (synchronised) only at log points and checkpoints."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.reset()

    def reset(self) -> None:
        self.loss_sum = torch.zeros((), device=self.device)
        self.grad_norm_sum = torch.zeros((), device=self.device)
        self.grad_norm_steps = 0
        self.items: int | torch.Tensor = 0
        self.has_items = False
        self.steps = 0
        self.started = time.monotonic()

    def add(self, loss: torch.Tensor, n_items: Any, grad_norm: torch.Tensor | None) -> None:
        self.loss_sum += loss.float()
        if grad_norm is not None:
            self.grad_norm_sum += grad_norm.float()
            self.grad_norm_steps += 1
        if n_items is not None:
            self.items = self.items + n_items
            self.has_items = True
        self.steps += 1

    def mean_loss(self) -> float:
        return float(self.loss_sum) / max(self.steps, 1)

    def check_finite(self, step: int) -> float:
        loss = self.mean_loss()
        if not math.isfinite(loss):
            raise ModelError(
                f"Training diverged: the loss became {loss} by step {step}. "
                "Lower the learning rate or keep gradient clipping on."
            )
        return loss

    def flush(self, step: int, optimizer: torch.optim.Optimizer) -> dict[str, float]:
        loss = self.check_finite(step)
        seconds = max(time.monotonic() - self.started, 1e-9)
        metrics = {
            TRAIN_LOSS: loss,
            "lr": float(optimizer.param_groups[0]["lr"]),
            "steps_per_s": self.steps / seconds,
        }
        if self.grad_norm_steps:  # the L2 norm before clipping, averaged over the window
            metrics["grad_norm"] = float(self.grad_norm_sum) / self.grad_norm_steps
        if self.has_items:
            metrics["items_per_s"] = float(self.items) / seconds
        self.reset()
        return metrics


class _ProgressBar:
    """A rich progress bar on stderr: steps, running loss and throughput, refreshed at most
    twice a second so that reading the loss rarely synchronises with the GPU.

    Where the end is known it is a determinate bar with the time left: ``max_steps`` (steps
    done of the total) and/or a ``minutes`` budget (time used of it); with both, whichever
    ends training first fills the bar. Without either, it counts steps.
    """

    def __init__(self, config: TrainConfig, first_step: int,
                 deadline: float | None = None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.unit = config.throughput_unit
        self.max_steps = config.max_steps
        self.budget_s = None if config.minutes is None else config.minutes * 60
        self.deadline = deadline
        self.started = time.monotonic()
        self.first_step = self.step = first_step
        self.determinate = self.max_steps is not None or self.deadline is not None
        columns: list[Any] = [TextColumn("[bold]training"), BarColumn()]
        if self.determinate:
            columns += [TaskProgressColumn(), TextColumn("{task.fields[steps]}"),
                        TextColumn("{task.fields[left]}")]
        else:
            columns += [TextColumn("{task.fields[steps]}")]
        columns += [TimeElapsedColumn(), TextColumn("{task.fields[stats]}")]
        self.progress = Progress(*columns, console=Console(stderr=True))
        self.task = self.progress.add_task(
            "training", total=1.0 if self.determinate else None, stats="", **self._fields()
        )
        self.progress.start()
        self.last_update = 0.0

    def fraction(self, now: float | None = None) -> float:
        """How much of the run is done, 0..1: the larger of steps done of ``max_steps``
        and time used of the ``minutes`` budget (whichever will stop training first)."""
        now = time.monotonic() if now is None else now
        parts = [0.0]
        if self.max_steps:
            parts.append(self.step / self.max_steps)
        elif self.max_steps == 0:
            parts.append(1.0)
        if self.deadline is not None and self.budget_s:
            parts.append((now - (self.deadline - self.budget_s)) / self.budget_s)
        return min(1.0, max(parts))

    def seconds_left(self, now: float | None = None) -> float | None:
        """Time left: the budget's remainder, or the steps left at this run's step rate,
        whichever is sooner (None while no step rate is known yet)."""
        now = time.monotonic() if now is None else now
        estimates = []
        if self.deadline is not None:
            estimates.append(max(0.0, self.deadline - now))
        done = self.step - self.first_step
        if self.max_steps is not None and done > 0:
            rate = done / max(now - self.started, 1e-9)
            estimates.append(max(0, self.max_steps - self.step) / rate)
        return min(estimates) if estimates else None

    def _fields(self, now: float | None = None) -> dict[str, Any]:
        steps = (f"{self.step}/{self.max_steps} steps" if self.max_steps is not None
                 else f"{self.step} steps")
        left = self.seconds_left(now)
        return {"steps": steps,
                "left": "" if left is None else f"{_clock(left)} left",
                "completed": self.fraction(now) if self.determinate else self.step}

    def advance(self, window: _Window) -> None:
        self.step += 1
        now = time.monotonic()
        if now - self.last_update < 0.5:
            return
        self.last_update = now
        rate = float(window.items) / max(now - window.started, 1e-9) if window.has_items else None
        self.progress.update(self.task, stats=self._stats(window.mean_loss(), rate),
                             **self._fields(now))

    def show_final(self, metrics: dict[str, float]) -> None:
        stats = self._stats(metrics.get(TRAIN_LOSS), metrics.get("items_per_s"))
        # Training has stopped: nothing is left, and the bar shows how far it really got
        # (full when the budget or max_steps stopped it, short when the batches ran out).
        self.progress.update(self.task, stats=stats, **{**self._fields(), "left": ""})

    def _stats(self, loss: float | None, rate: float | None) -> str:
        text = "" if loss is None else f"loss {loss:.4f}"
        return text if rate is None else f"{text}  {rate:,.0f} {self.unit}/s"

    def close(self) -> None:
        self.progress.stop()


def _clock(seconds: float) -> str:
    """``1:05:09``, ``4:07``, ``0:03``: hours only when there are any."""
    minutes, secs = divmod(int(math.ceil(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _unwrap(model: torch.nn.Module) -> torch.nn.Module:
    # Save and load the bare module so checkpoints work with and without DDP/torch.compile.
    if isinstance(model, torch.nn.parallel.DistributedDataParallel):
        model = model.module
    return getattr(model, "_orig_mod", model)
