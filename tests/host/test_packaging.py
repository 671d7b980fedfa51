"""Packaging: the app's requirements, the test extra, the constraints the snapshots need,
the build requirements and the README's commands agree with each other."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
DRAWING = {"textual", "rich", "textual-plotext", "plotext"}


def requirements(names: list[str]) -> dict[str, Requirement]:
    found = {}
    for text in names:
        req = Requirement(text)
        found[req.name.lower()] = req
    return found


def pins() -> dict[str, str]:
    lines = (REPO / ".ci" / "constraints.txt").read_text().splitlines()
    return dict(line.split("#")[0].strip().split("==") for line in lines
                if "==" in line.split("#")[0])


def test_the_app_names_the_ranges_its_snapshots_were_drawn_in() -> None:
    app = requirements(PROJECT["project"]["dependencies"])
    assert str(app["textual"].specifier) in {">=8.2,<9", "<9,>=8.2"}
    assert str(app["rich"].specifier) in {">=15,<16", "<16,>=15"}
    for name, version in pins().items():
        if name in app:
            assert app[name].specifier.contains(version), (name, version)


def test_installing_the_tests_never_changes_the_apps_textual() -> None:
    test = requirements(PROJECT["project"]["optional-dependencies"]["test"])
    assert not DRAWING & set(test), "exact versions belong in .ci/constraints.txt"
    assert DRAWING <= set(pins())


def test_readme_and_ci_run_the_same_test_command_with_the_constraints() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    command = next(line for line in readme.splitlines()
                   if line.startswith("python3 -m venv") and "pytest" in line)
    assert command in ci
    assert 'pip install -q -c .ci/constraints.txt -e ".[test]"' in command


def test_build_requirements_and_readme_agree_on_setuptools() -> None:
    build = requirements(PROJECT["build-system"]["requires"])
    assert str(build["setuptools"].specifier) == ">=77"
    installs = re.findall(r'"setuptools([^"]*)"', (REPO / "README.md").read_text())
    assert installs and set(installs) == {">=77"}
    example = tomllib.loads((REPO / "examples/textseq-hello/pyproject.toml").read_text())
    assert example["build-system"]["requires"] == ["setuptools>=77"]


def test_training_only_packages_are_an_extra() -> None:
    app = requirements(PROJECT["project"]["dependencies"])
    assert "vadersentiment" not in app
    assert "vadersentiment" in requirements(PROJECT["project"]["optional-dependencies"]["train"])


def test_training_sentiment_without_vader_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from textseq_plugins.sentiment.train import vader_lexicon

    from textseq_tui.plugin import BadInput

    monkeypatch.setitem(sys.modules, "vaderSentiment", None)  # import raises ImportError
    with pytest.raises(BadInput) as err:
        vader_lexicon(None)  # type: ignore[arg-type]
    assert "\n" not in str(err.value) and "pip install 'textseq[train]'" in str(err.value)
