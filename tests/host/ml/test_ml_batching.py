import pytest
import torch
from torch import nn
from torch.nn import functional as F

from textseq_tui.errors import BadInput
from textseq_tui.ml.batching import (
    detach_hidden,
    next_token_batch,
    pack_batch,
    shard_for_rank,
    stream_batches,
    to_device,
)

# Unsorted, with ties and a length-1 sequence: the cases where a lost permutation shows.
LENGTHS = [3, 7, 1, 5, 7, 2]


def _sequences(vocab: int = 11, seed: int = 0) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return [torch.randint(0, vocab, (n,), generator=gen) for n in LENGTHS]


@pytest.mark.parametrize("cell", [nn.GRU, nn.LSTM])
def test_packed_batch_matches_each_sequence_run_alone_in_input_order(cell):
    torch.manual_seed(0)
    embed, rnn = nn.Embedding(11, 6), cell(6, 9, num_layers=2)
    seqs = _sequences()
    batch = pack_batch([embed(s) for s in seqs])
    with torch.no_grad():
        packed_out, hidden = rnn(batch.packed)
        padded, lengths = batch.unpack(packed_out)
        assert lengths.tolist() == LENGTHS == batch.lengths.tolist()
        assert padded.shape == (len(seqs), max(LENGTHS), 9)
        for i, seq in enumerate(seqs):
            alone_out, alone_hidden = rnn(embed(seq).unsqueeze(1))  # (len, 1, features)
            torch.testing.assert_close(padded[i, : len(seq)], alone_out[:, 0], atol=1e-6, rtol=0)
            assert torch.all(padded[i, len(seq) :] == 0)
            states = hidden if cell is nn.LSTM else (hidden,)
            alone_states = alone_hidden if cell is nn.LSTM else (alone_hidden,)
            for h, h_alone in zip(states, alone_states, strict=True):
                torch.testing.assert_close(h[:, i], h_alone[:, 0], atol=1e-6, rtol=0)


def test_unpack_accepts_per_token_rows_computed_from_packed_data():
    seqs = _sequences()
    batch = pack_batch(seqs)
    doubled, _ = batch.unpack(batch.packed.data * 2, padding_value=-1)
    for i, seq in enumerate(seqs):
        assert doubled[i, : len(seq)].tolist() == (seq * 2).tolist()
        assert torch.all(doubled[i, len(seq) :] == -1)


def test_positions_map_each_packed_row_to_its_sequence_and_step():
    seqs = _sequences()
    batch = pack_batch(seqs)
    sequence, step = batch.positions()
    assert len(sequence) == sum(LENGTHS)
    for row, (i, t) in enumerate(zip(sequence.tolist(), step.tolist(), strict=True)):
        assert batch.packed.data[row] == seqs[i][t]


def test_next_token_targets_are_the_following_token_of_each_packed_input_row():
    seqs = [s for s in _sequences() if len(s) >= 2]
    inputs, targets = next_token_batch(seqs)
    assert inputs.lengths.tolist() == [len(s) - 1 for s in seqs]
    sequence, step = inputs.positions()
    for row, (i, t) in enumerate(zip(sequence.tolist(), step.tolist(), strict=True)):
        assert inputs.packed.data[row] == seqs[i][t]
        assert targets[row] == seqs[i][t + 1]


