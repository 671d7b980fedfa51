"""The one WordNet namer: what a group of words has in common ("fruit", "athletic game").

``name_group(wordnet, words)`` returns the most specific WordNet noun synset that covers most
of the group, or None. A synset *covers* a word when one of the word's noun senses is that
synset or lies below it (hypernyms and instance hypernyms: Ohio is an American state).
Among the synsets that cover at least :data:`MIN_SHARE` of the words WordNet knows, the one
with the highest ``information content x share`` wins: specific (information content from
wordfreq counts, not depth) and covering. A word's senses count by how common they are (a
rare sense counts :data:`RARE_SENSE_WEIGHT`, the word's most frequent one 1), so each word
is read in the sense the rest of the group makes likely: *saw* among hammer and drill is the
tool, among proverb and maxim the saying.

A name is *generic* (:data:`GENERIC_NAMES`: entity, object, artifact, event, person, ...)
when it says nothing a person would use; generic synsets never win, and when nothing else
covers enough the answer is None: the caller falls back to the group's most central words.

The name shown is the synset's first lemma ("edible fruit") or a commoner one-word lemma of it
("metallic element" -> "metal"), and climbs to a direct hypernym with a commoner name that is
nearly as specific ("edible fruit" -> "fruit", "athletic game" -> "sport"). ``plural`` is the
form for sentences ("the others are all fruits").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: names that say nothing about a group (issue #28's list)
GENERIC_NAMES = frozenset({
    "entity", "physical entity", "object", "whole", "artifact", "artefact", "abstraction",
    "event", "act", "matter", "thing", "group", "psychological feature", "attribute",
    "organism", "living thing", "unit", "instrumentality", "measure", "relation",
    "communication", "cognition", "state", "person",
})
#: a name must cover at least this share of the words WordNet knows ("most of the group")
MIN_SHARE = 0.5
#: the weight of a word's rarest sense; its most frequent sense weighs 1
RARE_SENSE_WEIGHT = 0.5
#: an enclosing synset with a commoner name replaces the winner when it covers the same
#: words and is at most this much less specific (nats): "edible fruit" -> "fruit", but
#: never "bird of prey" -> "bird"
FRIENDLY_IC_LOSS = 1.0
#: ... and its name is at least this much more frequent (wordfreq Zipf, see name_zipf)
FRIENDLY_ZIPF_GAIN = 0.5
#: a one-word lemma replaces a synset's first lemma, a phrase, when it is at least this much
#: more frequent ("metallic element" -> "metal"; "musical instrument" stays)
LEMMA_ZIPF_GAIN = 1.0
#: a one-word name at least this frequent (Zipf) is kept as it is ("vegetable")
COMMON_ZIPF = 3.5
#: what each extra word of a phrase costs in name_zipf
PHRASE_ZIPF_COST = 0.5
#: only the first words of a long group are read (callers pass the most central first)
MAX_WORDS = 200


@dataclass(frozen=True)
class GroupName:
    """A group's name.

    Attributes:
        name: the name, singular ("fruit", "athletic game", "American state").
        plural: the plural ("fruits", "athletic games", "American states").
        synset: the WordNet synset named (NLTK's name, "edible_fruit.n.01").
        words: the group's words it covers, in the group's order.
        share: ``len(words)`` over the number of the group's words WordNet knows (0..1).
        senses: covered word -> the synset name of the sense read ("saw" -> "saw.n.02").
    """

    name: str
    plural: str
    synset: str
    words: tuple[str, ...]
    share: float
    senses: dict[str, str] = field(default_factory=dict)


def is_generic(name: str) -> bool:
    """True for a name that says nothing about a group ("entity", "object", "person")."""
    return name.strip().lower().replace("_", " ") in GENERIC_NAMES


def name_group(wordnet: Any, words: Sequence[str], *, min_share: float = MIN_SHARE,
               max_words: int = MAX_WORDS) -> GroupName | None:
    """The name of what most of ``words`` are (see the module docstring), or None when
    fewer than two words are known to WordNet or no specific name covers ``min_share`` of
    them. ``wordnet`` is a :class:`textseq_tui.wordnet.WordNet`."""
    readings = _readings(wordnet, words, max_words)
    if len(readings) < 2:
        return None
    cover = _cover(wordnet, readings)
    best = _best(wordnet, cover, len(readings), min_share)
    if best is None:
        return None
    covered = cover[best][1]
    best = _friendlier(wordnet, best)
    name = display_name(wordnet, best)
    return GroupName(name=name, plural=wordnet.plural(name), synset=wordnet.name(best),
                     words=tuple(covered), share=round(len(covered) / len(readings), 4),
                     senses={w: wordnet.name(s) for w, s in covered.items()})


def _readings(wordnet: Any, words: Iterable[str],
              max_words: int) -> list[tuple[str, list[tuple[int, float]]]]:
    """Each known word (first ``max_words`` distinct ones) with its noun senses and their
    weights (RARE_SENSE_WEIGHT .. 1 by SemCor tag count)."""
    out = []
    seen: set[str] = set()
    for word in words:
        key = word.strip()
        if not key or key.lower() in seen:
            continue
        seen.add(key.lower())
        if len(seen) > max_words:
            break
        senses = wordnet.senses(key, "n")
        if not senses:
            continue
        top = max(s.count for s in senses) + 1
        weights: dict[int, float] = {}
        for sense in senses:
            weight = RARE_SENSE_WEIGHT + (1 - RARE_SENSE_WEIGHT) * (sense.count + 1) / top
            weights[sense.synset] = max(weight, weights.get(sense.synset, 0.0))
        out.append((key, list(weights.items())))
    return out


def _cover(wordnet: Any, readings: list[tuple[str, list[tuple[int, float]]]]
           ) -> dict[int, tuple[float, dict[str, int]]]:
    """synset -> (summed weight of the words it covers, {word: the sense read under it})."""
    cover: dict[int, tuple[float, dict[str, int]]] = {}
    for word, senses in readings:
        best: dict[int, tuple[float, int]] = {}
        for synset, weight in senses:
            for above in (synset, *wordnet.hypernym_closure(synset)):
                if weight > best.get(above, (0.0, 0))[0]:
                    best[above] = (weight, synset)
        for above, (weight, synset) in best.items():
            total, covered = cover.get(above, (0.0, {}))
            covered[word] = synset
            cover[above] = (total + weight, covered)
    return cover


def _best(wordnet: Any, cover: dict[int, tuple[float, dict[str, int]]], known: int,
          min_share: float) -> int | None:
    best, best_score = None, 0.0
    for synset, (weight, covered) in cover.items():
        share = weight / known
        if len(covered) < 2 or len(covered) < min_share * known:
            continue
        score = wordnet.ic(synset) * share
        if score > best_score and not is_generic(display_name(wordnet, synset)):
            best, best_score = synset, score
    return best


def _friendlier(wordnet: Any, best: int) -> int:
    """Climb to a direct hypernym whose name is commoner (by :func:`name_zipf`, at least
    FRIENDLY_ZIPF_GAIN more) while the name is a phrase or a rare word and the climb loses at
    most FRIENDLY_IC_LOSS in all: "edible fruit" -> "fruit", "athletic game" -> "sport",
    "placental" -> "mammal"; never "bird of prey" -> "bird" (2.6 nats less specific), nor
    "vegetable" -> "produce" (a common word already)."""
    floor = wordnet.ic(best) - FRIENDLY_IC_LOSS
    while True:
        name = display_name(wordnet, best)
        here = name_zipf(wordnet, name)
        if " " not in name and here >= COMMON_ZIPF:
            return best
        options = [p for p in wordnet.parents(best)
                   if wordnet.ic(p) >= floor
                   and name_zipf(wordnet, display_name(wordnet, p)) >= here + FRIENDLY_ZIPF_GAIN
                   and not is_generic(display_name(wordnet, p))]
        if not options:
            return best
        best = max(options, key=wordnet.ic)


def name_zipf(wordnet: Any, name: str) -> float:
    """How common a name is: wordfreq's Zipf frequency of a word; for a phrase, that of its
    rarest word less PHRASE_ZIPF_COST per extra word (wordfreq estimates a phrase from its
    words, which makes "edible fruit" look as common as "edible")."""
    parts = name.split()
    known = [z for z in (wordnet.zipf(p) for p in parts) if z > 0]  # "of" is no lemma
    return min(known, default=0.0) - PHRASE_ZIPF_COST * (len(parts) - 1)


def display_name(wordnet: Any, synset: int) -> str:
    """A synset's name for people: its first lemma with spaces ("fire engine"), or a
    one-word lemma of it that is commoner ("metallic element" -> "metal")."""
    lemmas = [lemma.replace("_", " ") for lemma in wordnet.lemma_names(synset)]
    first = lemmas[0]
    if " " not in first:
        return first
    single = [lemma for lemma in lemmas if " " not in lemma]
    if single:
        common = max(single, key=wordnet.zipf)
        if wordnet.zipf(common) >= name_zipf(wordnet, first) + LEMMA_ZIPF_GAIN:
            return common
    return first
