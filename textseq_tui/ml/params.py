"""Optimizer parameter groups: weight decay only where it helps, per-layer learning rates,
frozen layers."""

from __future__ import annotations

import math
from fnmatch import fnmatchcase

import torch

from textseq_tui.errors import BadInput


def param_groups(
    model: torch.nn.Module,
    *,
    lr: float,
    weight_decay: float = 0.0,
    lr_multipliers: dict[str, float] | None = None,
    freeze: list[str] | None = None,
) -> list[dict]:
    """Split ``model``'s parameters into groups for a ``torch.optim`` optimizer.

    - Weight decay (``weight_decay``, the optimizer's unit) applies only to parameters with
      ``ndim >= 2`` whose name does not end in ``bias``: decaying biases and 1-D parameters
      (norm scales and shifts) pulls them towards zero for no regularisation benefit.
    - ``lr_multipliers`` maps fnmatch patterns over parameter names (``"encoder.*"``,
      ``"*.bias"``) to a factor of ``lr``; the first matching pattern, in dict order, wins;
      unmatched parameters get ``lr``.
    - Parameters matching any ``freeze`` pattern get ``requires_grad=False`` and are left out,
      as are parameters that already had ``requires_grad=False``.

    Each group is ``{"name", "params", "lr", "weight_decay"}``; ``name`` (e.g.
    ``"decay"``, ``"no_decay lr*0.1 encoder.*"``) is for logs. Groups with no parameters are
    omitted and the order is stable (first appearance in ``model.named_parameters()``).

    Raises ``BadInput`` for a negative ``lr``/``weight_decay``/multiplier, or for a
    ``freeze``/``lr_multipliers`` pattern that matches no parameter (almost always a typo that
    would otherwise silently train the wrong layers).
    """
    multipliers = dict(lr_multipliers or {})
    freeze_patterns = list(freeze or [])
    if not (math.isfinite(lr) and lr >= 0):
        raise BadInput(f"Learning rate must be a finite number >= 0, not {lr}.")
    if not (math.isfinite(weight_decay) and weight_decay >= 0):
        raise BadInput(f"Weight decay must be a finite number >= 0, not {weight_decay}.")
    for pattern, factor in multipliers.items():
        if not (math.isfinite(factor) and factor >= 0):
            raise BadInput(f"Learning-rate multiplier for {pattern!r} must be >= 0, not {factor}.")

    named = list(model.named_parameters())
    names = [name for name, _ in named]
    for kind, patterns in (("freeze", freeze_patterns), ("lr_multipliers", list(multipliers))):
        for pattern in patterns:
            if not any(fnmatchcase(name, pattern) for name in names):
                shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
                raise BadInput(
                    f"The {kind} pattern {pattern!r} matches no parameter of the model "
                    f"(parameters: {shown})."
                )

    groups: dict[tuple[bool, str | None], dict] = {}
    for name, param in named:
        if any(fnmatchcase(name, pattern) for pattern in freeze_patterns):
            param.requires_grad_(False)
            continue
        if not param.requires_grad:
            continue
        decays = param.ndim >= 2 and not name.endswith("bias")
        pattern = next((p for p in multipliers if fnmatchcase(name, p)), None)
        key = (decays, pattern)
        if key not in groups:
            factor = 1.0 if pattern is None else multipliers[pattern]
            label = "decay" if decays else "no_decay"
            if pattern is not None:
                label += f" lr*{factor:g} {pattern}"
            groups[key] = {
                "name": label,
                "params": [],
                "lr": lr * factor,
                "weight_decay": weight_decay if decays else 0.0,
            }
        groups[key]["params"].append(param)
    return list(groups.values())
