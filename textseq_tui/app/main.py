"""TextseqApp: the chat view, the side panel, plugin screens and the palette.

Everything slow (plugin commands, annotators, model loads, resolving the device) runs in
thread workers; the UI thread only mounts widgets. A plugin's failure becomes one error line
naming the plugin; the app keeps going.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any
from weakref import WeakKeyDictionary

from rich.markup import escape as rich_escape
from rich.table import Table
from textual import work
from textual.app import App, ComposeResult, ScreenStackError
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.events import Event, InputEvent
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import NoActiveWorker, WorkerFailed, get_current_worker

from textseq_tui.app.chat_input import ChatInput
from textseq_tui.app.message_queues import ChatDelivery
from textseq_tui.app.palette import PluginCommands, SafePalette
from textseq_tui.app.plugin_calls import PluginBusy, PluginCalls
from textseq_tui.app.side_panel import SidePanel
from textseq_tui.app.suggester import ChatSuggester
from textseq_tui.app.transcript import Transcript
from textseq_tui.errors import TextseqError
from textseq_tui.host import Host
from textseq_tui.plugin import CommandResult, Plugin, escape

WELCOME = (
    "Welcome to [b]textseq[/b]. Type a message to see what the plugins make of it, "
    "or a command: [b]/help[/b] lists them. Ctrl+P opens the command palette."
)


#: Commands of one plugin that may run at once; more means the plugin is stuck.
COMMANDS_IN_FLIGHT = 4


class StatusLine(Static):
    """One line under the chat: what is loading or running."""

    DEFAULT_CSS = """
    StatusLine { height: 1; color: $text-muted; padding: 0 1; }
    """


class TextseqApp(App):
    """The textseq terminal app on a :class:`Host`."""

    TITLE = "textseq"
    COMMANDS = App.COMMANDS | {PluginCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
        Binding("ctrl+b", "toggle_panel", "Panel"),
    ]
    CSS = """
    #main { height: 1fr; }
    #chat { width: 1fr; }
    """

    def __init__(self, host: Host, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.host = host
        self.started_at = time.perf_counter()
        self.first_paint_s: float | None = None
        self._busy: dict[str, str] = {}
        self.calls = PluginCalls()
        self.delivery = ChatDelivery(self)
        self._shown_problems: set[str] = set()
        #: Errors of screens that had been closed already (logged, not fatal).
        self.late_errors: list[str] = []
        #: plugin screen -> plugin name (weak: a closed screen's entry goes with it).
        self._screen_owner: WeakKeyDictionary[Screen, str] = WeakKeyDictionary()
        #: Set by exit(): keys still queued then act on screens being torn down.
        self.quitting = False

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="chat"):
                yield Transcript(id="transcript")
                yield StatusLine("ready", id="status")
                yield ChatInput(placeholder="Type a message or /help",
                                suggester=ChatSuggester(self.host, self.calls), id="input")
            yield SidePanel(id="panel")
        yield Footer()

    def on_mount(self) -> None:
        # Keep references: query_one searches the *active* screen, which is a plugin's
        # screen while one is open, and workers report back at any time.
        self.panel = panel = self.query_one(SidePanel)
        self._transcript = self.query_one(Transcript)
        self.status_line = self.query_one(StatusLine)
        self.chat_input = self.query_one(ChatInput)
        panel.records = list(self.host.records)
        panel.device = self.host.device
        self.transcript.add_answer(WELCOME)
        for record in self.host.records:
            if not record.ok:
                self.transcript.add_error(f"plugin {record.name} is unavailable: {record.error}")
        self.show_problems()
        self.chat_input.focus()
        self.show_indicators()
        self.call_after_refresh(self._painted)
        self.set_interval(1.0, self._refresh_models)
        self._resolve_device()

    def _painted(self) -> None:
        self.first_paint_s = time.perf_counter() - self.started_at
        if os.environ.get("TEXTSEQ_WARMUP", "1") != "0":
            self._warm_up_all()

    @work(group="warmup")
    async def _warm_up_all(self) -> None:
        """Every plugin's warm-up; the completion providers' first: the user types from the
        first paint and waits on their ghost text, and the others' imports (gensim, sklearn,
        torch) running beside them in this interpreter made it two to three times later."""
        warm = [p for p in self.host.plugins if type(p).warmup is not Plugin.warmup]
        providing = {id(p) for p, _ in self.host.completion_providers()}
        first = [p for p in warm if id(p) in providing]
        await asyncio.gather(*(self._warm_up(p) for p in first))
        await asyncio.gather(*(self._warm_up(p) for p in warm if id(p) not in providing))

    async def _warm_up(self, plugin: Plugin) -> None:
        key = f"warmup:{plugin.name}"
        self._set_busy(key, f"loading {plugin.name}…")
        try:
            await self.calls.call(("warmup", plugin.name), plugin.warmup, limit=1)
        except Exception as err:  # noqa: BLE001 — a failed warm-up is reported, not fatal
            self.report_once(f"plugin {plugin.name}: warmup() failed: {type(err).__name__}: {err}")
        finally:
            self._set_busy(key, None)

    @property
    def transcript(self) -> Transcript:
        return self._transcript

    def _refresh_models(self) -> None:
        models = self.host.registry.loaded()
        if models != self.panel.models:
            self.panel.models = models

    @work(thread=True, group="device")
    def _resolve_device(self) -> None:
        # Resolving "auto" imports torch: never on the UI thread.
        try:
            resolved = self.host.registry.resolve_device()
        except TextseqError as err:
            resolved = f"{self.host.device}: {err}"
        text = resolved if resolved == self.host.device else f"{self.host.device} → {resolved}"
        self.call_from_thread(setattr, self.panel, "device", text)

    # -- status line ---------------------------------------------------------------------------

    def _set_busy(self, key: str, text: str | None) -> None:
        if text is None:
            self._busy.pop(key, None)
        else:
            self._busy[key] = text
        status = " · ".join(self._busy.values()) or "ready"
        self.status_line.update(escape(status))

    # -- input -------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value
        event.input.value = ""
        if not text.strip():
            return
        if text.strip().startswith("/"):
            self.run_slash(text.strip())
        else:
            message = self.transcript.add_user(text)
            self.delivery.send(message, text)  # in order, none dropped (message_queues.py)
            self.show_problems()

    def run_slash(self, line: str) -> None:
        """Run a slash command: /help here, anything else in a worker."""
        self.transcript.add_answer(f"[b]{escape(line)}[/b]")
        name = line[1:].split(" ", 1)[0].lower()
        if name == "help":
            self.show_help()
            return
        if name == "runs":
            self.open_runs()
            return
        try:
            bound, _ = self.host.resolve(line)
        except TextseqError as err:
            self.transcript.add_error(str(err))
            return
        self._command_worker(line, bound.plugin.name)

    @work(group="commands")
    async def _command_worker(self, line: str, plugin_name: str) -> None:
        key = f"cmd:{time.monotonic()}"
        self._set_busy(key, f"{plugin_name}: {line[:30]}…")
        try:
            result = await self.calls.call(("command", plugin_name), self.host.run_command,
                                           line, limit=COMMANDS_IN_FLIGHT)
        except PluginBusy:
            self.transcript.add_error(
                f"{plugin_name} is still busy with {COMMANDS_IN_FLIGHT} earlier commands; "
                "try again when they finish")
        except TextseqError as err:
            self.transcript.add_error(str(err))
        except Exception as err:  # noqa: BLE001 — never let a plugin kill the app
            self.transcript.add_error(f"{plugin_name} failed: {type(err).__name__}: {err}")
        else:
            self._show_result(plugin_name, result)
        finally:
            self._set_busy(key, None)

    def _show_result(self, plugin_name: str, result: CommandResult) -> None:
        if result.renderable is not None or result.text:
            self.transcript.add_answer(result.text, result.renderable)
        if result.open_screen is not None:
            self.open_screen(plugin_name, result.open_screen.name, **result.open_screen.kwargs)

    def show_indicators(self) -> None:
        """The listeners' indicators (e.g. "learning your words") under the chat input."""
        marks = [str(getattr(listener, "indicator", "") or "")
                 for _, listener in self.host.message_listeners()]
        self.chat_input.border_subtitle = " · ".join(m for m in marks if m)

    def report_once(self, problem: str) -> None:
        """Show an error line unless the same one was shown before."""
        if problem not in self._shown_problems:
            self._shown_problems.add(problem)
            self.transcript.add_error(problem)

    def show_problems(self) -> None:
        """Show capability failures the host recorded (each once)."""
        for problem in self.host.problems:
            self.report_once(problem)

    # -- screens, help, palette callbacks -----------------------------------------------------

    def show_help(self) -> None:
        table = Table("command", "what it does", box=None, expand=True, show_edge=False)
        table.columns[0].ratio, table.columns[1].ratio = 2, 3
        for row in self.host.help_rows():
            table.add_row(rich_escape(row["usage"]), f"{rich_escape(row['help'])} [dim]({row['plugin']})[/]")
        self.transcript.add_answer(renderable=table)

    def _handle_exception(self, error: Exception) -> None:
        # Textual exits the whole app when a worker or handler raises. A failure in an open
        # plugin screen is that plugin's: its screen closes and the error is shown once. A
        # failure in a screen that was closed already (a late worker of the palette, or of a
        # screen the user left, finding its widgets gone) ends nothing: it is logged. Anything else exits with the traceback
        # and a non-zero status, errors in the app's own loop included: Textual stops that
        # loop after this call, so going on would leave a frozen app.
        # (Textual gives no public hook for this; _handle_exception is where it decides.)
        cause = error.error if isinstance(error, WorkerFailed) else error
        screen = self._failing_screen(error)
        plugin_name = self._screen_owner.get(screen) if isinstance(screen, Screen) else None
        if plugin_name is not None and screen in self.screen_stack:
            self.report_once(f"{plugin_name} screen failed: {type(cause).__name__}: {cause}")
            while len(self.screen_stack) > 1 and screen in self.screen_stack:
                self._pop_top()  # the screens above it too, whoever is calling
        elif screen is not None and (screen not in self.screen_stack or not screen.children):
            where = type(screen).__name__ if screen is not _CLOSED else "a removed widget"
            self.late_errors.append(f"{where}: {type(cause).__name__}: {cause}")
            self.log.error(f"ignored: a closed screen failed: {self.late_errors[-1]}")
        else:
            super()._handle_exception(error)

    def _failing_screen(self, error: Exception) -> Screen | None:
        """The screen whose handler or worker is raising; None for the app's own loop and
        its own workers."""
        caller = _calling_node()
        if isinstance(error, WorkerFailed):
            try:
                caller = get_current_worker().node  # Textual runs it in the app's context
            except NoActiveWorker:
                pass
        node = caller
        if caller is self:
            return None
        while node is not None and not isinstance(node, Screen):
            node = node.parent
        if node is None and caller is None:  # no context to go by: the top plugin screen
            return next((s for s in reversed(self.screen_stack) if s in self._screen_owner),
                        None)
        if node is None:  # a widget already taken off its screen
            return _CLOSED
        return node

    def open_runs(self) -> None:
        """Push the training-runs screen (the store opens in its worker)."""
        from textseq_tui.app.runs_screen import RunsScreen

        self._close_palette()
        self.push_screen(RunsScreen(_StoreProxy(self.host)))

    def action_help(self) -> None:
        self.show_help()

    def action_toggle_panel(self) -> None:
        self.panel.display = not self.panel.display

    def prefill_command(self, name: str) -> None:
        while len(self.screen_stack) > 1:  # back to the chat, whatever is open
            self._pop_top()
        chat = self.chat_input
        chat.value = f"/{name} "
        chat.cursor_position = len(chat.value)
        chat.focus()

    def open_screen(self, plugin_name: str, screen_name: str, **kwargs: Any) -> None:
        """Push a plugin's screen; a failing factory is reported, not fatal."""
        for plugin, spec in self.host.screens():
            if plugin.name == plugin_name and spec.name == screen_name:
                try:
                    screen = spec.factory(plugin.context, **kwargs)
                except Exception as err:  # noqa: BLE001
                    self.transcript.add_error(
                        f"{plugin_name}: cannot open {spec.title}: {type(err).__name__}: {err}")
                    return
                self._screen_owner[screen] = plugin_name
                self._close_palette()
                self.push_screen(screen)
                return
        self.show_problems()
        self.transcript.add_error(f"{plugin_name} has no screen called {screen_name!r}")


    # -- navigation that survives racing events ------------------------------------------

    def action_command_palette(self) -> None:
        """Ctrl+P: the palette that closes once, however many selections were queued."""
        if self.use_command_palette and not any(isinstance(screen, CommandPalette)
                                                for screen in self.screen_stack):
            # No fixed id: a palette closed a moment ago is still being removed, and a
            # second one with its id raised DuplicateIds (Ctrl+P, Escape, Ctrl+P).
            self.push_screen(SafePalette())

    def search_themes(self) -> None:
        """The palette's "Theme" command: the same safe palette, listing themes."""
        from textual.theme import ThemeProvider

        self.push_screen(SafePalette(providers=[ThemeProvider],
                                     placeholder="Search for themes…"))

    def _pop_top(self) -> None:
        """Pop the top screen whoever asks (stack permitting); a palette stops searching."""
        top = self.screen
        if isinstance(top, SafePalette):
            top.closed = True
            top.workers.cancel_node(top)
        super().pop_screen()

    def _close_palette(self) -> None:
        # A command typed before Ctrl+P opens its screen now: the palette in the way closes
        # (a screen over it would leave it buried, and Ctrl+P then opened a second one with
        # the same id: DuplicateIds).
        if isinstance(self.screen, CommandPalette):
            self.screen.dismiss()

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.quitting = True
        self.delivery.close()
        super().exit(*args, **kwargs)

    async def on_event(self, event: Event) -> None:
        # Keys still queued while the app closes act on screens being torn down (F1 wrote
        # /help into a detached transcript: MountError) or find no screen at all
        # (ScreenStackError): an exit with a traceback instead of a clean quit. They are
        # dropped.
        if isinstance(event, InputEvent):
            if self.quitting:
                return
            try:
                self.screen  # noqa: B018
            except ScreenStackError:
                return
        await super().on_event(event)

    def pop_screen(self) -> AwaitComplete:
        """Pop the top screen, unless the request is stale.

        Events race: the palette handles a second queued selection after it closed, a
        screen's Escape binding or worker asks to leave after the palette's prefill or an
        error already closed it. Textual would then pop whatever screen is on top, or raise
        ``ScreenStackError`` (and exit) when only the chat is left. Here such a pop does
        nothing: when only the chat is left, or when it comes from a screen (or a widget of
        one) that is no longer the top screen.
        """
        stale = self._stale_pop()
        if stale:
            self.log.warning(f"pop_screen ignored: {stale}")
            return AwaitComplete.nothing()
        return super().pop_screen()

    def _stale_pop(self) -> str | None:
        stack = self.screen_stack
        if len(stack) <= 1:
            return "only the main screen is left"
        caller = _calling_node()
        if caller is None or caller is self:
            return None
        node: Any = caller
        while node is not None and not isinstance(node, Screen):
            node = node.parent
        if node is None:
            return f"{type(caller).__name__} is no longer on a screen"
        if node is not stack[-1]:
            return f"{type(node).__name__} is not the top screen"
        return None


def _calling_node() -> Any:
    """The message pump (app, screen or widget) whose handler is running, if any."""
    try:
        from textual._context import active_message_pump  # no public accessor

        return active_message_pump.get()
    except (ImportError, LookupError):
        return None


#: Stands for the (unknown, closed) screen a detached widget was on.
_CLOSED: Any = object()


class _StoreProxy:
    """Defers opening the store to the first call, which happens in a worker thread."""

    def __init__(self, host: Host) -> None:
        self.host = host

    def runs(self) -> list[dict[str, Any]]:
        return self.host.store.runs()

    def run_metrics(self, run_id: int) -> list[dict[str, Any]]:
        return self.host.store.run_metrics(run_id)
