import pytest
import torch


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """These tests run tiny tensors: one intra-op thread is faster, and on a shared, busy
    machine extra threads spin-wait and make a 0.3 s test take 6 s. Restored afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
