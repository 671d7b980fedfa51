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

from textual import events, work
from textual.app import App, ComposeResult, ScreenStackError
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Event, InputEvent
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from textseq_tui.app.chat_input import ChatInput
from textseq_tui.app.continuity import NARROW_COLUMNS, Continuity
from textseq_tui.app.conversation_keeper import ConversationKeeper
from textseq_tui.app.help_table import command_detail, help_renderable
from textseq_tui.app.key_order import KeyOrder
from textseq_tui.app.keys import (
    ACTION_HELP,
    FOCUS_CSS,
    KeysOverlay,
    key_label,
    move_focus,
    rule_key,
    screen_keys,
)
from textseq_tui.app.message_queues import ChatDelivery
from textseq_tui.app.navigation import SafeNavigation
from textseq_tui.app.palette import PluginCommands
from textseq_tui.app.plugin_calls import PluginBusy, PluginCalls
from textseq_tui.app.side_panel import SidePanel
from textseq_tui.app.suggester import ChatSuggester
from textseq_tui.app.transcript import Message, Transcript
from textseq_tui.errors import TextseqError
from textseq_tui.host import Host
from textseq_tui.plugin import CommandResult, Plugin, escape

WELCOME = (
    "Welcome to [b]textseq[/b]. Type a message to see what the plugins make of it, "
    "or a command: [b]/help[/b] lists them and the keys. Ctrl+P opens the command palette, "
    "F1 the keys of any screen."
)


#: Commands of one plugin that may run at once; more means the plugin is stuck.
COMMANDS_IN_FLIGHT = 4


class StatusLine(Static):
    """One line under the chat: what is loading or running."""

    DEFAULT_CSS = """
    StatusLine { height: 1; color: $text-muted; padding: 0 1; }
    """


