"""``forget`` wins over learning in flight (issue 31, item 2): a ``learn`` of a file, the
adaptation that follows it (CLI) or runs in the background (app), and the app's caches.

Each test runs a real learning and a real ``forget`` at the same time (threads on the same
home, each with its own SQLite connection, as two processes would) and then checks that
nothing of the text survives: history rows, stored text, calibration, the adapted model
file, and the words, calibration and model the app's ghost text had cached.
"""

from __future__ import annotations

import functools
import threading

import pytest

SECRET = ("my zorblaxian passphrase is quiet riverbank seventeen. "
          "the zorblaxian vault opens at dawn under the old bridge. ") * 60  # ~6,900 chars


@pytest.fixture
def ready(host, tiny, monkeypatch):
    """The tiny model in the settings, adaptation cut to 10 quick steps."""
    from textseq_plugins.autocomplete import adapt

    host.plugin("autocomplete").context.settings["model"] = "tiny"
    quick = {"steps": 10, "min_steps": 10, "min_chars": 1000, "batch": 8, "seq_len": 48}
    monkeypatch.setattr(adapt, "AdaptOptions", functools.partial(adapt.AdaptOptions, **quick))
    return host


def run_forget(cli) -> str:
    result = cli("autocomplete", "forget", "--json")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def assert_nothing_survives(plugin) -> None:
    from textseq_plugins.autocomplete import history
    from textseq_plugins.autocomplete.adapt import adapted_path

    store = plugin.context.store
    assert history.summary(store) == {"words": 0, "tokens": 0, "pairs": 0, "text_chars": 0}
    assert history.personal_text(store) == ("", 0)
    assert history.load_calibration(store) == 0.0
    assert not adapted_path(plugin.context).exists()
    assert not list(adapted_path(plugin.context).parent.glob("*staged*"))
    rows = store.execute("SELECT count(*) FROM autocomplete_texts WHERE text LIKE "
                            "'%zorblax%'").fetchone()[0]
    assert rows == 0


def test_forget_during_a_learn_stops_it_and_keeps_nothing(ready, cli, tmp_path,
                                                          monkeypatch) -> None:
    from textseq_plugins.autocomplete import history

    monkeypatch.setattr(history, "CHUNK", 256)  # ~27 pieces, each its own transaction
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    plugin = ready.plugin("autocomplete")
    store = plugin.context.store
    pieces = threading.Event()
    outcome: dict = {}

    def tick(done: int, total: int) -> None:
        if done >= 1024:
            pieces.set()  # some pieces are committed: forget now
        threading.Event().wait(0.02)  # between pieces, as a slow disk would

    def learn() -> None:
        try:
            outcome["result"] = history.learn_stream(store, str(secret), tick)
        except Exception as err:  # noqa: BLE001 — the test reads it
            outcome["error"] = err

    thread = threading.Thread(target=learn)
    thread.start()
    assert pieces.wait(30)
    assert history.summary(store)["text_chars"] > 0  # the secret had landed in the database
    run_forget(cli)
    thread.join(60)
    assert isinstance(outcome.get("error"), history.Forgotten), outcome
    assert_nothing_survives(plugin)


def test_forget_while_the_cli_adapts_discards_the_adapted_model(ready, cli, tmp_path,
                                                                monkeypatch) -> None:
    from textseq_plugins.autocomplete import adapt

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    plugin = ready.plugin("autocomplete")
    trained, forgotten = threading.Event(), threading.Event()
    real = adapt.adapt_net

    def adapt_then_wait(*args, **kwargs):
        result = real(*args, **kwargs)
        trained.set()
        assert forgotten.wait(30)  # forget runs between the training and the save
        return result

    monkeypatch.setattr(adapt, "adapt_net", adapt_then_wait)
    from textseq_plugins.autocomplete.cli import forget_everything

    forgot: dict = {}

    def forget_when_trained() -> None:  # what `textseq autocomplete forget` runs
        assert trained.wait(60)
        forgot["words"], forgot["model"] = forget_everything(plugin.context)
        forgotten.set()

    thread = threading.Thread(target=forget_when_trained)
    thread.start()
    result = cli("autocomplete", "learn", "--input", str(secret), "--json")
    thread.join(60)
    assert result.exit_code == 0, result.stderr
    assert "forgotten while adapting" in result.stdout
    assert forgot["words"] > 0 and forgot["model"] is False
    assert_nothing_survives(plugin)


def test_forget_wins_over_the_apps_background_adaptation_and_caches(ready, cli,
                                                                    monkeypatch) -> None:
    import importlib

    from textseq_plugins.autocomplete import adapt, history

    personal_mod = importlib.import_module("textseq_plugins.autocomplete.personal")
    monkeypatch.setattr(personal_mod, "ADAPT_EVERY", 3000)
    plugin = ready.plugin("autocomplete")
    personal = plugin.personal
    provider = plugin.completion_provider()
    listener = plugin.message_listeners()[0]
    personal.model("tiny")  # loaded (the app does it in its warm-up, after the words)
    provider.suggest("the zorbl")  # caches the model and the words
    trained, forgotten = threading.Event(), threading.Event()
    real = adapt.adapt_net

    def adapt_then_wait(*args, **kwargs):
        result = real(*args, **kwargs)
        trained.set()
        assert forgotten.wait(30)
        return result

    monkeypatch.setattr(adapt, "adapt_net", adapt_then_wait)
    personal.calibration = 0.05  # the session's hit rate moved the thresholds
    listener.hear(SECRET[:3500])  # learned, calibration saved, adaptation starts
    assert history.load_calibration(plugin.context.store) == pytest.approx(0.05)
    assert personal.words().unigrams.get("zorblaxian")
    assert trained.wait(60)
    run_forget(cli)  # as `textseq autocomplete forget` in another terminal
    forgotten.set()
    personal.adapting.join(60)
    assert not personal.adapting.is_alive()
    personal.sync(every=0.0)  # the app checks twice a second; at once here
    assert personal.words() is not None and not personal.words().unigrams
    provider.suggest("the zorbl")
    assert provider._completer.calibration == 0.0
    assert "adapted" not in provider._completer.model.info
    listener.hear("a new message after forgetting")  # saves the calibration: not the old one
    assert history.load_calibration(plugin.context.store) == 0.0
    assert history.summary(plugin.context.store)["words"] == 5
    assert not adapt.adapted_path(plugin.context).exists()
