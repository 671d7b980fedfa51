"""The glossary in docs/ARCHITECTURE.md matches the code: every module path or class it
names as today's exists, and the names it retires are gone from ``textseq_tui/`` and
``plugins/``."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = (REPO / "docs" / "ARCHITECTURE.md").read_text().split("## Glossary", 1)[1]
#: Short prefixes the glossary uses for modules.
PREFIXES = {"cli_io.": "textseq_tui.cli_io.", "cli.": "textseq_tui.cli.",
            "sentiment.": "textseq_plugins.sentiment."}
ENTRY_POINT_GROUP = "textseq_tui.plugins"  # a name, not a module
#: Names the glossary lists as removed: they must not come back.
RETIRED = ("GLOBAL_JSON", "_REFUSED", "_HOST", "TrainSettings", "TrainReport",
           "glove-6b-50d-matrix", "deeplog_all", "analyze_many", "parse_sequence")


def code_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for root in ("textseq_tui", "plugins")
                     for p in sorted((REPO / root).rglob("*.py")))


def rows() -> list[list[str]]:
    return [line.strip("|").split(" | ") for line in GLOSSARY.splitlines()
            if line.startswith("| **")]


def today_columns() -> str:
    """The name and meaning columns (the third lists older names)."""
    return "\n".join(" | ".join(cells[:2]) for cells in rows())


def dotted_names() -> list[str]:
    spans = re.findall(r"`([A-Za-z_][\w.]*\.[A-Za-z_]\w*)`", today_columns())
    return sorted({s for s in spans if s.split(".")[0] in
                   {"textseq_tui", "textseq_plugins", "cli_io", "cli", "sentiment"}}
                  - {ENTRY_POINT_GROUP})


def test_the_glossary_has_rows() -> None:
    assert len(rows()) >= 20 and dotted_names()


@pytest.mark.parametrize("name", dotted_names())
def test_each_dotted_name_in_the_glossary_exists(name: str) -> None:
    for short, full in PREFIXES.items():
        if name.startswith(short):
            name = full + name[len(short):]
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):  # the longest importable module, then attributes
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            found = getattr(found, attr)
        return
    pytest.fail(f"{name} names no module")


@pytest.mark.parametrize("name", sorted(set(re.findall(r"`([A-Z][a-z]+[A-Z]\w*)`",
                                                        today_columns()))))
def test_each_class_the_glossary_names_is_in_the_code(name: str) -> None:
    assert re.search(rf"\bclass {name}\b", code_text()) or name in {"KeyedVectors", "Suggester"}


@pytest.mark.parametrize("name", RETIRED)
def test_a_retired_name_stays_gone(name: str) -> None:
    assert not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", code_text())
