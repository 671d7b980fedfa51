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

When WordNet has no noun category or subject for most of the group, the group may still be
of one kind (:mod:`textseq_tui.word_kinds`): tokens of one shape ("1985 1987" -> years,
"6-3 6-4" -> scores), people's names from the census name files shipped with the model
("lisa jennifer amy" -> first names; tried before WordNet's nouns, which read "murphy" as a
potato), English function words; else the verbs' most specific shared hypernym ("fell,
tumbled, slipped" -> "ways to travel"), or what most adjectives describe through WordNet's
attribute links and adjective clusters ("tall, short, huge" -> "words for size"); last, the
part of speech most of the words have ("utterly, morally, totally" -> adverbs); last, a
specific category or subject of the words read as nouns through WordNet's derivation and
pertainym links ("hitter, inning, pitched, batting" -> baseball); then the noun most of the
words' definitions name ("film"); then the word family a fifth of the words share
("prisoners, imprisoned, prison, prisons" -> prison); then the wider subject above the
words' subjects (first senses only: "foul, referee, fielding" -> sport); very last,
"adjectives and adverbs" when the two together reach POS_SHARE. Each such name, too, must
cover :data:`MIN_SHARE` of the group (the part of speech :data:`POS_SHARE`, a word family
:data:`FAMILY_SHARE`, more than any other family).
``GroupName.kind`` says which test named it.

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
#: ... and at least this share of all its words, known or not (two tennis words among
#: eighteen players' names do not name the group)
MIN_SHARE_OF_WORDS = 0.3
#: the weight of a word's rarest sense; its most frequent sense weighs 1
RARE_SENSE_WEIGHT = 0.5
#: an enclosing synset with a commoner name replaces the winner when it covers the same
#: words and is at most this much less specific (nats): "edible fruit" -> "fruit", but
#: never "bird of prey" -> "bird"
FRIENDLY_IC_LOSS = 1.0
#: ... or this much when the winner's name is one few people know (Zipf below
#: RARE_NAME_ZIPF): "pome" (Zipf 1.6) -> "fruit" (1.2 nats less specific)
RARE_NAME_IC_LOSS = 2.0
RARE_NAME_ZIPF = 2.5
#: ... and its name is at least this much more frequent (wordfreq Zipf, see name_zipf)
FRIENDLY_ZIPF_GAIN = 0.5
#: a one-word lemma replaces a synset's first lemma, a phrase, when it is at least this much
#: more frequent ("metallic element" -> "metal"; "musical instrument" stays)
LEMMA_ZIPF_GAIN = 1.0
#: a one-word name at least this frequent (Zipf) is kept as it is ("vegetable")
COMMON_ZIPF = 3.5
#: what each extra word of a phrase costs in name_zipf
PHRASE_ZIPF_COST = 0.5
#: a verb synset names a group only when at least this specific (nats; the roots "be",
#: "act", "change", "move", "make", "think" are less), and never one of GENERIC_VERBS
VERB_MIN_IC = 3.35
GENERIC_VERBS = frozenset({"be", "have", "do", "make", "get", "go", "act", "cause"})
#: a group is named by a part of speech ("adverbs") only when this share of its words are
#: most often that part of speech (the last resort: nothing more specific covers them)
POS_SHARE = 0.6
#: the last test (see _related_kinds) names a group only by a synset at least this specific
#: (nats): "baseball" 8.6, "farming" 9.4, "contestant" 6.2, "feeling" 5.2 pass; "quality"
#: 4.5, "action" 3.8, "process" 4.5 would name any mixed bag
RELATED_MIN_IC = 5.0
#: ... and by a topic word (see _by_topic) at least this specific: named by fewer than
#: 1 in e^5 (148) WordNet definitions ("form", "time", "characteristic" are named by more)
TOPIC_MIN_SPECIFICITY = 5.0
#: the very last resort (see _by_family) names a group by a word family that covers at
#: least this share of its words (and FAMILY_MIN_WORDS), more than any other family does
FAMILY_SHARE = 0.2
FAMILY_MIN_WORDS = 3
#: a family's word and a member share a stretch of at least this many letters (and 60 % of
#: the family word): "prison" in "imprisoned", "vote" in "voters"
FAMILY_STEM = 4
#: only the first words of a long group are read (callers pass the most central first): the
#: name is about a big cluster's core, and 20,000 clustered words are named in under a second
MAX_WORDS = 50


