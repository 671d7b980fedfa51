"""Shared training and inference helpers for plugins that train PyTorch models.

This package file stays import-free on purpose: importing ``textseq_tui.ml`` must not import
torch, so ``textseq --help`` and the app's first paint stay fast. Import the submodule you need:

- ``textseq_tui.ml.device``: ``choose_device()``, ``describe_device()``.
- ``textseq_tui.ml.params``: ``param_groups()`` (weight decay, per-layer lr, frozen layers).
- ``textseq_tui.ml.batching``: ``pack_batch()``, ``next_token_batch()``, ``stream_batches()``,
  ``detach_hidden()``, ``shard_for_rank()``.
- ``textseq_tui.ml.checkpoint``: ``save_checkpoint()`` (atomic), ``load_checkpoint()``
  (``weights_only``, never runs pickled code).
- ``textseq_tui.ml.trainer``: ``TrainConfig``, ``Trainer``, ``TrainResult`` and the
  ``torchrun`` helpers ``ddp_setup()``, ``is_main_process()``, ``ddp_cleanup()``.
"""
