"""Plugin discovery through the entry-point group ``textseq_tui.plugins``.

Each entry point is loaded on its own and any ``Exception`` is caught: one broken plugin is
listed with its error and everything else keeps working (llm #1280: one plugin raising a
non-ImportError broke every command). Distribution metadata (name, version) comes from
``ep.dist`` without importing the plugin.
"""

from __future__ import annotations

import copy
import os
import traceback
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from textseq_tui.plugin import SUPPORTED_API_VERSIONS, Plugin

GROUP = "textseq_tui.plugins"
BUILTIN_DIST = "textseq"


@dataclass
class PluginRecord:
    """One discovered entry point: the loaded plugin, or the error that stopped it."""

    name: str
    dist: str
    version: str
    value: str
    plugin: Plugin | None = None
    error: str | None = None
    detail: str = ""  # the traceback, for `textseq plugins --verbose`

    @property
    def ok(self) -> bool:
        return self.plugin is not None and self.error is None

    @property
    def status(self) -> str:
        return "ok" if self.ok else f"error: {self.error}"

    @property
    def source(self) -> str:
        return "built-in" if self.dist == BUILTIN_DIST else self.dist

    def row(self) -> dict[str, Any]:
        """A JSON-able row for ``textseq plugins``."""
        plugin = self.plugin
        return {
            "name": self.name,
            "title": getattr(plugin, "title", "") or self.name,
            "version": self.version,
            "status": self.status,
            "source": self.source,
            "api_version": getattr(plugin, "api_version", None),
            "description": getattr(plugin, "description", ""),
            "entry_point": self.value,
        }


def allowed_plugins() -> set[str] | None:
    """``TEXTSEQ_LOAD_PLUGINS=a,b`` limits which plugins load (empty: none); unset: all."""
    raw = os.environ.get("TEXTSEQ_LOAD_PLUGINS")
    if raw is None:
        return None
    return {p.strip() for p in raw.split(",") if p.strip()}


def _dist_info(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "unknown", "?"
    return dist.metadata["Name"] or "unknown", dist.version or "?"


def load_entry_point(ep: EntryPoint) -> PluginRecord:
    """Import one entry point and check it is a usable plugin; never raises."""
    dist, version = _dist_info(ep)
    record = PluginRecord(name=ep.name, dist=dist, version=version, value=ep.value)
    try:
        obj = ep.load()
        plugin = obj() if isinstance(obj, type) else fresh_instance(obj)
        if not isinstance(plugin, Plugin):
            raise TypeError(f"{ep.value} is not a textseq_tui.plugin.Plugin")
        if plugin.api_version not in SUPPORTED_API_VERSIONS:
            supported = ", ".join(str(v) for v in sorted(SUPPORTED_API_VERSIONS))
            raise ValueError(
                f"written for plugin API {plugin.api_version}, this textseq supports {supported}"
                " — upgrade the plugin or textseq"
            )
        check_name(plugin, ep.name)
        record.plugin = plugin
    except Exception as err:  # noqa: BLE001 — any failure of a plugin must stay its own
        record.error = f"{type(err).__name__}: {err}"
        record.detail = traceback.format_exc()
    return record


def fresh_instance(plugin: Any) -> Any:
    """A new, unstarted instance like ``plugin`` (one per Host: instances are never shared).

    The class is called without arguments; a plugin whose constructor needs some is
    shallow-copied instead (its ``ctx`` cleared).
    """
    if not isinstance(plugin, Plugin):
        return plugin
    try:
        new = type(plugin)()
    except TypeError:
        new = copy.copy(plugin)
    new.ctx = None
    if plugin.__dict__.get("name"):  # a name set on the instance, not the class
        new.name = plugin.name
    return new


def check_name(plugin: Plugin, entry_name: str) -> None:
    """One name everywhere: the entry-point name. A plugin without a ``name`` gets it; a
    plugin whose ``name`` differs is refused (its tables, CLI and scores would disagree)."""
    if not plugin.name:
        plugin.name = entry_name
    elif plugin.name != entry_name:
        raise ValueError(
            f"the entry point is named {entry_name!r} but the plugin's name is "
            f"{plugin.name!r}: make them equal (the name is the CLI command, the table "
            "prefix and the scores key)")


def discover(allowed: set[str] | None = None) -> list[PluginRecord]:
    """Load every plugin entry point (or only ``allowed`` names), sorted by name.

    When two distributions register the same name, the first found wins and the second is
    reported as an error.
    """
    if allowed is None:
        allowed = allowed_plugins()
    records: dict[str, PluginRecord] = {}
    extra: list[PluginRecord] = []
    for ep in entry_points(group=GROUP):
        if allowed is not None and ep.name not in allowed:
            continue
        if ep.name in records:
            dist, version = _dist_info(ep)
            extra.append(
                PluginRecord(ep.name, dist, version, ep.value,
                             error=f"name {ep.name!r} is already used by {records[ep.name].dist}")
            )
            continue
        records[ep.name] = load_entry_point(ep)
    return sorted(records.values(), key=lambda r: r.name) + extra