@dataclass(frozen=True)
class GroupName:
    """A group's name.

    Attributes:
        name: the name, singular ("fruit", "athletic game", "American state").
        plural: the plural ("fruits", "athletic games", "American states"); for a group
            named by what it is about (``related``, ``topic``): "words about film".
        synset: the WordNet synset named (NLTK's name, "edible_fruit.n.01").
        words: the group's words it covers, in the group's order.
        share: ``len(words)`` over the number of the group's words WordNet knows (0..1).
        senses: covered word -> the synset name of the sense read ("saw" -> "saw.n.02").
        kind: which test named the group: ``noun`` (a WordNet category), ``subject`` (a
            topic domain), ``shape`` (years, numbers...), ``person name``, ``function
            words``, ``verb``, ``adjective``, ``part of speech``, ``related`` (a category
            of the words read as nouns through their related forms), ``topic`` or
            ``family`` (a word family the words share); ``synset`` is "" for
            those without one.
    """

    name: str
    plural: str
    synset: str
    words: tuple[str, ...]
    share: float
    senses: dict[str, str] = field(default_factory=dict)
    kind: str = "noun"


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
    """The name of what most of ``words`` are (see the module docstring), or None when no
    specific name covers ``min_share`` of them (or fewer than two words are given).
    ``wordnet`` is a :class:`textseq_tui.wordnet.WordNet`."""
    distinct = _distinct(words, max_words)
    if len(distinct) < 2:
        return None
    found = _by_word_kind(wordnet, distinct, min_share)
    if found is not None:
        return found
    from textseq_tui.word_kinds import shape

    # numbers, initials and symbols are not words: WordNet's "j" (a joule) says nothing
    senses = {w: wordnet.senses(w) for w in distinct if shape(w) is None}
    known = {w: s for w, s in senses.items() if s}
    if len(known) < 2:
        return None
    for covers_of, pos, kind in ((_kinds, "n", "noun"), (_subjects, None, "subject"),
                                 (_verb_kinds, "v", "verb")):
        found = _by_synset(wordnet, known, covers_of, pos, kind, min_share, len(distinct))
        if found is not None:
            return found
    return (_by_adjectives(wordnet, known, min_share)
            or _by_part_of_speech(wordnet, known, len(distinct))
            or _by_synset(wordnet, known, _related_kinds, None, "related", min_share,
                          len(distinct))
            or _by_topic(wordnet, known, min_share, len(distinct))
            or _by_family(wordnet, known, len(distinct))
            or _by_synset(wordnet, _first_senses(wordnet, known), _wide_subjects, None,
                          "subject", min_share, len(distinct))
            or _by_part_of_speech(wordnet, known, len(distinct), modifiers=True))


