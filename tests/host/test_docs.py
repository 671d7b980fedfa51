"""The plugin-author docs cover the whole public API: every name ``textseq_tui.plugin``
exports appears in docs/ARCHITECTURE.md (as code), and the README links that file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import textseq_tui.plugin as api

REPO = Path(__file__).resolve().parents[2]
ARCHITECTURE = REPO / "docs" / "ARCHITECTURE.md"


def documented_names() -> set[str]:
    """Every identifier inside the doc's code blocks and code spans."""
    text = ARCHITECTURE.read_text()
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, flags=re.S)
    spans = re.findall(r"`([^`]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return set(re.findall(r"[A-Za-z_]\w*", " ".join(blocks + spans)))


@pytest.mark.parametrize("name", api.__all__)
def test_public_name_is_documented(name: str) -> None:
    assert name in documented_names()


def test_readme_links_the_architecture_doc() -> None:
    assert "(docs/ARCHITECTURE.md)" in (REPO / "README.md").read_text()
