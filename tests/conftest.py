"""Fixtures shared by the whole suite.

- ``home``: a fresh TEXTSEQ_HOME in a tmp dir (database, user models, caches), also exported
  in the environment so subprocesses and a default ``Host()`` use it.
- ``host``: a Host on that home with the installed plugins.
- ``cli``: invoke the ``textseq`` CLI in-process (Typer's CliRunner) on that host.
- ``glove``: the shared GloVe model's object (``GloveVectors``), once per session.
- ``shared_data``: ``../shared/data`` beside the repo; tests that need it skip when absent.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO.parent / "shared" / "data").resolve()


@pytest.fixture(autouse=True)
def _seed_everything() -> None:
    random.seed(0)
    try:
        import numpy as np

        np.random.seed(0)
    except ImportError:  # pragma: no cover
        pass


@pytest.fixture(autouse=True)
def _not_the_users_home(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes into the real user's home: without the ``home`` fixture (or a test's
    own), the default home and the platform's data dir are fresh tmp dirs."""
    spare = tmp_path_factory.mktemp("default-home")
    monkeypatch.setenv("TEXTSEQ_HOME", str(spare / "textseq"))
    monkeypatch.setenv("XDG_DATA_HOME", str(spare / "xdg"))
    monkeypatch.setenv("TEXTSEQ_WARMUP", "0")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "textseq-home"
    path.mkdir()
    monkeypatch.setenv("TEXTSEQ_HOME", str(path))
    monkeypatch.setenv("TEXTSEQ_DEVICE", "cpu")
    # Tests that open the app with the real plugins must not load every model behind it.
    monkeypatch.setenv("TEXTSEQ_WARMUP", "0")
    return path


@pytest.fixture
def host(home: Path):
    from textseq_tui.host import Host

    return Host(home=home, device="cpu")


@pytest.fixture
def cli(host):
    """``cli("plugins", "--json")`` -> typer's Result (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from textseq_tui.cli import build_app

    app = build_app(host)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def glove():
    """The GloVe model as the registry loads it (``textseq_tui.ml.GLOVE_MODEL``), for code
    that takes it as an argument; read from the installed package once per session."""
    from textseq_tui.ml import GloveVectors

    return GloveVectors()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent")
    return SHARED_DATA


