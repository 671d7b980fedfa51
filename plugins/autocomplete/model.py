"""The character language model: vocabulary, the recurrent network, and the loaded model.

- ``CharVocab``: characters <-> ids; id 0 is the unknown character, used for any character
  the training corpus did not have (or had too rarely), so any text can be encoded.
- ``CharRNN``: embedding -> dropout -> GRU or LSTM (n layers) -> dropout -> linear head.
  It knows nothing about files or the CLI.
- ``CharModel``: what the registry's loader returns and caches: vocabulary + network in eval
  mode, with batch scoring (``nats_per_char``, ``char_surprisals``) and sampling (``write``).
  Its keystroke paths (``step``, and the word layer's scoring through ``fast``) run an int8
  copy of the network on a CPU. Incremental completion lives in ``completer.py``.

torch is imported at module scope here: this module is itself only imported lazily (by the
loader, the trainer and the completer), never when the host lists plugins.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from textseq_tui.ml import load_tensors, save_tensors
from textseq_tui.plugin import BadInput, ModelError

UNKNOWN = "\ufffd"  # the character shown for the unknown id
WEIGHTS_FILE = "weights.safetensors"
CONFIG_FILE = "config.json"

Hidden = Any  # a tensor (layers, batch, hidden) for a GRU, a pair of them for an LSTM


class CharVocab:
    """Characters <-> ids. ``chars[0]`` is the unknown character (id 0)."""

    def __init__(self, chars: Sequence[str]) -> None:
        chars = list(chars)
        if not chars or chars[0] != UNKNOWN:
            chars = [UNKNOWN] + [c for c in chars if c != UNKNOWN]
        self.chars = chars
        self.index = {c: i for i, c in enumerate(chars)}

    @classmethod
    def from_text(cls, text: str, min_count: int = 1) -> CharVocab:
        """Every character seen at least ``min_count`` times, sorted; rarer ones map to 0."""
        from collections import Counter

        counts = Counter(text)
        return cls(sorted(c for c, n in counts.items() if n >= min_count and c != UNKNOWN))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> torch.Tensor:
        """1-D LongTensor of ids, one per character; unseen characters get id 0."""
        get = self.index.get
        return torch.tensor([get(c, 0) for c in text], dtype=torch.long)

    def id(self, char: str) -> int:
        """The id of one character (0 when unseen)."""
        return self.index.get(char, 0)


@dataclass
class RNNConfig:
    """Architecture of a ``CharRNN``. ``cell`` is "gru" or "lstm"; sizes in units."""

    vocab_size: int
    cell: str = "gru"
    embed: int = 64
    hidden: int = 384
    layers: int = 2
    dropout: float = 0.1

    def __post_init__(self) -> None:
        if self.cell not in ("gru", "lstm"):
            raise BadInput(f"cell must be 'gru' or 'lstm', not {self.cell!r}")
        if min(self.vocab_size, self.embed, self.hidden, self.layers) < 1:
            raise BadInput("vocab_size, embed, hidden and layers must all be >= 1")
        if not 0.0 <= self.dropout < 1.0:
            raise BadInput(f"dropout must be in [0, 1), not {self.dropout}")


class CharRNN(nn.Module):
    """Next-character model. ``forward(x (batch, seq) ids, h)`` -> ``(logits (batch, seq,
    vocab), h)`` where ``h`` is the recurrent state (``None`` = zeros)."""

    def __init__(self, config: RNNConfig) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed)
        self.drop = nn.Dropout(config.dropout)
        rnn_cls = nn.GRU if config.cell == "gru" else nn.LSTM
        self.rnn = rnn_cls(
            config.embed,
            config.hidden,
            num_layers=config.layers,
            batch_first=True,
            dropout=config.dropout if config.layers > 1 else 0.0,
        )
        self.head = nn.Linear(config.hidden, config.vocab_size)

    def forward(self, x: torch.Tensor, h: Hidden = None) -> tuple[torch.Tensor, Hidden]:
        out, h = self.rnn(self.drop(self.embed(x)), h)
        return self.head(self.drop(out)), h


def stream_nats(
    net: CharRNN, ids: torch.Tensor, *, lanes: int = 16, chunk: int = 256
) -> tuple[float, int]:
    """Total negative log-likelihood (nats) of ``ids[1:]`` given what precedes each, and the
    number of predicted characters. The stream is cut into ``lanes`` contiguous pieces
    scored in parallel with carried state; each lane's first character is only context
    (a handful of characters out of the stream: negligible for the mean)."""
    n = ids.shape[0]
    lanes = max(1, min(lanes, n // 64 or 1))
    lane_len = n // lanes
    if lane_len < 2:
        return 0.0, 0
    device = next(net.parameters()).device
    grid = ids[: lane_len * lanes].view(lanes, lane_len).to(device)
    total, count, h = 0.0, 0, None
    with torch.no_grad():
        for start in range(0, lane_len - 1, chunk):
            x = grid[:, start : min(start + chunk, lane_len - 1)]
            y = grid[:, start + 1 : start + 1 + x.shape[1]]
            logits, h = net(x, h)
            total += float(nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]).float(), y.reshape(-1), reduction="sum"))
            count += y.numel()
        # The tail that did not fill a lane is scored separately from a fresh state.
        tail = ids[lane_len * lanes - 1 :].to(device)
        if tail.shape[0] >= 2:
            logits, _ = net(tail[None, :-1])
            total += float(nn.functional.cross_entropy(logits[0].float(), tail[1:], reduction="sum"))
            count += tail.shape[0] - 1
    return total, count


class CharModel:
    """A loaded character model: vocabulary + network (eval mode) on ``device``.

    Thread-safe for concurrent callers (one lock around the network): the registry shares one
    instance between the completion provider, slash commands and other plugins.

    ``quantize`` (default on; it matters on a CPU only): the keystroke paths run an int8 copy
    of the network (``fast``). The batch measures (``nats_per_char``, ``char_surprisals``)
    keep the float32 network.
    """

    def __init__(self, vocab: CharVocab, net: CharRNN, device: str = "cpu",
                 info: dict[str, Any] | None = None, quantize: bool = True) -> None:
        self.vocab = vocab
        self.net = net.to(device).eval()
        self.device = torch.device(device)
        self.info = info or {}
        self.lock = threading.RLock()
        self.quantize = quantize
        self._fast: nn.Module | None = None

    @property
    def fast(self) -> nn.Module:
        """The network a keystroke runs. On a CPU it is a copy with int8 weights in the
        recurrent layers and the head, made once, in about 20 ms, on first use.

        PyTorch's dynamic quantisation is used: activations stay float32. On the shipped
        2 x 384 GRU, at 1 thread, it is 3-4x faster than float32 at batch 1-8 over 8-12
        characters, and 0.17 ms against 0.23 ms for one step. It adds 0.002 nats/char.

        Otherwise ``net`` itself is used: on a GPU, with ``quantize`` off, or with a PyTorch
        build that cannot quantise. The network must not change once this copy exists."""
        if self._fast is None:
            with self.lock:
                if self._fast is None:
                    self._fast = self._quantized() if self.quantize else self.net
        return self._fast

    def _quantized(self) -> nn.Module:
        if self.device.type != "cpu":
            return self.net
        import warnings

        try:
            from torch.ao.quantization import quantize_dynamic

            with warnings.catch_warnings():  # deprecated in favour of torchao, still shipped
                warnings.simplefilter("ignore")
                fast = quantize_dynamic(self.net, {nn.GRU, nn.LSTM, nn.Linear},
                                        dtype=torch.qint8)
                with torch.no_grad():  # fails here, not at a keystroke, if unsupported
                    fast(torch.zeros(1, 1, dtype=torch.long))
        except Exception:  # noqa: BLE001 - any failure: the float32 network still works
            return self.net
        return fast.eval()

    @property
    def config(self) -> RNNConfig:
        return self.net.config

    def encode(self, text: str) -> torch.Tensor:
        """Ids of ``text`` on the model's device, shape ``(len(text),)``."""
        return self.vocab.encode(text).to(self.device)

    def nats_per_char(self, text: str) -> float:
        """Mean negative log-likelihood of each character after the first, in nats."""
        ids = self.vocab.encode(text)
        if ids.shape[0] < 2:
            raise BadInput("need at least 2 characters to measure nats per character")
        with self.lock:
            total, count = stream_nats(self.net, ids)
        return total / count

    def char_surprisals(self, text: str, context: str = "") -> list[tuple[str, float, int]]:
        """For each character of ``text``: ``(char, surprisal, rank)``.

        ``surprisal`` is ``-ln p(char | everything before it)`` in nats (the first character
        is conditioned on ``context``, or on a newline when ``context`` is empty, as at the
        start of a line); ``rank`` is 1 when the char was the model's top guess, 2 for the
        second, ... (an unseen character is scored as the unknown id). Cost: one batched pass,
        about 0.1 ms per character on a CPU core for the shipped model.
        """
        if not text:
            return []
        prefix = context or "\n"
        ids = self.vocab.encode(prefix + text).to(self.device)
        with self.lock, torch.no_grad():
            logits, _ = self.net(ids[None, :-1])
            logp = torch.log_softmax(logits[0, len(prefix) - 1 :].float(), dim=-1)
            target = ids[len(prefix) :]
            true_logp = logp.gather(1, target[:, None])[:, 0]
            ranks = (logp > true_logp[:, None]).sum(dim=1) + 1
        return [(c, float(-lp), int(r)) for c, lp, r in
                zip(text, true_logp.tolist(), ranks.tolist(), strict=True)]

    def step(self, char_ids: torch.Tensor, h: Hidden) -> tuple[torch.Tensor, Hidden]:
        """Feed ids ``(batch, seq)``; return log-probabilities of the next char after the
        last one ``(batch, vocab)`` and the new state. Caller holds no lock: this takes it."""
        net = self.fast
        with self.lock, torch.no_grad():
            if char_ids.shape[1] == 1 and net is self.net:
                logits, h = self._one_step(char_ids[:, 0], h)
                return torch.log_softmax(logits.float(), dim=-1), h
            logits, h = net(char_ids, h)
            return torch.log_softmax(logits[:, -1].float(), dim=-1), h

    def _cells(self) -> list[nn.Module]:
        # One keystroke is one time step: per-layer GRUCell/LSTMCell calls cost about half of
        # a one-step float32 nn.GRU call on a CPU (used when there is no int8 ``fast``
        # network). The cells share the network's parameter tensors.
        cells = getattr(self, "_cell_cache", None)
        if cells is None:
            cells = []
            rnn, cfg = self.net.rnn, self.config
            for layer in range(cfg.layers):
                size_in = cfg.embed if layer == 0 else cfg.hidden
                cls = nn.GRUCell if cfg.cell == "gru" else nn.LSTMCell
                cell = cls(size_in, cfg.hidden, device="meta")
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    setattr(cell, name, getattr(rnn, f"{name}_l{layer}"))
                cells.append(cell)
            self._cell_cache = cells
        return cells

    def _one_step(self, ids: torch.Tensor, h: Hidden) -> tuple[torch.Tensor, Hidden]:
        """One time step for a batch of ids ``(batch,)``: logits ``(batch, vocab)``, state."""
        x = self.net.embed(ids)
        cfg = self.config
        if h is None:
            zeros = x.new_zeros(cfg.layers, x.shape[0], cfg.hidden)
            h = zeros if cfg.cell == "gru" else (zeros, zeros.clone())
        if cfg.cell == "gru":
            out = []
            for layer, cell in enumerate(self._cells()):
                x = cell(x, h[layer])
                out.append(x)
            return self.net.head(x), torch.stack(out)
        hs, cs = [], []
        for layer, cell in enumerate(self._cells()):
            x, c = cell(x, (h[0][layer], h[1][layer]))
            hs.append(x)
            cs.append(c)
        return self.net.head(x), (torch.stack(hs), torch.stack(cs))

    def write(self, text: str, n_chars: int = 200, temperature: float = 0.8,
              seed: int | None = None) -> str:
        """Continue ``text`` by sampling ``n_chars`` characters at ``temperature`` (> 0;
        lower = safer, higher = wilder). The unknown character is never sampled."""
        if not temperature > 0:
            raise BadInput(f"temperature must be > 0, not {temperature}")
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        ids = self.encode(text[-2000:] or "\n")
        logp, h = self.step(ids[None, :], None)
        out = []
        for _ in range(max(0, n_chars)):
            logits = logp[0] / temperature
            logits[0] = -math.inf
            nxt = int(torch.multinomial(torch.softmax(logits, -1).cpu(), 1, generator=gen))
            out.append(self.vocab.chars[nxt])
            logp, h = self.step(torch.tensor([[nxt]], device=self.device), h)
        return "".join(out)


