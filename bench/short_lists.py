"""Short lists of the kind people paste (3 to 30 words), generated with their true groups.

Issue #28's generator: each list holds 1 to 5 groups of 2 to 6 common words; a group is a
WordNet category at the granularity a person names (fruit, vegetable, tool, bird, country;
not "edible fruit" against "berry"), given by :data:`CATEGORIES` (synset names chosen by
hand for that granularity before any clustering was scored). A word belongs to a category
when its first noun sense is the category or lies below it, or its second when the first is an
abstraction no one lists among things (:func:`_readings`: "saw" is a tool); words are single
lower-case words of wordfreq Zipf >= :data:`MIN_ZIPF` with a GloVe vector. The categories of
one list are never nested (no "dog" beside "mammal") and a word is left out of a list when
any of its noun senses also lies below another of the list's categories (a person could not
tell where "orange" goes beside fruits and colours either).

The categories are split once, by a seeded shuffle, into a *tuning* half (the short-list
method's constants were chosen on lists drawn from it) and a *test* half (the figures
reported); :func:`concept_lists` draws the same kind of lists from the AP and BLESS
categories (../shared/data/embeddings/concept-categorization), never used for tuning.

    python bench/short_lists.py [--half tune|test] [-n 10]   # prints a few lists
"""

from __future__ import annotations

import argparse
import csv
import random
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONCEPTS = ROOT.parent / "shared" / "data" / "embeddings" / "concept-categorization"
#: categories at the granularity a person names a group (WordNet 3.0 synsets)
CATEGORIES = (
    "mammal.n.01 bird.n.01 fish.n.01 insect.n.01 reptile.n.01 tree.n.01 flower.n.01 "
    "vegetable.n.01 edible_fruit.n.01 edible_nut.n.01 herb.n.01 beverage.n.01 alcohol.n.01 "
    "dessert.n.01 cheese.n.01 bread.n.01 meat.n.01 sauce.n.01 candy.n.01 pasta.n.01 "
    "spice.n.02 cereal.n.01 dish.n.02 tool.n.01 weapon.n.01 musical_instrument.n.01 "
    "furniture.n.01 clothing.n.01 footwear.n.02 headdress.n.01 jewelry.n.01 container.n.01 "
    "building.n.01 room.n.01 fabric.n.01 toy.n.01 boat.n.01 aircraft.n.01 car.n.01 "
    "home_appliance.n.01 kitchen_utensil.n.01 computer.n.01 road.n.01 shop.n.01 "
    "metal.n.01 gem.n.02 rock.n.01 mineral.n.01 fuel.n.01 relative.n.01 "
    "athlete.n.01 musician.n.01 military_officer.n.01 professional.n.01 criminal.n.01 "
    "clergyman.n.01 ruler.n.01 city.n.01 country.n.02 american_state.n.01 "
    "continent.n.01 body_of_water.n.01 planet.n.01 month.n.01 day_of_the_week.n.01 "
    "season.n.02 chromatic_color.n.01 emotion.n.01 sport.n.01 game.n.01 disease.n.01 "
    "natural_language.n.01 religion.n.02 science.n.01 dance.n.01 "
    "monetary_unit.n.01 linear_unit.n.01 body_part.n.01 internal_organ.n.01 bone.n.01 "
    "weather.n.01 crime.n.01 document.n.01 family.n.01 vehicle.n.01"
).split()
MIN_ZIPF = 3.0
#: a word's second noun sense counts too when its first is one of these abstractions and the
#: word is at least SECOND_SENSE_ZIPF common: "saw" (a saying first) is a tool, so the lists
#: hold words with several senses, as people's lists do
ABSTRACT = frozenset({"noun.communication", "noun.cognition", "noun.act", "noun.attribute",
                      "noun.state", "noun.feeling", "noun.relation", "noun.motive",
                      "noun.event", "noun.process"})
