"""Batches for recurrent models: packed variable-length batches, next-token pairs, truncated
back-propagation through time over one long stream, and sharding across DDP ranks.

Packed batches are built with ``enforce_sorted=False``: torch sorts the sequences by length
internally and keeps ``sorted_indices``/``unsorted_indices`` so that ``h_n`` and unpacked
outputs come back in the caller's order. Forgetting that permutation (sorting by hand and
never unsorting) silently pairs each output with the wrong input: the "sort/unsort trap".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch.nn.utils.rnn import PackedSequence, pack_sequence, pad_packed_sequence, pad_sequence

from textseq_tui.errors import BadInput

# A recurrent state: a tensor (GRU/RNN), a tuple (h, c) (LSTM), nested, or None.
Hidden = torch.Tensor | tuple | list | None


@dataclass(frozen=True)
class PackedBatch:
    """A batch of variable-length sequences packed for ``nn.GRU``/``nn.LSTM``.

    ``packed.data`` has one row per token, time-major: all sequences' step 0 (longest first),
    then step 1, ... ``lengths`` is a CPU LongTensor ``(batch,)`` in the caller's order.
    """

    packed: PackedSequence
    lengths: torch.Tensor

    @property
    def batch_size(self) -> int:
        """Number of sequences."""
        return int(self.lengths.numel())

    def to(self, device: torch.device | str) -> PackedBatch:
        """The same batch with its data on ``device`` (lengths stay on the CPU, as torch
        requires)."""
        return PackedBatch(self.packed.to(device), self.lengths)

    def with_data(self, data: torch.Tensor) -> PackedSequence:
        """Wrap per-token rows computed from ``packed.data`` (e.g. logits
        ``(n_tokens, vocab)``) as a PackedSequence with this batch's layout."""
        if data.shape[0] != self.packed.data.shape[0]:
            raise ValueError(
                f"expected {self.packed.data.shape[0]} rows (one per packed token), "
                f"got {data.shape[0]}"
            )
        return PackedSequence(
            data, self.packed.batch_sizes, self.packed.sorted_indices, self.packed.unsorted_indices
        )

    def unpack(
        self, packed_output: PackedSequence | torch.Tensor, padding_value: float = 0.0
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Pad a packed output back to ``(batch, max_len, ...)`` in the ORIGINAL input order.

        ``packed_output`` is what the RNN returned for ``self.packed`` (or a tensor of per-token
        rows, see ``with_data``). Returns ``(padded, lengths)``; positions past a sequence's
        length hold ``padding_value``.
        """
        if isinstance(packed_output, torch.Tensor):
            packed_output = self.with_data(packed_output)
        padded, lengths = pad_packed_sequence(
            packed_output, batch_first=True, padding_value=padding_value
        )
        return padded, lengths

    def positions(self) -> tuple[torch.Tensor, torch.Tensor]:
        """For each row of ``packed.data``: ``(sequence_index, time_step)``, two LongTensors
        ``(n_tokens,)`` on the CPU, sequence indices in the caller's order. Use it to map
        per-token results (losses, surprise) back to where they came from."""
        batch_sizes = self.packed.batch_sizes
        n_tokens = int(batch_sizes.sum())
        steps = torch.arange(batch_sizes.numel()).repeat_interleave(batch_sizes)
        block_starts = torch.cumsum(batch_sizes, 0) - batch_sizes
        rank_in_step = torch.arange(n_tokens) - block_starts.repeat_interleave(batch_sizes)
        sorted_indices = self.packed.sorted_indices
        if sorted_indices is None:
            sequence = rank_in_step
        else:
            sequence = sorted_indices.cpu()[rank_in_step]
        return sequence, steps


def _check_sequences(sequences: Sequence[torch.Tensor], min_length: int) -> None:
    if len(sequences) == 0:
        raise BadInput("A batch needs at least one sequence; got none.")
    for i, seq in enumerate(sequences):
        if seq.ndim < 1 or seq.shape[0] < min_length:
            length = 0 if seq.ndim < 1 else seq.shape[0]
            raise BadInput(
                f"Sequence {i} of the batch has {length} step(s); "
                f"at least {min_length} {'is' if min_length == 1 else 'are'} needed."
            )


def pack_batch(sequences: Sequence[torch.Tensor]) -> PackedBatch:
    """Pack sequences of different lengths, each ``(length, ...)`` (1-D LongTensors of token
    ids for an embedding, or ``(length, features)`` floats), all with the same dtype and
    device. Order is preserved: see ``PackedBatch.unpack``. Raises ``BadInput`` for an empty
    batch or an empty sequence."""
    _check_sequences(sequences, min_length=1)
    lengths = torch.tensor([seq.shape[0] for seq in sequences], dtype=torch.long)
    return PackedBatch(pack_sequence(list(sequences), enforce_sorted=False), lengths)


def next_token_batch(sequences: Sequence[torch.Tensor]) -> tuple[PackedBatch, torch.Tensor]:
    """Inputs and targets for next-token prediction over sequences of token ids.

    Inputs are ``seq[:-1]`` packed; targets are ``seq[1:]`` flattened to ``(n_tokens,)`` in
    the same order as the rows of ``inputs.packed.data``, so
    ``cross_entropy(head(rnn(inputs.packed)[0].data), targets)`` is right without unpacking.
    Raises ``BadInput`` when a sequence has fewer than 2 tokens.
    """
    _check_sequences(sequences, min_length=2)
    inputs = pack_batch([seq[:-1] for seq in sequences])
    # Index the padded targets with the packed layout itself rather than packing the targets
    # a second time: that would rely on torch sorting equal lengths the same way twice.
    sequence, steps = inputs.positions()
    padded_targets = pad_sequence([seq[1:] for seq in sequences], batch_first=True)
    index_device = padded_targets.device
    targets = padded_targets[sequence.to(index_device), steps.to(index_device)]
    return inputs, targets


def stream_batches(
    ids: torch.Tensor, batch_size: int, seq_len: int, *, drop_last: bool = False
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Windows over one long token stream for truncated back-propagation through time.

    The 1-D stream ``ids`` is cut into ``batch_size`` contiguous lanes (the tail that does not
    fill a lane is dropped); lane ``b`` of each window continues lane ``b`` of the previous
    one, so the hidden state can be carried across calls (``detach_hidden`` between them).
    Yields ``(x, y)``, each ``(batch_size, seq_len)`` batch-first, ``y`` = ``x`` shifted by
    one token. The last window is shorter unless ``drop_last``. Raises ``BadInput`` when the
    stream is too short for two tokens per lane.
    """
    if batch_size < 1 or seq_len < 1:
        raise BadInput(f"batch_size and seq_len must be >= 1 (got {batch_size}, {seq_len}).")
    if ids.ndim != 1:
        raise BadInput(f"The token stream must be 1-D; got shape {tuple(ids.shape)}.")
    lane_len = ids.shape[0] // batch_size
    if lane_len < 2:
        raise BadInput(
            f"The token stream has {ids.shape[0]} tokens: too short for {batch_size} lanes "
            "of at least 2 tokens each. Use more text or a smaller batch size."
        )
    lanes = ids[: lane_len * batch_size].view(batch_size, lane_len)
    for start in range(0, lane_len - 1, seq_len):
        width = min(seq_len, lane_len - 1 - start)
        if drop_last and width < seq_len:
            return
        x = lanes[:, start : start + width].contiguous()
        y = lanes[:, start + 1 : start + 1 + width].contiguous()
        yield x, y


def detach_hidden(hidden: Hidden) -> Hidden:
    """Cut the autograd history of a recurrent state so back-propagation stops at the window
    boundary: a tensor (GRU/RNN ``h``), a tuple ``(h, c)`` (LSTM), nested, or ``None``."""
    if hidden is None:
        return None
    if isinstance(hidden, torch.Tensor):
        return hidden.detach()
    return type(hidden)(detach_hidden(h) for h in hidden)


def shard_for_rank(
    n_items: int, rank: int, world_size: int, *, drop_remainder: bool = False
) -> slice:
    """The contiguous slice of ``range(n_items)`` that DDP rank ``rank`` of ``world_size``
    works on. Shards differ in size by at most one item; with ``drop_remainder`` all shards
    have ``n_items // world_size`` items, which keeps every rank on the same number of steps
    (a rank that runs out early leaves the others waiting in all-reduce)."""
    if world_size < 1 or not 0 <= rank < world_size:
        raise BadInput(f"Rank {rank} is not in 0..{world_size - 1} (world size {world_size}).")
    if n_items < 0:
        raise BadInput(f"Cannot shard a negative number of items ({n_items}).")
    base, remainder = divmod(n_items, world_size)
    if drop_remainder:
        return slice(rank * base, (rank + 1) * base)
    start = rank * base + min(rank, remainder)
    return slice(start, start + base + (1 if rank < remainder else 0))


def to_device(batch: Any, device: torch.device) -> Any:
    """Move a batch to ``device``: tensors, ``PackedSequence``, ``PackedBatch`` and
    tuples/lists/dicts of them; anything else is returned unchanged."""
    if isinstance(batch, (torch.Tensor, PackedSequence, PackedBatch)):
        return batch.to(device)
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # a namedtuple
        return type(batch)(*(to_device(item, device) for item in batch))
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(item, device) for item in batch)
    if isinstance(batch, Mapping):
        return {key: to_device(item, device) for key, item in batch.items()}
    return batch
