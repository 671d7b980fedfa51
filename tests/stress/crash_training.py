"""Training crash stress: kill -9 a training process at random moments, then resume.

    python tests/stress/crash_training.py --trials 10 --seed 0     # prints one JSON line

A tiny character GRU (with dropout, so training draws random numbers) trains through the
shared ``textseq_tui.ml.trainer.Trainer`` with periodic atomic checkpoints. Each trial starts
a training process, kills it with SIGKILL after a seeded random delay inside its training
time, then checks that

- the last checkpoint on disk loads (``load_checkpoint``, weights only), and
- a fresh process-state ``Trainer.resume()`` + ``fit()`` ends with exactly the weights and
  the held-out loss of an uninterrupted run.

Run as ``python crash_training.py child --ckpt P --steps N`` it is the training process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

VOCAB = 23
STEPS = 300
CHECKPOINT_EVERY = 7


def _torch():
    import torch

    torch.set_num_threads(1)
    return torch


def build_trainer(ckpt: Path | None, steps: int, seed: int = 0,
                  on_step: Any = None) -> Any:
    """The tiny GRU, its optimizer/scheduler and a Trainer checkpointing to ``ckpt``;
    ``on_step()`` (if given) is called at each step, just before the backward pass."""
    torch = _torch()
    from torch import nn
    from torch.nn import functional as F

    from textseq_tui.ml.params import param_groups
    from textseq_tui.ml.trainer import TrainConfig, Trainer

    class TinyCharGRU(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(VOCAB, 12)
            self.drop = nn.Dropout(0.2)
            self.rnn = nn.GRU(12, 24, batch_first=True)
            self.head = nn.Linear(24, VOCAB)

        def forward(self, x: Any) -> Any:
            out, _ = self.rnn(self.drop(self.embed(x)))
            return self.head(out)

    def step_fn(model: nn.Module, batch: Any) -> Any:
        x, y = batch
        logits = model(x)
        if on_step is not None:
            on_step()
        return F.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1)), y.numel()

    def eval_fn(model: nn.Module) -> dict[str, float]:
        x, y = held_out()
        return {"val_loss": F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1)).item()}

    torch.manual_seed(seed)
    model = TinyCharGRU()
    optimizer = torch.optim.AdamW(param_groups(model, lr=0.01, weight_decay=0.01))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1 / (1 + 0.01 * s))
    config = TrainConfig(max_steps=steps, checkpoint_every=CHECKPOINT_EVERY, eval_every=50,
                         log_every=25, progress=False)
    return Trainer(model, optimizer, step_fn=step_fn, config=config,
                   device=torch.device("cpu"), scheduler=scheduler, checkpoint_path=ckpt,
                   eval_fn=eval_fn, extra_state={"vocab": VOCAB})


def batches(n: int = 100_000) -> Any:
    """A re-creatable stream of (inputs, targets) from a seeded generator of its own."""
    torch = _torch()
    gen = torch.Generator().manual_seed(1234)
    for _ in range(n):
        seq = torch.randint(0, VOCAB, (8, 17), generator=gen)
        seq[:, 1::2] = (seq[:, 0:-1:2] * 3 + 1) % VOCAB  # something learnable
        yield seq[:, :-1], seq[:, 1:]


def held_out() -> Any:
    torch = _torch()
    gen = torch.Generator().manual_seed(99)
    seq = torch.randint(0, VOCAB, (32, 17), generator=gen)
    seq[:, 1::2] = (seq[:, 0:-1:2] * 3 + 1) % VOCAB
    return seq[:, :-1], seq[:, 1:]


def train(ckpt: Path | None, steps: int = STEPS, resume: bool = False,
          seed: int = 0) -> tuple[dict[str, Any], dict[str, float], int]:
    """Train (resuming first when asked); returns (state dict, final metrics, resumed step)."""
    trainer = build_trainer(ckpt, steps, seed)
    start = trainer.resume() if resume else 0
    trainer.fit(batches())
    # Evaluated here, not taken from fit(): a run resumed from its final checkpoint trains
    # (and evaluates) nothing more.
    return trainer.model.state_dict(), evaluate(trainer.model), start


def evaluate(model: Any) -> dict[str, float]:
    """Held-out cross-entropy of ``model`` (nats per token)."""
    torch = _torch()
    from torch.nn import functional as F

    x, y = held_out()
    model.eval()
    with torch.no_grad():
        loss = F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1)).item()
    model.train()
    return {"val_loss": loss}


def _child(args: argparse.Namespace) -> int:
    def tick() -> None:
        sys.stdout.write(".")
        sys.stdout.flush()

    trainer = build_trainer(args.ckpt, args.steps, on_step=tick)
    if args.resume:
        trainer.resume()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    trainer.fit(batches())
    sys.stdout.write("done\n")
    sys.stdout.flush()
    return 0


class _Child:
    """A training process: ``pid``, ``poll()`` (None while running), ``wait()``,
    ``returncode`` (negative signal number when killed)."""

    def __init__(self, pid: int, popen: subprocess.Popen | None = None,
                 progress: Any = None) -> None:
        self.pid = pid
        self.popen = popen
        self.progress = progress  # one "." per training step
        self.returncode: int | None = None

    def wait_for_steps(self, n: int, timeout: float = 300.0) -> int:
        """Block until the child reported ``n`` steps (or ended); returns steps seen.

        A child stuck for ``timeout`` seconds is killed (so the read ends) and reported:
        a hung trial fails instead of hanging the suite.
        """
        import threading

        stuck = threading.Event()

        def kill() -> None:
            stuck.set()
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

        watchdog = threading.Timer(timeout, kill)
        watchdog.start()
        seen = 0
        try:
            while seen < n:
                char = self.progress.read(1)
                if not char:
                    break
                seen += char in (".", b".")
        finally:
            watchdog.cancel()
        if stuck.is_set():
            raise RuntimeError(f"training child made no progress for {timeout:.0f} s "
                               f"(step {seen} of {n})")
        return seen

    def poll(self) -> int | None:
        if self.popen is not None:
            self.returncode = self.popen.poll()
        elif self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.popen is not None:
            self.returncode = self.popen.wait()
        elif self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode


def _start_child(ckpt: Path, steps: int, how: str) -> _Child:
    """Start a training process and return once it is about to train."""
    if how == "fork":
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: train, never return into the caller's code
            code = 1
            try:
                os.close(read_fd)
                trainer = build_trainer(ckpt, steps,
                                        on_step=lambda: os.write(write_fd, b"."))
                os.write(write_fd, b"ready\n")
                trainer.fit(batches())
                code = 0
            finally:
                os._exit(code)
        os.close(write_fd)
        pipe = os.fdopen(read_fd, "rb", buffering=0)
        child = _Child(pid, progress=pipe)
        if pipe.readline().strip() != b"ready":
            child.wait()
            raise RuntimeError("forked training child failed to start")
        return child
    popen = subprocess.Popen(
        [sys.executable, __file__, "child", "--ckpt", str(ckpt), "--steps", str(steps)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert popen.stdout is not None and popen.stderr is not None
    if popen.stdout.readline().strip() != "ready":
        popen.kill()
        raise RuntimeError(f"training child failed to start: {popen.stderr.read()[-2000:]}")
    return _Child(popen.pid, popen, progress=popen.stdout)


def _same(a: dict[str, Any], b: dict[str, Any]) -> float:
    """The largest absolute difference between two state dicts (0.0: identical)."""
    assert a.keys() == b.keys()
    return max(float((a[k].float() - b[k].float()).abs().max()) for k in a)


def run_trials(workdir: Path, trials: int = 10, seed: int = 0, steps: int = STEPS,
               how: str = "subprocess") -> dict:
    """Kill ``trials`` training processes at seeded random moments; resume each one.

    ``how``: "subprocess" starts a fresh interpreter per trial (the real thing);
    "fork" forks this process, which already imported torch (importing it takes seconds on
    a busy machine: the in-suite test uses this).
    """
    from textseq_tui.ml.checkpoint import load_checkpoint

    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ref_state, ref_metrics, _ = train(None, steps)
    reference_s = time.perf_counter() - t0
    rng = random.Random(seed)
    rows = []
    for trial in range(trials):
        ckpt = workdir / f"trial{trial}" / "ckpt.pt"
        ckpt.parent.mkdir(parents=True, exist_ok=True)
        child = _start_child(ckpt, steps, how)
        # A seeded random step, then a random part of a step's time: kills land anywhere,
        # inside a forward pass, an optimizer update or a checkpoint being written.
        kill_step = rng.randint(1, steps)
        delay = rng.uniform(0.0, 2 * reference_s / steps)
        child.wait_for_steps(kill_step)
        time.sleep(delay)
        finished_first = child.poll() is not None
        if not finished_first:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        row: dict[str, Any] = {"trial": trial, "kill_at_step": kill_step,
                               "plus_s": round(delay, 4),
                               "finished_before_kill": finished_first,
                               "returncode": child.returncode}
        if ckpt.exists():
            saved = load_checkpoint(ckpt)  # must never fail: that is the point
            row["checkpoint_step"] = int(saved["step"])
        else:
            row["checkpoint_step"] = None  # killed before the first checkpoint
        row["stray_temp_files"] = len([p for p in ckpt.parent.iterdir() if p.name != ckpt.name])
        state, metrics, resumed_from = train(ckpt, steps, resume=True, seed=trial + 100)
        row["resumed_from"] = resumed_from
        row["max_weight_diff"] = _same(state, ref_state)
        row["val_loss"] = metrics["val_loss"]
        row["val_loss_diff"] = abs(metrics["val_loss"] - ref_metrics["val_loss"])
        rows.append(row)
    return {
        "trials": trials,
        "seed": seed,
        "steps": steps,
        "checkpoint_every": CHECKPOINT_EVERY,
        "reference_train_s": round(reference_s, 2),
        "reference_val_loss": ref_metrics["val_loss"],
        "killed_mid_run": sum(not r["finished_before_kill"] for r in rows),
        "all_checkpoints_loadable": True,  # load_checkpoint raised otherwise
        "all_resumes_identical": all(r["max_weight_diff"] == 0.0 for r in rows),
        "max_weight_diff": max(r["max_weight_diff"] for r in rows),
        "max_val_loss_diff": max(r["val_loss_diff"] for r in rows),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kill -9 training at random moments")
    sub = parser.add_subparsers(dest="mode")
    child = sub.add_parser("child")
    child.add_argument("--ckpt", type=Path, required=True)
    child.add_argument("--steps", type=int, default=STEPS)
    child.add_argument("--resume", action="store_true")
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=STEPS)
    args = parser.parse_args(argv)
    if args.mode == "child":
        return _child(args)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = run_trials(Path(tmp), args.trials, args.seed, args.steps)
    print(json.dumps(result))
    return 0 if result["all_resumes_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
