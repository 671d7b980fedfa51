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
        values = {k: v for k, v in raw.items() if k in known and v is not None}
        for key, value in values.items():
            problem = _type_problem(value, _FIELD_TYPES[key])
            if problem:
                raise BadInput(f"{path}: {key!r} {problem}")
        for name, own in values.get("plugins", {}).items():
            if not isinstance(own, dict):
                raise BadInput(f"{path}: 'plugins.{name}' must be an object "
                               f"(the plugin's settings), not {_json_type(own)}")
        for i, folder in enumerate(values.get("model_dirs", [])):
            if not isinstance(folder, str):
                raise BadInput(f"{path}: 'model_dirs[{i}]' must be a string (a folder), "
                               f"not {_json_type(folder)}")
        return cls(**values)


#: settings.json's keys -> the JSON type each must have.
_FIELD_TYPES: dict[str, type] = {"device": str, "model_dirs": list, "plugins": dict,
                                 "player": str}
_JSON_NAMES: dict[type, str] = {str: "a string", bool: "true or false", int: "a whole number",
                                float: "a number", list: "a list", dict: "an object"}


def _json_type(value: Any) -> str:
    """How settings.json spells the type of ``value`` ("a number", "a list", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    for kind in (str, int, float, list, dict):
        if isinstance(value, kind):
            return _JSON_NAMES[kind] if kind is not int else "a number"
    return type(value).__name__


def _type_problem(value: Any, wanted: type) -> str:
    """'' when ``value`` has the JSON type ``wanted``; else "must be X, not Y (value)"."""
    if wanted is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif wanted is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, wanted)
    if ok:
        return ""
    shown = json.dumps(value, ensure_ascii=True)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f"must be {_JSON_NAMES.get(wanted, wanted.__name__)}, not {_json_type(value)} ({shown})"


class PluginSettings(dict):
    """One plugin's settings (``plugins.NAME`` in settings.json), as ``ctx.settings``.

    ``get(key, default)`` checks the stored value against the default's type (a bool, a
    string, a number, a list or an object): a value of another type raises ``BadInput``
    naming ``plugins.NAME.key`` and the type expected, instead of misbehaving later
    (``bool("no")`` is True). A ``null`` reads as unset. Without a default (or with
    ``None``) the value is returned as it is.
    """

    def __init__(self, plugin: str, values: dict[str, Any], source: Path | None = None) -> None:
        super().__init__(values)
        self.plugin = plugin
        self.source = source

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        value = super().get(key)
        if value is None:
            return default
        if default is None:
            return value
        problem = _type_problem(value, float if type(default) is int else type(default))
        if type(default) is int and not problem and isinstance(value, float):
            problem = "" if value.is_integer() else _type_problem(value, int)
        if problem:
            where = f"{self.source}: " if self.source else "settings.json: "
            raise BadInput(f"{where}'plugins.{self.plugin}.{key}' {problem}")
        return value
