"""The chat transcript: user messages with annotations, command answers, errors."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.markup import MarkupError
from textual.widgets import Static

from textseq_tui.plugin import Annotation, escape


class Message(Static):
    """One transcript entry. Annotations are appended as they arrive from workers."""

    DEFAULT_CSS = """
    Message { padding: 0 1; margin: 0 0 1 0; }
    Message.user { color: $text; }
    Message.answer { color: $text-muted; }
    Message.error { color: $error; }
    """

    def __init__(self, text: str, kind: str = "user") -> None:
        super().__init__(classes=kind)
        self.raw = text
        self.kind = kind
        self.annotations: list[tuple[str, Annotation]] = []

    def on_mount(self) -> None:
        self._render_message()

    def add_annotation(self, source: str, annotation: Annotation) -> None:
        self.annotations.append((source, annotation))
        self._render_message()

    def _render_message(self) -> None:
        if self.kind != "user":
            return
        body = Text("you: ", style="bold")
        offset = len(body.plain)
        body.append(self.raw)
        for _, annotation in self.annotations:
            for span in annotation.spans:
                start = max(0, min(span.start, len(self.raw)))
                end = max(start, min(span.end, len(self.raw)))
                body.stylize(span.style, offset + start, offset + end)
        for _source, annotation in self.annotations:
            body.append(f"  [{annotation.label}]", style="italic cyan")
        self.update(body)


#: Entries kept on screen: a long session (or a monkey) must not make every layout slower
#: and slower; older entries are dropped from the view (the store keeps what matters).
MAX_ENTRIES = 150


class Transcript(VerticalScroll):
    """A scrolling list of Messages; keeps the newest in view (the top of an answer taller
    than the view, so that a long answer such as /help reads from its first line). Only the
    last ``MAX_ENTRIES`` entries are kept."""

    DEFAULT_CSS = """
    Transcript { height: 1fr; border: round $primary-background; }
    """

    def _mount_entry(self, message: Message) -> None:
        self.mount(message)
        old = [m for m in self.children if isinstance(m, Message)][:-MAX_ENTRIES]
        if old:
            self.remove_children(old)

    def add_user(self, text: str) -> Message:
        message = Message(text, "user")
        self._mount_entry(message)
        self.scroll_end(animate=False)
        return message

    def add_answer(self, text: str = "", renderable: Any = None) -> Message:
        message = Message(text, "answer")
        try:
            message.update(renderable if renderable is not None else text)
        except MarkupError:
            # A plugin's text that is not valid markup (unescaped user or model text) is
            # shown as it is: never a crash of the app.
            message.update(Text(text))
        self._mount_entry(message)
        # After layout: scroll the answer's top to the top of the view. Scrolling is clamped
        # at the end, so a short answer simply ends up at the bottom, as with scroll_end.
        self.call_after_refresh(self.scroll_to_widget, message, animate=False, top=True)
        return message

    def add_error(self, text: str) -> Message:
        message = Message(text, "error")
        message.update(f"[b]![/b] {escape(text)}")
        self._mount_entry(message)
        self.scroll_end(animate=False)
        return message

    def entries(self) -> list[str]:
        """Plain text of every entry (tests and copy-out)."""
        out = []
        for message in self.query(Message):
            rendered = message.render()
            out.append(rendered.plain if hasattr(rendered, "plain") else str(rendered))
        return out
