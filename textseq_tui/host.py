"""The host: home, settings, store, registry and the started plugins, shared by CLI and app.

The host knows nothing about any one plugin: it asks each for its capabilities.
"""

from __future__ import annotations

import difflib
import logging
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textseq_tui.discovery import PluginRecord, check_name, discover, fresh_instance
from textseq_tui.errors import BadInput, PluginError, TextseqError
from textseq_tui.plugin import (
    CommandResult,
    CompletionProvider,
    MessageAnnotator,
    Plugin,
    PluginContext,
    ScreenSpec,
    SlashCommand,
)
from textseq_tui.registry import ModelRegistry
from textseq_tui.settings import Settings, default_home

if TYPE_CHECKING:
    from textseq_tui.store import Store

log = logging.getLogger("textseq")


@dataclass(frozen=True)
class BoundCommand:
    """A slash command with the plugin that registered it."""

    plugin: Plugin
    command: SlashCommand


class Host:
    """Discovers and starts plugins, owns the store and the registry.

    Args:
        home: textseq home (default: ``$TEXTSEQ_HOME`` or the user data dir).
        device: "auto", "cpu", "cuda" or "cuda:N" (default: from settings).
        records: pre-discovered plugins (the CLI, tests); default: entry-point discovery.

    Each Host has its own plugin instances, each started exactly once: an instance in
    ``records`` that is not started yet is used (and started) as it is, which is how the CLI
    mounts a plugin's Typer app before it knows ``--home``; one that another Host already
    started is replaced by a fresh instance of the same class.
    """

    def __init__(
        self,
        home: str | Path | None = None,
        device: str | None = None,
        records: list[PluginRecord] | None = None,
    ) -> None:
        self.home = Path(home).expanduser() if home else default_home()
        self.home.mkdir(parents=True, exist_ok=True)
        self.settings = Settings.load(self.home)
        self.device = device or os.environ.get("TEXTSEQ_DEVICE") or self.settings.device
        self._store: Store | None = None
        self._store_lock = threading.Lock()
        self.registry = ModelRegistry(
            self.home / "models",
            extra_dirs=[Path(d).expanduser() for d in self.settings.model_dirs],
            device=self.device,
        )
        # Own copies: a record's plugin (or error) is this Host's alone.
        # The host's own shared models (GloVe, WordNet: registry models any plugin loads).
        from textseq_tui import glove

        self.registry.add_source(Path(__file__).parent / "models")
        self.registry.register_kind(glove.KIND, glove.load_glove_model, glove.MODEL,
                                    uses_device=False)
        from textseq_tui.wordnet import load_wordnet_model

        self.registry.register_kind("wordnet", load_wordnet_model, "wordnet-3.0",
                                    uses_device=False)
        self.records = [replace(r) for r in (records if records is not None else discover())]
        self.commands: dict[str, BoundCommand] = {}
        #: Capability failures ("plugin X: annotators() failed: ..."), each recorded once.
        self.problems: list[str] = []
        self._capabilities: dict[str, list[tuple[Plugin, Any]]] = {}
        self._start_plugins()

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The SQLite store, opened (and migrated) on first use."""
        with self._store_lock:
            if self._store is None:
                from textseq_tui.store import Store  # sqlite-utils imports numpy: not at --help

                self._store = Store(self.home / "textseq.db")
            return self._store

    def _start_plugins(self) -> None:
        for record in self.records:
            plugin = record.plugin
            if plugin is None:
                continue
            try:
                if getattr(plugin, "ctx", None) is not None:  # started by another Host: never start it twice
                    plugin = record.plugin = fresh_instance(plugin)
                check_name(plugin, record.name)
                ctx = PluginContext(
                    name=plugin.name,
                    registry=self.registry,
                    store=_LazyPluginStore(self, plugin),  # type: ignore[arg-type]
                    settings=dict(self.settings.plugins.get(plugin.name, {})),
                    device=self.device,
                    log=logging.getLogger(f"textseq.{plugin.name}"),
                    home=self.home,
                    player=str(self.settings.player or "you"),
                )
                plugin.start(ctx)
                for folder in plugin.model_dirs():
                    self.registry.add_source(Path(folder))
                for spec in plugin.model_specs():
                    self.registry.register_kind(spec.kind, spec.loader, spec.default,
                                                getattr(spec, "uses_device", True))
                for command in plugin.slash_commands():
                    if command.name in self.commands:
                        owner = self.commands[command.name].plugin.name
                        log.warning("/%s of %s is already taken by %s", command.name,
                                    plugin.name, owner)
                        continue
                    self.commands[command.name] = BoundCommand(plugin, command)
            except Exception as err:  # noqa: BLE001 — a plugin failing to start stays its own
                record.error = f"failed to start: {type(err).__name__}: {err}"
                record.plugin = None
                plugin.ctx = None  # a mounted CLI command then says why, not "not started"
                plugin._start_error = record.error  # type: ignore[attr-defined]
                self.commands = {k: v for k, v in self.commands.items() if v.plugin is not plugin}

    # -- capabilities ------------------------------------------------------------------------

    @property
    def plugins(self) -> list[Plugin]:
        """The plugins that loaded and started."""
        return [r.plugin for r in self.records if r.ok and r.plugin is not None]

    def plugin(self, name: str) -> Plugin:
        """A started plugin by name; a clear error for a broken or unknown one."""
        for record in self.records:
            if record.name == name:
                if record.plugin is None:
                    raise PluginError(f"plugin {name!r} is not available: {record.error}")
                return record.plugin
        names = [r.name for r in self.records]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise BadInput(f"no plugin named {name!r}.{hint} Installed: {', '.join(names) or 'none'}")

    def _capability(self, plugin: Plugin, method: str, default: Any) -> Any:
        """Call a capability method; a raise is recorded once in ``problems``, not fatal."""
        try:
            return getattr(plugin, method)()
        except Exception as err:  # noqa: BLE001 — one plugin's bug stays its own
            problem = f"plugin {plugin.name}: {method}() failed: {type(err).__name__}: {err}"
            log.warning(problem)
            if problem not in self.problems:
                self.problems.append(problem)
            return default

    def _collect(self, method: str) -> list[tuple[Plugin, Any]]:
        # Capabilities are fixed once a plugin has started: ask each plugin once.
        if method not in self._capabilities:
            found: list[tuple[Plugin, Any]] = []
            for plugin in self.plugins:
                result = self._capability(plugin, method, None)
                if result is None:
                    continue
                if method == "completion_provider":
                    found.append((plugin, result))
                else:
                    found += [(plugin, item) for item in result]
            self._capabilities[method] = found
        return self._capabilities[method]

    def screens(self) -> list[tuple[Plugin, ScreenSpec]]:
        """Every started plugin's screens, with the plugin."""
        return self._collect("screens")

    def completion_providers(self) -> list[tuple[Plugin, CompletionProvider]]:
        """Every started plugin's completion provider (at most one each)."""
        return self._collect("completion_provider")

    def annotators(self) -> list[tuple[Plugin, MessageAnnotator]]:
        """Every started plugin's message annotators."""
        return self._collect("annotators")

    def message_listeners(self) -> list[tuple[Plugin, Any]]:
        """Every started plugin's listeners for sent chat messages."""
        return self._collect("message_listeners")

    # -- slash commands ----------------------------------------------------------------------

    def help_rows(self) -> list[dict[str, str]]:
        """``/help``: every command with its plugin, usage and help."""
        rows = [{"command": "/help", "plugin": "textseq", "usage": "/help",
                 "help": "list the commands"},
                {"command": "/runs", "plugin": "textseq", "usage": "/runs",
                 "help": "training runs and their loss curves"}]
        for name in sorted(self.commands):
            bound = self.commands[name]
            rows.append({
                "command": f"/{name}",
                "plugin": bound.plugin.name,
                "usage": bound.command.usage or f"/{name}",
                "help": bound.command.help,
            })
        return rows

    def resolve(self, line: str) -> tuple[BoundCommand, str]:
        """Split ``/name args`` and find its command; BadInput suggests the closest name."""
        text = line.strip()
        if not text.startswith("/"):
            raise BadInput("commands start with '/'; try /help")
        name, _, args = text[1:].partition(" ")
        name = name.strip().lower()
        if name in self.commands:
            return self.commands[name], args.strip()
        close = difflib.get_close_matches(name, [*self.commands, "help", "runs"], n=1, cutoff=0.5)
        hint = f" Did you mean /{close[0]}?" if close else ""
        raise BadInput(f"unknown command /{name}.{hint} Type /help for the list.")

    def run_command(self, line: str) -> CommandResult:
        """Run a slash command line (blocking: call it from a worker thread).

        A plugin's exception becomes a PluginError naming the plugin; TextseqErrors pass
        through as they are.
        """
        bound, args = self.resolve(line)
        try:
            result = bound.command.handler(args, bound.plugin.context)
        except TextseqError:
            raise
        except Exception as err:  # noqa: BLE001
            raise PluginError(
                f"/{bound.command.name} ({bound.plugin.name}) failed: {type(err).__name__}: {err}"
            ) from err
        if isinstance(result, str):
            return CommandResult(text=result)
        if not isinstance(result, CommandResult):
            return CommandResult(text=str(result))
        return result


class _LazyPluginStore:
    """Opens the store and applies the plugin's migrations on first use, not at startup.

    Starting the app or running ``--help`` must not touch the database.
    """

    def __init__(self, host: Host, plugin: Plugin) -> None:
        self._host = host
        self._plugin = plugin
        self._real = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._real is None:
                store = self._host.store.plugin(self._plugin.name)
                store.player = str(self._host.settings.player or "you")
                migrations = self._plugin.migrations()
                if migrations is not None:
                    store.apply(migrations)
                self._real = store
            return self._real

    def __getattr__(self, item: str) -> Any:
        return getattr(self._get(), item)
