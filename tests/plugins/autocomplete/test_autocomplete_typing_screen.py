"""The typing test in the typing session (Textual Pilot, 80x24, keys only): a seeded test
played with scripted keys, its figures to the character, records that mean something (save,
discard, too short, bests per mode), paste refused, the mode remembered, nothing learned."""

from __future__ import annotations

from helpers import screen_app, wait_for
from textseq_plugins.autocomplete.screen import SaveOrDiscard, TypingScreen
from textseq_plugins.autocomplete.sessions import load_sessions, personal_bests
from textseq_plugins.autocomplete.typing_prompts import common_prompt
from textseq_plugins.autocomplete.typing_test_view import TypingInput, TypingTestPanel
from textual.events import Paste


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _open(host, **kwargs) -> tuple:
    """The plugin's context, a clock the test moves, the typing screen and its app."""
    ctx = host.plugin("autocomplete").context
    clock = Clock()
    screen = TypingScreen(ctx, clock=clock, **kwargs)
    return ctx, clock, screen, screen_app(screen)


def _key(ch: str) -> str:
    return {" ": "space", "\b": "backspace"}.get(ch, ch)


async def _start(pilot, screen: TypingScreen) -> TypingTestPanel:
    panel = screen.query_one(TypingTestPanel)
    await wait_for(pilot, lambda: panel.test is not None, what="the prompt")
    return panel


async def _type(pilot, clock: Clock, keys: str, step: float) -> None:
    for ch in keys:
        await pilot.press(_key(ch))
        clock.t += step


async def test_a_seeded_words_test_scores_to_the_character_and_is_saved(host) -> None:
    ctx, clock, screen, app = _open(host, mode="10w", seed=11)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await _start(pilot, screen)
        words = common_prompt(11).take(10)
        assert panel.test.target == words  # the seed decides the words
        # a typo in the first word, fixed; the second word's first letter wrong, left so;
        # the rest typed right: one key every 0.25 s
        first, second = words[0], words[1]
        script = (first[:-1] + "#\b" + first[-1] + " " + "#" + second[1:] + " "
                  + " ".join(words[2:]))
        await _type(pilot, clock, script, 0.25)
        await wait_for(pilot, lambda: screen.result is not None, what="the result")
        r = screen.result
        # hand count: keys = len(script); the last key lands (len - 1) * 0.25 s after the first
        seconds = (len(script) - 1) * 0.25
        right_words = [first] + words[2:]
        # WPM: characters of the 9 right words + a space after each right word but the last
        wpm_chars = sum(map(len, right_words)) + len(right_words) - 1
        typed_chars = sum(map(len, words)) + 9  # raw: the final text, 9 spaces, no deletions
        assert r.seconds == seconds
        assert r.wpm == round(wpm_chars / 5 * 60 / seconds, 2)
        assert r.raw_wpm == round(typed_chars / 5 * 60 / seconds, 2)
        # accuracy: every key but the Backspace; wrong: '#' twice, the space after word 2
        pressed = len(script) - 1
        assert r.errors == 3
        assert r.accuracy == round(100 * (pressed - 3) / pressed, 2)
        assert (r.chars.incorrect, r.chars.extra, r.chars.missed) == (1, 0, 0)
        shown = str(screen.query_one("#result").render())
        assert f"{r.wpm:.0f} wpm" in shown and f"accuracy {r.accuracy:.1f} %" in shown
        assert screen.query("SpeedChart")  # the per-second line
        await wait_for(pilot, lambda: "Enter" in str(screen.query_one("#result").render()))
        await pilot.press("enter")  # saves
        await wait_for(pilot, lambda: screen.result_saved)
        await pilot.press("escape")  # saved: leaves without asking
        await wait_for(pilot, lambda: app.screen is not screen)
    rows = ctx.store.rows("sessions")
    assert len(rows) == 1 and rows[0]["mode"] == "words 10" and rows[0]["seed"] == 11
    assert (rows[0]["wpm"], rows[0]["accuracy"], rows[0]["errors"]) == (r.wpm, r.accuracy, 3)
    assert rows[0]["prompt"] == "common words" and rows[0]["keystrokes_saved"] == 0
    # the test's words are not the typist's own: nothing learned
    assert ctx.store.rows("texts") == [] and ctx.store.rows("words") == []


async def test_a_timed_test_ends_on_time_and_esc_asks_to_save_or_discard(host) -> None:
    ctx, clock, screen, app = _open(host, mode="15", seed=2)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await _start(pilot, screen)
        text = " ".join(panel.test.target[:12])
        await _type(pilot, clock, text, 0.2)
        clock.t = panel.test.started + 15.0  # time is up: the timer ends it
        await wait_for(pilot, lambda: screen.result is not None, what="the end of the test")
        assert screen.result.seconds == 15.0 and len(screen.result.per_second) == 15
        await pilot.press("x")  # after the end: not typed
        assert panel.test.typed[-1] == text.split()[-1]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveOrDiscard))
        await pilot.press("escape")  # Back: still here, unsaved
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveOrDiscard))
        await pilot.press("d")  # discard, and leave
        await wait_for(pilot, lambda: app.screen not in (screen,) and
                       not isinstance(app.screen, SaveOrDiscard))
    assert ctx.store.rows("sessions") == []


