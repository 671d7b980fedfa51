"""What the app keeps between runs: the conversation, the Up/Down history, the side panel.

A mixin of the app. Everything is read in a thread worker after start-up (the store opens
there, never on the UI loop) and shown when it arrives; the side panel starts hidden below
``NARROW_COLUMNS`` columns and otherwise as the user left it, for that width.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import App

from textseq_tui.app.transcript import Transcript

#: Stored entries laid out per refresh at start (the newest first).
RESTORE_CHUNK = 40
#: Below this many columns the side panel starts hidden (Ctrl+B shows it).
NARROW_COLUMNS = 100


class Continuity(App):
    """Restores and keeps the conversation for :class:`TextseqApp` (which sets ``host``,
    ``keeper``, ``panel``, ``transcript``, ``chat_input`` and ``report_once``)."""

    def _narrow(self) -> bool:
        return self.size.width < NARROW_COLUMNS

    def _post_from_thread(self, fn: Any, *args: Any) -> None:
        """Run ``fn(*args)`` on the UI loop, from any thread (dropped once the app quit)."""
        try:
            self.call_from_thread(fn, *args)
        except RuntimeError:
            pass  # the app is not running any more

    @work(thread=True, group="restore")
    def _restore(self) -> None:
        """Read what the last runs left (off the UI loop: the store opens here)."""
        entries, inputs, more = self.keeper.load_start()
        try:
            panel = self.host.state.get("panel", {})
        except Exception:  # noqa: BLE001 — a state that cannot be read: the defaults
            panel = {}
        self._post_from_thread(self._show_restored, entries, inputs, more, panel)

    def _show_restored(self, entries: list[Any], inputs: list[str], more: bool,
                       panel: Any) -> None:
        shown = panel.get("narrow" if self._narrow() else "wide") \
            if isinstance(panel, dict) else None
        if isinstance(shown, bool):
            self.panel.display = shown
        self.chat_input.remember(inputs)
        if entries:
            self.label_order()
            installed = {p.name for p in self.host.plugins}
            self.transcript.restore(entries, installed, more,
                                    note=f"— {len(entries)} earlier message(s) above"
                                    f"{' (scroll up for more)' if more else ''}; "
                                    "/clear forgets them —", chunk=RESTORE_CHUNK)
            self.transcript.scroll_end(animate=False)
        self.restored = True

    def on_transcript_wants_older(self, event: Transcript.WantsOlder) -> None:
        self._load_older(event.before)

    @work(thread=True, group="restore")
    def _load_older(self, before: int) -> None:
        entries, more = self.keeper.load_older(before)
        self._post_from_thread(self._show_older, entries, more)

    def _show_older(self, entries: list[Any], more: bool) -> None:
        if not entries:
            return
        first = next(iter(self.transcript.children), None)
        self.transcript.restore(entries, {p.name for p in self.host.plugins}, more)
        if first is not None:  # the view stays on what was at its top
            self.transcript.call_after_refresh(self.transcript.scroll_to_widget, first,
                                               animate=False, top=True)

    @work(thread=True, group="state")
    def _save_panel(self, narrow: bool, shown: bool) -> None:
        try:
            state = self.host.state
            panel = state.get("panel", {})
            panel = panel if isinstance(panel, dict) else {}
            state.set("panel", {**panel, "narrow" if narrow else "wide": shown})
        except Exception as err:  # noqa: BLE001 — not kept; the app goes on
            self._post_from_thread(self.report_once, f"the panel's state was not kept: {err}")

    def clear_conversation(self) -> None:
        """/clear: the conversation leaves the screen and the store (what a plugin learned
        from it stays: each plugin has its own way to forget)."""
        self.transcript.clear_entries()
        self.chat_input.history = []
        self.chat_input.remember([])
        self._clear_stored()

    @work(thread=True, group="state")
    def _clear_stored(self) -> None:
        n = self.keeper.clear()
        kept = "" if self.keeper.enabled else " (this home keeps none: keep_conversation " \
            "is false)"
        self._post_from_thread(self.transcript.add_note,
                               f"conversation cleared: {n} stored message(s) forgotten{kept}")
