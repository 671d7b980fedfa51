"""The chat input never loses or selects what is typed, and accepting ghost text never
leaves a double space (#24 item 1)."""

from __future__ import annotations

import pytest
from fakes import EchoPlugin, record
from helpers import wait_for

from textseq_tui.app.chat_input import ChatInput
from textseq_tui.app.main import TextseqApp
from textseq_tui.host import Host


@pytest.fixture
def echo_host(home):
    return Host(home=home, device="cpu", records=[record(EchoPlugin())])


async def test_tab_and_shift_tab_without_ghost_text_keep_focus_and_draft(echo_host) -> None:
    app = TextseqApp(echo_host)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatInput)
        await pilot.press(*"xyzzy plugh")  # the provider has nothing for this
        await pilot.press("tab", *"abc")
        assert app.focused is chat and chat.value == "xyzzy plughabc"
        await pilot.press("shift+tab", "d")  # used to come back with the draft selected
        assert app.focused is chat and chat.value == "xyzzy plughabcd"


async def test_tab_after_esc_hid_the_ghost_text_keeps_focus(echo_host) -> None:
    app = TextseqApp(echo_host)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatInput)
        await pilot.press(*"hel")
        await wait_for(pilot, lambda: chat.ghost == "lo world")
        await pilot.press("escape", "tab", "shift+tab", "p")
        assert app.focused is chat and chat.value == "help"


async def test_the_palette_and_the_keys_overlay_leave_the_draft_unselected(echo_host) -> None:
    app = TextseqApp(echo_host)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatInput)
        await pilot.press(*"draft")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: app.screen is not app.screen_stack[0])
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is chat)
        await pilot.press("x")
        assert chat.value == "draftx"  # was "x": focus came back with the draft selected
        await pilot.press("f1")
        await wait_for(pilot, lambda: app.screen is not app.screen_stack[0])
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is chat)
        await pilot.press("y")
        assert chat.value == "draftxy"


async def test_accepting_never_leaves_a_double_space(echo_host) -> None:
    app = TextseqApp(echo_host)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatInput)
        await pilot.press(*"/ec")
        await wait_for(pilot, lambda: chat.ghost == "ho ")
        await pilot.press("right", "space", *"hi")  # → took "/echo " and a typed space
        assert chat.value == "/echo hi"
        chat.value = ""
        await pilot.press(*"/ec")
        await wait_for(pilot, lambda: chat.ghost == "ho ")
        await pilot.press("shift+tab", "space", "x")
        assert chat.value == "/echo x"
        chat.value = ""
        await pilot.press(*"hello", "space")
        await wait_for(pilot, lambda: chat.ghost == "world")
        await pilot.press("tab")
        assert chat.value == "hello world"


def test_accepted_piece_takes_no_space_twice() -> None:
    from textseq_tui.app.chat_input import accepted_piece

    assert accepted_piece("hello", " world ", whole=True) == " world"
    assert accepted_piece("hello ", " world", whole=False) == "world"
    assert accepted_piece("hel", "lo there ", whole=False) == "lo"
    assert accepted_piece("hello", "  ", whole=True) == ""


async def test_up_recalls_across_runs_and_keys_typed_in_inputs_are_text(echo_host) -> None:
    app = TextseqApp(echo_host)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.restored)
        await pilot.press(*"first ?hjkl", "enter")
        from textseq_tui.conversation import Conversation

        stored = Conversation(lambda: echo_host.store)
        await wait_for(pilot, lambda: stored.recent_inputs() == ["first ?hjkl"])
    app = TextseqApp(echo_host)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatInput)
        await wait_for(pilot, lambda: app.restored)
        await pilot.press("up")
        assert chat.value == "first ?hjkl"
