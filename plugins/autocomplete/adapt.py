"""Adapting the character model to the user's own text: a small fine-tune, kept in the home.

``adapt_net`` fine-tunes a copy of a loaded ``CharModel``'s network on the personal text
(the last ``max_chars`` characters the personal history holds) for a bounded number of steps
with the host's training loop: truncated BPTT over ``batch`` lanes of ``seq_len`` characters
(as ``train.py``), AdamW with a short warm-up and a cosine to ``lr / 10``. The
number of steps follows the amount of text (``epochs`` passes, between ``min_steps`` and
``steps``) and a wall-clock budget (``minutes``) caps it on a slow or busy machine (the
learning-rate cosine follows the steps or the clock, whichever is further along). The result
is then interpolated 30 % of the way back to the shipped weights (``mix``), so a few hundred
thousand characters of one author do not make the model forget general English: it keeps
all of the gain on the user's text and half of what plain fine-tuning loses elsewhere.

``save_adapted`` writes the weights as one safetensors file (atomic) with metadata: the base
model's name and vocabulary size, how much text and which history rows went in, the steps
and seconds. ``load_adapted`` reads it back onto the base model's vocabulary and
configuration and returns None (with the reason) when it is missing, damaged, or made for
another base model: the caller then falls back to the shipped weights.

torch is imported at module scope: this module is only imported lazily (by the plugin's
worker, ``learn`` and ``eval``), never when the host lists plugins.
"""

from __future__ import annotations

import copy
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from textseq_plugins.autocomplete.model import CharModel, CharRNN
from textseq_plugins.autocomplete.personal import KIND

from textseq_tui.plugin import TRAIN_LOSS, BadInput, ModelError

ADAPTED_FILE = "personal-model.safetensors"
FORMAT = "textseq-char-rnn-personal"


@dataclass
class AdaptOptions:
    """Hyper-parameters of one adaptation (recorded in the file's metadata).

    ``steps`` is the most optimizer updates, ``min_steps`` the fewest (when there is enough
    text to fill a batch); in between, ``epochs`` passes over the text. ``min_chars``: less
    personal text than this is not worth a model (the word counts carry it). ``mix``: the
    saved weights are ``base + mix * (fine-tuned - base)`` (weight-space interpolation, as
    WiSE-FT). Tuned on an earlier split of G. W. Bush's addresses (learn the first 72 %,
    measure on the next 10,000 chars) and MASC's held-out text: mix 1.0 / 0.7 / 0.5 / 0.4
    give 1.072 / 1.064 / 1.076 / 1.088 nats/char on Bush (shipped: 1.203) and 1.748 / 1.660
    / 1.615 / 1.598 on MASC (shipped: 1.572); keystroke savings on Bush 37.3 / 37.2 / 36.8 %
    for 1.0 / 0.7 / 0.5. 0.7: the best on Bush, and half the forgetting. (Dropout 0.2 while
    adapting: 1.116 on Bush, worse.)
    """

    steps: int = 200
    min_steps: int = 40
    epochs: float = 3.0
    batch: int = 16
    seq_len: int = 128
    lr: float = 2e-3
    warmup: int = 10
    mix: float = 0.7
    minutes: float = 2.0
    max_chars: int = 2_000_000
    min_chars: int = 5_000
    seed: int = 0

    def plan(self, chars: int) -> int:
        """Optimizer steps for ``chars`` characters of personal text (0: too little)."""
        per_step = self.batch * self.seq_len
        if chars < max(self.min_chars, per_step + self.batch):
            return 0
        return int(min(self.steps, max(self.min_steps,
                                       math.ceil(self.epochs * chars / per_step))))


@dataclass
class Adapted:
    """What ``adapt_net`` returns: the fine-tuned network and what it did."""

    net: CharRNN
    info: dict[str, Any]


