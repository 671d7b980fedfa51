"""Fixtures for the odd-one-out tests: GloVe converted once per session, the shipped OOV model."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def glove_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir holding the converted GloVe 6B 50d (``glove-6b-50d/``), built once."""
    from textseq_plugins.odd_one_out.vectors import GLOVE_CACHE_NAME, convert_glove_package

    root = tmp_path_factory.mktemp("odd-cache")
    convert_glove_package(root / GLOVE_CACHE_NAME)
    return root


@pytest.fixture(scope="session")
def kv(glove_cache: Path):
    from textseq_plugins.odd_one_out.vectors import load_glove

    return load_glove(glove_cache)


@pytest.fixture(scope="session")
def ngram():
    from textseq_plugins.odd_one_out.ngram import load_ngram_model

    return load_ngram_model(REPO / "models" / "glove-ngram-oov")


@pytest.fixture(scope="session")
def ai(kv, ngram):
    from textseq_plugins.odd_one_out.model import OddOneOut

    return OddOneOut(kv, ngram)


@pytest.fixture(scope="session")
def categories():
    """The shipped WordNet categories (models/wordnet-categories)."""
    from textseq_plugins.odd_one_out.puzzles import Categories

    return Categories.from_dir(REPO / "models" / "wordnet-categories")


@pytest.fixture
def odd_home(home: Path, glove_cache: Path) -> Path:
    """The test home with the converted GloVe linked into the plugin's cache (no re-conversion)."""
    from textseq_plugins.odd_one_out.vectors import GLOVE_CACHE_NAME

    cache = home / "cache" / "odd-one-out"
    cache.mkdir(parents=True)
    (cache / GLOVE_CACHE_NAME).symlink_to(glove_cache / GLOVE_CACHE_NAME)
    return home


@pytest.fixture(scope="session")
def tables():
    """The shipped Connections solver tables (models/connections-tables)."""
    from textseq_plugins.odd_one_out.connections.tables import Tables

    return Tables(REPO / "models" / "connections-tables")


@pytest.fixture(scope="session")
def groups_solver(tables, ai):
    """The Connections solver on the shipped tables, weights and GloVe."""
    from textseq_plugins.odd_one_out.connections.solver import (
        WEIGHTS_FILE,
        GroupsSolver,
        Weights,
    )

    return GroupsSolver(tables, ai, Weights.from_file(tables.directory / WEIGHTS_FILE))