# -- files -------------------------------------------------------------------------------------


def save_model_files(net: CharRNN, vocab: CharVocab, out_dir: Path,
                     half: bool = False) -> dict[str, Path]:
    """Write ``weights.safetensors`` and ``config.json`` (architecture + vocabulary) into
    ``out_dir`` atomically; returns ``{file name: path}``."""
    from textseq_tui.plugin import atomic_write_bytes

    out_dir = Path(out_dir)
    state = {k: (v.half() if half and v.is_floating_point() else v)
             for k, v in net.state_dict().items()}
    save_tensors(state, out_dir / WEIGHTS_FILE)
    config = {"format": "textseq-char-rnn", "architecture": asdict(net.config),
              "chars": vocab.chars}
    atomic_write_bytes(out_dir / CONFIG_FILE,
                       (json.dumps(config, ensure_ascii=False, indent=1) + "\n").encode())
    return {WEIGHTS_FILE: out_dir / WEIGHTS_FILE, CONFIG_FILE: out_dir / CONFIG_FILE}


def load_char_model(model_dir: Path, device: str = "cpu") -> CharModel:
    """The registry loader for kind ``char-rnn``: read ``config.json`` and the safetensors
    weights (float16 files are widened to float32) from ``model_dir`` onto ``device``."""
    model_dir = Path(model_dir)
    try:
        raw = json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8"))
        config = RNNConfig(**raw["architecture"])
        vocab = CharVocab(raw["chars"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ModelError(f"{model_dir / CONFIG_FILE}: not a char-rnn config ({err})") from None
    if len(vocab) != config.vocab_size:
        raise ModelError(f"{model_dir}: vocabulary has {len(vocab)} chars, weights expect "
                         f"{config.vocab_size}")
    state = load_tensors(model_dir / WEIGHTS_FILE, device="cpu")
    net = CharRNN(config)
    try:
        net.load_state_dict({k: v.float() for k, v in state.items()})
    except RuntimeError as err:
        raise ModelError(f"{model_dir}: weights do not match config.json "
                         f"({str(err).splitlines()[0]})") from None
    return CharModel(vocab, net, device=device, info={"path": str(model_dir)})
