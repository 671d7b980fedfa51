"""One rule for keys on every screen, written once in the host (#24 items 5 and 6)."""

from __future__ import annotations

from fakes import EchoPlugin, record
from helpers import wait_for
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input

from textseq_tui.app.keys import KeysOverlay
from textseq_tui.app.main import TextseqApp
from textseq_tui.host import Host
from textseq_tui.plugin import Plugin, ScreenSpec


class _GridScreen(Screen):
    """A third party's screen that binds letters the rule must keep for typing."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"),
                Binding("h", "hint", "Hint", priority=True),
                Binding("space", "hint", "Hint too", priority=True)]
    KEY_HELP = [("1-4", "pick a word")]
    hints = 0

    def compose(self) -> ComposeResult:
        yield Input(id="answer")
        with Grid(id="board"):
            for word in ("ant", "bee", "cow", "doe"):
                yield Button(word, id=word)
        table: DataTable = DataTable(id="table", cursor_type="row")
        table.add_columns("n")
        for n in range(5):
            table.add_row(str(n))
        yield table

    DEFAULT_CSS = "#board { grid-size: 2; height: 8; } #table { height: 7; }"

    def action_hint(self) -> None:
        self.hints += 1


class GridPlugin(Plugin):
    name = "grid"

    def screens(self):
        return [ScreenSpec("grid", "A grid", lambda ctx, **kw: _GridScreen())]


def grid_app(home) -> TextseqApp:
    return TextseqApp(Host(home=home, device="cpu", records=[record(GridPlugin()),
                                                             record(EchoPlugin())]))


async def test_in_a_text_input_every_printable_key_is_typed(home) -> None:
    app = grid_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_screen("grid", "grid")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*"hjkl?", "space", "h")
        screen = app.screen
        assert screen.query_one(Input).value == "hjkl? h" and screen.hints == 0
        assert isinstance(app.screen, _GridScreen)  # ? typed, not the overlay


async def test_outside_inputs_hjkl_move_and_question_mark_shows_the_keys(home) -> None:
    app = grid_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_screen("grid", "grid")
        screen = await wait_for(pilot, lambda: isinstance(app.focused, Input)) and app.screen
        await pilot.press("down")  # no binding takes ↓ in an input: the box below
        assert app.focused.id == "ant"
        await pilot.press("l")
        assert app.focused.id == "bee"
        await pilot.press("j")
        assert app.focused.id == "doe"
        await pilot.press("left", "k")
        assert app.focused.id == "ant"
        await pilot.press("h")  # the screen binds h itself: its own meaning wins
        assert screen.hints == 1 and app.focused.id == "ant"
        await pilot.press("j", "j")
        assert isinstance(app.focused, DataTable)
        await pilot.press("j", "j")  # the table's own cursor
        assert app.focused.cursor_row == 2
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, KeysOverlay))
        keys = dict(app.screen.rows)
        assert keys["1-4"] == "pick a word" and keys["Esc"] == "back"
        assert "h j k l" in keys and "?" in keys
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_f1_shows_the_keys_everywhere_even_in_the_chat_and_the_palette(home) -> None:
    app = grid_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, KeysOverlay))
        keys = dict(app.screen.rows)
        assert {"Tab", "Shift+Tab", "→", "Esc", "↑", "↓", "Enter"} <= set(keys)
        await pilot.press("f1")  # F1 again closes it
        await wait_for(pilot, lambda: app.screen is app.screen_stack[0])
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: len(app.screen_stack) == 2)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, KeysOverlay))


async def test_help_fits_one_entry_a_line_at_80_columns(home) -> None:
    app = grid_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"/help", "enter")
        await wait_for(pilot, lambda: any("Keys in the chat" in e
                                          for e in app.transcript.entries()))
        help_text = next(e for e in app.transcript.entries() if "Keys in the chat" in e)
        lines = help_text.splitlines()
        for row in app.host.help_rows():
            assert sum(line.lstrip().startswith(row["command"] + " ") for line in lines) == 1
        assert all(len(line) <= 76 for line in lines)
        assert any(line.lstrip().startswith("Shift+Tab") for line in lines)
        await pilot.press(*"/help echo", "enter")
        await wait_for(pilot, lambda: "/echo WORDS\nrepeat the words (echo)"
                       in app.transcript.entries())


class _FooterScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        from textual.widgets import Footer

        yield Footer()


class FooterPlugin(Plugin):
    name = "footed"

    def screens(self):
        return [ScreenSpec("footed", "A footer", lambda ctx, **kw: _FooterScreen())]


async def test_footers_are_compact_below_100_columns_and_offer_no_panel_key_off_the_chat(
        home) -> None:
    from textual.widgets import Footer

    app = TextseqApp(Host(home=home, device="cpu", records=[record(FooterPlugin())]))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.first_paint_s is not None)
        assert app.screen.query_one(Footer).compact
        assert app.check_action("toggle_panel", ())
        app.open_screen("footed", "footed")
        await wait_for(pilot, lambda: isinstance(app.screen, _FooterScreen))
        await pilot.pause()
        assert app.screen.query_one(Footer).compact
        assert app.check_action("toggle_panel", ()) is False
        await pilot.resize_terminal(120, 36)
        await wait_for(pilot, lambda: not app.screen.query_one(Footer).compact)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, _FooterScreen))
        assert not app.screen.query_one(Footer).compact
        assert app.check_action("toggle_panel", ())
