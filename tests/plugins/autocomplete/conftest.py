"""Fixtures for the autocomplete tests: a tiny character model trained once per session on a
small synthetic corpus (seeded), imported into each test's registry as ``tiny``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from autocomplete_synthetic import synthetic_corpus  # noqa: E402


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    path.write_text(synthetic_corpus(1500), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory, corpus_file: Path) -> Path:
    import torch
    from textseq_plugins.autocomplete.model import save_model_files
    from textseq_plugins.autocomplete.train import TrainOptions, train_char_model

    from textseq_tui.files import sha256_file

    torch.set_num_threads(1)
    opts = TrainOptions(hidden=96, layers=1, embed=16, dropout=0.0, batch=16, seq_len=48,
                        lr=1e-2, warmup=10, steps=220, minutes=None, eval_every=0,
                        checkpoint_every=0)
    outcome = train_char_model(corpus_file.read_text(), opts, progress=False)
    out = tmp_path_factory.mktemp("models") / "tiny"
    files = save_model_files(outcome.net, outcome.vocab, out)
    card = {"name": "tiny", "plugin": "autocomplete", "kind": "char-rnn", "version": "1",
            "created": "2026-01-01T00:00:00Z", "device": "cpu", "data": "synthetic",
            "hyperparameters": {}, "metrics": outcome.metrics,
            "files": {f: sha256_file(p) for f, p in files.items()}}
    (out / "card.json").write_text(json.dumps(card))
    return out


@pytest.fixture
def tiny(host, tiny_model_dir: Path):
    """The tiny model, imported into this test's registry and loaded (a CharModel)."""
    host.registry.import_dir(tiny_model_dir)
    return host.registry.load("tiny")


@pytest.fixture
def tiny32(tiny):
    """``tiny`` with float32 keystrokes (``quantize`` off): for the tests of the state
    bookkeeping, which compare with a fresh pass exactly. int8 quantises each call's own
    activations, so two ways to the same state differ by about 0.01-0.05 in a log-prob."""
    tiny.quantize = False
    return tiny