def test_a_model_trained_on_packed_next_token_batches_learns_the_next_token_rule():
    # The next token is a fixed function of the current one; a model can only reach 100%
    # accuracy if every target sits on the row of the token that precedes it.
    vocab = 13
    rule = (torch.arange(vocab) * 5 + 3) % vocab

    def make(n: int, gen: torch.Generator) -> list[torch.Tensor]:
        out = []
        for _ in range(n):
            length = int(torch.randint(2, 9, (), generator=gen))
            token = torch.randint(0, vocab, (1,), generator=gen)
            seq = [token]
            for _ in range(length - 1):
                seq.append(rule[seq[-1]])
            out.append(torch.cat(seq))
        return out

    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    embed, rnn, head = nn.Embedding(vocab, 16), nn.GRU(16, 32), nn.Linear(32, vocab)
    params = [*embed.parameters(), *rnn.parameters(), *head.parameters()]
    optimizer = torch.optim.Adam(params, lr=0.05)
    for _ in range(30):
        inputs, targets = next_token_batch(make(16, gen))
        out, _ = rnn(inputs.packed._replace(data=embed(inputs.packed.data)))
        loss = F.cross_entropy(head(out.data), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    inputs, targets = next_token_batch(make(32, gen))
    with torch.no_grad():
        out, _ = rnn(inputs.packed._replace(data=embed(inputs.packed.data)))
        accuracy = (head(out.data).argmax(-1) == targets).float().mean().item()
    assert accuracy == 1.0


def test_empty_batches_and_sequences_are_bad_input():
    with pytest.raises(BadInput, match="at least one sequence"):
        pack_batch([])
    with pytest.raises(BadInput, match="Sequence 1"):
        pack_batch([torch.tensor([1, 2]), torch.tensor([], dtype=torch.long)])
    with pytest.raises(BadInput, match="at least 2"):
        next_token_batch([torch.tensor([1, 2]), torch.tensor([3])])


def test_stream_batches_cut_contiguous_lanes_into_consecutive_windows():
    ids = torch.arange(103)
    windows = list(stream_batches(ids, batch_size=4, seq_len=5))
    lane_len = 103 // 4  # 25: the last 3 tokens do not fill a lane and are dropped
    assert [tuple(x.shape) for x, _ in windows] == [(4, 5)] * 4 + [(4, 4)]
    xs = torch.cat([x for x, _ in windows], dim=1)
    ys = torch.cat([y for _, y in windows], dim=1)
    lanes = ids[: 4 * lane_len].view(4, lane_len)
    assert torch.equal(xs, lanes[:, :-1])  # lane b continues from one window to the next
    assert torch.equal(ys, lanes[:, 1:])
    kept = list(stream_batches(ids, batch_size=4, seq_len=5, drop_last=True))
    assert [tuple(x.shape) for x, _ in kept] == [(4, 5)] * 4


def test_stream_too_short_for_the_lanes_is_bad_input():
    with pytest.raises(BadInput, match="too short"):
        list(stream_batches(torch.arange(7), batch_size=4, seq_len=3))


def test_detach_hidden_cuts_history_for_gru_and_lstm_states():
    h = torch.ones(2, 3, requires_grad=True) * 2
    assert not detach_hidden(h).requires_grad
    h_c = (h * 1, h * 3)
    detached = detach_hidden(h_c)
    assert isinstance(detached, tuple) and not any(t.requires_grad for t in detached)
    torch.testing.assert_close(detached[1], h_c[1].detach())
    assert detach_hidden(None) is None


@pytest.mark.parametrize("n_items, world_size", [(10, 3), (2, 4), (0, 2), (9, 1), (12, 4)])
def test_shards_are_contiguous_balanced_and_cover_everything(n_items, world_size):
    shards = [shard_for_rank(n_items, rank, world_size) for rank in range(world_size)]
    covered = [i for s in shards for i in range(n_items)[s]]
    assert covered == list(range(n_items))
    sizes = [len(range(n_items)[s]) for s in shards]
    assert max(sizes) - min(sizes) <= 1
    equal = [
        len(range(n_items)[shard_for_rank(n_items, r, world_size, drop_remainder=True)])
        for r in range(world_size)
    ]
    assert equal == [n_items // world_size] * world_size


def test_shard_rank_outside_the_world_is_bad_input():
    with pytest.raises(BadInput):
        shard_for_rank(10, 3, 3)


def test_to_device_moves_nested_batches_and_keeps_other_values():
    batch = {"x": (torch.ones(2), [pack_batch([torch.tensor([1])])]), "name": "b"}
    moved = to_device(batch, torch.device("cpu"))
    assert moved["name"] == "b" and torch.equal(moved["x"][0], torch.ones(2))
    assert moved["x"][1][0].lengths.tolist() == [1]
