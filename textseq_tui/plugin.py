"""The textseq plugin API: the one module a plugin author reads.

A plugin is an object (usually a subclass of :class:`Plugin`) exposed under the entry-point
group ``textseq_tui.plugins``::

    [project.entry-points."textseq_tui.plugins"]
    hello = "textseq_hello:plugin"

The host loads each entry point, checks :attr:`Plugin.api_version`, calls
:meth:`Plugin.start` with a :class:`PluginContext`, then asks for the capabilities the plugin
declares. Every capability is optional; the defaults declare nothing.

Rules a plugin keeps:

- Import heavy libraries (torch, gensim, sklearn) inside functions, never at module scope:
  the host imports every plugin to list it, and ``textseq --help`` must stay fast.
- Slash-command handlers, completion providers and annotators are called from worker
  threads, never on the UI loop; they may load models and block.
- Open the database and model files only through the context (``ctx.store``,
  ``ctx.registry``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textseq_tui.errors import BadInput, ModelError, PluginError, TextseqError

if TYPE_CHECKING:  # only for type checkers: keeps textual/typer out of import time
    import typer
    from sqlite_utils.migrations import Migrations
    from textual.screen import Screen

    from textseq_tui.registry import ModelRegistry
    from textseq_tui.store import PluginStore

#: The plugin API version this host implements. A plugin declaring another major version
#: is refused with a clear message instead of failing later in odd ways.
API_VERSION = 1
SUPPORTED_API_VERSIONS = frozenset({1})

__all__ = [
    "API_VERSION",
    "Annotation",
    "BadInput",
    "CommandResult",
    "CompletionProvider",
    "MessageAnnotator",
    "MessageListener",
    "ModelError",
    "ModelSpec",
    "OpenScreen",
    "Plugin",
    "PluginContext",
    "PluginError",
    "ScreenSpec",
    "SlashCommand",
    "Span",
    "TextseqError",
]


@dataclass
class PluginContext:
    """What the host hands a plugin in :meth:`Plugin.start`.

    Attributes:
        name: the plugin's name (its entry-point name).
        registry: the shared model registry; ``registry.load(name)`` returns a cached instance.
        store: the plugin's scoped SQLite store (tables prefixed with the plugin name).
        settings: free-form settings for this plugin (from the user's settings file).
        device: the device preference string: "auto", "cpu", "cuda" or "cuda:N".
        log: a logger named ``textseq.<plugin>``.
        home: the textseq home directory (user data); a plugin may keep caches under
            ``home / "cache" / <plugin>``.
    """

    name: str
    registry: ModelRegistry
    store: PluginStore
    settings: dict[str, Any] = field(default_factory=dict)
    device: str = "auto"
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("textseq"))
    home: Any = None

    def cache_dir(self) -> Any:
        """A per-plugin cache directory under the home, created on first use."""
        from pathlib import Path

        path = Path(self.home) / "cache" / self.name
        path.mkdir(parents=True, exist_ok=True)
        return path


@dataclass(frozen=True)
class OpenScreen:
    """A command result asking the app to push one of the plugin's screens.

    ``name`` is a :class:`ScreenSpec` name of the same plugin; ``kwargs`` go to its factory.
    """

    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class CommandResult:
    """What a slash command answers: text for the transcript, optionally a screen to open.

    ``text`` is Rich console markup (escape user text with ``rich.markup.escape``);
    ``renderable`` may be any Rich renderable (a Table, say) shown instead of ``text``
    in the app, and ``data`` is a JSON-able summary used by tests and scripts.
    """

    text: str = ""
    renderable: Any = None
    data: Any = None
    open_screen: OpenScreen | None = None


#: A slash-command handler: (argument string after the command, context) -> result or text.
CommandHandler = Callable[[str, PluginContext], "CommandResult | str"]


@dataclass(frozen=True)
class SlashCommand:
    """A chat command such as ``/odd king queen prince cleaner``.

    ``name`` has no leading slash and must be unique across plugins (the host refuses a
    duplicate and reports it on the second plugin). ``handler`` runs in a worker thread.
    """

    name: str
    help: str
    handler: CommandHandler
    usage: str = ""


@dataclass(frozen=True)
class ScreenSpec:
    """A full screen the plugin offers (the game, the typing session, ...).

    ``factory(ctx, **kwargs)`` returns a Textual ``Screen``; it is called on the UI thread,
    so it must be cheap: load models from the screen's own workers.
    """

    name: str
    title: str
    factory: Callable[..., Screen]
    help: str = ""


@dataclass(frozen=True)
class ModelSpec:
    """A kind of model the plugin can load from a registry directory.

    ``kind`` matches the ``kind`` field of a model card. ``loader(model_dir, device)`` gets
    the verified model directory (a ``pathlib.Path``) and a ``torch.device``-like string and
    returns the ready instance the registry caches. ``default`` names the model the plugin
    uses when the user names none. ``uses_device=False`` (numpy or pure-Python models) makes
    the registry pass "cpu" without choosing a device, which would import torch.
    """

    kind: str
    loader: Callable[[Any, str], Any]
    default: str | None = None
    description: str = ""
    uses_device: bool = True


@dataclass(frozen=True)
class Span:
    """A highlighted range ``[start, end)`` of a message, in characters, with a Rich style."""

    start: int
    end: int
    style: str = "reverse"
    note: str = ""


@dataclass
class Annotation:
    """A message annotator's answer: a short label beside the message and optional spans."""

    label: str
    spans: list[Span] = field(default_factory=list)
    data: Any = None


@runtime_checkable
class CompletionProvider(Protocol):
    """Ghost-text completion for the chat input and editors.

    ``suggest(text)`` gets the whole text before the cursor and returns the suggested
    continuation (only the new characters), or ``None`` when it has nothing worth showing.
    Called from a worker thread; the host drops answers for text that has since changed.
    """

    def suggest(self, text: str) -> str | None: ...


@runtime_checkable
class MessageAnnotator(Protocol):
    """Annotates each plain chat message (no slash): a score, highlighted spans.

    ``name`` is shown in the app; ``annotate(text)`` runs in a worker thread and returns
    ``None`` when it has nothing to say.
    """

    name: str

    def annotate(self, text: str) -> Annotation | None: ...


@runtime_checkable
class MessageListener(Protocol):
    """Hears each plain chat message the user sends (no slash), e.g. to learn their words.

    ``hear(text)`` runs in a worker thread after the message is sent. ``indicator`` is a short
    text the app shows beside the chat input while it is not empty (e.g. "learning your
    words"); the app reads it again after every message.
    """

    name: str
    indicator: str

    def hear(self, text: str) -> None: ...


class Plugin:
    """Base class for plugins. Override the attributes and the capabilities you provide.

    Attributes:
        name: short identifier, also the CLI sub-command (``textseq <name> ...``) and the
            prefix of the plugin's tables. Lower case, letters, digits and dashes.
        title: human title for menus.
        api_version: the plugin API version the plugin was written for.
        description: one line for ``textseq plugins`` and the app's side panel.
    """

    name: str = ""
    title: str = ""
    api_version: int = API_VERSION
    description: str = ""

    def __init__(self) -> None:
        self.ctx: PluginContext | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, ctx: PluginContext) -> None:
        """Called once after discovery with the plugin's context. Must be fast."""
        self.ctx = ctx

    @property
    def context(self) -> PluginContext:
        """The context given to :meth:`start`; raises if the plugin was not started."""
        if self.ctx is None:
            raise PluginError(f"plugin {self.name!r} was used before it was started")
        return self.ctx

    # -- capabilities (all optional) --------------------------------------------------------

    def slash_commands(self) -> Sequence[SlashCommand]:
        """Chat commands this plugin answers."""
        return ()

    def screens(self) -> Sequence[ScreenSpec]:
        """Full screens, opened from the command palette or by a command's OpenScreen."""
        return ()

    def cli(self) -> typer.Typer | None:
        """A Typer app mounted as ``textseq <name>``; build it lazily inside this method."""
        return None

    def model_specs(self) -> Sequence[ModelSpec]:
        """Model kinds this plugin loads from the registry."""
        return ()

    def completion_provider(self) -> CompletionProvider | None:
        """Ghost-text provider for text inputs (at most one is used: the first that loads)."""
        return None

    def annotators(self) -> Sequence[MessageAnnotator]:
        """Annotators run on every plain chat message."""
        return ()

    def message_listeners(self) -> Sequence[MessageListener]:
        """Listeners called with every plain chat message sent (not for ``/commands``)."""
        return ()

    def migrations(self) -> Migrations | None:
        """The plugin's migration set (``sqlite_utils.migrations.Migrations(<name>)``).

        Create tables prefixed with the plugin name (``store.table_name("rounds")``).
        """
        return None

    def scores(self, store: PluginStore) -> list[dict[str, Any]]:
        """Rows for ``textseq scores <name>``: a leaderboard or summary of stored results."""
        return []

    def warmup(self) -> None:
        """Load what the first command will need (models, word lists) ahead of time.

        The app calls it once, in a background thread, after its first paint (unless
        ``TEXTSEQ_WARMUP=0``); the CLI never does. Load through ``ctx.registry`` so the
        instance is the cached one every later call gets.
        """


#: The capability methods the host knows; tests check each is documented and exercised.
CAPABILITIES = (
    "slash_commands",
    "screens",
    "cli",
    "model_specs",
    "completion_provider",
    "annotators",
    "migrations",
    "scores",
    "warmup",
)