async def test_a_short_test_is_not_saved_and_bests_are_per_mode(host) -> None:
    ctx, clock, screen, app = _open(host, mode="10w", seed=5)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await _start(pilot, screen)
        await _type(pilot, clock, " ".join(panel.test.target), 0.05)  # 10 words in ~3 s
        await wait_for(pilot, lambda: screen.result is not None)
        assert "not saved: 10 words" in str(screen.query_one("#result").render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("not saved" in str(n.message)
                                          for n in app._notifications))
        await pilot.press("tab")  # a new test at once (nothing worth asking about)
        await wait_for(pilot, lambda: screen.result is None and panel.test is not None
                       and not panel.test.typed[0])
        await _type(pilot, clock, " ".join(panel.test.target), 0.3)  # slow enough to keep
        await wait_for(pilot, lambda: screen.result is not None)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.result_saved)
        assert panel.test.mode.label == "words 10" and screen.seed == 7
    sessions = load_sessions(ctx.store)
    assert [s.mode for s in sessions] == ["words 10"]
    best = sessions[0].wpm
    ctx.store.insert("sessions", {"started": 1.0, "seconds": 60.0, "chars": 900, "words": 150,
                                  "keystrokes": 900, "keystrokes_saved": 0, "accepts": 0,
                                  "wpm": 150.0, "mode": "time 60", "prompt": "common words"})
    sessions = load_sessions(ctx.store)
    assert personal_bests(sessions, "words 10")["best_wpm"] == best  # 60 s is apart
    assert personal_bests(sessions, "time 60")["best_wpm"] == 150.0


async def test_paste_is_refused_and_the_mode_is_remembered(host) -> None:
    ctx, clock, screen, app = _open(host, mode="25w", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await _start(pilot, screen)
        screen.query_one(TypingInput).post_message(Paste(" ".join(panel.test.target)))
        await wait_for(pilot, lambda: any("paste is off" in str(n.message)
                                          for n in app._notifications))
        assert panel.test.started is None and panel.test.typed == [""]
        await pilot.press("ctrl+t")  # nothing typed: switches at once
        await wait_for(pilot, lambda: screen.mode.label == "words 50"
                       and panel.test.mode.label == "words 50")
    assert ctx.state.get("typing_mode") == "words 50"
    assert TypingScreen(ctx).mode.label == "words 50"  # the next /type opens in it


async def test_a_missing_prompt_file_falls_back_and_says_so(host, tmp_path) -> None:
    ctx, _, screen, app = _open(host, mode="10w", seed=4)
    ctx.settings["typing_text"] = str(tmp_path / "gone.txt")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await _start(pilot, screen)
        assert panel.test.target == common_prompt(4).take(10)
        await wait_for(pilot, lambda: any("no such file" in str(n.message)
                                          for n in app._notifications))
        assert "common words instead" in str(screen.query_one("#help").render())


async def test_keys_while_the_next_prompt_loads_go_nowhere(host, monkeypatch) -> None:
    import threading

    from textseq_plugins.autocomplete import typing_prompts

    ready = threading.Event()
    ready.set()
    real = typing_prompts.prompt_for

    def slow_prompt_for(settings, seed):
        ready.wait(10)  # as wordfreq's first read: held while the test says so
        return real(settings, seed)

    monkeypatch.setattr(typing_prompts, "prompt_for", slow_prompt_for)
    ctx, clock, screen, app = _open(host, mode="10w", seed=3)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await _start(pilot, screen)
        ready.clear()
        await pilot.press("ctrl+t")  # words 25: its prompt is on its way
        await wait_for(pilot, lambda: "loading the words" in panel.query_one("#prompt").text())
        await _type(pilot, clock, "abc d", 0.1)  # not into the test being replaced
        assert panel.test is None
        ready.set()
        await wait_for(pilot, lambda: panel.test is not None, what="the next prompt")
        assert panel.test.mode.label == "words 25" and panel.test.typed == [""]
        assert panel.query_one("#prompt").text().split()[:5] == common_prompt(4).take(5)


async def test_the_prompt_follows_a_theme_change_and_redraws_only_changed_lines(host) -> None:
    from textseq_plugins.autocomplete.typing_test_view import PromptView

    ctx, clock, screen, app = _open(host, mode="10w", seed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await _start(pilot, screen)
        view = screen.query_one(PromptView)

        def untyped_style() -> str:  # the style of the second word, not typed yet
            return str(view.render_line(0)._segments[2].style)

        await wait_for(pilot, lambda: "#121212" in untyped_style(), what="the dark theme")
        first = view.render_line(0)
        await _type(pilot, clock, panel.test.target[0][0], 0.2)
        assert view.render_line(0) is not first  # the line typed on: drawn again
        kept = view.render_line(1) if len(view.lines) > 1 else None
        await _type(pilot, clock, panel.test.target[0][1:2], 0.2)
        assert kept is None or view.render_line(1) is kept  # a line not typed on: kept
        app.theme = "textual-light"
        await wait_for(pilot, lambda: "#e0e0e0" in untyped_style(), what="the light theme")
