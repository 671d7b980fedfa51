"""Shared training and inference helpers for plugins that train PyTorch models.

This package file stays import-free on purpose: importing ``textseq_tui.ml`` must not import
torch, so ``textseq --help`` and the app's first paint stay fast. Import the submodule you need:

- ``textseq_tui.ml.device``: ``choose_device()``, ``describe_device()``.
- ``textseq_tui.ml.params``: ``param_groups()`` (weight decay, per-layer lr, frozen layers).
- ``textseq_tui.ml.batching``: ``pack_batch()``, ``next_token_batch()``, ``stream_batches()``,
  ``detach_hidden()``, ``shard_for_rank()``.
- ``textseq_tui.ml.schedule``: ``WarmupCosine`` (the learning-rate schedule: a warm-up, then
  a cosine to a floor over the steps, a wall-clock budget, or both).
- ``textseq_tui.ml.checkpoint``: ``save_checkpoint()`` (atomic), ``load_checkpoint()``
  (``weights_only``, never runs pickled code).
- ``textseq_tui.ml.trainer``: ``TrainConfig``, ``Trainer``, ``TrainResult`` and the
  ``torchrun`` helpers ``ddp_setup()``, ``is_main_process()``, ``ddp_cleanup()``.

A few names are also reachable from the package itself, resolved on first use (so importing
the package stays free): ``save_tensors``/``load_tensors`` (safetensors files of a model
directory), ``choose_device``/``describe_device``, and the shared GloVe 6B 50d word vectors:
the registry model ``GLOVE_MODEL`` (``"glove-6b-50d"``, kind ``GLOVE_KIND``, registered by
the host) loads a ``GloveVectors`` (``.words`` in frequency order, ``.matrix`` a read-only
``(GLOVE_SIZE, GLOVE_DIM)`` memory map, ``.index``, ``.vectors(words)``). A plugin loads it
with ``ctx.registry.load(GLOVE_MODEL, kind=GLOVE_KIND)`` (one instance per host, shared by every plugin);
a script without a host may build ``GloveVectors()`` itself, the very object the model is.
``glove_words()``/``glove_matrix()`` are its raw parts, kept for plugins written before it.

WordNet 3.0, offline: ``WordNet`` is what the registry model ``wordnet-3.0`` of kind
``wordnet`` loads (``ctx.load_default("wordnet")``): every sense of a word (morphy,
multiword lemmas), synset names, lemma names, hypernyms and instance hypernyms and their
closure, hyponyms, holonyms, meronyms, domains, lexnames, information content (see
``textseq_tui.wordnet``); ``shipped_wordnet_dir()`` is the folder of the copy shipped with
textseq, for scripts without a host (``WordNet(shipped_wordnet_dir())``).
``name_group(wordnet, words)`` -> ``GroupName | None`` is the one WordNet namer of a group
of words ("fruit", plural "fruits"); ``is_generic_name(name)`` and ``GENERIC_NAMES`` say
which names say nothing ("entity", "object").
"""

from typing import Any

_LAZY = {
    "save_tensors": ("textseq_tui.files", "save_tensors"),
    "load_tensors": ("textseq_tui.files", "load_tensors"),
    "choose_device": ("textseq_tui.ml.device", "choose_device"),
    "describe_device": ("textseq_tui.ml.device", "describe_device"),
    "glove_words": ("textseq_tui.glove", "glove_words"),
    "glove_matrix": ("textseq_tui.glove", "glove_matrix"),
    "glove_files": ("textseq_tui.glove", "glove_files"),
    "GLOVE_SIZE": ("textseq_tui.glove", "SIZE"),
    "GLOVE_DIM": ("textseq_tui.glove", "DIM"),
    "GLOVE_PACKAGE": ("textseq_tui.glove", "PACKAGE"),
    "GLOVE_MODEL": ("textseq_tui.glove", "MODEL"),
    "GLOVE_KIND": ("textseq_tui.glove", "KIND"),
    "GloveVectors": ("textseq_tui.glove", "GloveVectors"),
    "WordNet": ("textseq_tui.wordnet", "WordNet"),
    "shipped_wordnet_dir": ("textseq_tui.wordnet", "shipped_model_dir"),
    "name_group": ("textseq_tui.wordnet_namer", "name_group"),
    "GroupName": ("textseq_tui.wordnet_namer", "GroupName"),
    "is_generic_name": ("textseq_tui.wordnet_namer", "is_generic"),
    "GENERIC_NAMES": ("textseq_tui.wordnet_namer", "GENERIC_NAMES"),
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    module, attr = _LAZY[name]
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value
