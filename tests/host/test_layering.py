"""The host knows nothing about any one plugin, and heavy libraries stay out of its imports."""

from __future__ import annotations

import re
from pathlib import Path

from textseq_tui.discovery import discover

HOST = Path(__file__).resolve().parents[2] / "textseq_tui"


def test_no_host_module_names_a_plugin() -> None:
    names = {r.name for r in discover()} | {"textseq_plugins"}
    pattern = re.compile("|".join(re.escape(n).replace("\\-", "[-_ ]") for n in names), re.I)
    offenders = [
        f"{path.relative_to(HOST)}:{number}: {line.strip()}"
        for path in HOST.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_plugin_api_module_imports_no_ui_or_heavy_library() -> None:
    source = (HOST / "plugin.py").read_text()
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in top_level
                if re.search(r"\b(textual|typer|torch|gensim|sklearn|numpy|sqlite_utils)\b", line)]