def adapt_net(base: CharModel, text: str, opts: AdaptOptions | None = None, *,
              progress: bool = False, should_stop: Callable[[], bool] | None = None,
              threads: int | None = None) -> Adapted:
    """Fine-tune a copy of ``base``'s network on ``text`` (its last ``opts.max_chars``
    characters). ``BadInput`` when there is too little text. ``should_stop()`` is asked
    before every step (a background run gives up when the app closes); ``threads`` sets
    torch's CPU threads for the run and restores them after."""
    from textseq_plugins.autocomplete.train import TrainOptions, bptt_step, epoch_batches

    from textseq_tui.ml.schedule import WarmupCosine
    from textseq_tui.ml.trainer import TrainConfig, Trainer

    opts = opts or AdaptOptions()
    text = text[-opts.max_chars:]
    steps = opts.plan(len(text))
    if steps == 0:
        raise BadInput(f"{len(text):,} characters of personal text is too little to adapt "
                       f"the model (it needs {opts.min_chars:,}); its words are used already")
    old_threads = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        torch.manual_seed(opts.seed)
        with base.lock:
            net = copy.deepcopy(base.net).cpu()
        net.train()
        ids = base.vocab.encode(text)
        batching = TrainOptions(batch=opts.batch, seq_len=opts.seq_len, seed=opts.seed)
        optimizer = torch.optim.AdamW(net.parameters(), lr=opts.lr, betas=(0.9, 0.99),
                                      weight_decay=0.0)
        # the cosine follows the steps or the clock, whichever is further: on a busy machine
        # the budget ends the run with the learning rate already decayed
        schedule = WarmupCosine(max(1, min(opts.warmup, steps // 5)), total_steps=steps,
                                budget_s=max(1e-3, opts.minutes * 60))
        def batches() -> Any:
            for batch in epoch_batches(ids, batching):
                if should_stop is not None and should_stop():
                    return
                yield batch

        trainer = Trainer(
            net, optimizer, step_fn=bptt_step({"h": None}, opts.batch * opts.seq_len),
            scheduler=torch.optim.lr_scheduler.LambdaLR(optimizer, schedule),
            device=torch.device("cpu"),
            config=TrainConfig(max_steps=steps, minutes=opts.minutes, grad_clip=1.0,
                               checkpoint_every=0, eval_every=0, log_every=20,
                               progress=progress, throughput_unit="chars"),
        )
        result = trainer.fit(batches())
    finally:
        torch.set_num_threads(old_threads)
    net.eval()
    if opts.mix < 1.0:  # back towards the shipped weights: keeps general English (see mix)
        with torch.no_grad(), base.lock:
            for p, b in zip(net.parameters(), base.net.parameters(), strict=True):
                p.mul_(opts.mix).add_(b.detach().cpu(), alpha=1.0 - opts.mix)
    if should_stop is not None and should_stop():
        raise InterruptedError("adaptation stopped")
    loss = result.metrics.get(TRAIN_LOSS, float("nan"))
    if not math.isfinite(loss):
        raise ModelError("adapting the model diverged (non-finite loss)")
    info = {"chars": len(text), "steps": result.steps, "planned_steps": steps,
            "seconds": round(result.seconds, 1), "final_train_loss": round(loss, 4),
            "stopped_because": result.stopped_because, "options": asdict(opts)}
    return Adapted(net=net, info=info)


def save_adapted(adapted: Adapted, path: Path, *, base_name: str, base: CharModel,
                 extra: dict[str, Any] | None = None) -> None:
    """Write the adapted weights with their metadata to ``path`` (atomic)."""
    from textseq_tui.ml import save_tensors

    meta = {"format": FORMAT, "base": base_name, "vocab_size": str(len(base.vocab)),
            "info": json.dumps({**adapted.info, **(extra or {}), "created": time.time()})}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save_tensors(adapted.net.state_dict(), Path(path), metadata=meta)


def read_metadata(path: Path) -> dict[str, Any]:
    """The metadata of an adapted-model file (``ModelError`` when it is not one)."""
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as fh:
            meta = dict(fh.metadata() or {})
        info = json.loads(meta.get("info", "{}"))
    except Exception as err:  # noqa: BLE001 — any damage reads as "not an adapted model"
        raise ModelError(f"{path}: not a readable adapted model ({str(err)[:100]})") from None
    if meta.get("format") != FORMAT:
        raise ModelError(f"{path}: not an adapted textseq model")
    return {**meta, "info": info}


def load_adapted(base: CharModel, base_name: str, path: Path) -> tuple[CharModel | None, str]:
    """The adapted model over ``base``'s vocabulary, or ``(None, why)``: ``why`` is "" when
    there is simply no file, else a one-line reason (damaged, made for another model)."""
    from textseq_tui.ml import load_tensors

    path = Path(path)
    if not path.is_file():
        return None, ""
    try:
        meta = read_metadata(path)
        if meta.get("base") != base_name:
            return None, (f"the personal model was adapted from {meta.get('base')!r}, not "
                          f"{base_name!r}; using {base_name} as shipped")
        if meta.get("vocab_size") != str(len(base.vocab)):
            raise ModelError(f"{path}: vocabulary size does not match {base_name}")
        state = load_tensors(path)
        net = CharRNN(base.config)
        net.load_state_dict({k: v.float() for k, v in state.items()})
    except (ModelError, RuntimeError, ValueError) as err:
        return None, (f"personal model unreadable ({str(err).splitlines()[0][:160]}); using "
                      f"{base_name} as shipped")
    model = CharModel(base.vocab, net, device=str(base.device),
                      info={**base.info, "adapted": str(path), "adapted_info": meta["info"]})
    return model, ""


# -- the home's adapted model ----------------------------------------------------------------


def adapted_path(ctx: Any) -> Path:
    """Where this home keeps its adapted model (beside the plugin's other caches; the folder
    is made when the model is saved, not here: asked at every keystroke)."""
    return Path(ctx.home) / "cache" / ctx.name / ADAPTED_FILE


def base_fingerprint(base: CharModel) -> str:
    """The sha256 of the base model's weights file ("" when it has none on disk)."""
    from textseq_tui.plugin import sha256_file

    path = Path(str(base.info.get("path", ""))) / "weights.safetensors"
    return sha256_file(path) if path.is_file() else ""


def adapt_home(ctx: Any, base_name: str, opts: AdaptOptions | None = None, *,
               progress: bool = False, should_stop: Callable[[], bool] | None = None,
               threads: int | None = None) -> dict[str, Any]:
    """Adapt ``base_name`` to this home's stored personal text and save it in the home;
    returns what was done (``BadInput`` when there is too little text).

    ``forget`` wins: the history's generation is read before the text, and the new file is
    renamed into place only under the store's write lock after checking that generation
    again (``forget`` deletes under the same lock): when it moved, the result is discarded
    and ``history.Forgotten`` raised."""
    import os

    from textseq_plugins.autocomplete import history

    opts = opts or AdaptOptions()
    started = history.generation(ctx.store)
    text, last_id = history.personal_text(ctx.store, opts.max_chars)
    base = ctx.registry.load(base_name, kind=KIND)
    adapted = adapt_net(base, text, opts, progress=progress, should_stop=should_stop,
                        threads=threads)
    final = adapted_path(ctx)
    staged = final.with_name(f".{final.name}.{os.getpid()}.staged")
    try:
        save_adapted(adapted, staged, base_name=base_name, base=base,
                     extra={"last_text_id": last_id, "base_sha256": base_fingerprint(base)})
        with ctx.store.transaction():
            history.same_generation(ctx.store, started, "adapting the model")(None)
            os.replace(staged, final)
    finally:
        staged.unlink(missing_ok=True)
    return adapted.info


def home_model(ctx: Any, base_name: str) -> tuple[CharModel, str]:
    """The model ghost text uses in this home: the adapted one when it exists and fits
    ``base_name``'s current weights, else the base model; and a note ("" when all is well)
    saying why an existing adapted model was not used."""
    base = ctx.registry.load(base_name, kind=KIND)
    model, why = load_adapted(base, base_name, adapted_path(ctx))
    if model is not None:
        sha = model.info["adapted_info"].get("base_sha256", "")
        if sha and sha != base_fingerprint(base):
            return base, (f"the personal model was adapted from an older {base_name}; using it "
                          "as shipped until the next `textseq autocomplete learn`")
        return model, ""
    return base, why


def forget_model(ctx: Any) -> bool:
    """Delete this home's adapted model (and any an adaptation killed mid-save left staged);
    True when there was one. Call it inside the transaction of ``history.forget``."""
    path = adapted_path(ctx)
    existed = path.exists()
    path.unlink(missing_ok=True)
    if path.parent.is_dir():
        for staged in path.parent.glob(f".{path.name}.*.staged"):
            staged.unlink(missing_ok=True)
    return existed
