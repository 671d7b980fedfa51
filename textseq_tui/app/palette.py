"""Command-palette provider: every plugin's slash commands and screens."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual import on
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.widgets import Button, Input, OptionList


class PluginCommands(Provider):
    """Lists ``/commands`` (inserted into the chat input) and plugin screens (opened)."""

    def _entries(self):
        app = self.app
        host = app.host  # type: ignore[attr-defined]
        for name, bound in sorted(host.commands.items()):
            yield (f"/{name}  ({bound.plugin.name})", bound.command.help,
                   partial(app.prefill_command, name))
        for plugin, spec in host.screens():
            yield (f"Open {spec.title}  ({plugin.name})", spec.help or spec.title,
                   partial(app.open_screen, plugin.name, spec.name))
        yield ("/help", "list the chat commands", partial(app.prefill_command, "help"))
        yield ("Training runs", "every plugin's training runs and their loss curves",
               app.open_runs)

    async def discover(self) -> Hits:
        for label, help_text, callback in self._entries():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, callback in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)


class SafePalette(CommandPalette):
    """The command palette, closed once however many selections were queued.

    Textual's palette handles every queued selection (Enter on a highlighted command while
    the list is being refilled, a click and an Enter): each one dismisses the palette again
    (popping whatever screen is now on top, or raising ``ScreenStackError`` when only the
    chat is left) and runs its command again. A keystroke queued behind the selection
    (``Input.Changed``) starts a new search worker on the closed palette, which fails once
    its widgets are gone. Here the first selection or escape closes the palette and stops
    its search; later selections and keystrokes are dropped before Textual's handlers see
    them.
    """

    closed = False

    @on(OptionList.OptionSelected)
    @on(OptionList.OptionHighlighted)
    @on(Input.Changed)
    @on(Input.Submitted)
    @on(Button.Pressed)
    def _drop_after_close(self, event: Message) -> None:
        if self.closed:
            event.stop()
            event.prevent_default()  # the base class's handlers do not run

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if self.closed or not self.is_active:
            return AwaitComplete.nothing()
        self.closed = True
        self.workers.cancel_node(self)
        return super().dismiss(result)

    def _action_command_list(self, action: str) -> None:
        # PageUp/PageDown read line indexes the list builds when it is next drawn: right after
        # a search refilled it, Textual's OptionList raised KeyError (and the app exited).
        try:
            super()._action_command_list(action)
        except (KeyError, IndexError):
            pass
