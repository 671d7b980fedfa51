"""Readers for the sentiment corpora and the mapping of every label onto one scale.

The common scale is VADER's mean human rating divided by 4: a float in -1..+1, higher =
more positive. Binary and 5-class labels are mapped onto it with values measured on the
sentences two data sets share (VADER's movie snippets are Pang & Lee's rt-polarity
sentences, and SST's sentences come from the same pool): the mean rating/4 of the VADER
movie snippets that rt-polarity calls positive is +0.44 (5,264 matched), negative -0.43
(5,298), and the SST-5 classes 0..4 average -0.58, -0.41, -0.09, +0.39, +0.59 (6,519
matched; see ``LABEL_SCALE``). Data sets
without such an overlap (customer reviews, MPQA, weather tweets) use the binary mapping.

Every reader returns a :class:`Dataset` (texts, targets on the common scale, and the binary
label where there is one). Nothing here imports numpy: the lists are small.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

#: label -> common-scale value; measured on the VADER/rt-polarity/SST overlap (module doc).
LABEL_SCALE = {
    "binary": {0: -0.43, 1: 0.44},
    "sst5": {0: -0.58, 1: -0.41, 2: -0.09, 3: 0.39, 4: 0.59},
    "weather": {"Negative": -0.43, "Neutral / author is just sharing information": 0.0,
                "Positive": 0.44},
}

#: names accepted by ``load_named`` and ``textseq sentiment train --data NAME``.
NAMED = ("vader-tweets", "vader-movies", "sst5-train", "sst2-train", "sst2-test",
         "rt-polarity", "cr", "mpqa", "weather")

#: Each set's domain, for leave-one-domain-out CV of lambda (``SentimentTrainConfig.cv_by``).
DOMAIN = {"vader-tweets": "tweets", "weather": "tweets", "vader-movies": "movies",
          "sst5-train": "movies", "sst2-train": "movies", "sst2-test": "movies",
          "rt-polarity": "movies", "cr": "products", "mpqa": "phrases"}

#: The default model's training sets (SST-2 test stays out: it is a benchmark).
DEFAULT_TRAIN = ("vader-tweets", "vader-movies", "sst5-train", "rt-polarity", "cr", "weather")


@dataclass
class Dataset:
    """Texts with targets on the common -1..+1 scale.

    ``binary`` is 1/0 for sentences with a polarity label (None when the source only gives
    a rating near zero or is continuous); ``source`` names the corpus of each text.
    """

    name: str
    texts: list[str] = field(default_factory=list)
    targets: list[float] = field(default_factory=list)
    binary: list[int | None] = field(default_factory=list)
    source: list[str] = field(default_factory=list)

    def add(self, text: str, target: float, binary: int | None = None) -> None:
        self.texts.append(text)
        self.targets.append(float(target))
        self.binary.append(binary)
        self.source.append(self.name)

    def __len__(self) -> int:
        return len(self.texts)

    def extend(self, other: Dataset) -> None:
        self.texts += other.texts
        self.targets += other.targets
        self.binary += other.binary
        self.source += other.source


@dataclass(frozen=True)
class Label:
    """A label as a user writes it, on the common scale: ``target`` in -1..+1, ``binary``
    1/0 (None for a score of exactly 0) and ``polarity``: True for a class word (pos/neg,
    which a correction treats as "at least this positive/negative"), False for a score."""

    target: float
    binary: int | None
    polarity: bool


#: The words read as a positive or a negative class label (case does not matter).
POSITIVE_WORDS = ("pos", "positive", "+")
NEGATIVE_WORDS = ("neg", "negative", "-")


def parse_label(text: str) -> Label:
    """The one reading of a sentiment label (``sentiment correct --label``, a training
    file's ``score<TAB>text`` lines): ``pos``/``positive``/``+`` and ``neg``/``negative``/``-``
    (any case) map to the binary scale values; anything else must be a finite number in
    -1..+1. Raises BadInput naming what was wrong."""
    from textseq_tui.plugin import BadInput

    word = text.strip().lower()
    if word in POSITIVE_WORDS:
        return Label(LABEL_SCALE["binary"][1], 1, True)
    if word in NEGATIVE_WORDS:
        return Label(LABEL_SCALE["binary"][0], 0, True)
    try:
        value = float(word)
    except ValueError:
        raise BadInput(f"label {text!r} is not pos, neg or a score in -1..+1") from None
    if not -1.0 <= value <= 1.0:  # NaN fails this too
        raise BadInput(f"label {value} is outside -1..+1")
    return Label(value, 1 if value > 0 else 0 if value < 0 else None, False)


_KEY_RE = re.compile(r"[^a-z0-9]+")


def dedup_key(text: str) -> str:
    """A key equal for two copies of a sentence tokenised differently (RT vs SST vs VADER)."""
    return _KEY_RE.sub("", text.lower())


def _lines(path: Path, encoding: str = "utf-8") -> list[str]:
    raw = path.read_bytes().decode(encoding, errors="replace")
    # split on "\n" only: str.splitlines also splits on U+0085, which Latin-1 byte 0x85 is
    return [line.rstrip("\r") for line in raw.split("\n") if line.strip()]


def read_vader(path: Path, name: str) -> Dataset:
    """VADER ground truth: ``ID<TAB>mean rating -4..+4<TAB>text`` -> target rating/4."""
    data = Dataset(name)
    for line in _lines(path):
        parts = line.split("\t", 2)
        if len(parts) == 3:
            rating = float(parts[1])
            data.add(parts[2], rating / 4.0, 1 if rating > 0 else 0 if rating < 0 else None)
    return data


def read_labelled(path: Path, name: str, scale: str = "binary") -> Dataset:
    """``<label> <text>`` lines (SST, CR, MPQA): label mapped through ``LABEL_SCALE``."""
    data = Dataset(name)
    for line in _lines(path):
        label_s, _, text = line.partition(" ")
        label = int(label_s)
        if scale == "sst5":
            binary = 1 if label > 2 else 0 if label < 2 else None
        else:
            binary = label
        data.add(text, LABEL_SCALE[scale][label], binary)
    return data


def read_rt_polarity(folder: Path) -> Dataset:
    """Pang & Lee sentence polarity v1.0: ``rt-polarity.pos/.neg``, Latin-1, one a line."""
    data = Dataset("rt-polarity")
    for suffix, label in (("pos", 1), ("neg", 0)):
        for line in _lines(folder / f"rt-polarity.{suffix}", encoding="latin-1"):
            data.add(line.strip(), LABEL_SCALE["binary"][label], label)
    return data


def read_weather(path: Path) -> Dataset:
    """CrowdFlower weather tweets (CSV, CR line endings): negative/neutral/positive kept."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    reader = csv.DictReader(io.StringIO(raw, newline=None))
    data = Dataset("weather")
    label_col = "what_emotion_does_the_author_express_specifically_about_the_weather"
    for row in reader:
        label = row.get(label_col, "")
        if label in LABEL_SCALE["weather"]:
            value = LABEL_SCALE["weather"][label]
            data.add(row["tweet_text"], value, 1 if value > 0 else 0 if value < 0 else None)
    return data


def load_named(name: str, root: Path) -> Dataset:
    """One of ``NAMED`` from the shared data folder ``root`` (``.../data/sentiment``)."""
    root = Path(root)
    vader = root / "vader_icwsm2014"
    sst = root / "sst_sentence_splits"
    readers = {
        "vader-tweets": lambda: read_vader(vader / "tweets_GroundTruth.txt", name),
        "vader-movies": lambda: read_vader(vader / "movieReviewSnippets_GroundTruth.txt", name),
        "sst5-train": lambda: read_labelled(sst / "stsa.fine.train", name, "sst5"),
        "sst2-train": lambda: read_labelled(sst / "stsa.binary.train", name),
        "sst2-test": lambda: read_labelled(sst / "stsa.binary.test", name),
        "rt-polarity": lambda: read_rt_polarity(root / "rt-polarity_v1.0"),
        "cr": lambda: read_labelled(root / "cr_mpqa" / "custrev.all", name),
        "mpqa": lambda: read_labelled(root / "cr_mpqa" / "mpqa.all", name),
        "weather": lambda: read_weather(root / "crowdflower_weather" / "weather-agg-DFE.csv"),
    }
    if name not in readers:
        from textseq_tui.plugin import BadInput

        raise BadInput(f"unknown data set {name!r}; known: {', '.join(NAMED)}")
    try:
        return readers[name]()
    except FileNotFoundError as err:
        from textseq_tui.plugin import BadInput

        raise BadInput(f"data set {name!r}: {err.filename} not found under {root}") from None


def read_user_file(path: Path) -> Dataset:
    """A user's training file; the format is told by its lines.

    - ``score<TAB>text``: a label as :func:`parse_label` reads it (a float on the common
      scale, -1..+1, or ``pos``/``neg``);
    - ``<0|1> text`` (SST/CR style, 1 = positive).
    Undecodable bytes become U+FFFD; a line in neither format is an error naming it.
    """
    from textseq_tui.plugin import BadInput

    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    data = Dataset(path.stem)
    for number, line in enumerate(_lines(path), start=1):
        head, tab, text = line.partition("\t")
        if not tab:
            head, _, text = line.partition(" ")
            if head not in ("0", "1"):
                raise BadInput(f"{path}:{number}: expected 'score<TAB>text' or '<0|1> text'")
            label = int(head)
            data.add(text, LABEL_SCALE["binary"][label], label)
            continue
        try:
            label = parse_label(head)
        except BadInput as err:
            raise BadInput(f"{path}:{number}: {err}") from None
        data.add(text, label.target, label.binary)
    return data


def combine(parts: list[Dataset], name: str = "combined") -> Dataset:
    """Concatenate data sets, keeping the first copy of a sentence found in several."""
    out = Dataset(name)
    seen: set[str] = set()
    for part in parts:
        for text, target, binary, source in zip(part.texts, part.targets, part.binary,
                                                part.source, strict=False):
            key = dedup_key(text)
            if key in seen:
                continue
            seen.add(key)
            out.texts.append(text)
            out.targets.append(target)
            out.binary.append(binary)
            out.source.append(source)
    return out