def _by_topic(wordnet: Any, known: dict[str, list[Any]], min_share: float,
              total: int) -> GroupName | None:
    """The last resort: the noun most of the words name or are defined by, themselves or
    through their derivations and pertainyms ("candidates, voters, polls, elections" ->
    vote: "a politician ... running for office", "a citizen who has a legal right to vote").
    A topic must be a noun at least :data:`TOPIC_MIN_SPECIFICITY` specific (see
    :func:`_topic_specificity`), not generic, and cover ``min_share`` of the words; the
    best has the highest ``specificity x share`` (senses weighted as in :func:`_readings`).
    None without glosses."""
    tally: dict[str, list[Any]] = {}
    for word, senses in known.items():
        top = max(s.count for s in senses) + 1
        reached: dict[str, float] = {}
        for sense in senses:
            weight = RARE_SENSE_WEIGHT + (1 - RARE_SENSE_WEIGHT) * (sense.count + 1) / top
            forms = {sense.synset, *wordnet.derivations(sense.synset),
                     *wordnet.pertainyms(sense.synset)}
            for form in forms:
                for topic in (*(lemma.lower() for lemma in wordnet.lemma_names(form)),
                              *wordnet.gloss_nouns(form)):
                    if weight > reached.get(topic, 0.0):
                        reached[topic] = weight
        for topic, weight in reached.items():
            entry = tally.setdefault(topic, [0.0, []])
            entry[0] += weight
            entry[1].append(word)
    needed = max(2.0, min_share * len(known), MIN_SHARE_OF_WORDS * total)
    best, best_score = None, 0.0
    for topic, (weight, covered) in tally.items():
        if len(covered) < needed:
            continue
        specific = _topic_specificity(wordnet, topic)
        score = specific * weight / len(known)
        if specific >= TOPIC_MIN_SPECIFICITY and score > best_score:
            best, best_score = topic, score
    if best is None:
        return None
    covered = tally[best][1]
    name = best.replace("_", " ")
    return GroupName(name=name, plural=f"words about {name}", synset="", words=tuple(covered),
                     share=round(len(covered) / len(known), 4), kind="topic")


def _by_family(wordnet: Any, known: dict[str, list[Any]], total: int) -> GroupName | None:
    """A topical group named by the word family most of its words share, a stem and a
    derivation link both ("prisoners, imprisoned, prison, prisons, inmates" -> prison;
    "vote, votes, voting, voters, polls" -> vote): the family's word is a noun of a sense of
    the member, or of one of its derivations or pertainyms, that shares FAMILY_STEM letters
    with the member's base form. It must cover :data:`FAMILY_SHARE` of the words and
    FAMILY_MIN_WORDS, more than any other family, and be :data:`TOPIC_MIN_SPECIFICITY`
    specific. A person reads the name off the words themselves."""
    linked: dict[str, tuple[set[str], set[str]]] = {}
    for word, senses in known.items():
        bases = {word.lower(), *(b.lower() for b in wordnet.morphy(word))}
        keys: set[str] = set()
        for sense in senses:
            for form in {sense.synset, *wordnet.derivations(sense.synset),
                         *wordnet.pertainyms(sense.synset)}:
                keys.update(lemma.lower() for lemma in wordnet.lemma_names(form)
                            if "_" not in lemma and "-" not in lemma)
        stemmed = {k for k in keys
                   if any(_shares_stretch(k, b, max(FAMILY_STEM, 0.6 * len(k))) for b in bases)}
        if stemmed:
            linked[word] = (bases, stemmed)
    tally: dict[str, list[str]] = {}
    for key in {k for _, stemmed in linked.values() for k in stemmed}:
        if not wordnet.senses(key, "n"):
            continue
        # a member linked to one of the family, or sharing most of its letters with the word
        # ("prisoners" -> prisoner, so "prison" covers it too)
        tally[key] = [w for w, (bases, stemmed) in linked.items() if key in stemmed or any(
            _shares_stretch(key, b, max(FAMILY_STEM, 0.6 * max(len(key), len(b))))
            for b in bases)]
    if not tally:
        return None

    def rank(key: str) -> tuple[int, bool, float]:
        # "reduction", not "reducing": a verb's -ing form names a family last
        inflected = any(base != key for base in wordnet.morphy(key, "v"))
        return len(tally[key]), not inflected, wordnet.zipf(key)

    ranked = sorted(tally, key=rank, reverse=True)
    best, covered = ranked[0], tally[ranked[0]]
    rivals = [tally[k] for k in ranked[1:] if not set(tally[k]) & set(covered)]
    if (len(covered) < max(FAMILY_MIN_WORDS, FAMILY_SHARE * total)
            or (rivals and len(rivals[0]) >= len(covered))
            or _topic_specificity(wordnet, best) < TOPIC_MIN_SPECIFICITY):
        return None
    return GroupName(name=best, plural=f"words about {best}", synset="", words=tuple(covered),
                     share=round(len(covered) / len(known), 4), kind="family")