class TextseqApp(Continuity, SafeNavigation):
    """The textseq terminal app on a :class:`Host`."""

    TITLE = "textseq"
    COMMANDS = App.COMMANDS | {PluginCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="quit textseq"),
        Binding("f1", "keys", "Keys", priority=True,
                tooltip="this list: the keys of the screen in front"),
        Binding("ctrl+b", "toggle_panel", "Panel", tooltip="show or hide the side panel"),
        # An arrow nothing under the focus takes (a button, a grid's word): by position.
        *(Binding(key, f"move_focus('{key}')", show=False)
          for key in ("up", "down", "left", "right")),
    ]
    CSS = """
    #main { height: 1fr; }
    #chat { width: 1fr; }
    """ + FOCUS_CSS

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
        #: plugin screen -> its title (the keys overlay names it).
        self._screen_titles: WeakKeyDictionary[Screen, str] = WeakKeyDictionary()
        #: Set by exit(): keys still queued then act on screens being torn down.
        self.quitting = False
        self.keeper = ConversationKeeper(host, bool(host.settings.keep_conversation),
                                         self._post_from_thread, self.report_once)
        self._label_order: dict[str, int] | None = None
        #: Set once the stored conversation, history and panel state are shown.
        self.restored = False
        #: Keys typed together act in their order.
        self.key_order = KeyOrder(self)

    # -- layout ------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        screen = Screen(id="_default")
        # The chat input has focus from the start, not the transcript (Textual's first
        # focusable): keys typed while the app starts are the message's first letters.
        screen.AUTO_FOCUS = "#input"  # type: ignore[misc] — this screen alone
        return screen

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
        panel.display = not self._narrow()
        self.transcript.add_answer(WELCOME)
        for record in self.host.records:
            if not record.ok:
                self.transcript.add_error(f"plugin {record.name} is unavailable: {record.error}")
        self.show_problems()
        self.chat_input.focus()
        self.call_later(self.key_order.started)  # after the focus (itself a call_later)
        self.show_indicators()
        self.call_after_refresh(self._painted)
        self.screen_change_signal.subscribe(self, self._fit_footers)
        self.set_interval(1.0, self._refresh_models)
        self._resolve_device()

    def _fit_footers(self, screen: Screen | None = None, width: int | None = None) -> None:
        """Below ``NARROW_COLUMNS`` every screen's footer is compact (one space between a
        key and its name): at 80 columns a plugin screen's keys were cut off. Every screen,
        the plugins' too, on each switch and resize."""
        narrow = (width if width is not None else self.size.width) < NARROW_COLUMNS
        for footer in (screen or self.screen).query(Footer):
            footer.compact = narrow

    def on_resize(self, event: events.Resize) -> None:
        self._fit_footers(width=event.size.width)  # self.size is still the old one here

    def _painted(self) -> None:
        self.first_paint_s = time.perf_counter() - self.started_at
        self._restore()  # after the first paint: the store opens in its worker
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

    def on_chat_input_scroll(self, event: ChatInput.Scroll) -> None:
        if event.pages < 0:
            self.transcript.scroll_page_up()  # at the top, older stored messages come
        else:
            self.transcript.scroll_page_down()

    def on_chat_input_send(self, event: ChatInput.Send) -> None:
        """Enter in the chat input: the one way text becomes a chat message or a command.

        Enter in any other input (a screen's search box, answer box, path, typing test)
        posts ``Input.Submitted``, which the app never reads: that text stays on its
        screen and reaches no annotator, listener or history.
        """
        if event.chat_input is not self.chat_input:
            return
        text = event.text
        if text.strip().startswith("/"):
            self.run_slash(text.strip())
        else:
            message = self.transcript.add_user(text)
            message.order = self.label_order()
            message.entry = self.keeper.add("user", text)
            self.delivery.send(message, text)  # in order, none dropped (message_queues.py)
            self.show_problems()

    def label_order(self) -> dict[str, int]:
        """plugin -> the rank of its labels: the host's annotator order, fixed."""
        if self._label_order is None:
            self._label_order = {}
            for plugin, _ in self.host.annotators():
                self._label_order.setdefault(plugin.name, len(self._label_order))
            self.transcript.label_order = self._label_order
        return self._label_order

    def on_message_labelled(self, event: Message.Labelled) -> None:
        self.keeper.label(event.message.entry, event.message.stored_labels())

    def run_slash(self, line: str) -> None:
        """Run a slash command: the app's own here, a plugin's in a worker."""
        message = self.transcript.add_command(line)
        name, _, args = line[1:].partition(" ")
        name = name.lower()
        if name != "clear":
            message.entry = self.keeper.add("command", line)
        if name == "help":
            self.show_help(args.strip())
            return
        if name == "runs":
            self.open_runs()
            return
        if name == "clear":
            self.clear_conversation()
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
            answer = self.transcript.add_answer(result.text, result.renderable)
            if result.text:
                answer.entry = self.keeper.add("answer", result.text)
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

    def show_help(self, name: str = "") -> None:
        """/help: the commands and the chat's keys; /help NAME: one command in full."""
        rows = self.host.help_rows()
        if name:
            row = next((r for r in rows if r["command"] == "/" + name.lstrip("/").lower()),
                       None)
            if row is None:
                self.transcript.add_error(f"no command /{name.lstrip('/')}: /help lists them")
            else:
                self.transcript.add_answer(command_detail(row))
            return
        self.transcript.add_answer(renderable=help_renderable(rows, self.chat_keys()))

    def chat_keys(self) -> list[tuple[str, str]]:
        """The keys of the chat (the input's, then the app's), for /help."""
        rows = [(key_label(k), text) for k, text in ChatInput.KEY_HELP]
        for binding in [*ChatInput.BINDINGS, *self.BINDINGS]:
            if binding.show or binding.action.startswith(("accept", "hide", "history", "scroll")):
                rows.append((key_label(binding.key), binding.tooltip or binding.description))
        return [*rows, (key_label("ctrl+p"), ACTION_HELP["command_palette"])]

    def open_runs(self) -> None:
        """Push the training-runs screen (the store opens in its worker)."""
        from textseq_tui.app.runs_screen import RunsScreen

        self._close_palette()
        screen = RunsScreen(_StoreProxy(self.host))
        self._screen_titles[screen] = "Training runs"
        self.push_screen(screen)

    def action_keys(self) -> None:
        """F1 (and ? where no text input has focus): the keys of the screen in front."""
        screen = self.screen
        if isinstance(screen, KeysOverlay):
            screen.dismiss()
            return
        title = self._screen_title(screen)
        self.push_screen(KeysOverlay(title, screen_keys(screen)))

    def _screen_title(self, screen: Screen) -> str:
        if screen is self.screen_stack[0]:
            return "the chat"
        return self._screen_titles.get(screen) or type(screen).__name__

    def action_move_focus(self, direction: str) -> None:
        """An arrow nothing under the focus takes: to the nearest box or button that way."""
        move_focus(self.screen, direction)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The side panel belongs to the chat: on a plugin's screen Ctrl+B would toggle it
        # unseen, and its footer entry took room the screen's own keys need at 80 columns.
        if action == "toggle_panel" and self.screen.id != "_default":
            return False
        return True

    def action_toggle_panel(self) -> None:
        self.panel.display = not self.panel.display
        self._save_panel(self._narrow(), bool(self.panel.display))

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
                self._screen_titles[screen] = spec.title
                self._close_palette()
                self.push_screen(screen)
                return
        self.show_problems()
        self.transcript.add_error(f"{plugin_name} has no screen called {screen_name!r}")


    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.quitting = True
        self.keeper.close()
        self.delivery.close()
        super().exit(*args, **kwargs)

    def _on_key(self, event: events.Key) -> None:
        # Textual calls App._on_key after this (every class's handler in the MRO); the keys
        # held behind this one go on after it (release is queued behind this message).
        self.key_order.done(event)

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
        if isinstance(event, events.Key) and not event.is_forwarded:
            # The one key rule of every screen (keys.py): in a text input a printable key
            # is typed, whatever binds it; elsewhere ? shows the keys and h j k l move.
            # Keys typed together act in their order (key_order.py).
            if self.key_order.take(event):
                return
            rule = rule_key(self, event)
            if rule == "keys":
                self.action_keys()
                return
            if isinstance(rule, events.Key):
                event = rule
        await super().on_event(event)


class _StoreProxy:
    """Defers opening the store to the first call, which happens in a worker thread."""

    def __init__(self, host: Host) -> None:
        self.host = host

    def runs(self) -> list[dict[str, Any]]:
        return self.host.store.runs()

    def run_metrics(self, run_id: int) -> list[dict[str, Any]]:
        return self.host.store.run_metrics(run_id)
