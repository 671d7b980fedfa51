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


def burst(app, keys: list[str]) -> None:
    """Keys arriving together, as a fast typist's or a stalled app's do (tmux, a paste of
    keys): each posted at once, none waited on."""
    from textual import events

    for key in keys:
        name = {" ": "space"}.get(key, key)
        char = key if len(key) == 1 else None
        app.post_message(events.Key(name, char))


async def test_a_burst_of_keys_is_applied_in_the_order_typed(echo_host) -> None:
    """Editing keys (Backspace, Ctrl+U) and Tab act where they were typed among the letters
    around them: a binding that reaches the input after the letters typed after it deleted
    those letters (Ctrl+U then "I am" came out " am")."""
    app = TextseqApp(echo_host)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatInput)
        await wait_for(pilot, lambda: app.focused is chat)
        burst(app, [*"old draft", "ctrl+u", *"I am", "backspace", "backspace", *"am"])
        await wait_for(pilot, lambda: chat.value == "I am", what=f"'I am', not {chat.value!r}")
        burst(app, ["ctrl+u", *"xyzzy", "tab", *"ab", "shift+tab", *"cd"])
        await wait_for(pilot, lambda: chat.value == "xyzzyabcd",
                       what=f"'xyzzyabcd', not {chat.value!r}")
        burst(app, ["ctrl+u", *"one", "enter", *"two"])
        await wait_for(pilot, lambda: chat.value == "two", what=f"'two', not {chat.value!r}")
        await wait_for(pilot, lambda: any(e.startswith("you: one")
                                          for e in app.transcript.entries()))


async def test_keys_typed_while_the_app_starts_go_into_the_chat(echo_host) -> None:
    """Keys the terminal hands over before the first paint are the message's first letters
    (Textual focused the transcript first, and they were lost)."""

    class TypedAtOnce(TextseqApp):
        def on_mount(self) -> None:  # runs before TextseqApp's (Textual calls both)
            burst(self, [*"early"])

    app = TypedAtOnce(echo_host)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one(ChatInput)
        await wait_for(pilot, lambda: chat.value == "early", what=f"'early', not {chat.value!r}")


async def test_page_up_and_down_in_the_chat_scroll_the_conversation(echo_host) -> None:
    app = TextseqApp(echo_host)
    async with app.run_test(size=(80, 24)) as pilot:
        for n in range(30):
            app.transcript.add_answer(f"line {n}")
        await wait_for(pilot, lambda: app.transcript.max_scroll_y > 0)
        app.transcript.scroll_end(animate=False)
        await wait_for(pilot, lambda: app.transcript.scroll_y == app.transcript.max_scroll_y)
        bottom = app.transcript.scroll_y
        await pilot.press("pageup")
        await wait_for(pilot, lambda: app.transcript.scroll_y < bottom, what="scrolled up")
        assert app.focused is app.chat_input
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: app.transcript.scroll_y == bottom, what="back down")
    assert {"PgUp", "PgDn"} <= {key for key, _ in app.chat_keys()}  # /help names them
