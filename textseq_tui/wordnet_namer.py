"""The one WordNet namer: what a group of words has in common ("fruit", "sport").

``name_group(wordnet, words)`` returns the most specific WordNet synset that covers most of
the group, or None. A synset *covers* a word when one of the word's noun senses is that
synset or lies below it (hypernyms and instance hypernyms: Ohio is an American state).
Among the synsets that cover at least :data:`MIN_SHARE` of the group's nouns (and
:data:`MIN_SHARE_OF_ALL` of all its words WordNet knows), the one with the highest
``information content x share`` wins: specific (information content from wordfreq counts,
not depth) and covering. A word's senses count by how common they are (SemCor tag counts:
a rare sense weighs :data:`RARE_SENSE_WEIGHT`, the word's commonest sense 1), so each word
is read in the sense the rest of the group makes likely: *saw* among hammer and drill is the
tool, among proverb and maxim the saying. When no kind covers enough, the topic domains of
the words' senses (any part of speech) are tried the same way: "guilty, prosecution,
acquitted, trial" -> law; "bogey, birdie, putt" -> golf.

A name is *generic* (:data:`GENERIC_NAMES`: entity, object, artifact, event, person, ...)
when it says nothing a person would use; those synsets, and every synset above a top-level
one of them (*causal agent* is above *person*), never win, and when nothing else covers
enough the answer is None: the caller falls back to the group's most central words.

The name shown is the synset's first lemma ("edible fruit") or a commoner one-word lemma of
it ("metallic element" -> "metal"), and climbs to a direct hypernym with a commoner name
that is nearly as specific ("edible fruit" -> "fruit", "athletic game" -> "sport").
``GroupName.plural`` is the form for sentences ("the others are all fruits").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

#: names that say nothing about a group (issue #28's list)
GENERIC_NAMES = frozenset({
    "entity", "physical entity", "object", "whole", "artifact", "artefact", "abstraction",
    "event", "act", "matter", "thing", "group", "psychological feature", "attribute",
    "organism", "living thing", "unit", "instrumentality", "measure", "relation",
    "communication", "cognition", "state", "person",
})
#: a name must cover at least this share of the group's words that have a noun sense (for a
#: topic domain: of all its words WordNet knows): "most of the group"
MIN_SHARE = 0.5
#: ... and at least this share of all its words WordNet knows (a group of adverbs with two
#: nouns among them is not named by what the two nouns are)
MIN_SHARE_OF_ALL = 0.3
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
#: only the first words of a long group are read (callers pass the most central first): the
#: name is about a big cluster's core, and 20,000 clustered words are named in under a second
MAX_WORDS = 50


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


@lru_cache(maxsize=4)
def generic_synsets(wordnet: Any) -> frozenset[int]:
    """The synsets a name never comes from: those named in GENERIC_NAMES, and every synset
    above a top-level one of them (``causal agent`` is above *person*, so it says no more)."""
    named = {s for name in GENERIC_NAMES for s in wordnet.synsets(name, "n")
             if is_generic(wordnet.label(s))}
    out = set(named)
    for s in named:
        if wordnet.lexname(s) == "noun.Tops":
            out |= wordnet.hypernym_closure(s)
    return frozenset(out)


def name_group(wordnet: Any, words: Sequence[str], *, min_share: float = MIN_SHARE,
               max_words: int = MAX_WORDS) -> GroupName | None:
    """The name of what most of ``words`` are (see the module docstring), or None when
    fewer than two words are known to WordNet or no specific name covers ``min_share`` of
    them. ``wordnet`` is a :class:`textseq_tui.wordnet.WordNet`."""
    senses = {w: wordnet.senses(w) for w in _distinct(words, max_words)}
    known = {w: s for w, s in senses.items() if s}
    if len(known) < 2:
        return None
    for covers_of, pos in ((_kinds, "n"), (_subjects, None)):
        readings = _readings(wordnet, known, covers_of, pos)
        best = _best(wordnet, _cover(readings), sum(mass for _, _, mass in readings),
                     min_share, len(known))
        if best is None:
            continue
        covered = {word: covers[best][1] for word, covers, _ in readings if best in covers}
        best = _friendlier(wordnet, best)
        name = display_name(wordnet, best)
        return GroupName(name=name, plural=wordnet.plural(name), synset=wordnet.name(best),
                         words=tuple(covered), share=round(len(covered) / len(known), 4),
                         senses={w: wordnet.name(s) for w, s in covered.items()})
    return None


def _distinct(words: Iterable[str], limit: int) -> list[str]:
    """The first ``limit`` distinct words (case-insensitive), stripped."""
    out: dict[str, str] = {}
    for word in words:
        key = word.strip()
        if key and key.lower() not in out:
            out[key.lower()] = key
            if len(out) == limit:
                break
    return list(out.values())


def _kinds(wordnet: Any, synset: int) -> Iterable[int]:
    """What a sense is a kind (or an instance) of: a noun sense, and every synset above it."""
    if wordnet.pos(synset) == "n":
        yield synset
        yield from wordnet.hypernym_closure(synset)


def _subjects(wordnet: Any, synset: int) -> Iterable[int]:
    """The subjects a sense of any part of speech belongs to: its topic domains ("inning" ->
    baseball, "acquit" -> law). Not what is above them: most domains sit under *science*
    or *discipline*, which would name any mixed bag."""
    return wordnet.topic_domains(synset)


def _readings(wordnet: Any, words: dict[str, list[Any]],
              covers_of: Callable[[Any, int], Iterable[int]],
              pos: str | None) -> list[tuple[str, dict[int, tuple[float, int]], float]]:
    """Each word with what its senses cover, ``{synset covered: (weight, the sense)}``, and
    whether it counts in the group (1: it has a sense of part of speech ``pos``, or ``pos``
    is None; else 0). A sense weighs RARE_SENSE_WEIGHT .. 1 by its SemCor tag count against
    the word's commonest sense of any part of speech, so the noun senses of "but" or "come"
    weigh little; a word keeps its heaviest sense under each synset."""
    out = []
    for word, senses in words.items():
        top = max(s.count for s in senses) + 1
        covers: dict[int, tuple[float, int]] = {}
        mass = 1.0 if pos is None or any(wordnet.pos(s.synset) == pos for s in senses) else 0.0
        for sense in senses:
            weight = RARE_SENSE_WEIGHT + (1 - RARE_SENSE_WEIGHT) * (sense.count + 1) / top
            for s in covers_of(wordnet, sense.synset):
                if weight > covers.get(s, (0.0, 0))[0]:
                    covers[s] = (weight, sense.synset)
        out.append((word, covers, mass))
    return out


def _cover(readings: list[tuple[str, dict[int, tuple[float, int]], float]]
           ) -> dict[int, list[float]]:
    """synset -> [summed weight of the words it covers, how many words it covers]."""
    cover: dict[int, list[float]] = {}
    for _word, covers, _mass in readings:
        for synset, (weight, _sense) in covers.items():
            tally = cover.get(synset)
            if tally is None:
                cover[synset] = [weight, 1.0]
            else:
                tally[0] += weight
                tally[1] += 1.0
    return cover


def _best(wordnet: Any, cover: dict[int, list[float]], mass: float,
          min_share: float, known: int) -> int | None:
    """The covering synset with the highest ``ic x share`` (share: the covered words' weight
    over the group's ``mass``, its number of words) among those that cover two words or more
    and ``min_share`` of the group, generic ones left out; None if there is none."""
    generic = generic_synsets(wordnet)
    best, best_score = None, 0.0
    needed = max(2.0, min_share * mass, MIN_SHARE_OF_ALL * known)
    for synset, (weight, count) in cover.items():
        if count < needed or synset in generic:
            continue
        score = wordnet.ic(synset) * weight / mass
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
                   and p not in generic_synsets(wordnet)
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