def _shares_stretch(a: str, b: str, length: float) -> bool:
    """True when ``a`` and ``b`` share a run of at least ``length`` letters."""
    import math

    run = math.ceil(length)
    return any(a[i:i + run] in b for i in range(len(a) - run + 1))


def _topic_specificity(wordnet: Any, topic: str) -> float:
    """How specific a topic word is: ``ln(synsets / (1 + definitions naming it))`` ("form"
    4.2, "film" 6.2, "politics" 8.3); 0.0 for a generic name, a function word or a word with
    no noun sense."""
    import math

    from textseq_tui.word_kinds import is_function_word

    if is_generic(topic) or is_function_word(topic) or not wordnet.senses(topic, "n"):
        return 0.0
    return math.log(len(wordnet) / (1 + wordnet.gloss_count(topic)))


def _by_synset(wordnet: Any, known: dict[str, list[Any]],
               covers_of: Callable[[Any, int], Iterable[int]], pos: str | None, kind: str,
               min_share: float, total: int) -> GroupName | None:
    """The best synset that ``covers_of`` the words' senses reach, named (see
    :func:`_best`; ``total``: how many words the group has, known or not), or None."""
    readings = _readings(wordnet, known, covers_of, pos)
    best = _best(wordnet, _cover(readings), sum(mass for _, _, mass in readings),
                 min_share, len(known), verbs=kind == "verb",
                 floor=MIN_SHARE_OF_WORDS * total)
    if best is None:
        return None
    covered = {word: covers[best][1] for word, covers, _ in readings if best in covers}
    if kind == "verb":
        name = f"ways to {wordnet.label(best)}"
        plural = name
    else:
        best = _friendlier(wordnet, best)
        name = display_name(wordnet, best)
        # what a mixed group is about, not what each word is: "words about baseball"
        wide = kind == "related" or covers_of is _wide_subjects
        plural = f"words about {name}" if wide else wordnet.plural(name)
    return GroupName(name=name, plural=plural, synset=wordnet.name(best),
                     words=tuple(covered), share=round(len(covered) / len(known), 4),
                     senses={w: wordnet.name(s) for w, s in covered.items()}, kind=kind)


def _by_word_kind(wordnet: Any, words: list[str], min_share: float) -> GroupName | None:
    """Years, numbers and other shapes; people's names; function words (see
    :mod:`textseq_tui.word_kinds`): the first that covers ``min_share`` of ``words``."""
    from textseq_tui import word_kinds

    def named(name: str, covered: list[str], kind: str) -> GroupName:
        return GroupName(name=name, plural=name, synset="", words=tuple(covered),
                         share=round(len(covered) / len(words), 4), kind=kind)

    needed = max(2.0, min_share * len(words))
    shaped = word_kinds.shape_name(words, min_share)
    if shaped is not None:
        return named(shaped[0], shaped[1], "shape")
    # initials ("j.") are parts of people's names too
    people = {w: "initial" if word_kinds.shape(w) == "initial"
              else word_kinds.person_name_kind(wordnet, w) for w in words}
    covered = [w for w, k in people.items() if k]
    if len(covered) >= needed:
        first = [w for w in covered if people[w] == "first"]
        if len(first) >= needed:
            return named("first names", first, "person name")
        return named("people's names", covered, "person name")
    grammar = [w for w in words if word_kinds.is_function_word(w)]
    if len(grammar) >= needed:
        return named("function words", grammar, "function words")
    return None


