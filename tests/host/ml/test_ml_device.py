import pytest
import torch

from textseq_tui.errors import BadInput
from textseq_tui.ml.device import choose_device, describe_device


@pytest.fixture
def no_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


def test_auto_and_cpu_choose_the_cpu_without_cuda(no_cuda):
    assert choose_device("auto") == torch.device("cpu")
    assert choose_device() == torch.device("cpu")
    assert choose_device(" CPU ") == torch.device("cpu")


@pytest.mark.parametrize("choice", ["cuda", "cuda:0", "cuda:3"])
def test_asking_for_cuda_without_cuda_is_bad_input(no_cuda, choice):
    with pytest.raises(BadInput, match="CUDA is not available"):
        choose_device(choice)


@pytest.mark.parametrize("choice", ["gpu", "tpu", "cuda:x", "", "cuda0"])
def test_unknown_device_lists_the_valid_choices(choice):
    with pytest.raises(BadInput, match="auto, cpu, cuda, cuda:N"):
        choose_device(choice)


def test_cuda_index_past_the_last_gpu_is_bad_input(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert choose_device("cuda:1") == torch.device("cuda", 1)
    with pytest.raises(BadInput, match="2 CUDA device"):
        choose_device("cuda:2")


def test_describe_cpu_names_the_thread_count():
    assert describe_device("cpu") == f"cpu ({torch.get_num_threads()} threads)"
    assert describe_device(torch.device("cpu")).startswith("cpu (")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_describe_cuda_names_the_gpu():
    device = choose_device("cuda")
    assert describe_device(device) == f"cuda:{device.index} {torch.cuda.get_device_name(device)}"
