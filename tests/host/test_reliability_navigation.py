"""Navigation when events race (issue 17): each case the monkey found, as a plain test.

``test_reliability_monkey.py`` finds these by mashing keys; here each is driven on purpose,
with a small fake plugin that has a screen (its Escape binding is ``app.pop_screen``, as the
shipped plugins' screens have).
"""

from __future__ import annotations

from fakes import EchoPlugin, record
from helpers import wait_for, wait_until, wait_until_quiet
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from textseq_tui.app.main import TextseqApp
from textseq_tui.app.palette import SafePalette
from textseq_tui.host import Host
from textseq_tui.plugin import CommandResult, OpenScreen, Plugin, ScreenSpec, SlashCommand


class Board(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self):
        yield Static("board", id="board")


class WithScreen(Plugin):
    name = "boards"

    def slash_commands(self):
        return [SlashCommand("board", "opens the board",
                             lambda a, c: CommandResult(open_screen=OpenScreen("board")))]

    def screens(self):
        return [ScreenSpec("board", "Board game", lambda ctx, **kw: Board())]


def make_app(home) -> TextseqApp:
    return TextseqApp(Host(home=home, device="cpu",
                           records=[record(EchoPlugin()), record(WithScreen())]))


def burst(app: TextseqApp, *keys: str) -> None:
    """Post keys without waiting for any of them to be handled (fast typing)."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def names(app: TextseqApp) -> list[str]:
    return [type(s).__name__ for s in app.screen_stack]


def stack_is(app: TextseqApp, *expected: str):
    return lambda: names(app) == list(expected)


async def open_palette_on(pilot, app: TextseqApp, query: str) -> SafePalette:
    burst(app, "ctrl+p", *query)
    await wait_until(lambda: isinstance(app.screen, SafePalette), what="the palette")
    palette = app.screen
    from textual.command import CommandList

    assert await wait_for(pilot, lambda: palette.query_one(CommandList).option_count > 0)
    return palette


async def test_two_queued_enters_in_the_palette_run_one_command_and_close_only_it(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_palette_on(pilot, app, "Board game")
        burst(app, "down", "enter", "enter", "enter")
        await wait_until(stack_is(app, "Screen", "Board"), what="the board")
        await wait_until_quiet(app)
        assert names(app) == ["Screen", "Board"]  # opened once; the chat not popped
        burst(app, "escape")
        await wait_until(stack_is(app, "Screen"), what="back to the chat")
        assert app.is_running


async def test_a_palette_selection_queued_over_the_chat_alone_does_not_crash(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_palette_on(pilot, app, "/echo")  # prefill: back to the chat
        burst(app, "enter", "enter", "enter")
        await wait_until(lambda: names(app) == ["Screen"]
                         and app.chat_input.value.startswith("/echo "), what="the prefill")
        await wait_until_quiet(app)
        assert names(app) == ["Screen"] and app.is_running
        assert app.chat_input.value.startswith("/echo ")


async def test_a_pop_asked_by_a_screen_that_is_not_on_top_is_ignored(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)):
        app.open_screen("boards", "board")
        app.open_screen("boards", "board")
        await wait_until(stack_is(app, "Screen", "Board", "Board"), what="two boards")
        lower = app.screen_stack[1]
        # Not awaited (call_later awaits what a callback returns: a screen awaiting its own
        # removal would wait forever), as a binding or handler of that screen would call it.
        lower.call_later(lambda: [app.pop_screen()])  # in the lower board's own context
        await wait_until_quiet(app)
        assert names(app) == ["Screen", "Board", "Board"]
        app.screen.call_later(lambda: [app.pop_screen()])  # the top one may leave
        await wait_until(stack_is(app, "Screen", "Board"), what="the top board gone")
        await wait_until_quiet(app)
        assert names(app) == ["Screen", "Board"]


async def test_popping_the_last_screen_is_a_no_op(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)):
        app.pop_screen()
        burst(app, "escape", "escape")
        await wait_until_quiet(app)
        assert names(app) == ["Screen"] and app.is_running


async def test_ctrl_p_escape_ctrl_p_in_a_burst_opens_one_palette(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)):
        burst(app, "ctrl+p", "escape", "ctrl+p", "escape", "ctrl+p", "escape")
        await wait_until_quiet(app)
        assert app.is_running and names(app) == ["Screen"]  # no DuplicateIds
        burst(app, "ctrl+p")
        await wait_until(stack_is(app, "Screen", "SafePalette"), what="one palette")
        await wait_until_quiet(app)
        assert names(app) == ["Screen", "SafePalette"]


async def test_page_down_right_after_a_search_does_not_crash(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)):
        for _ in range(5):
            burst(app, "ctrl+p", "b", "pagedown", "pageup", "pagedown", "escape")
            await wait_until_quiet(app)
        assert names(app) == ["Screen"] and app.is_running


async def test_a_screen_opening_while_the_palette_is_open_closes_the_palette(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)):
        burst(app, "ctrl+p")
        await wait_until(stack_is(app, "Screen", "SafePalette"), what="the palette")
        app.open_screen("boards", "board")  # a command typed earlier answers now
        await wait_until(stack_is(app, "Screen", "Board"), what="the board alone")
        await wait_until_quiet(app)
        assert names(app) == ["Screen", "Board"]
        burst(app, "ctrl+p")
        await wait_until(stack_is(app, "Screen", "Board", "SafePalette"),
                         what="the palette over the board")


async def test_a_late_worker_of_a_closed_screen_is_logged_not_fatal_nor_shown(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)):
        app.open_screen("boards", "board")
        await wait_until(stack_is(app, "Screen", "Board"), what="the board")
        board = app.screen
        burst(app, "escape")
        await wait_until(stack_is(app, "Screen"), what="the board closed")

        async def finds_its_widgets_gone() -> None:
            board.query_one("#nothing-here")

        board.run_worker(finds_its_widgets_gone())  # as a load finishing after Escape
        await wait_until(lambda: app.late_errors, timeout=30, what="the late error logged")
        await wait_until_quiet(app)
        assert app.is_running and names(app) == ["Screen"]
        assert len(app.late_errors) == 1 and "NoMatches" in app.late_errors[0]
        assert not [e for e in app.transcript.entries() if "boards" in e and "failed" in e]


async def test_a_worker_failing_in_an_open_plugin_screen_is_shown_and_closes_it(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)):
        app.open_screen("boards", "board")
        await wait_until(stack_is(app, "Screen", "Board"), what="the board")

        async def fails() -> None:
            raise RuntimeError("weights vanished")

        app.screen.run_worker(fails())
        await wait_until(lambda: any("boards screen failed: RuntimeError: weights vanished"
                                     in e for e in app.transcript.entries()),
                         what="the failure in the transcript")
        await wait_until(stack_is(app, "Screen"), what="the board closed")
        assert app.is_running


def _patched_app(monkeypatch, on_mount):
    import textseq_tui.app.main as main

    class Patched(main.TextseqApp):
        def _painted(self) -> None:
            on_mount(self)

        def run(self, **kwargs):
            return super().run(headless=True, **kwargs)

    monkeypatch.setattr(main, "TextseqApp", Patched)


def test_textseq_exits_non_zero_when_the_app_ends_on_an_unhandled_error(cli, monkeypatch):
    def boom(app) -> None:
        raise RuntimeError("a bug in the app itself")

    _patched_app(monkeypatch, boom)
    result = cli()
    assert result.exit_code == 1


def test_textseq_exits_zero_on_a_clean_quit(cli, monkeypatch):
    _patched_app(monkeypatch, lambda app: app.exit())
    result = cli()
    assert result.exit_code == 0
