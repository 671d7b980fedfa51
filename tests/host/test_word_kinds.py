"""Token kinds the namer uses when WordNet has no category (textseq_tui.word_kinds)."""

from __future__ import annotations

import pytest

from textseq_tui import word_kinds
from textseq_tui.ml import name_group
from textseq_tui.wordnet import WordNet, shipped_model_dir


@pytest.fixture(scope="module")
def wordnet() -> WordNet:
    return WordNet(shipped_model_dir())


@pytest.mark.parametrize(("token", "kind"), [
    ("1985", "year"), ("1960s", "decade"), ("'90s", "decade"), ("6-3", "score"),
    ("10:30", "time"), ("24-year", "age"), ("23rd", "ordinal"), ("6,000", "number"),
    ("4.5", "number"), ("j.", "initial"), ("calif.", "abbreviation"), ("--", "symbol"),
    ("apple", None), ("3d", None),
])
def test_shapes(token, kind):
    assert word_kinds.shape(token) == kind


def test_person_names_are_not_common_words_nor_places(wordnet):
    assert word_kinds.person_name_kind(wordnet, "lisa") == "first"
    assert word_kinds.person_name_kind(wordnet, "gonzalez") == "surname"
    assert word_kinds.person_name_kind(wordnet, "brown") is None  # a colour first
    assert word_kinds.person_name_kind(wordnet, "wales") is None  # a place
    assert word_kinds.person_name_kind(wordnet, "qwzx") is None


@pytest.mark.parametrize(("words", "name"), [
    ("1985 1987 1999 1990", "years"),
    ("126 124 4.5 6,000", "numbers"),
    ("6-3 6-4 7-5", "scores"),
    ("lisa jennifer amy michelle", "first names"),
    ("gonzalez perez castillo rodriguez", "people's names"),
    ("but so because although the of", "function words"),
])
def test_groups_of_one_kind_are_named_by_it(wordnet, words, name):
    named = name_group(wordnet, words.split())
    assert named is not None and named.name == named.plural == name
    assert named.synset == "" and named.kind != "noun"


def test_verbs_and_adjectives_are_named_by_what_they_share(wordnet):
    verbs = name_group(wordnet, "fell tumbled slipped climbed".split())
    assert verbs is not None and verbs.kind == "verb" and verbs.name.startswith("ways to ")
    sizes = name_group(wordnet, "huge tiny enormous small".split())
    assert sizes is not None and sizes.name == "words for size" and sizes.kind == "adjective"


def test_a_group_of_adverbs_is_named_by_its_part_of_speech(wordnet):
    named = name_group(wordnet, "inherently utterly morally totally incredibly".split())
    assert named is not None and named.name == "adverbs" and named.kind == "part of speech"
