"""Run every benchmark in bench/ and collect their tables into bench/results/summary.md.

    python bench/run.py              # all of them
    python bench/run.py host sentiment   # some of them

Each benchmark is a program (bench/<name>.py) that prints a JSON line and a markdown table
with our figure beside the anchor's, and writes bench/results/<name>.json.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run", "machine"}


def main(names: list[str]) -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.stem not in SKIP)
    if names:
        scripts = [p for p in scripts if p.stem in names]
    sections, failed = [], []
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        took = time.perf_counter() - t0
        print(out.stdout)
        if out.returncode != 0:
            failed.append(script.stem)
            print(out.stderr[-2000:], file=sys.stderr)
            continue
        table = "\n".join(line for line in out.stdout.splitlines() if not line.startswith("{"))
        sections.append(f"## {script.stem} ({took:.0f} s)\n\n{table.strip()}\n")
    summary = HERE / "results" / "summary.md"
    summary.parent.mkdir(exist_ok=True)
    summary.write_text("# Benchmark results\n\n" + "\n".join(sections))
    print(f"wrote {summary}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
