"""The host: home, settings, store, registry and the started plugins, shared by CLI and app.

The host knows nothing about any one plugin: it asks each for its capabilities.
"""

from __future__ import annotations

import difflib
import logging
import os
import threading
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textseq_tui.discovery import PluginRecord, check_name, discover, new_plugin, take
from textseq_tui.errors import BadInput, PluginError, TextseqError
from textseq_tui.plugin import (
    COMPLETION_CONTEXT_CHARS,
    CommandResult,
    CompletionProvider,
    CompletionRequest,
    MessageAnnotator,
    Plugin,
    PluginContext,
    ScreenSpec,
    SlashCommand,
)
from textseq_tui.registry import ModelRegistry
from textseq_tui.settings import PluginSettings, Settings, default_home
from textseq_tui.state import HOST_OWNER, PluginState

if TYPE_CHECKING:
    from textseq_tui.store import Store

log = logging.getLogger("textseq")


FIRST_PROTOCOL_NOTICE = ("its completion provider has only suggest(text), the first "
                         "protocol: give it complete(request: CompletionRequest), which "
                         "gets the whole text and the cursor; deprecated since plugin API 1")


def ask_provider(provider: Any, request: CompletionRequest) -> str | None:
    """Ask ``provider`` for ghost text in the protocol it speaks: ``complete(request)``, or
    the first protocol ``suggest(text)`` with the end of the text before the cursor."""
    complete = getattr(provider, "complete", None)
    if callable(complete):
        return complete(request)
    return provider.suggest(request.before[-COMPLETION_CONTEXT_CHARS:])


def speaks_first_protocol(provider: Any) -> bool:
    """True for a provider with only ``suggest(text)`` (the deprecated first protocol)."""
    return not callable(getattr(provider, "complete", None)) and \
        callable(getattr(provider, "suggest", None))


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
    ``records`` that no Host has taken yet is used (and started) as it is, which is how the
    CLI mounts a plugin's Typer app before it knows ``--home``; for one that another Host
    took, the record's ``factory`` makes a new instance.
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
        self.records = [replace(r, deprecations=list(r.deprecations))
                        for r in (records if records is not None else discover())]
        self.commands: dict[str, BoundCommand] = {}
        #: Slash commands of plugins that failed to start -> the plugin's name.
        self._failed_commands: dict[str, str] = {}
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

    @property
    def state(self) -> PluginState:
        """The host app's own small state between runs (which panels are shown, ...): the
        same mechanism as a plugin's ``ctx.state``, under the owner ``textseq``."""
        return PluginState(lambda: self.store, HOST_OWNER)

    def _start_plugins(self) -> None:
        for record in self.records:
            if record.plugin is None:
                continue
            try:
                plugin = record.plugin = self._own_instance(record)
                check_name(plugin, record.name)
                ctx = PluginContext(
                    name=plugin.name,
                    registry=self.registry,
                    store=_LazyPluginStore(self, plugin),  # type: ignore[arg-type]
                    settings=PluginSettings(plugin.name,
                                            self.settings.plugins.get(plugin.name, {}),
                                            self.home / "settings.json"),
                    device=self.device,
                    log=logging.getLogger(f"textseq.{plugin.name}"),
                    home=self.home,
                    player=str(self.settings.player or "you"),
                    state=PluginState(lambda: self.store, plugin.name),
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
                record.detail = traceback.format_exc()
                failed, record.plugin = record.plugin, None
                self.commands = {k: v for k, v in self.commands.items() if v.plugin is not failed}
                self._note_failed_commands(failed, record.name)

    def _note_failed_commands(self, plugin: Plugin | None, name: str) -> None:
        """Remember the slash commands of a plugin that failed to start, so that each answers
        with its error rather than "unknown command" (asked once; nothing if that fails)."""
        try:
            names = [command.name for command in plugin.slash_commands()] if plugin else []
        except Exception:  # noqa: BLE001 — the start error is the one to report
            names = []
        for command in names:
            if command not in self.commands:
                self._failed_commands.setdefault(command, name)

    def _own_instance(self, record: PluginRecord) -> Plugin:
        """The record's plugin if no Host took it yet, else a new one from its factory."""
        plugin = record.plugin
        assert plugin is not None
        if take(plugin):
            return plugin
        if record.factory is None:
            raise PluginError("its instance was started by another host and its record "
                              "has no factory to make a new one")
        plugin = new_plugin(record.factory, record.name, record.value)
        take(plugin)
        return plugin

    def unavailable(self, name: str) -> str | None:
        """Why the plugin ``name``, or a slash command of a plugin that failed to start, is
        unavailable (one line); None when it is not a failed plugin's."""
        owner = self._failed_commands.get(name, name)
        record = next((r for r in self.records if r.name == owner), None)
        if record is None or record.ok:
            return None
        return f"plugin {owner!r} is not available: {record.error}"

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
        """Every started plugin's completion provider (at most one each); one that speaks
        only the first protocol, ``suggest(text)``, gets a deprecation notice on its
        plugin's record (``textseq plugins``)."""
        found = self._collect("completion_provider")
        for plugin, provider in found:
            if speaks_first_protocol(provider):
                self._deprecate(plugin.name, FIRST_PROTOCOL_NOTICE)
        return found

    def _deprecate(self, name: str, notice: str) -> None:
        record = next((r for r in self.records if r.name == name), None)
        if record is not None and notice not in record.deprecations:
            record.deprecations.append(notice)

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
        problem = self.unavailable(name)
        if problem:
            raise PluginError(problem)
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
