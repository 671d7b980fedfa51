"""Where textseq keeps its files, and the user's settings file.

``TEXTSEQ_HOME`` (or ``--home``) overrides the platform's user data dir. The home holds
``textseq.db``, ``models/``, ``cache/`` and ``settings.json``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textseq_tui.errors import BadInput


def default_home() -> Path:
    """``$TEXTSEQ_HOME``, else the platform's user data dir for textseq."""
    env = os.environ.get("TEXTSEQ_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("textseq", appauthor=False))


def shipped_models_dir() -> Path | None:
    """The ``models/`` directory shipped with textseq (the package ``textseq_models``)."""
    try:
        import textseq_models
    except ImportError:
        return None
    return Path(textseq_models.__file__).parent


@dataclass
class Settings:
    """The user's settings (``settings.json`` in the home): all optional."""

    device: str = "auto"
    model_dirs: list[str] = field(default_factory=list)
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    player: str = "you"
    #: false: the app keeps no conversation (nothing shown again, nothing stored)
    keep_conversation: bool = True

    @classmethod
    def load(cls, home: Path) -> Settings:
        path = home / "settings.json"
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise BadInput(f"{path} is not valid JSON ({err}); fix or remove it") from None
        if not isinstance(raw, dict):
            raise BadInput(f"{path} must hold a JSON object")
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in raw.items() if k in known})