SECOND_SENSE_ZIPF = 3.5
#: SemCor tags a polysemous word's first noun sense needs (see _dominant)
MIN_TAGS = 2
#: a word WordNet lists with one sense is taken for a surname up to this census rank
NAME_RANK = 10_000
#: a category needs this many common words to be drawn from
MIN_MEMBERS = 6
#: a category's words are drawn from its most frequent ones
TOP_MEMBERS = 40
SPLIT_SEED = 28
GROUPS = (1, 5)
GROUP_SIZE = (2, 6)


@lru_cache(maxsize=1)
def _glove() -> frozenset[str]:
    from textseq_tui.ml import glove_words

    return frozenset(glove_words()[:100_000])


def category_members(wordnet, synset_name: str) -> list[str]:
    """The common words whose first noun sense is the category or below it, most
    frequent first (at most :data:`TOP_MEMBERS`)."""
    root = wordnet.synset(synset_name)
    glove = _glove()
    found = []
    for s in [root, *wordnet.hyponym_closure(root)]:
        for lemma in wordnet.lemma_names(s):
            if not lemma.isalpha() or not lemma.islower() or lemma not in glove:
                continue
            if len(lemma) < 3 or wordnet.zipf(lemma) < MIN_ZIPF or not _plain(wordnet, lemma):
                continue
            nouns = wordnet.synsets(lemma, "n")
            if any(s == root or root in wordnet.hypernym_closure(s)
                   for s in _readings(wordnet, lemma, nouns)):
                found.append(lemma)
    ranked = sorted(set(found), key=lambda w: (-wordnet.zipf(w), w))
    return ranked[:TOP_MEMBERS]


def _readings(wordnet, word: str, nouns: list[int]) -> list[int]:
    """The noun senses a person listing things would mean: the first when it is what the
    word means (:func:`_dominant`); the first two when the first is an abstraction no one
    lists among things ("saw": a saying first, the tool second) and the word is common
    (Zipf >= SECOND_SENSE_ZIPF)."""
    if len(nouns) > 1 and wordnet.lexname(nouns[0]) in ABSTRACT and (
            wordnet.zipf(word) >= SECOND_SENSE_ZIPF):
        return nouns[:2]
    return nouns[:1] if _dominant(wordnet, word) else []


def _dominant(wordnet, word: str) -> bool:
    """The word's first noun sense is what it means: it has no other sense, or annotators
    chose that sense at least :data:`MIN_TAGS` times and for at least half of all the word's
    tags (any part of speech): "apple", "dog"; not "hood" (a criminal first, but rarely
    tagged), "entire" (a stallion, but an adjective first)."""
    senses = wordnet.senses(word)
    if len(senses) == 1:
        return True
    total = sum(s.count for s in senses)
    return senses[0].count >= MIN_TAGS and 2 * senses[0].count >= total


def _plain(wordnet, word: str) -> bool:
    """A word a person would write for a thing: a noun first, and not a person's name that
    WordNet happens to list as one thing ("clarence" a carriage, "marc" a brandy)."""
    senses = wordnet.senses(word)
    if not senses or wordnet.pos(senses[0].synset) != "n":
        return False
    given, surname = wordnet.person_name(word)
    return len(senses) > 1 or (not given and not 0 < surname <= NAME_RANK)


def split_categories(wordnet) -> dict[str, dict[str, list[str]]]:
    """``{"tune": {category: words}, "test": {...}}``: the categories with enough words,
    shuffled with :data:`SPLIT_SEED` and cut in half."""
    usable = {}
    for name in CATEGORIES:
        words = category_members(wordnet, name)
        if len(words) >= MIN_MEMBERS:
            usable[name] = words
    names = sorted(usable)
    random.Random(SPLIT_SEED).shuffle(names)
    half = len(names) // 2
    return {"tune": {n: usable[n] for n in sorted(names[:half])},
            "test": {n: usable[n] for n in sorted(names[half:])}}


def _nested(wordnet, a: str, b: str) -> bool:
    sa, sb = wordnet.synset(a), wordnet.synset(b)
    return sa == sb or sa in wordnet.hypernym_closure(sb) or sb in wordnet.hypernym_closure(sa)