def _by_part_of_speech(wordnet: Any, known: dict[str, list[Any]], total: int,
                       modifiers: bool = False) -> GroupName | None:
    """"verbs", "adjectives" or "adverbs" when at least :data:`POS_SHARE` of all the words
    are most often that (their sense tagged most often in SemCor, WordNet's first on a tie):
    what a person calls "inherently, utterly, morally" when nothing more specific holds;
    with ``modifiers``, "adjectives and adverbs" when the two together reach that share."""
    commonest: dict[str, list[str]] = {}
    for word, senses in known.items():
        top = max(senses, key=lambda s: s.count)  # max keeps WordNet's first on a tie
        pos = wordnet.pos(top.synset)
        commonest.setdefault("a" if pos == "s" else pos, []).append(word)
    # modifiers of both kinds ("inherently, utterly, incapable, honest"): a last resort
    commonest["ar"] = commonest.get("a", []) + commonest.get("r", [])
    kinds = ((("ar", "adjectives and adverbs"),) if modifiers else
             (("v", "verbs"), ("a", "adjectives"), ("r", "adverbs")))
    for pos, name in kinds:
        covered = commonest.get(pos, [])
        if len(covered) >= max(2.0, POS_SHARE * total):
            return GroupName(name=name, plural=name, synset="", words=tuple(covered),
                             share=round(len(covered) / len(known), 4), kind="part of speech")
    return None


def _by_adjectives(wordnet: Any, known: dict[str, list[Any]],
                   min_share: float) -> GroupName | None:
    """What most of the words that can be adjectives describe: a shared attribute ("words
    for size") or a shared adjective cluster ("words like beautiful"), or None."""
    adjectives = {w: [s.synset for s in senses if wordnet.pos(s.synset) in "as"]
                  for w, senses in known.items()}
    adjectives = {w: ss for w, ss in adjectives.items() if ss}
    needed = max(2.0, min_share * len(adjectives), MIN_SHARE_OF_ALL * len(known))
    heads: dict[int, list[str]] = {}
    attributes: dict[int, list[str]] = {}
    for word, synsets in adjectives.items():
        word_heads = {h for s in synsets
                      for h in ([s] if wordnet.pos(s) == "a" else wordnet.similar_tos(s))}
        for head in word_heads:
            heads.setdefault(head, []).append(word)
        for attribute in {a for h in word_heads for a in wordnet.attributes(h)}:
            attributes.setdefault(attribute, []).append(word)
    for table, template in ((attributes, "words for {}"), (heads, "words like {}")):
        best = max(table.items(), key=lambda item: (len(item[1]), -item[0]), default=None)
        if best is not None and len(best[1]) >= needed:
            name = template.format(wordnet.label(best[0]))
            return GroupName(name=name, plural=name, synset=wordnet.name(best[0]),
                             words=tuple(best[1]), share=round(len(best[1]) / len(known), 4),
                             kind="adjective")
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


def _verb_kinds(wordnet: Any, synset: int) -> Iterable[int]:
    """What a verb sense is a way of: the sense, and every verb above it."""
    if wordnet.pos(synset) == "v":
        yield synset
        yield from wordnet.hypernym_closure(synset)


def _related_kinds(wordnet: Any, synset: int) -> Iterable[int]:
    """The last test, for a group of mixed parts of speech ("pitcher, inning, pitched,
    batting"; "crops, farmers, agricultural, farming"): what a sense is a kind of when read
    as a noun through its derivationally related forms and pertainyms (pitched -> pitch,
    agricultural -> agriculture; an adverb's adjective one step further), and the topic
    domains of all of those. Only synsets at least :data:`RELATED_MIN_IC` specific count:
    near the top of WordNet such links make anything "an act" or "a quality"."""
    forms = {synset, *wordnet.derivations(synset), *wordnet.pertainyms(synset)}
    for form in list(forms):
        if wordnet.pos(form) in "asr":
            forms.update(wordnet.pertainyms(form))
            forms.update(wordnet.derivations(form))
    out: set[int] = set()
    for form in forms:
        if wordnet.pos(form) == "n":
            out.add(form)
            out.update(wordnet.hypernym_closure(form))
        out.update(wordnet.topic_domains(form))
    return [s for s in out if wordnet.ic(s) >= RELATED_MIN_IC]


