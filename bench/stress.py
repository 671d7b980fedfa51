"""Reliability stress runs: concurrent store writers, and kill -9 during training.

    python bench/stress.py                 # all three sections (several minutes on 2 cores)
    python bench/stress.py store crash     # some of them: store | crash | autocomplete | monkey
    python bench/stress.py monkey          # 10 minutes of random keys in a real terminal

- store: 4 processes x 5,000 writes at once on a fresh database (2 app-like writers through
  ``PluginStore.insert``/``record_score`` on two threads, 2 CLI-like writers through
  ``start_run``/``log_metrics``/``finish_run`` reopening the store every 250 writes).
  Anchor: no row lost, no "database is locked" (or any other error) seen by a writer.
- crash: 10 seeded trials of kill -9 at a random step of a tiny GRU trained by the shared
  ``Trainer`` (one fresh interpreter per trial). Anchor: every last checkpoint loads and
  every resumed run ends with the uninterrupted run's weights and held-out loss.
- autocomplete: the same through the real CLI, ``textseq autocomplete train ... --resume``,
  killed at random moments (tiny model, fixed --steps). Anchor: the resumed run's held-out
  metrics equal the uninterrupted run's.
- monkey: ``textseq`` in a real terminal (tmux, 100x30, its own tmux server) gets seeded random
  keys, ``/commands``, palette searches and text for ``MONKEY_SECONDS`` (default 600), 20-300
  ms apart, as ``../shared/tools/monkey`` does. The pane is read every 50 actions: a
  ``Traceback`` on it, or the app exiting with a non-zero status, is a crash; a clean quit
  (the palette's "Quit") starts it again. At the end the app must still answer ``/help``.
  Anchor: 0 crashes, 0 tracebacks. Not in ``all``: run it by name, alone (it costs a core for
  ten minutes). Needs tmux.

Prints one JSON line and a markdown table; writes bench/results/stress.json.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
STRESS = REPO / "tests" / "stress"
RESULTS = HERE / "results" / "stress.json"
sys.path.insert(0, str(HERE))
from machine import machine, save_results  # noqa: E402

ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def _json_run(args: list[str], timeout: float = 3000) -> dict[str, Any]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=ENV,
                         timeout=timeout)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{args[0]} printed no JSON (rc {out.returncode}): "
                           f"{out.stderr[-2000:]}")
    result = json.loads(lines[-1])
    result["wall_s"] = round(time.perf_counter() - t0, 1)
    return result


def store_section() -> dict[str, Any]:
    return _json_run([str(STRESS / "store_stress.py"), "--procs", "4", "--writes", "5000"])


def crash_section() -> dict[str, Any]:
    return _json_run([str(STRESS / "crash_training.py"), "--trials", "10", "--seed", "0"])


TINY = ["--steps", "300", "--minutes", "0", "--cell", "gru", "--hidden", "32", "--layers",
        "1", "--embed", "16", "--batch-size", "8", "--seq-len", "32", "--eval-every", "100",
        "--threads", "1", "--device", "cpu", "--quiet", "--json", "--seed", "0"]


def _corpus(path: Path) -> Path:
    shakespeare = REPO.parent / "shared" / "data" / "text" / "tinyshakespeare"
    found = sorted(shakespeare.glob("*.txt"), key=lambda f: f.stat().st_size, reverse=True) \
        if shakespeare.is_dir() else []  # the largest file: SOURCE.txt is the licence note
    text = found[0].read_text(encoding="utf-8")[:60_000] if found else (
        "the quick brown fox jumps over the lazy dog. " * 1500)
    path.write_text(text, encoding="utf-8")
    return path


def _run_started(home: Path, name: str, before: int) -> bool:
    """True once the CLI recorded a new training run of ``name``: torch is imported and
    training is about to start (start_run comes right before the Trainer)."""
    import sqlite3

    db = home / "textseq.db"
    if not db.exists():
        return False
    try:
        conn = sqlite3.connect(db, timeout=1)
        try:
            (count,) = conn.execute("select count(*) from training_runs where model = ?",
                                    [name]).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return count > before


def _runs(home: Path, name: str) -> int:
    import sqlite3

    db = home / "textseq.db"
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=5)
    try:
        return conn.execute("select count(*) from training_runs where model = ?",
                            [name]).fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def _train(home: Path, corpus: Path, name: str, resume: bool = False,
           kill_after: float | None = None) -> dict[str, Any]:
    """Run the CLI; with ``kill_after``, SIGKILL it that many seconds into training."""
    cmd = [sys.executable, "-m", "textseq_tui", "autocomplete", "train", "--corpus",
           str(corpus), "--name", name, *TINY, *(["--resume"] if resume else [])]
    env = {**ENV, "TEXTSEQ_HOME": str(home), "TEXTSEQ_DEVICE": "cpu"}
    before = _runs(home, name)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)  # --quiet: little output, no pipe filling
    started = None
    while proc.poll() is None and started is None:
        if _run_started(home, name, before):
            started = time.perf_counter()
        else:
            time.sleep(0.05)
    if kill_after is not None and started is not None:
        try:
            proc.wait(timeout=max(kill_after - (time.perf_counter() - started), 0))
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=1200)
    end = time.perf_counter()
    row: dict[str, Any] = {"returncode": proc.returncode, "seconds": round(end - t0, 1),
                           "train_s": round(end - (started or t0), 1)}
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if lines:
        row["metrics"] = json.loads(lines[-1])
    elif proc.returncode == 0:
        raise RuntimeError(f"train printed no JSON: {stderr[-2000:]}")
    if proc.returncode not in (0, -signal.SIGKILL):
        raise RuntimeError(f"train failed ({proc.returncode}): {stderr[-2000:]}")
    return row


def _held_out(metrics: dict[str, Any]) -> dict[str, Any]:
    # What must match: the held-out figures, not timings or paths.
    return {k: v for k, v in metrics.items()
            if isinstance(v, (int, float)) and not any(
                t in k for t in ("second", "per_s", "minutes", "time", "chars_per"))}


def autocomplete_section(trials: int = 5, seed: int = 0) -> dict[str, Any]:
    from textseq_tui.ml.checkpoint import load_checkpoint

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus = _corpus(tmp_path / "corpus.txt")
        ref = _train(tmp_path / "home", corpus, "ref")
        reference = _held_out(ref["metrics"])
        rng = random.Random(seed)
        rows = []
        for trial in range(trials):
            name = f"crash{trial}"
            home = tmp_path / "home"
            delay = rng.uniform(0.0, ref["train_s"])  # seconds into training
            killed = _train(home, corpus, name, kill_after=delay)
            ckpt = home / "cache" / "autocomplete" / "checkpoints" / f"{name}.pt"
            step = int(load_checkpoint(ckpt)["step"]) if ckpt.exists() else None
            resumed = _train(home, corpus, name, resume=True)
            got = _held_out(resumed["metrics"])
            same = {k: got.get(k) == v for k, v in reference.items()}
            rows.append({"trial": trial, "kill_after_s": round(delay, 1),
                         "killed": killed["returncode"] == -signal.SIGKILL,
                         "checkpoint_step": step,
                         # the anchor: held-out figures equal the uninterrupted run's
                         "identical": all(ok for k, ok in same.items() if k.startswith("val_")),
                         "differs": {k: got.get(k) for k, ok in same.items() if not ok}})
    return {"trials": trials, "reference": reference, "reference_train_s": ref["train_s"],
            "killed": sum(r["killed"] for r in rows),
            "with_checkpoint": sum(r["checkpoint_step"] is not None for r in rows),
            "identical": sum(r["identical"] for r in rows),
            "all_metrics_identical": sum(not r["differs"] for r in rows), "rows": rows}


MONKEY_KEYS = ["Enter", "Tab", "BTab", "Escape", "Up", "Down", "Left", "Right", "BSpace",
               "C-p", "C-b", "F1", "Space", "1", "2", "3", "4", "n", "m", "d", "r", "q", "y",
               "PageDown", "PageUp", "Home", "End", "C-s"]
MONKEY_LINES = ["/odd", "/odd king queen prince cleaner", "/type", "/sentiment",
                "/sentiment awful day", "/cluster guitar", "/runs", "/help", "/anomaly 5 5 22",
                "/anomaly text the cat sat", "/anomaly open", "/write ROMEO:",
                "/complete my lo", "/nope", "hello there :)", "\u202eevil\u202c rtl", "x" * 300]
MONKEY_QUERIES = ["odd", "typ", "sen", "clu", "ano", "run", "hel", "the", "key", "/co"]


class _Pane:
    """``textseq`` in a detached tmux session on a private tmux server."""

    def __init__(self, home: Path, cwd: Path) -> None:
        self.socket = f"textseq-monkey-{os.getpid()}"
        self.command = (f"cd {cwd} && TEXTSEQ_HOME={home} TEXTSEQ_DEVICE=cpu "
                        f"{sys.executable} -m textseq_tui; echo EXITED-$?; sleep 3600")
        self.tmux("new-session", "-d", "-s", "app", "-x", "100", "-y", "30", self.command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=30).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "app", *(["-l"] if literal else []), *keys)

    def screen(self, history: bool = True) -> str:
        return self.tmux("capture-pane", "-p", *(["-S", "-"] if history else []), "-t", "app")

    def restart(self) -> None:
        self.tmux("respawn-pane", "-k", "-t", "app", self.command)
        self.tmux("clear-history", "-t", "app")

    def close(self) -> None:
        self.tmux("kill-server")


def _wait_for(pane: _Pane, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in pane.screen(history=False):
            return True
        time.sleep(0.2)
    return False


def monkey_section(seconds: float | None = None, seed: int = 5) -> dict[str, Any]:
    import re
    import shutil

    if shutil.which("tmux") is None:
        raise RuntimeError("the monkey section needs tmux (apt-get install -y tmux)")
    seconds = float(seconds or os.environ.get("MONKEY_SECONDS", 600))
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        pane = _Pane(Path(tmp) / "home", Path(tmp))  # cwd: where "Screenshot" writes
        try:
            started = _wait_for(pane, "Type a message", 60)
            t0 = time.monotonic()
            actions = clean_quits = crashes = tracebacks = 0
            first_problem = ""
            while time.monotonic() - t0 < seconds:
                r = rng.random()
                if r < 0.12:
                    pane.keys(rng.choice(MONKEY_LINES), literal=True)
                    pane.keys("Enter")
                elif r < 0.18:
                    pane.keys("C-p")
                    pane.keys(rng.choice(MONKEY_QUERIES)[:rng.randint(1, 3)], literal=True)
                    pane.keys(*rng.choice([["Enter"], ["Down", "Enter"], ["Escape"], []]))
                elif r < 0.55:
                    pane.keys(rng.choice(MONKEY_KEYS))
                else:
                    pane.keys("".join(rng.choice("abcdefghij klmnop,.!?")
                                      for _ in range(rng.randint(1, 8))), literal=True)
                actions += 1
                time.sleep(rng.choice([0.02, 0.05, 0.1, 0.3]))
                if actions % 50:
                    continue
                screen = pane.screen()
                status = re.search(r"EXITED-(\d+)", screen)
                if "Traceback" in screen or (status and status.group(1) != "0"):
                    tracebacks += "Traceback" in screen
                    crashes += bool(status and status.group(1) != "0")
                    first_problem = first_problem or screen[-3000:]
                if status:  # a quit (clean or not): start it again and go on
                    clean_quits += status.group(1) == "0"
                    pane.restart()
                    _wait_for(pane, "Type a message", 60)
            elapsed = time.monotonic() - t0
            # Still alive and answering: close whatever is open, clear the input, ask /help.
            for _ in range(4):
                pane.keys("Escape")
                time.sleep(0.3)
            pane.keys("C-u")
            pane.keys("/help", literal=True)
            pane.keys("Enter")
            answers = _wait_for(pane, "list the commands", 30)
            final = pane.screen()
        finally:
            pane.close()
    return {"seconds": round(elapsed, 1), "seed": seed, "actions": actions,
            "actions_per_s": round(actions / elapsed, 2), "clean_quits": clean_quits,
            "crashes": crashes, "tracebacks": tracebacks, "started": started,
            "answers_help_at_the_end": answers,
            "first_problem": first_problem or None,
            "ok": started and answers and not crashes and not tracebacks
            and "Traceback" not in final}


def table(results: dict[str, Any]) -> str:
    lines = ["| check | ours | anchor |", "| --- | --- | --- |"]
    s = results.get("store")
    if s:
        found = sum(s["found"].values())
        lines += [
            f"| store: 4 procs x 5,000 writes, rows found / written | {found} / "
            f"{sum(s['expected'].values())} in {s['seconds']} s ({s['writes_per_s']} writes/s) "
            "| all, none lost |",
            f"| store: errors seen by writers (\"database is locked\") | {s['errors']} "
            f"({s['locked_errors']}) | 0 (0) |",
            f"| store: integrity_check, migrations applied twice | {s['integrity']}, "
            f"{len(s['migrations_applied_twice'])} | ok, 0 |",
        ]
    c = results.get("crash")
    if c:
        lines += [
            f"| Trainer kill -9 trials killed mid-run / loadable checkpoints | "
            f"{c['killed_mid_run']}/{c['trials']} / {c['trials']}/{c['trials']} | 10/10 / 10/10 |",
            f"| Trainer resume = uninterrupted (max weight diff, val loss diff) | "
            f"{c['all_resumes_identical']} ({c['max_weight_diff']}, {c['max_val_loss_diff']}) "
            "| same final metrics |",
        ]
    a = results.get("autocomplete")
    if a:
        lines += [
            f"| `textseq autocomplete train --resume` after kill -9: held-out metrics identical "
            f"/ trials (killed, with checkpoint; all card metrics identical) | "
            f"{a['identical']}/{a['trials']} ({a['killed']}, {a['with_checkpoint']}; "
            f"{a['all_metrics_identical']}) | same final metrics |",
        ]
    m = results.get("monkey")
    if m:
        lines += [
            f"| monkey in tmux: {m['actions']:,} actions in {m['seconds']:.0f} s (seed "
            f"{m['seed']}; {m['clean_quits']} clean quits restarted): crashes, tracebacks; "
            f"answers /help at the end | {m['crashes']}, {m['tracebacks']}; "
            f"{'yes' if m['answers_help_at_the_end'] else 'NO'} | 0, 0; yes |",
        ]
    return "\n".join(lines)


def main(names: list[str]) -> int:
    sections = {"store": store_section, "crash": crash_section,
                "autocomplete": autocomplete_section, "monkey": monkey_section}
    wanted = names or ["store", "crash", "autocomplete"]
    results: dict[str, Any] = {}
    if names and RESULTS.exists():  # a subset re-run keeps the other sections' last figures
        previous = json.loads(RESULTS.read_text())
        results.update({k: v for k, v in previous.items() if k in sections})
    results["machine"] = machine()
    for name in wanted:
        t0 = time.perf_counter()
        print(f"== {name}", file=sys.stderr, flush=True)
        results[name] = sections[name]()
        print(f"   {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    ok = True
    if "store" in results:
        ok &= bool(results["store"].get("ok"))
    if "crash" in results:
        ok &= bool(results["crash"]["all_resumes_identical"])
    if "autocomplete" in results:
        ok &= results["autocomplete"]["identical"] == results["autocomplete"]["trials"]
    if "monkey" in results:
        ok &= bool(results["monkey"]["ok"])
    results["ok"] = ok
    print(json.dumps(results))
    print(table(results))
    print(f"\nmachine: {results['machine']}")
    save_results(RESULTS, results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
