"""The chat transcript: user messages with their labels, commands, answers, errors.

Labels (the annotators' answers) always show in the same order, the order of the host's
annotators, whichever answers first. A message or label that does not render (markup that
no longer parses, a style Rich does not know, a label of a plugin no longer installed) is
shown as plain text, never an error.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.markup import MarkupError
from textual.message import Message as UIMessage
from textual.widgets import Static

from textseq_tui.conversation import Entry, StoredLabel
from textseq_tui.plugin import Annotation, Span, escape


def _style(style: str) -> Style | None:
    try:
        return Style.parse(style)
    except Exception:  # noqa: BLE001 — any style Rich cannot read is left out
        return None


class Message(Static):
    """One transcript entry. Annotations are added as they arrive from workers and kept in
    the transcript's label order."""

    DEFAULT_CSS = """
    Message { padding: 0 1; margin: 0 0 1 0; }
    Message.user { color: $text; }
    Message.answer, Message.command { color: $text-muted; }
    Message.command { text-style: bold; }
    Message.error { color: $error; }
    Message.note { color: $text-muted; text-style: italic; }
    """

    class Labelled(UIMessage):
        """A label was added to ``message`` (the app stores it)."""

        def __init__(self, message: Message) -> None:
            super().__init__()
            self.message = message

    def __init__(self, text: str, kind: str = "user", order: dict[str, int] | None = None) -> None:
        super().__init__(classes=kind)
        self.raw = text
        self.kind = kind
        self.annotations: list[tuple[str, Annotation]] = []
        #: plugin name -> rank: where its label goes (unknown plugins last, as they came)
        self.order = order or {}
        #: plugins whose labels are drawn plainly (stored by a plugin no longer installed)
        self.plain_sources: set[str] = set()
        #: the stored entry this message is (set by the app; None when not kept)
        self.entry: Any = None
        #: what an answer shows (markup or a Rich renderable)
        self.shown: Any = text

    def on_mount(self) -> None:
        self._render_message()

    def add_annotation(self, source: str, annotation: Annotation, announce: bool = True) -> None:
        self.annotations.append((source, annotation))
        last = len(self.order)
        self.annotations.sort(key=lambda item: self.order.get(item[0], last))
        self._render_message()
        if announce:
            self.post_message(self.Labelled(self))

    def stored_labels(self) -> list[StoredLabel]:
        """The labels as the conversation stores them."""
        return [StoredLabel(source, str(a.label or ""),
                            [(s.start, s.end, str(s.style), str(s.note)) for s in a.spans])
                for source, a in self.annotations]

    def _render_message(self) -> None:
        if self.kind == "user":
            self.update(user_text(self.raw, self.annotations, self.plain_sources))


class LabelledText:
    """A message and its labels, drawn so that a label wraps to the next line whole: the
    message wraps as text, then each label goes on the last line if it fits, else on a line
    of its own. (Textual and Rich both break lines at any white space, no-break spaces
    included, which split ``[out of`` / ``place? "walrus"]`` at the edge.)"""

    def __init__(self, body: Text, labels: list[Text]) -> None:
        self.body = body
        self.labels = labels

    @property
    def plain(self) -> str:
        return self.body.plain + "".join("  " + label.plain for label in self.labels)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        width = max(1, options.max_width)
        lines = list(self.body.wrap(console, width))
        for label in self.labels:
            if lines and lines[-1].cell_len + 2 + label.cell_len <= width:
                lines[-1] = Text.assemble(lines[-1], "  ", label)
            else:
                lines.append(label.copy())
        yield from lines

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        longest = max([self.body.cell_len + sum(2 + lab.cell_len for lab in self.labels),
                       *(lab.cell_len for lab in self.labels)])
        return Measurement(min(longest, 8), longest)


