"""The plugin in the host: slash command, annotator, personal model, stored scores."""

import pytest
from textseq_plugins.sentiment.datasets import Label, parse_label, read_user_file
from textseq_plugins.sentiment.personal import pa_update

from textseq_tui.plugin import BadInput


def test_slash_command_scores_and_explains(host):
    res = host.run_command("/sentiment I hate this, it is terrible")
    assert res.data["score"] < 0
    assert res.data["words"][0][1] < 0
    assert "sentiment -" in res.text


def test_slash_command_without_text_opens_the_screen(host):
    res = host.run_command("/sentiment")
    assert res.open_screen is not None and res.open_screen.name == "sentiment"


def test_annotator_labels_and_marks_the_driving_words(host):
    (_, annotator), = [(p, a) for p, a in host.annotators() if p.name == "sentiment"]
    text = "What a wonderful surprise :)"
    ann = annotator.annotate(text)
    assert ann.label.startswith("sentiment +")
    assert ann.spans and all(0 <= s.start < s.end <= len(text) for s in ann.spans)
    assert any(text[s.start:s.end].lower() == "wonderful" for s in ann.spans)
    assert annotator.annotate("   ") is None


def test_shown_scores_are_stored_with_the_model_version(host):
    host.run_command("/sentiment lovely")
    plugin = host.plugin("sentiment")
    rows = plugin.context.store.rows("scores")
    model = plugin.scorer().model
    assert rows[-1]["model"] == "sentiment-enet" and rows[-1]["version"] == model.version
    assert plugin.scores(plugin.context.store)[0]["scored"] >= 1


def test_correction_persists_across_hosts_and_reset_restores(home):
    from textseq_tui.host import Host

    text = "my train is late again"
    first = Host(home=home, device="cpu").plugin("sentiment").scorer()
    base = first.model.score(text)
    corr = first.correct(text, "-0.9")
    assert abs(corr.after - -0.9) <= 0.05 + 1e-9
    second = Host(home=home, device="cpu").plugin("sentiment").scorer()
    assert second.score(text)["score"] == pytest.approx(corr.after, abs=1e-3)
    assert second.reset() > 0
    third = Host(home=home, device="cpu").plugin("sentiment").scorer()
    assert third.score(text)["score"] == pytest.approx(base, abs=1e-4)


def test_hinge_update_only_moves_when_the_margin_is_violated(host):
    model = host.plugin("sentiment").scorer().model
    text = "what a fantastic, brilliant day"
    changed, corr = pa_update(model, {}, text, "neg")
    assert corr.before > 0 and corr.after == pytest.approx(-0.43, abs=1e-6) and changed
    again, corr2 = pa_update(model, changed, text, "neg")
    assert again == {} and corr2.after == pytest.approx(corr.after)  # already right


def test_labels_are_checked():
    assert parse_label("POS") == Label(0.44, 1, True)
    assert parse_label("-0.25") == Label(-0.25, 0, False)
    assert parse_label(" 0 ") == Label(0.0, None, False)
    for bad in ("maybe", "2", "", "nan", "inf", "-1.5"):
        with pytest.raises(BadInput):
            parse_label(bad)


@pytest.mark.parametrize("word, target, binary", [
    ("positive", 0.44, 1), ("Negative", -0.43, 0), ("+", 0.44, 1), ("-", -0.43, 0),
    ("pos", 0.44, 1), ("NEG", -0.43, 0), ("1", 1.0, 1), ("-0.5", -0.5, 0), ("0", 0.0, None)])
def test_a_training_file_and_a_correction_read_a_label_alike(tmp_path, word, target, binary):
    """The cases the two parsers once disagreed on ("positive", "+", "-" were taken by
    `sentiment correct` and refused in a training file): one rule for both now."""
    path = tmp_path / "mine.tsv"
    path.write_text(f"{word}\tsome text\n")
    data = read_user_file(path)
    assert data.targets == [pytest.approx(target)] and data.binary == [binary]
    assert parse_label(word).target == pytest.approx(target)


def test_a_bad_label_in_a_training_file_names_its_line(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text("pos\tfine\nnan\tbroken\n")
    with pytest.raises(BadInput, match=r"mine.tsv:2: label nan is outside -1..\+1"):
        read_user_file(path)


def test_shipped_model_generalises_to_a_set_it_never_saw(host, shared_data):
    # MPQA phrases are not in the default training data (see the model card)
    from textseq_plugins.sentiment.datasets import load_named

    data = load_named("mpqa", shared_data / "sentiment")
    model = host.plugin("sentiment").scorer().model
    hits = [(model.score(t) > 0) == (b == 1) for t, b in zip(data.texts, data.binary, strict=False)]
    assert sum(hits) / len(hits) > 0.75
