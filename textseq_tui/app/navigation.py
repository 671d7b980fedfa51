"""Screen navigation that survives racing events, and plugin screens' failures.

A mixin of the app: popping a screen only when the request is current, one command palette
at a time, and a failing plugin screen closed (its error shown once) instead of the whole
app exiting. Textual gives no public hook for some of this; each place says which.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.screen import Screen
from textual.worker import NoActiveWorker, WorkerFailed, get_current_worker

from textseq_tui.app.palette import SafePalette


class SafeNavigation(App):
    """Pop, palette and failure handling for :class:`TextseqApp` (which sets
    ``_screen_owner``, ``late_errors`` and ``report_once``)."""

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