def user_text(raw: str, annotations: list[tuple[str, Annotation]],
              plain_sources: set[str] = frozenset()  # type: ignore[assignment]
              ) -> LabelledText:
    """A user message with its highlights and labels; a label of a source in
    ``plain_sources`` (a plugin no longer installed) is plain, and whatever does not render
    leaves the message as plain text."""
    try:
        body = Text("you: ", style="bold")
        offset = len(body.plain)
        body.append(raw)
        for source, annotation in annotations:
            if source in plain_sources:
                continue
            for span in annotation.spans:
                style = _style(str(span.style))
                start = max(0, min(int(span.start), len(raw)))
                end = max(start, min(int(span.end), len(raw)))
                if style is not None and end > start:
                    body.stylize(style, offset + start, offset + end)
        labels = [Text(f"[{annotation.label}]",
                       style="" if source in plain_sources else "italic cyan")
                  for source, annotation in annotations if str(annotation.label or "")]
        return LabelledText(body, labels)
    except Exception:  # noqa: BLE001 — whatever a label holds, the message still shows
        return LabelledText(Text(f"you: {raw}"), [])


def stored_text(entry: Entry, installed: set[str], order: dict[str, int]
                ) -> Text | LabelledText:
    """A stored entry as it was shown: a message with its labels (in ``order``; those of
    plugins not ``installed`` plain), a command, or an answer's markup (plain text when
    it no longer parses)."""
    if entry.kind == "user":
        last = len(order)
        labels = sorted(entry.labels, key=lambda lab: order.get(lab.plugin, last))
        annotations = [(lab.plugin, Annotation(lab.label, [Span(a, b, style, note)
                                                          for a, b, style, note in lab.spans]))
                       for lab in labels]
        return user_text(entry.text, annotations,
                         {lab.plugin for lab in labels if lab.plugin not in installed})
    if entry.kind == "command":
        return Text(entry.text, style="bold")
    try:
        return Text.from_markup(entry.text, style="dim")
    except Exception:  # noqa: BLE001 — markup that no longer parses: as it is
        return Text(entry.text, style="dim")


class StoredPage(Static):
    """A page of stored entries, drawn as one widget: restoring 200 entries costs one
    layout, not 200 (they do not change any more)."""

    DEFAULT_CSS = """
    StoredPage { padding: 0 1; margin: 0 0 1 0; }
    """

    def __init__(self, entries: list[Entry], installed: set[str], order: dict[str, int]
                 ) -> None:
        super().__init__()
        self.stored = entries
        self.texts = [stored_text(entry, installed, order) for entry in entries]
        from rich.console import Group

        parts: list[Any] = []
        for i, text in enumerate(self.texts):
            parts += [Text(""), text] if i else [text]  # a blank line between entries
        self.update(Group(*parts))


#: Entries kept on screen: a long session (or a monkey) must not make every layout slower
#: and slower; older entries leave the view (the store keeps them: scroll up for them).
MAX_ENTRIES = 400


