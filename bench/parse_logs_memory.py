"""Memory of ``anomaly parse-logs --follow`` fed an endless stream of novel log lines.

    python bench/parse_logs_memory.py [--seconds 600] [--seed 0] [--fifo]

Runs ``textseq anomaly parse-logs - --follow --json`` (or on a FIFO with ``--fifo``) in a
child process and writes HDFS-shaped lines to it as fast as it reads them for
``--seconds``: every line has a new message shape (random lower-case words, so Drain makes a
new template for each until its cap) and most name a new block id (a new session), a few an
older one. The child's resident memory (VmRSS from /proc) is sampled every ``--every``
seconds. Prints one JSON line (and writes bench/results/parse-logs-memory.json): lines sent,
sessions printed, the caps' notices, RSS at start / after 60 s / at the end and its peak.

Before the caps (issue 31): 13.8k templates and +21 MB in 48 s, growing without limit.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "parse-logs-memory.json"


def novel_lines(seed: int) -> object:
    """HDFS-shaped lines, each with a message shape not seen before (probabilistically)."""
    rng = random.Random(seed)
    block = 0
    recent: list[int] = []
    while True:
        words = [
            "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))
            for _ in range(rng.randint(3, 12))
        ]
        if recent and rng.random() < 0.2:
            blk = rng.choice(recent)  # an open session gets another event
        else:
            block += 1
            blk = block
            recent.append(blk)
            if len(recent) > 1000:
                recent.pop(0)
        yield (f"081109 203615 148 INFO dfs.DataNode$PacketResponder: {' '.join(words)} "
               f"blk_{blk}\n").encode()


def rss_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in kB."""
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--every", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fifo", action="store_true", help="feed a FIFO instead of stdin")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="parse-logs-memory-"))
    env = {**os.environ, "TEXTSEQ_HOME": str(scratch / "home"), "TEXTSEQ_DEVICE": "cpu"}
    source = "-"
    if args.fifo:
        source = str(scratch / "log.fifo")
        os.mkfifo(source)
    cmd = [sys.executable, "-m", "textseq_tui", "anomaly", "parse-logs", source, "--follow",
           "--json"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if not args.fifo else None,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    sink = proc.stdin if not args.fifo else open(source, "wb")  # noqa: SIM115
    counts = {"sessions": 0}
    errors: list[str] = []

    def drain_stdout() -> None:
        for _ in proc.stdout:
            counts["sessions"] += 1

    def drain_stderr() -> None:
        for line in proc.stderr:
            errors.append(line.decode("utf-8", "replace").rstrip())

    threading.Thread(target=drain_stdout, daemon=True).start()
    threading.Thread(target=drain_stderr, daemon=True).start()

    samples: list[dict[str, float]] = []
    lines = novel_lines(args.seed)
    sent = 0
    started = time.monotonic()
    next_sample = started
    while True:
        now = time.monotonic()
        if now >= next_sample:
            samples.append({"s": round(now - started, 1), **rss_kb(proc.pid),
                            "lines": sent})
            next_sample += args.every
        if now - started >= args.seconds:
            break
        sink.write(b"".join(next(lines) for _ in range(200)))
        sent += 200
    final = rss_kb(proc.pid)
    sink.close()
    code = proc.wait(timeout=600)
    time.sleep(0.5)
    start_kb = samples[1]["VmRSS"] if len(samples) > 1 else samples[0]["VmRSS"]
    at_60 = next((s["VmRSS"] for s in samples if s["s"] >= 60), final["VmRSS"])
    result = {
        "bench": "parse-logs --follow memory",
        "source": "fifo" if args.fifo else "stdin",
        "seconds": args.seconds,
        "lines_sent": sent,
        "lines_per_s": round(sent / args.seconds),
        "sessions_printed": counts["sessions"],
        "exit_code": code,
        "rss_mb_first_sample": round(start_kb / 1024, 1),
        "rss_mb_at_60s": round(at_60 / 1024, 1),
        "rss_mb_end": round(final["VmRSS"] / 1024, 1),
        "rss_mb_peak": round(final["VmHWM"] / 1024, 1),
        "stderr": errors,
        "samples": samples,
        "machine": machine(),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    short = {k: v for k, v in result.items() if k != "samples"}
    print(json.dumps(short))
    print(f"| parse-logs --follow, {args.seconds:.0f} s of novel lines | {sent:,} lines | "
          f"RSS {result['rss_mb_first_sample']} MB -> {result['rss_mb_at_60s']} MB (60 s) -> "
          f"{result['rss_mb_end']} MB (end), peak {result['rss_mb_peak']} MB |")


if __name__ == "__main__":
    main()
