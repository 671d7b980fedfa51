"""Puzzle generation from the WordNet categories: seeded, named, unambiguous, distinct."""

from __future__ import annotations

import pytest
from textseq_plugins.odd_one_out.puzzles import (
    MAX_SEED,
    Categories,
    PuzzleGenerator,
    block_list,
    is_blocked,
    stop_words,
)

from textseq_tui.plugin import BadInput


def test_same_seed_same_puzzles_other_seed_other_puzzles(categories):
    def run(seed: int) -> list:
        gen = PuzzleGenerator(categories, seed=seed)
        return [gen.next(d) for d in ("easy", "medium", "hard", "medium")]

    assert run(7) == run(7)
    assert [p.items for p in run(7)] != [p.items for p in run(8)]
    assert PuzzleGenerator(categories, seed=7).make(1, "medium") == run(7)[1]


def test_every_puzzle_is_named_and_unambiguous(categories):
    names = {c.name: k for k, c in enumerate(categories.categories)}
    singular = {c.singular for c in categories.categories}
    stops, blocked = stop_words(), block_list()
    for difficulty in ("easy", "medium", "hard"):
        gen = PuzzleGenerator(categories, seed=3, size=5)
        for _ in range(40):
            p = gen.next(difficulty)
            assert len(set(p.items)) == 5 and p.intruder in p.items
            k = names[p.category]
            assert p.intruder_category in singular
            # the group is in the category; the intruder is not, in any sense
            assert all(w in categories.categories[k].words for w in p.group())
            assert not categories.belongs(p.intruder, k)
            assert all(w not in stops and w not in blocked for w in p.items)
            assert p.reveal().startswith(f"The others are all {p.category}; {p.intruder} is ")


def test_groups_are_distinct_within_a_batch(categories):
    gen = PuzzleGenerator(categories, seed=11)
    groups = [gen.next("hard").group() for _ in range(200)]
    assert len(set(groups)) == 200


def test_difficulty_follows_the_category_distance(categories):
    cats = categories.categories
    names = {c.name: k for k, c in enumerate(cats)}
    for difficulty in ("easy", "medium", "hard"):
        gen = PuzzleGenerator(categories, seed=5)
        for _ in range(30):
            p = gen.next(difficulty)
            other = next(k for k, c in enumerate(cats) if c.singular == p.intruder_category
                         and p.intruder in c.words)
            assert other in cats[names[p.category]].partners[difficulty]
    fruit = cats[names["fruits"]]
    assert names["vegetables"] in fruit.partners["hard"]
    assert names["musical instruments"] in fruit.partners["easy"]


def test_bad_seed_difficulty_and_size_are_one_line_errors(categories):
    with pytest.raises(BadInput, match="difficulty"):
        PuzzleGenerator(categories).next("impossible")
    with pytest.raises(BadInput, match="3 to 9"):
        PuzzleGenerator(categories, size=12)
    with pytest.raises(BadInput, match="out of range"):
        PuzzleGenerator(categories, seed=-1)
    with pytest.raises(BadInput, match="out of range"):
        PuzzleGenerator(categories, seed=MAX_SEED + 1)


def test_a_small_category_source_says_how_many_it_can_make():
    data = {"categories": [
        {"name": "fruits", "singular": "a fruit", "words": ["apple", "pear", "plum"],
         "partners": {"easy": [1]}},
        {"name": "tools", "singular": "a tool", "words": ["hammer", "saw", "drill"],
         "partners": {"easy": [0]}}],
        "words": {}}
    gen = PuzzleGenerator(Categories(data), seed=1)
    assert gen.capacity("easy") == 2
    assert {gen.next("easy").category for _ in range(2)} == {"fruits", "tools"}
    with pytest.raises(BadInput, match="ran out of new easy groups after 2 puzzles"):
        gen.next("easy")
    with pytest.raises(BadInput, match="no hard pairs"):
        gen.next("hard")
    with pytest.raises(BadInput, match="not a categories file"):
        Categories({"categories": [{"name": "x"}], "words": {}})
    data["categories"][0]["partners"]["easy"] = [7]
    with pytest.raises(BadInput, match="out of range"):
        Categories(data)


def test_block_list_and_inflections():
    assert is_blocked("fucking") and is_blocked("bitches") and not is_blocked("kingdom")
    assert "the" in stop_words()


def test_hard_intruders_prefer_a_second_sense_shared_with_the_group(categories):
    from pathlib import Path

    from textseq_plugins.odd_one_out.puzzles import PuzzleGenerator
    from textseq_plugins.odd_one_out.traps import SecondSenses

    from textseq_tui.wordnet import WordNet

    senses = SecondSenses(WordNet(Path(__file__).resolve().parents[3] / "textseq_tui"
                                  / "models" / "wordnet-3.0"))
    assert senses.shared("pea", "grape")  # both vines, neither by its first sense
    assert senses.shared("apple", "pear")  # fruit trees, by their second senses
    assert not senses.shared("saxophone", "clarinet")  # one sense each: their first meet
    gen = PuzzleGenerator(categories, seed=4, second_senses=senses)
    names = {c.name: k for k, c in enumerate(categories.categories)}
    trapped = 0
    for _ in range(30):
        p = gen.next("hard")
        group = [w for w in p.items if w != p.intruder]
        k = names[p.category]
        assert not categories.belongs(p.intruder, k)  # still one right answer
        other = next(j for j in categories.categories[k].partners["hard"]
                     if p.intruder in categories.categories[j].words)
        trapped += gen.trap(p.intruder, group, k, other) >= 2
    assert trapped >= 10  # without the preference about one in eight has a trap
