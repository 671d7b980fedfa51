"""A tiny detector trained once per test session on a synthetic 'grammar' of sessions."""

from __future__ import annotations

import pytest
from anomaly_synthetic import normal_sessions


@pytest.fixture(scope="session")
def tiny_outcome():
    import torch
    from textseq_plugins.anomaly.train import DetectorTrainConfig, train_detector

    torch.set_num_threads(1)
    settings = DetectorTrainConfig(hidden=16, embedding=8, layers=1, batch_size=32, lr=1e-2,
                             max_steps=150, minutes=None, top_g=2, calib_fraction=0.2,
                             seed=0)
    return train_detector(normal_sessions(300), settings, progress=False)


@pytest.fixture(scope="session")
def tiny(tiny_outcome):
    return tiny_outcome.detector
