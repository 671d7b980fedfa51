"""Plugin discovery through the entry-point group ``textseq_tui.plugins``.

An entry point names a :class:`~textseq_tui.plugin.Plugin` subclass, or a factory that
returns a new instance, called without arguments: every host makes its own instances. One
that names an instance (API 1's first form) still works, with a deprecation notice in
``textseq plugins``.

Each entry point is loaded on its own and any ``Exception`` is caught: one broken plugin is
listed with its error and everything else keeps working (llm #1280: one plugin raising a
non-ImportError broke every command). Distribution metadata (name, version) comes from
``ep.dist`` without importing the plugin.
"""

from __future__ import annotations

import os
import threading
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from textseq_tui.plugin import SUPPORTED_API_VERSIONS, Plugin
from textseq_tui.state import HOST_OWNER

GROUP = "textseq_tui.plugins"
BUILTIN_DIST = "textseq"


@dataclass
class PluginRecord:
    """One discovered entry point: the loaded plugin, or the error that stopped it.

    ``plugin`` is an instance nobody has started yet (the CLI mounts its Typer app before
    the host starts it); ``factory`` makes another one (a host that finds ``plugin`` started
    by another host calls it). ``deprecations`` are one-line notices of deprecated forms the
    plugin uses, shown by ``textseq plugins``.
    """

    name: str
    dist: str
    version: str
    value: str
    plugin: Plugin | None = None
    error: str | None = None
    detail: str = ""  # the traceback, for `textseq plugins --verbose`
    factory: Callable[[], Plugin] | None = None
    deprecations: list[str] = field(default_factory=list)

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
            "deprecations": list(self.deprecations),
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
    """Import one entry point and make a first instance of its plugin; never raises."""
    dist, version = _dist_info(ep)
    record = PluginRecord(name=ep.name, dist=dist, version=version, value=ep.value)
    try:
        obj = ep.load()
        if isinstance(obj, Plugin):
            factory = instance_factory(obj)
            record.deprecations.append(
                f"its entry point {ep.value} names an instance; name the class instead "
                f"({ep.module}:{type(obj).__name__}): deprecated since plugin API 1")
        elif callable(obj):
            factory = obj
        else:
            raise TypeError(f"{ep.value} is not a textseq_tui.plugin.Plugin class or factory")
        plugin = new_plugin(factory, ep.name, ep.value)
        if taken(plugin):  # an instance entry point's object, started by an earlier host
            plugin = new_plugin(factory, ep.name, ep.value)
        record.plugin, record.factory = plugin, factory
    except Exception as err:  # noqa: BLE001 — any failure of a plugin must stay its own
        record.error = f"{type(err).__name__}: {err}"
        record.detail = traceback.format_exc()
    return record


def new_plugin(factory: Callable[[], Any], entry_name: str, value: str = "") -> Plugin:
    """A new instance from ``factory``, checked: a Plugin, of a supported API version,
    named after its entry point."""
    plugin = factory()
    if not isinstance(plugin, Plugin):
        raise TypeError(f"{value or entry_name} did not make a textseq_tui.plugin.Plugin "
                        f"(got {type(plugin).__name__})")
    if plugin.api_version not in SUPPORTED_API_VERSIONS:
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_API_VERSIONS))
        raise ValueError(
            f"written for plugin API {plugin.api_version}, this textseq supports {supported}"
            " — upgrade the plugin or textseq"
        )
    check_name(plugin, entry_name)
    return plugin


#: Plugin instances a Host has taken (weakly held: a closed Host's plugins go with it).
_TAKEN: weakref.WeakValueDictionary[int, Plugin] = weakref.WeakValueDictionary()
_TAKEN_LOCK = threading.Lock()


def take(plugin: Plugin) -> bool:
    """Mark ``plugin`` as one Host's own; False when a Host has it already (each instance
    is started by one Host, once)."""
    with _TAKEN_LOCK:
        if taken(plugin):
            return False
        _TAKEN[id(plugin)] = plugin
        return True


def taken(plugin: Plugin) -> bool:
    """True when a Host has taken ``plugin``."""
    return _TAKEN.get(id(plugin)) is plugin


def instance_factory(instance: Plugin) -> Callable[[], Plugin]:
    """The factory of a deprecated entry point that names an instance: the instance itself
    first (its module may refer to it), then new instances of its class, which must take
    no arguments (a plugin that needs them names a factory instead)."""
    handed = False

    def make() -> Plugin:
        nonlocal handed
        if not handed:
            handed = True
            return instance
        return type(instance)()

    return make


def check_name(plugin: Plugin, entry_name: str) -> None:
    """One name everywhere: the entry-point name. A plugin without a ``name`` gets it; a
    plugin whose ``name`` differs is refused (its tables, CLI and scores would disagree)."""
    if entry_name == HOST_OWNER:
        raise ValueError(f"the name {HOST_OWNER!r} is the host's own: name the plugin otherwise")
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