def _subjects(wordnet: Any, synset: int) -> Iterable[int]:
    """The subjects a sense of any part of speech belongs to: its topic domains ("inning" ->
    baseball, "acquit" -> law). Not what is above them: most domains sit under *science*
    or *discipline*, which would name any mixed bag."""
    return wordnet.topic_domains(synset)


def _wide_subjects(wordnet: Any, synset: int) -> Iterable[int]:
    """A last resort for topical groups: the subjects of a sense and of its related forms,
    and the wider subjects above them ("fouls, referee, fielding" -> sport: football,
    basketball and baseball are all sports), each at least :data:`RELATED_MIN_IC` specific
    ("discipline" and "knowledge domain" would name any mixed bag)."""
    out: set[int] = set()
    for form in {synset, *wordnet.derivations(synset), *wordnet.pertainyms(synset)}:
        for domain in wordnet.topic_domains(form):
            out.add(domain)
            out.update(wordnet.hypernym_closure(domain))
    return [s for s in out if wordnet.ic(s) >= RELATED_MIN_IC]


def _first_senses(wordnet: Any, known: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Each word's first sense of each part of speech (WordNet lists the commonest first):
    the wide subjects read no rare sense ("include" in chemistry, "local" in medicine)."""
    out = {}
    for word, senses in known.items():
        first: dict[str, Any] = {}
        for sense in senses:
            first.setdefault(wordnet.pos(sense.synset), sense)
        out[word] = list(first.values())
    return out


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
          min_share: float, known: int, verbs: bool = False, floor: float = 0.0) -> int | None:
    """The covering synset with the highest ``ic x share`` (share: the covered words' weight
    over the group's ``mass``, its number of words) among those that cover two words or more
    and ``min_share`` of the group (and ``floor`` words), generic ones left out (for
    ``verbs``: those below
    VERB_MIN_IC and GENERIC_VERBS, and those whose covered words' weight, not only their
    number, falls short); None if there is none."""
    generic = generic_synsets(wordnet)
    best, best_score = None, 0.0
    needed = max(2.0, min_share * mass, MIN_SHARE_OF_ALL * known, floor)
    for synset, (weight, count) in cover.items():
        if count < needed or synset in generic:
            continue
        # a verb name must hold for words read as verbs: "trains" and "rails" are nouns first
        if verbs and (weight < needed or wordnet.ic(synset) < VERB_MIN_IC
                      or wordnet.label(synset) in GENERIC_VERBS):
            continue
        score = wordnet.ic(synset) * weight / mass
        if score > best_score and not is_generic(display_name(wordnet, synset)):
            best, best_score = synset, score
    return best


def _friendlier(wordnet: Any, best: int) -> int:
    """Climb to a direct hypernym whose name is commoner (by :func:`name_zipf`, at least
    FRIENDLY_ZIPF_GAIN more) while the name is a phrase or a rare word and the climb loses at
    most FRIENDLY_IC_LOSS in all (RARE_NAME_IC_LOSS from a name few people know: "pome" ->
    "fruit"): "edible fruit" -> "fruit", "athletic game" -> "sport",
    "placental" -> "mammal"; never "bird of prey" -> "bird" (2.6 nats less specific), nor
    "vegetable" -> "produce" (a common word already)."""
    rare = name_zipf(wordnet, display_name(wordnet, best)) < RARE_NAME_ZIPF
    floor = wordnet.ic(best) - (RARE_NAME_IC_LOSS if rare else FRIENDLY_IC_LOSS)
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
