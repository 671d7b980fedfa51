"""Describe the machine a benchmark ran on (printed beside every figure)."""

from __future__ import annotations

import os
import platform


def machine() -> dict[str, object]:
    """CPU model, core count, Python; torch threads only if torch is already imported."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info: dict[str, object] = {"cpu": cpu, "cores": os.cpu_count(),
                               "python": platform.python_version(),
                               # wall-time figures on a shared box depend on its load
                               "load_avg_1m": round(os.getloadavg()[0], 2)}
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "cuda"):  # skip a half-imported torch
        info["torch_threads"] = torch.get_num_threads()
        info["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return info


def scratch_home(home: str | os.PathLike | None = None, prefix: str = "textseq-bench-") -> str:
    """The textseq home a benchmark uses: ``home`` (its ``--home``) or a fresh temporary one,
    removed at exit; ``TEXTSEQ_HOME`` is set to it, so nothing the benchmark runs writes into
    the user's own home (their database, models or caches)."""
    import atexit
    import shutil
    import tempfile

    if home is None:
        home = tempfile.mkdtemp(prefix=prefix)
        atexit.register(shutil.rmtree, home, ignore_errors=True)
    os.makedirs(home, exist_ok=True)
    os.environ["TEXTSEQ_HOME"] = str(home)
    return str(home)


def save_results(path: str | os.PathLike, result: object, indent: int = 2) -> None:
    """Write a benchmark's results as JSON, atomically (temp file + rename): a killed run
    leaves the previous results whole."""
    import json
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(result, indent=indent) + "\n")
    tmp.replace(path)