class Transcript(VerticalScroll):
    """A scrolling list of Messages; keeps the newest in view (the top of an answer taller
    than the view, so that a long answer such as /help reads from its first line). Only the
    last ``MAX_ENTRIES`` entries are kept; scrolled to the top, it asks for older stored
    entries (``WantsOlder``)."""

    # The scrollbar's column is kept even while everything fits: text does not re-wrap
    # (and move down a row under a long answer just scrolled to) when it first appears.
    DEFAULT_CSS = """
    Transcript {
        height: 1fr; border: round $primary-background;
        scrollbar-gutter: stable; scrollbar-size-vertical: 1;
    }
    """

    class WantsOlder(UIMessage):
        """Scrolled to the top: the entries stored before ``before`` (an entry id)."""

        def __init__(self, before: int) -> None:
            super().__init__()
            self.before = before

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: plugin name -> the rank of its labels (the host's annotator order)
        self.label_order: dict[str, int] = {}
        #: the oldest stored entry shown, while older ones may be stored
        self.oldest_shown: int | None = None
        #: pieces of the restored page still to be laid out (0: all shown)
        self.pending_pieces = 0
        self._asked: int | None = None

    def _mount_entry(self, message: Message) -> None:
        self.mount(message)
        old = [m for m in self.children if isinstance(m, Message)][:-MAX_ENTRIES]
        if old:
            # stored pages are older still: they go too, and scrolling up reads them again
            pages = [w for w in self.children if isinstance(w, StoredPage)]
            self.remove_children([*pages, *old])
            kept = [m.entry.id for m in self.children if isinstance(m, Message)
                    and m not in old and getattr(m.entry, "id", None) is not None]
            if kept:
                self.oldest_shown, self._asked = kept[0], None

    def add_user(self, text: str) -> Message:
        message = Message(text, "user", self.label_order)
        self._mount_entry(message)
        self.scroll_end(animate=False)
        return message

    def add_command(self, line: str) -> Message:
        message = Message(line, "command")
        message.update(Text(line))
        self._mount_entry(message)
        self.scroll_end(animate=False)
        return message

    def add_answer(self, text: str = "", renderable: Any = None) -> Message:
        message = Message(text, "answer")
        _show(message, renderable if renderable is not None else text)
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

    def add_note(self, text: str) -> Message:
        """A line about the conversation itself (restored, cleared), dim."""
        message = Message(text, "note")
        message.update(Text(text))
        self._mount_entry(message)
        return message

    def restore(self, entries: list[Entry], installed: set[str], more: bool,
                note: str = "", chunk: int | None = None) -> None:
        """Put stored ``entries`` (oldest first) above everything shown, then ``note``;
        ``installed``: the plugins whose labels are drawn styled; ``more``: older ones are
        stored too. With ``chunk``, the newest ``chunk`` entries show at once and older
        ones follow a chunk a refresh (typing never waits for a long history to lay out)."""
        if not entries:
            return
        first = next(iter(self.children), None)
        pieces = [entries] if not chunk else \
            [entries[max(0, end - chunk):end] for end in range(len(entries), 0, -chunk)]
        widgets: list[Static] = [StoredPage(pieces[0], installed, self.label_order)]
        if note:
            widgets.append(Message(note, "note"))
            widgets[-1].update(Text(note))
        if first is not None:
            self.mount_all(widgets, before=first)
        else:
            self.mount_all(widgets)
        self.oldest_shown, self._asked = None, None
        self.pending_pieces = len(pieces) - 1
        self._mount_older(widgets[0], pieces[1:], installed, entries[0].id if more else None)

    def _mount_older(self, above: Static, pieces: list[list[Entry]], installed: set[str],
                     oldest: int | None) -> None:
        """Mount ``pieces`` (newest first) one per refresh above ``above``; the view stays
        at the end when it was there. Then scrolling to the top asks for entries before
        ``oldest`` (None: there are none)."""
        if above.parent is not self:
            return
        if not pieces:
            self.oldest_shown = oldest
            return

        def next_piece() -> None:
            if above.parent is not self:
                return  # cleared meanwhile
            at_end = self.scroll_y >= self.max_scroll_y
            self.pending_pieces -= 1
            page = StoredPage(pieces[0], installed, self.label_order)
            self.mount(page, before=above)
            if at_end:
                self.call_after_refresh(self.scroll_end, animate=False)
            self._mount_older(page, pieces[1:], installed, oldest)

        self.call_after_refresh(next_piece)

    def clear_entries(self) -> None:
        """Take every entry off the view."""
        self.remove_children()
        self.oldest_shown = None
        self._asked = None

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new <= 0 and old > 0 and self.oldest_shown is not None \
                and self._asked != self.oldest_shown:
            self._asked = self.oldest_shown
            self.post_message(self.WantsOlder(self.oldest_shown))

    def entries(self) -> list[str]:
        """Plain text of every entry (tests and copy-out)."""
        out: list[str] = []
        for message in self.children:
            if isinstance(message, StoredPage):
                out += [text.plain for text in message.texts]
                continue
            if not isinstance(message, Message):
                continue
            if message.kind == "user":
                out.append(user_text(message.raw, message.annotations,
                                     message.plain_sources).plain)
                continue
            rendered = message.render()
            if hasattr(rendered, "plain"):
                out.append(rendered.plain)
                continue
            import io

            from rich.console import Console

            buffer = io.StringIO()  # a table or group: drawn as the transcript's width
            Console(file=buffer, width=max(self.size.width - 4, 20)).print(message.shown)
            out.append(buffer.getvalue().rstrip("\n"))
        return out


def _show(message: Message, content: Any) -> None:
    """Show ``content`` (markup or a renderable); markup that does not parse as plain text:
    a plugin's unescaped text, or a stored answer, never stops the app."""
    message.shown = content
    try:
        message.update(content)
    except MarkupError:
        message.update(Text(str(content)))
