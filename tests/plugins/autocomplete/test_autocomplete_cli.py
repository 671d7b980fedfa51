"""The CLI contract (complete / eval / write), slash commands and capabilities."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def ready(host, tiny):
    return host


def test_complete_json_has_the_documented_shape(cli, ready) -> None:
    result = cli("autocomplete", "complete", "the quick brown fox jumps ov", "-n", "2",
                 "--model", "tiny", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["text"] == "the quick brown fox jumps ov"
    assert out["suggestions"][0]["completion"] == "er"
    assert len(out["suggestions"]) <= 2
    assert 0 < out["suggestions"][0]["prob"] <= 1


def test_complete_reads_a_batch_from_input(cli, ready, tmp_path) -> None:
    batch = tmp_path / "in.txt"
    # "lord" is no frequent English word for "l": the text's own words (the session cache)
    # bring it in
    batch.write_text("my good lord speaks with my good l\n\nthe lazy dog waits f\n")
    result = cli("autocomplete", "complete", "--input", str(batch), "--model", "tiny", "--json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["suggestions"][0]["completion"] for d in lines] == ["ord", "or"]


def test_complete_with_an_unknown_model_names_the_known_ones(cli, ready) -> None:
    result = cli("autocomplete", "complete", "the", "--model", "tinyy")
    assert result.exit_code != 0 and "Did you mean 'tiny'" in result.stderr


def test_a_model_of_another_kind_is_refused_in_one_line(cli, ready) -> None:
    result = cli("autocomplete", "complete", "the gov", "--model", "sentiment-enet")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "'sentiment-enet' is a 'sentiment-linear' model" in result.stderr
    assert "models of kind 'char-rnn':" in result.stderr and "tiny" in result.stderr


def test_eval_reports_nats_bits_and_keystroke_savings(cli, ready, tmp_path) -> None:
    from autocomplete_synthetic import synthetic_corpus

    held_out = tmp_path / "held_out.txt"
    held_out.write_text(synthetic_corpus(40, seed=99))  # other sentences than training's
    result = cli("autocomplete", "eval", "--corpus", str(held_out), "--model", "tiny",
                 "--savings-chars", "400", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["chars"] == len(held_out.read_text())
    assert out["bits_per_char"] == pytest.approx(out["nats_per_char"] / 0.6931471805599453)
    assert out["nats_per_char"] < 0.5  # the grammar is nearly deterministic inside words
    assert out["keystroke_savings"] > 0.3


def test_write_is_reproducible_with_a_seed(cli, ready) -> None:
    args = ("autocomplete", "write", "the king ", "--chars", "40", "--seed", "1",
            "--model", "tiny", "--json")
    first, second = cli(*args), cli(*args)
    assert first.stdout == second.stdout
    assert len(json.loads(first.stdout)["continuation"]) == 40


def test_slash_commands_write_and_complete(ready, monkeypatch) -> None:
    plugin = ready.plugin("autocomplete")
    plugin.context.settings["model"] = "tiny"
    result = ready.run_command("/complete the lazy dog waits f")
    assert result.data["suggestions"][0]["completion"].startswith("or")
    written = ready.run_command("/write my good lord ")
    assert len(written.data["continuation"]) == 200
    opened = ready.run_command("/type")
    assert opened.open_screen.name == "typing"
    from textseq_tui.plugin import BadInput

    with pytest.raises(BadInput):
        ready.run_command("/write")


def test_completion_provider_capability_uses_the_registry(ready) -> None:
    plugin = ready.plugin("autocomplete")
    plugin.context.settings["model"] = "tiny"
    plugin.personal.model("tiny")  # loaded (the app does it in its warm-up, after the words)
    providers = [p for pl, p in ready.completion_providers() if pl is plugin]
    assert providers and providers[0].suggest("the quick brown fox jumps ov") == "er "


def test_model_spec_declares_the_shipped_default(ready) -> None:
    assert ready.registry.default_name("char-rnn") == "char-rnn-english"
