"""What kind of token a word is when WordNet has no category for it: its shape (a year, a
number, a score, an initial), a function word of English grammar, or a person's name.

The namer (:mod:`textseq_tui.wordnet_namer`) asks these when most of a group is of one kind:
a cluster of "1985 1987 1999" is *years*, "but so because" *function words*, "lisa jennifer
amy" *first names*, "smith walker allen" *people's names*. Each test is about the token alone, so a name is true of each word it
covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: token shapes, tried in order: (kind, plural name, pattern)
SHAPES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (kind, plural, re.compile(pattern)) for kind, plural, pattern in (
        ("year", "years", r"^(1[0-9]|20)[0-9]{2}$"),
        ("decade", "decades", r"^(1[0-9]|20)?[0-9]0'?s$|^'[0-9]0s$"),
        ("score", "scores", r"^[0-9]{1,3}-[0-9]{1,3}$"),
        ("time", "times of day", r"^[0-9]{1,2}:[0-9]{2}$|^[ap]\.?m\.?$"),
        ("age", "ages", r"^[0-9]{1,3}-(year|month|week|day)s?(-old)?$"),
        ("ordinal", "ordinal numbers", r"^[0-9]+(st|nd|rd|th)$"),
        ("number", "numbers", r"^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)([.][0-9]+)?%?$"
                              r"|^[+-]?[.][0-9]+$"),
        ("initial", "initials", r"^[a-z][.]$"),
        ("abbreviation", "abbreviations", r"^([a-z]+[.])+[a-z]*$"),
        ("symbol", "symbols", r"^[^a-z0-9]+$"),
    ))
#: shapes that are all numbers of some kind (a mixed cluster of them is "numbers")
NUMERIC = frozenset({"year", "decade", "score", "ordinal", "number", "age", "time"})

#: English function words (closed classes): pronouns, determiners and quantifiers,
#: prepositions, conjunctions, auxiliary and modal verbs, negation, and the adverbs that work
#: as grammar (degree, time, place, question words)
FUNCTION_WORDS = frozenset("""
i me my mine myself you your yours yourself yourselves he him his himself she her hers
herself it its itself we us our ours ourselves they them their theirs themselves one ones
oneself someone somebody something anyone anybody anything everyone everybody everything
no-one nobody nothing none who whom whose which what whoever whatever whichever this that
these those a an the some any no every each either neither both all many much more most
few fewer less least several enough such other another own same about above across after
against along amid amidst among amongst around as at before behind below beneath beside
besides between beyond by despite down during except for from in inside into like near of
off on onto out outside over past per since than through throughout till to toward towards
under underneath unlike until up upon via with within without and but or nor so yet because
although though while whilst whereas if unless whether once whenever wherever lest be am is
are was were been being have has had having do does did doing done will would shall should
can could may might must ought 'll 're 've 'm 'd 's n't not never very too also just only
even still already again ever always often sometimes usually here there where when why how
then now thus hence therefore however moreover furthermore indeed rather quite almost
perhaps maybe else instead otherwise anyway yes okay oh well
""".split())
#: a census name counts as a person's name only when WordNet's common-word reading of it was
#: tagged fewer times than this in SemCor ("murphy" the potato: 0; "brown" the colour: many)
COMMON_WORD_TAGS = 1
#: ... when its surname rank is at most this (of 88,799; rarer ones are as often syllables or
#: foreign words: "kah" 62,997) or it is a given name
SURNAME_RANK = 40_000
#: ... and when WordNet knows no place, group or natural object by it ("wales", "essex")
NOT_PEOPLE = frozenset({"noun.location", "noun.group", "noun.object"})


def shape(word: str) -> str | None:
    """The kind of a token by its shape (``"year"``, ``"number"``, ... see :data:`SHAPES`),
    or None for an ordinary word."""
    token = word.strip().lower()
    for kind, _plural, pattern in SHAPES:
        if pattern.match(token):
            return kind
    return None


def shape_name(words: Iterable[str], min_share: float) -> tuple[str, list[str]] | None:
    """The plural name of the one shape at least ``min_share`` of ``words`` have ("years"),
    or "numbers" when that share are numbers of mixed shapes; with the words it covers."""
    words = list(words)
    if not words:
        return None
    kinds = [shape(w) for w in words]
    needed = max(2.0, min_share * len(words))
    for kind, plural, _pattern in SHAPES:
        covered = [w for w, k in zip(words, kinds, strict=True) if k == kind]
        if len(covered) >= needed:
            return plural, covered
    numeric = [w for w, k in zip(words, kinds, strict=True) if k in NUMERIC]
    if len(numeric) >= needed:
        return "numbers", numeric
    return None


def is_function_word(word: str) -> bool:
    """True for a word of English grammar's closed classes (see :data:`FUNCTION_WORDS`)."""
    return word.strip().lower() in FUNCTION_WORDS


def person_name_kind(wordnet: Any, word: str) -> str | None:
    """``"first"`` or ``"surname"`` when ``word`` is a person's name in the census name files
    shipped with the WordNet model (the kind it ranks higher as), of three letters or more,
    not a common word that WordNet knows in lower case (a sense tagged
    :data:`COMMON_WORD_TAGS` times or more) nor a place or group (:data:`NOT_PEOPLE`); else
    None."""
    if len(word.replace("'", "")) < 3 or not word.replace("'", "").isalpha():
        return None
    given, surname = wordnet.person_name(word)
    if surname > SURNAME_RANK:
        surname = 0
    if not given and not surname:
        return None
    for sense in wordnet.senses(word):
        if wordnet.lexname(sense.synset) in NOT_PEOPLE:
            return None
        if sense.count >= COMMON_WORD_TAGS and any(
                lemma.islower() for lemma in wordnet.lemma_names(sense.synset)):
            return None
    if given and (not surname or given * 4 <= surname):
        return "first"
    return "surname"
