"""Keys act in the order they were typed, also when they arrive together (a fast typist, a
paste of keys through tmux, or an app busy loading a model while the user types on).

Textual sends a printable key straight to the focused input, but a key that a binding handles
takes another path: a priority binding (the chat's Tab) runs at once, before the letters typed
just before it reach the input; any other (Backspace, Ctrl+U, Enter) bubbles back up to the
app, and the letters typed just after it reach the input first. Both lose or scramble text:
``Ctrl+U`` then ``I am`` came out `` am``.

So while a text input has focus, a key that is not typed waits its turn: it is handled once
the input has taken every key before it, and the keys after it wait (held here) until it has
been handled everywhere it goes. A key whose way is cut (the input closed, a handler kept it)
lets the keys after it go on after :data:`GIVE_UP_S`. Keys typed while the app starts wait
for its input to have focus. The app's own keys (Ctrl+P, F1, Ctrl+Q) act at once, and the
command palette's query takes keys as Textual gives them.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.command import CommandPalette
from textual.widget import Widget

from textseq_tui.app.keys import is_text_input

#: How long held keys wait for the key before them at most (seconds).
GIVE_UP_S = 0.5


class KeyOrder:
    """The app's gate for keys (one per app): :meth:`take` each key as it arrives."""

    #: In flight until the app's first screen has its input focused: keys typed while the
    #: app starts wait for it.
    STARTING = events.Key("starting", None)

    def __init__(self, app: Any) -> None:
        self.app = app
        self.held: list[events.Key] | None = []  # None: no key in flight
        self.in_flight: events.Key | None = self.STARTING

    def started(self) -> None:
        """The chat input has focus: the keys typed so far go there."""
        self.done(self.STARTING)

    def take(self, event: events.Key) -> bool:
        """True when the key is taken care of here (held, typed, or queued behind the keys
        before it); False when the app handles it as usual (no text input has focus)."""
        if self.held is not None:
            self.held.append(event)
            return True
        widget = self.app.focused
        if not is_text_input(widget):
            return False
        if event.is_printable:
            widget._forward_event(event)  # noqa: SLF001 — typed, past priority bindings
            return True
        if isinstance(self.app.screen, CommandPalette):
            return False  # the palette's query: Textual's own keys, as they come
        if self._app_wide(widget, event.key):
            return False  # Ctrl+P, F1, Ctrl+Q: at once, as ever (they type nothing)
        self.held, self.in_flight = [], event
        if not widget.call_later(self.app.call_later, self._act, widget, event):
            self.held, self.in_flight = None, None  # the input is closing: as usual
            return False
        self.app.set_timer(GIVE_UP_S, lambda: self.done(event))
        return True

    def _app_wide(self, widget: Widget, key: str) -> bool:
        """True when a priority binding above ``widget`` (the app's, a screen's) takes
        ``key``."""
        try:
            chain = self.app.screen._binding_chain  # noqa: SLF001 — what Textual will use
        except Exception:  # noqa: BLE001 — no screen yet: not app-wide
            return False
        return any(binding.priority for node, bindings in chain if node is not widget
                   for binding in bindings.key_to_bindings.get(key, ()))

    async def _act(self, widget: Widget, event: events.Key) -> None:
        """The input has taken every key typed before ``event``: now handle it as Textual
        would (a priority binding, else the focused widget, bubbling up to the app's
        bindings), and see when it is done."""
        if self.app.focused is not widget or not widget.is_attached:
            # focus moved meanwhile: the key goes where it is now, first of those held
            if self.held is not None and self.in_flight is event:
                self.held.insert(0, event)
                self.done(event)
            return
        if await self.app._check_bindings(event.key, priority=True):  # noqa: SLF001
            self.done(event)
            return
        widget._forward_event(event)  # noqa: SLF001
        widget.call_later(self._after_widget, event)

    def _after_widget(self, event: events.Key) -> None:
        if event._stop_propagation or not event.bubble:  # noqa: SLF001 — kept by the widget
            self.done(event)
        # else it bubbles up to the app, whose _on_key says when it is done

    def done(self, event: events.Key) -> None:
        """``event`` has been handled: the keys held behind it go on, in order."""
        if self.in_flight is event:
            self.in_flight = None
            self.app.call_later(self._release)

    def _release(self) -> None:
        """The held keys go back to the app's queue, in order, each a message of its own
        as they came (a screen a key opens is up before the next key is read)."""
        pending, self.held = self.held or [], None
        for event in pending:
            self.app.post_message(events.Key(event.key, event.character))
