"""The tokenizer keeps what carries sentiment: emoticons, negations, URLs, mentions."""

from hypothesis import given, settings
from hypothesis import strategies as st
from textseq_plugins.sentiment.tokens import TextPipeline, tokenize, words


def test_emoticons_negations_urls_and_mentions_are_tokens():
    toks = words("@ann I don't like http://x.co/a :( but :D #Happy soooo good!!!")
    assert toks == ["<user>", "i", "do", "not", "like", "<url>", ":(", "but", ":D", "happy",
                    "soo", "good", "!!"]


def test_raw_and_pretokenised_negations_give_the_same_bigram():
    p = TextPipeline()
    for text in ("it doesn't work", "it does n't work", "it does not work"):
        assert "not work" in p.analyze(text)
    assert words("I cannot") == ["i", "can", "not"]


def test_stop_words_never_drop_negations():
    p = TextPipeline(stop_words=True)
    assert p.words("this is not the best") == ["not", "best"]
    assert "not best" in p.analyze("this is not the best")


def test_spans_point_at_the_token_text():
    text = "Great   movie :) @bob"
    spans = [(t, text[s:e]) for t, s, e in tokenize(text)]
    assert spans == [("great", "Great"), ("movie", "movie"), (":)", ":)"), ("<user>", "@bob")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_fast_path_gives_the_same_tokens_as_the_span_path(text):
    toks = tokenize(text)
    assert [t for t, _, _ in toks] == words(text)
    for _, start, end in toks:
        assert 0 <= start < end <= len(text)
