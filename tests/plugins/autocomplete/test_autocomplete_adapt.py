"""The personal text store and the adapted character model: learn adapts, eval measures it,
forget deletes it, the app adapts in the background and swaps it in, damage falls back."""

from __future__ import annotations

import functools
import json

import pytest

MINE = ("my snorkelwick grazes beside the quiet riverbank at dawn. "
        "the snorkelwick sleeps under the old bridge. ") * 60  # ~6,200 chars


@pytest.fixture
def ready(host, tiny, monkeypatch):
    from textseq_plugins.autocomplete import adapt

    host.plugin("autocomplete").context.settings["model"] = "tiny"
    # a few quick steps for the tiny model (the shipped defaults take ~1 min on a core)
    monkeypatch.setattr(adapt, "AdaptOptions", functools.partial(
        adapt.AdaptOptions, steps=25, min_steps=25, min_chars=1000, batch=8, seq_len=48,
        lr=3e-3))
    return host


def test_adapting_lowers_the_nats_of_the_users_text_and_round_trips(tiny, tmp_path) -> None:
    from textseq_plugins.autocomplete.adapt import (
        AdaptOptions,
        adapt_net,
        load_adapted,
        save_adapted,
    )

    opts = AdaptOptions(steps=30, min_steps=30, min_chars=1000, batch=8, seq_len=48, lr=3e-3)
    before = tiny.nats_per_char(MINE[:600])
    adapted = adapt_net(tiny, MINE, opts)
    assert adapted.info["steps"] == 30
    path = tmp_path / "personal.safetensors"
    save_adapted(adapted, path, base_name="tiny", base=tiny)
    model, why = load_adapted(tiny, "tiny", path)
    assert why == "" and model is not None and model.vocab is tiny.vocab
    assert model.nats_per_char(MINE[:600]) < before - 0.3
    assert tiny.nats_per_char(MINE[:600]) == pytest.approx(before)  # the base is untouched
    # made for another model, damaged, missing: (None, why), never an exception
    assert load_adapted(tiny, "other", path)[0] is None
    path.write_bytes(b"\x00garbage" * 10)
    model, why = load_adapted(tiny, "tiny", path)
    assert model is None and "unreadable" in why
    assert load_adapted(tiny, "tiny", tmp_path / "none.safetensors") == (None, "")


def test_too_little_text_is_not_adapted(tiny) -> None:
    from textseq_plugins.autocomplete.adapt import AdaptOptions, adapt_net

    from textseq_tui.plugin import BadInput

    with pytest.raises(BadInput, match="too little"):
        adapt_net(tiny, "just a few words", AdaptOptions())


def test_the_personal_text_store_is_bounded_and_forgotten(host, monkeypatch) -> None:
    from textseq_plugins.autocomplete import history

    store = host.plugin("autocomplete").context.store
    assert history.personal_text(store) == ("", 0)
    monkeypatch.setattr(history, "MAX_TEXT_CHARS", 100)
    history.learn_texts(store, [f"message number {i} is here" for i in range(40)])
    text, last = history.personal_text(store)
    assert text.endswith("message number 39 is here") and last > 0
    assert history.summary(store)["text_chars"] < 100 + 30  # the newest ~100 chars only
    assert history.text_since(store, last) == 0
    history.learn_texts(store, ["one more"])
    assert history.text_since(store, last) == len("one more")
    assert history.forget(store) > 0
    assert history.personal_text(store) == ("", 0) and history.summary(store)["text_chars"] == 0


def test_learn_adapts_eval_uses_it_and_forget_deletes_it(cli, ready, tmp_path) -> None:
    mine = tmp_path / "mine.txt"
    mine.write_text(MINE)
    rest = tmp_path / "rest.txt"
    rest.write_text(MINE[:900])
    learned = cli("autocomplete", "learn", "--input", str(mine), "--json")
    assert learned.exit_code == 0, learned.stderr
    out = json.loads(learned.stdout)
    assert out["adapted"]["steps"] == 25 and out["adapted"]["model"] == "tiny"
    assert out["history"]["text_chars"] == len(MINE)
    withp = json.loads(cli("autocomplete", "eval", "--corpus", str(rest), "--json",
                           "--savings-chars", "300").stdout)
    nop = json.loads(cli("autocomplete", "eval", "--corpus", str(rest), "--json",
                         "--savings-chars", "300", "--no-personal").stdout)
    assert withp["adapted"] is True and nop["adapted"] is False
    assert withp["nats_per_char"] < nop["nats_per_char"] - 0.2
    # --no-adapt keeps the counts only
    quick = cli("autocomplete", "learn", "--input", str(rest), "--no-adapt", "--json")
    assert "adapted" not in json.loads(quick.stdout)
    gone = cli("autocomplete", "forget")
    assert "and the adapted model" in gone.stdout
    after = json.loads(cli("autocomplete", "eval", "--corpus", str(rest), "--json",
                           "--savings-chars", "300").stdout)
    assert after["adapted"] is False and after["personal_words"] == 0
    assert "nothing to forget" in cli("autocomplete", "forget").stdout


def test_the_app_adapts_in_the_background_and_swaps_the_model_in(ready, monkeypatch) -> None:
    import importlib

    plugin_mod = importlib.import_module("textseq_plugins.autocomplete.plugin")
    monkeypatch.setattr(plugin_mod, "ADAPT_EVERY", 3000)
    plugin = ready.plugin("autocomplete")
    provider = plugin.completion_provider()
    assert provider.suggest("the quick brown fox jumps ov")
    shipped = provider._completer.model
    listener = plugin.message_listeners()[0]
    listener.hear(MINE[:2000])
    assert plugin.personal.adapting is None  # not enough new text yet
    listener.hear(MINE[2000:4000])
    thread = plugin.personal.adapting
    assert thread is not None
    thread.join(60)
    assert not thread.is_alive() and plugin.personal.model_note == ""
    provider.suggest("my snorkelwick gra")
    adapted = provider._completer.model
    assert adapted is not shipped and "adapted" in adapted.info
    assert listener.indicator == "learning your words"


def test_a_damaged_adapted_model_falls_back_to_the_shipped_one(ready) -> None:
    from textseq_plugins.autocomplete.adapt import adapted_path

    plugin = ready.plugin("autocomplete")
    path = adapted_path(plugin.context)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a model at all")
    provider = plugin.completion_provider()
    assert provider.suggest("the quick brown fox jumps ov") == "er "  # the model alone
    listener = plugin.message_listeners()[0]
    assert "personal model unreadable" in listener.indicator  # said in the app, once logged
    assert "adapted" not in provider._completer.model.info


async def test_the_typing_session_types_with_the_adapted_model(ready) -> None:
    from textseq_plugins.autocomplete import history
    from textseq_plugins.autocomplete.adapt import adapt_home
    from textseq_plugins.autocomplete.screen import TypingScreen
    from textual.app import App

    plugin = ready.plugin("autocomplete")
    ctx = plugin.context
    history.learn_texts(ctx.store, [MINE])
    adapt_home(ctx, "tiny")
    screen = plugin.screens()[0].factory(ctx, mode="free")  # the ghost text is free typing
    assert isinstance(screen, TypingScreen)

    class Harness(App):
        def on_mount(self) -> None:
            self.push_screen(screen)

    async with Harness().run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if screen.completer is not None:
                break
        assert "adapted" in screen.completer.model.info
        assert screen.completer.personal.unigrams["snorkelwick"] == 120
