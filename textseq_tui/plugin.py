"""The textseq plugin API: the one module a plugin author reads.

A plugin is a subclass of :class:`Plugin` named by an entry point of the group
``textseq_tui.plugins`` (or a factory that returns a new instance, called with no
arguments)::

    [project.entry-points."textseq_tui.plugins"]
    hello = "textseq_hello:HelloPlugin"

The host makes its own instance, checks :attr:`Plugin.api_version`, calls
:meth:`Plugin.start` once with a :class:`PluginContext`, then asks for the capabilities the
plugin declares. Every capability is optional; the defaults declare nothing. (An entry point
naming an instance, ``hello = "textseq_hello:plugin"``, still works: deprecated, noted by
``textseq plugins``.)

Rules a plugin keeps:

- Import heavy libraries (torch, gensim, sklearn) inside functions, never at module scope:
  the host imports every plugin to list it, and ``textseq --help`` must stay fast.
- Slash-command handlers, completion providers and annotators are called from worker
  threads, never on the UI loop; they may load models and block.
- Open the database and model files only through the context (``ctx.store``,
  ``ctx.registry``).

Training: a plugin that trains a model names the :meth:`Plugin.cli` command that does it in
:attr:`Plugin.train_command` (``"train"`` by default), so ``textseq train NAME ...`` runs it.
The command records the run with ``with ctx.store.training_run(model, params, device) as
run:`` and logs each step's metrics with ``run.log(step, train_loss=..., val_loss=...)``:
``train_loss`` (:data:`TRAIN_LOSS`, the training loss) and ``val_loss`` (:data:`VAL_LOSS`,
the loss on held-out data) are the standard names ``/runs`` plots for any plugin; log other
metrics under any other name beside them. It saves the model with ``ctx.save_model(card,
files)`` (``out=DIR`` to write the directory itself, as a shipped model is rebuilt).

Standard option names of plugin commands: ``--input`` (one item a line, ``-`` stdin),
``--json``, ``--device`` (default ``None``: the context's device), ``--threads`` (torch CPU
threads), ``--steps`` (optimizer steps), ``--minutes``, ``--embedding`` (embedding size),
``--hidden``, ``--layers``, ``--lr``, ``--batch-size``, ``--seed``, ``--name`` (the model's
registry name), ``--out`` (write the model directory there instead of the user's models),
``--resume``, ``--quiet``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textseq_tui import cli_io
from textseq_tui.cli_io import (
    emit,
    input_items,
    iter_batches,
    iter_input,
    read_text,
    refuse,
    want_json,
)
from textseq_tui.errors import (
    BadInput,
    ModelError,
    ModelNotFound,
    PluginError,
    StoreError,
    TextseqError,
    UnsafeCheckpoint,
)

if TYPE_CHECKING:  # only for type checkers: keeps textual/typer out of import time
    import typer
    from sqlite_utils.migrations import Migrations
    from textual.screen import Screen

    from textseq_tui.registry import ModelCard, ModelRegistry
    from textseq_tui.state import PluginState
    from textseq_tui.store import PluginStore

#: The plugin API version this host implements. A plugin declaring another major version
#: is refused with a clear message instead of failing later in odd ways. Version 1 grew
#: (new names, new context methods, the ``model_dirs`` capability) without breaking any
#: plugin written for it; a change that would break one becomes version 2, and the host
#: then keeps accepting 1 for at least one minor release (docs/ARCHITECTURE.md,
#: "Compatibility").
API_VERSION = 1
SUPPORTED_API_VERSIONS = frozenset({1})

#: Standard metric names of training runs: ``/runs`` plots ``val_loss`` (else ``train_loss``)
#: of any plugin's run. Log other metrics under any name beside them. Plain constants here,
#: so that importing them loads nothing (no store, no sqlite-utils).
TRAIN_LOSS = "train_loss"
VAL_LOSS = "val_loss"

#: Names resolved on first use (their modules import sqlite-utils or more): see __getattr__.
_LAZY = {
    "ModelCard": "textseq_tui.registry",
    "ModelInfo": "textseq_tui.registry",
    "ModelRegistry": "textseq_tui.registry",
    "CARD_FILE": "textseq_tui.registry",
    "new_card": "textseq_tui.registry",
    "read_card": "textseq_tui.registry",
    "verify_dir": "textseq_tui.registry",
    "write_model_dir": "textseq_tui.model_dir",
    "atomic_write": "textseq_tui.files",
    "ChartSeries": "textseq_tui.charts",
    "HistoryChart": "textseq_tui.charts",
    "rounded_ticks": "textseq_tui.charts",
    "atomic_write_bytes": "textseq_tui.files",
    "sha256_file": "textseq_tui.files",
    "PluginStore": "textseq_tui.store",
    "PluginState": "textseq_tui.state",
    "TrainingRun": "textseq_tui.store",
    "default_home": "textseq_tui.settings",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "API_VERSION",
    "Annotation",
    "BadInput",
    "COMPLETION_CONTEXT_CHARS",
    "CommandResult",
    "CompletionProvider",
    "CompletionRequest",
    "LazyContext",
    "MessageAnnotator",
    "MessageListener",
    "ModelError",
    "ModelNotFound",
    "ModelSpec",
    "OpenScreen",
    "Plugin",
    "PluginContext",
    "PluginError",
    "ScreenSpec",
    "SlashCommand",
    "Span",
    "StoreError",
    "TRAIN_LOSS",
    "TextseqError",
    "UnsafeCheckpoint",
    "VAL_LOSS",
    "cli_io",
    "emit",
    "escape",
    "input_items",
    "iter_batches",
    "iter_input",
    "package_dir",
    "read_text",
    "refuse",
    "want_json",
    *_LAZY,  # resolved on first use
]


def escape(text: str) -> str:
    """``text`` made safe to put inside Textual markup (``CommandResult.text``, a ``Static``):
    every ``[`` is escaped, so nothing a user typed or a model generated can open a tag.
    Rich's ``rich.markup.escape`` is not enough for Textual: it leaves ``[a=|b[/]`` alone,
    which Textual's parser rejects (a MarkupError that took the app down). Rich renderables
    (a ``Table`` cell, Rich console output) keep ``rich.markup.escape``.

    Textual cannot write a backslash right before a tag (``\\[b]`` is the text ``[b]``), so a
    trailing backslash gets a zero-width space after it: the tag that follows stays a tag."""
    text = text.replace("[", "\\[")
    return text + "\u200b" if text.endswith("\\") else text


def package_dir(package: str) -> Any:
    """The folder of an installed package (``pathlib.Path``), found without importing it:
    ``package_dir("textseq_hello") / "models"`` is where a plugin ships its models."""
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise PluginError(f"no installed package named {package!r}")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass
class PluginContext:
    """What the host hands a plugin in :meth:`Plugin.start`.

    Attributes:
        name: the plugin's name (its entry-point name).
        registry: the shared model registry: ``registry.load(name, kind=KIND)`` returns the
            one cached instance (and refuses a model of another kind in one line);
            ``registry.get(name).card`` is its card (``.kind``, ``.plugin``, ``.metrics``).
        store: the plugin's scoped SQLite store (tables prefixed with the plugin name).
        settings: free-form settings for this plugin (from the user's settings file).
        device: the device preference string: "auto", "cpu", "cuda" or "cuda:N".
        log: a logger named ``textseq.<plugin>``.
        home: the textseq home directory (user data); a plugin may keep caches under
            ``home / "cache" / <plugin>``.
        player: the user's name for scores and game rounds (``"player"`` in settings.json;
            default "you"); ``ctx.store.record_score`` uses it unless given another.
        state: small JSON state kept between runs, per plugin, in the home's SQLite:
            ``ctx.state.get(key, default)``, ``ctx.state.set(key, value)``,
            ``ctx.state.delete(key)``, ``ctx.state.all()`` (a :class:`PluginState`; safe
            from any thread; the database opens on first use).
    """

    name: str
    registry: ModelRegistry
    store: PluginStore
    settings: dict[str, Any] = field(default_factory=dict)
    device: str = "auto"
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("textseq"))
    home: Any = None
    player: str = "you"
    state: PluginState = None  # type: ignore[assignment]  # set by the host

    def resolve_device(self, preference: str | None = None) -> str:
        """The concrete torch device ("cpu", "cuda:0") for ``preference``, by default the
        context's device (the root ``textseq --device``, ``TEXTSEQ_DEVICE`` or settings).
        A plugin command's own ``--device`` defaults to ``None`` and passes it here."""
        pref = preference or self.device or "auto"
        if pref == "cpu":
            return "cpu"
        from textseq_tui.ml.device import choose_device

        return str(choose_device(pref))

    def new_card(self, *, name: str, kind: str, **fields: Any) -> ModelCard:
        """A model card for this plugin, stamped now: ``version``, ``device``, ``data``,
        ``hyperparameters``, ``metrics``, ``description`` and ``rebuild`` (the command that
        rebuilds the model) as keywords; ``files`` is filled in when it is saved."""
        from textseq_tui.registry import new_card

        return new_card(name=name, plugin=self.name, kind=kind, **fields)

    def save_model(self, card: ModelCard, files: dict[str, Any], out: Any = None) -> Any:
        """Write a model directory atomically with its card (``files``: name -> bytes or a
        path to copy); the sha256 of each file goes on the card.

        Without ``out`` it goes to the user's models (``textseq models list``) and replaces
        a model of that name, whose cached instance is dropped; with ``out`` it is written
        as the directory ``out`` (how a shipped model is rebuilt), which must be new, empty,
        or a model directory of this plugin and nothing else (see :meth:`check_out`): no
        other folder is ever replaced, and nothing beside ``out`` is touched. Returns its
        path.
        """
        from pathlib import Path

        from textseq_tui.registry import write_model_dir

        if out is None:
            return self.registry.save(card, files).path
        path = write_model_dir(Path(out), card, files)
        self.registry.forget(card.name)
        return path

    def check_out(self, out: Any) -> None:
        """Refuse, before any work, an ``--out`` folder :meth:`save_model` would not write:
        only a new folder, an empty one, or a model directory of this plugin holding nothing
        else may be written (the last is replaced as a whole). Raises BadInput in one line.
        Call it first in a training command, so a long run does not end in a refusal."""
        from pathlib import Path

        from textseq_tui.model_dir import replace_problem

        if out is not None:
            problem = replace_problem(Path(out), self.name)
            if problem:
                raise BadInput(f"refusing to write the model: {problem}")

    def load_default(self, kind: str) -> Any:
        """The default model of ``kind`` (its :class:`ModelSpec` ``default``), loaded once."""
        return self.registry.load_default(kind)

    def cache_dir(self) -> Any:
        """A per-plugin cache directory under the home, created on first use (in a home that
        cannot be written: a private one in the system's temp dir)."""
        from pathlib import Path

        from textseq_tui.files import cache_folder

        return cache_folder(Path(self.home), self.name)


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

    ``text`` is Textual markup (escape user or model text with ``escape`` from this module);
    ``renderable`` may be any Rich renderable (a Table, say) shown instead of ``text``
    in the app, and ``data`` is a JSON-able summary used by tests and scripts.
    """

    text: str = ""
    renderable: Any = None
    data: Any = None
    open_screen: OpenScreen | None = None


#: The most text a provider of the first completion protocol, ``suggest(text)``, is handed
#: (the end of the text before the cursor). ``complete(request)`` gets the whole text.
COMPLETION_CONTEXT_CHARS = 2_000

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


@dataclass(frozen=True)
class CompletionRequest:
    """What a completion provider is asked: the whole text being edited and the cursor.

    ``text`` is all of it (never cut to a window); ``cursor`` is the cursor's offset in it,
    in characters (``0 <= cursor <= len(text)``; the chat input asks with the cursor at the
    end). ``before`` and ``after`` are the text on either side of the cursor.
    """

    text: str
    cursor: int

    def __post_init__(self) -> None:
        if not 0 <= self.cursor <= len(self.text):
            raise ValueError(f"cursor {self.cursor} is outside the text (0..{len(self.text)})")

    @property
    def before(self) -> str:
        return self.text[: self.cursor]

    @property
    def after(self) -> str:
        return self.text[self.cursor :]


@runtime_checkable
class CompletionProvider(Protocol):
    """Ghost-text completion for the chat input and editors.

    ``complete(request)`` gets a :class:`CompletionRequest` (the whole text and the cursor's
    offset in it) and returns the continuation to show at the cursor (only the new
    characters), or ``None`` when it has nothing worth showing. Called from a worker thread,
    one call per provider at a time; the host drops answers for text that has since changed.

    The first protocol, ``suggest(text)`` with the text before the cursor cut to its last
    :data:`COMPLETION_CONTEXT_CHARS` characters, still works (deprecated: ``textseq
    plugins`` says so); a provider with both gets ``complete``.
    """

    def complete(self, request: CompletionRequest) -> str | None: ...


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
        train_command: the name of the :meth:`cli` command that trains the plugin's model
            (default ``"train"``; ``None`` if there is none), run by ``textseq train <name>``.
    """

    name: str = ""
    title: str = ""
    api_version: int = API_VERSION
    description: str = ""
    #: The sub-command of :meth:`cli` that trains the plugin's model: ``textseq train NAME
    #: ARGS`` runs ``textseq NAME <train_command> ARGS``. ``None``: the plugin does not train.
    train_command: str | None = "train"

    def __init__(self) -> None:
        self.ctx: PluginContext | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, ctx: PluginContext) -> None:
        """Called once after discovery with the plugin's context. Must be fast."""
        self.ctx = ctx

    @property
    def context(self) -> PluginContext:
        """The context given to :meth:`start`; raises if the plugin was not started.

        In CLI commands read it when the command runs, never in :meth:`cli` itself: the
        Typer app is built before the root ``--home``/``--device``/``--json`` are parsed,
        and the host starts the plugin with the context those options ask for.
        """
        if self.ctx is None:
            raise PluginError(f"plugin {self.name!r} was used before it was started")
        return self.ctx

    @property
    def lazy_context(self) -> PluginContext:
        """A stand-in for :attr:`context` that reads it at each attribute access: hand it to
        code built in :meth:`cli` (before :meth:`start`) that uses it only when run."""
        return LazyContext(self)  # type: ignore[return-value]

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
        """Ghost-text provider for text inputs: an object with ``complete(request)`` (see
        :class:`CompletionProvider`); at most one is used, the first that answers."""
        return None

    def annotators(self) -> Sequence[MessageAnnotator]:
        """Annotators run on every plain chat message."""
        return ()

    def message_listeners(self) -> Sequence[MessageListener]:
        """Listeners called with every plain chat message sent (not for ``/commands``)."""
        return ()

    def migrations(self) -> Migrations | None:
        """The plugin's migration set (``sqlite_utils.migrations.Migrations(<name>)``).

        Each step gets the database with ``db.table_name(suffix)``, the plugin's prefixed
        table name: ``db[db.table_name("rounds")].create({...})``.
        """
        return None

    def scores(self, store: PluginStore) -> list[dict[str, Any]]:
        """Rows for ``textseq scores <name>``: a leaderboard or summary of stored results."""
        return []

    def model_dirs(self) -> Sequence[Any]:
        """Folders of model directories the plugin ships (each a ``pathlib.Path``), searched
        after the user's models: ``[package_dir("my_plugin") / "models"]``."""
        return ()

    def warmup(self) -> None:
        """Load what the first command will need (models, word lists) ahead of time.

        The app calls it once, in a background thread, after its first paint (unless
        ``TEXTSEQ_WARMUP=0``): the plugins with a completion provider first, the others once
        those warm-ups have returned (the user types from the first paint); the CLI never
        does. Load through ``ctx.registry`` so the
        instance is the cached one every later call gets.
        """


class LazyContext:
    """Forwards every attribute to ``plugin.context`` at the time of access."""

    __slots__ = ("_plugin",)

    def __init__(self, plugin: Plugin) -> None:
        self._plugin = plugin

    def __getattr__(self, item: str) -> Any:
        return getattr(self._plugin.context, item)

    def __repr__(self) -> str:
        return f"LazyContext({self._plugin.name!r})"


#: The capability methods the host knows; tests check each is documented and exercised.
CAPABILITIES = (
    "slash_commands",
    "screens",
    "cli",
    "model_specs",
    "completion_provider",
    "annotators",
    "message_listeners",
    "migrations",
    "scores",
    "model_dirs",
    "warmup",
)
