"""The one WordNet namer (textseq_tui.wordnet_namer) on hand-made groups."""

from __future__ import annotations

import pytest

from textseq_tui.ml import GENERIC_NAMES, is_generic_name, name_group
from textseq_tui.wordnet import WordNet, shipped_model_dir


@pytest.fixture(scope="module")
def wordnet() -> WordNet:
    return WordNet(shipped_model_dir())


@pytest.mark.parametrize(("words", "name", "plural"), [
    ("apple pear banana cherry", "fruit", "fruits"),
    ("apple pear", "fruit", "fruits"),  # not "pome": a name few people know climbs further
    ("hammer saw drill wrench", "tool", "tools"),
    ("soccer tennis golf", "sport", "sports"),
    ("violin cello harp", "stringed instrument", "stringed instruments"),
    ("hawk eagle owl falcon", "bird of prey", "birds of prey"),
    ("ohio texas utah", "American state", "American states"),
    ("carrot potato onion", "vegetable", "vegetables"),
    ("shirt trousers jacket dress", "clothing", "clothing"),
])
def test_names_of_hand_made_groups(wordnet, words, name, plural):
    named = name_group(wordnet, words.split())
    assert named is not None and (named.name, named.plural) == (name, plural)
    assert named.share == 1.0 and set(named.words) == set(words.split())


def test_sports_are_never_an_event(wordnet):
    named = name_group(wordnet, ["soccer", "tennis", "golf"])
    assert named is not None and not is_generic_name(named.name)
    assert named.name not in ("event", "act", "activity")


def test_each_word_is_read_in_the_sense_the_group_makes_likely(wordnet):
    tools = name_group(wordnet, ["hammer", "saw", "drill"])
    sayings = name_group(wordnet, ["proverb", "maxim", "saw"])
    assert tools.senses["saw"] == "saw.n.02"  # the hand tool
    assert sayings.senses["saw"] == "proverb.n.01"  # a saying
    assert sayings.name == "saying"


def test_most_of_the_group_is_enough(wordnet):
    named = name_group(wordnet, ["apple", "pear", "banana", "cherry", "hammer"])
    assert named.name == "fruit" and named.share == 0.8 and "hammer" not in named.words


def test_nothing_specific_or_too_little_known_gives_none(wordnet):
    assert name_group(wordnet, ["qwzx", "zzxq", "xqqz"]) is None  # not words at all
    assert name_group(wordnet, ["apple"]) is None
    assert name_group(wordnet, []) is None
    # only a generic synset covers these: the caller's fallback (central words) shows instead
    assert name_group(wordnet, ["banana", "democracy", "sadness"]) is None


def test_generic_names_are_the_issue_list():
    assert is_generic_name("entity") and is_generic_name("Physical_Entity")
    assert not is_generic_name("fruit")
    assert len(GENERIC_NAMES) == 24


def test_a_mixed_group_is_named_through_related_forms(wordnet):
    # the core of a --vocab 20000 cluster: teams, nouns and verb forms; no category covers
    # half of it as nouns, its words read through derivations and domains do
    words = ("hitter inning sox yankees pitcher mets mariners dodgers hits innings pitch "
             "streak angels homer pitched batting starter pitching rays twins").split()
    named = name_group(wordnet, words)
    assert named is not None and (named.name, named.kind) == ("baseball", "related")
    assert named.plural == "words about baseball"  # "the others are all words about baseball"
    assert {"pitched", "batting", "inning"} <= set(named.words)


def test_a_topical_group_is_named_by_what_its_definitions_name(wordnet):
    # the core of a --vocab 20000 cluster: no category, subject or related form covers half
    words = ("comic movie comedy film animated drama films fantasy story character episode "
             "novel characters hollywood classic movies theme roles scenes documentary").split()
    named = name_group(wordnet, words)
    assert named is not None and (named.name, named.plural, named.kind) == (
        "film", "words about film", "topic")
    assert {"movie", "documentary", "film"} <= set(named.words) and "novel" not in named.words


def test_a_topical_group_is_named_by_the_word_family_its_words_share(wordnet):
    # the core of a --vocab 20000 cluster: nothing else covers half of it; five of its words
    # share a stem and a derivation link with "prison"
    words = ("prisoners detainees freed prisoner guantanamo imprisoned custody inmates prison "
             "detention executed amnesty jailed asylum prisons abused tortured deported "
             "interrogation offenders").split()
    named = name_group(wordnet, words)
    assert named is not None and (named.name, named.plural, named.kind) == (
        "prison", "words about prison", "family")
    assert {"prisoners", "imprisoned", "prisons"} <= set(named.words)
    assert "inmates" not in named.words
    # a family of two words among twenty names nothing; "part" is not in "partial"
    assert name_group(wordnet, ["prison", "prisons", "banana", "democracy", "sadness",
                                "tall", "quickly", "partial", "part"]) is None


def test_a_sports_group_is_named_by_the_subject_above_its_words_subjects(wordnet):
    # the core of a --vocab 20000 cluster: its words' subjects are football, basketball,
    # baseball...; no one of them covers half, the sport above them does
    words = ("foul fouls kicking punching throwing penalty offense punches bench penalties "
             "referee errors punch fielding wasted whistle sack referees ejected fielded").split()
    named = name_group(wordnet, words)
    assert named is not None and (named.name, named.plural, named.kind) == (
        "sport", "words about sport", "subject")
    assert {"referee", "foul", "fielding"} <= set(named.words)
    # a rare sense's subject names nothing: "include" in chemistry, "local" in medicine
    mixed = name_group(wordnet, ("addition several large small includes separate various "
                                 "primarily including local main building").split())
    assert mixed is None or mixed.kind != "subject"


def test_adverbs_and_adjectives_together_are_a_last_resort(wordnet):
    words = ("inherently manner morally incapable totally utterly incredibly sufficiently "
             "politically attitude deemed honest acceptable physically mentally appealing "
             "engaging differently technically intelligent").split()
    named = name_group(wordnet, words)
    assert named is not None and (named.name, named.kind) == (
        "adjectives and adverbs", "part of speech")
    assert {"utterly", "honest"} <= set(named.words) and "manner" not in named.words
    # a group of feelings keeps its category: the last resort comes after it
    feelings = name_group(wordnet, ("wary hesitant cautious anxious worried skeptical fearful "
                                    "worrying confident calm optimistic nervous").split())
    assert feelings is not None and feelings.name != "adjectives and adverbs"