def _under(wordnet, word: str, category: str) -> bool:
    root = wordnet.synset(category)
    return any(s == root or root in wordnet.hypernym_closure(s)
               for s in wordnet.synsets(word, "n"))


def wordnet_lists(wordnet, categories: dict[str, list[str]], count: int,
                  seed: int) -> list[list[tuple[str, str]]]:
    """``count`` lists, each ``[(word, category), ...]`` in a shuffled order."""
    rng = random.Random(seed)
    names = sorted(categories)
    out = []
    while len(out) < count:
        wanted = rng.randint(*GROUPS)
        chosen: list[str] = []
        for name in rng.sample(names, len(names)):
            if not any(_nested(wordnet, name, other) for other in chosen):
                chosen.append(name)
            if len(chosen) == wanted:
                break
        rows: list[tuple[str, str]] = []
        used: set[str] = set()
        for name in chosen:
            pool = [w for w in categories[name] if w not in used
                    and not any(_under(wordnet, w, other) for other in chosen if other != name)]
            size = min(rng.randint(*GROUP_SIZE), len(pool))
            if size < GROUP_SIZE[0]:
                continue
            for word in rng.sample(pool, size):
                rows.append((word, name))
                used.add(word)
        if len({c for _, c in rows}) != len(chosen) or len(rows) < 3:
            continue
        rng.shuffle(rows)
        out.append(rows)
    return out


def concept_categories() -> dict[str, dict[str, list[str]]]:
    """``{"ap": {category: words}, "bless": {...}}`` (words with a GloVe vector); {} when
    ../shared/data is absent."""
    out: dict[str, dict[str, list[str]]] = {}
    glove = _glove()
    for name in ("ap", "bless"):
        path = CONCEPTS / f"{name}.csv"
        if not path.is_file():
            continue
        cats: dict[str, list[str]] = {}
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                word = row["word"].strip()
                if word and word in glove:
                    cats.setdefault(row["category"], []).append(word)
        out[name] = cats
    return out


def concept_lists(categories: dict[str, list[str]], count: int,
                  seed: int) -> list[list[tuple[str, str]]]:
    """Lists of 1 to 5 groups of 2 to 6 words from a concept-categorization set's categories
    (a word in two categories is left out of lists that hold both)."""
    rng = random.Random(seed)
    names = sorted(categories)
    out = []
    while len(out) < count:
        chosen = rng.sample(names, rng.randint(*GROUPS))
        rows: list[tuple[str, str]] = []
        for name in chosen:
            others = {w for o in chosen if o != name for w in categories[o]}
            pool = [w for w in categories[name] if w not in others]
            size = min(rng.randint(*GROUP_SIZE), len(pool))
            rows += [(w, name) for w in rng.sample(pool, size)]
        if len(rows) >= 3:
            rng.shuffle(rows)
            out.append(rows)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", default="tune", choices=("tune", "test", "ap", "bless"))
    parser.add_argument("-n", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from textseq_tui.wordnet import WordNet, shipped_model_dir

    wordnet = WordNet(shipped_model_dir())
    if args.half in ("ap", "bless"):
        lists = concept_lists(concept_categories()[args.half], args.n, args.seed)
    else:
        halves = split_categories(wordnet)
        for half, cats in halves.items():
            print(half, len(cats), ", ".join(f"{wordnet.label(wordnet.synset(c))} "
                                             f"({len(w)})" for c, w in cats.items()))
        lists = wordnet_lists(wordnet, halves[args.half], args.n, args.seed)
    for rows in lists:
        groups: dict[str, list[str]] = {}
        for word, cat in rows:
            groups.setdefault(cat, []).append(word)
        print(" ".join(w for w, _ in rows), "  ->  ",
              " | ".join(f"{c.split('.')[0]}: {' '.join(ws)}" for c, ws in groups.items()))


if __name__ == "__main__":
    main()
