"""Fixtures for the odd-one-out tests: GloVe as KeyedVectors once per session, the shipped OOV model."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def kv():
    """GloVe 6B 50d as the KeyedVectors odd-one-out works on (the shared model's object)."""
    from textseq_plugins.odd_one_out.vectors import as_keyed_vectors

    from textseq_tui.ml import GloveVectors

    return as_keyed_vectors(GloveVectors())


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
