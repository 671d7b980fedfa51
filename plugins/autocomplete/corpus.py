"""The modern-English corpus: detokenised text from the NLTK packages in
``../shared/data/text/modern-english/`` (read straight from their zip files) and the
MIT-licensed VADER texts, split into the default model's training text and held-out tests.

    python -m textseq_plugins.autocomplete.corpus --out DIR [--data ../shared/data]

writes ``DIR/train.txt`` (the shipped model's training text: licence-allowed corpora only,
documents shuffled with a fixed seed, one paragraph a line, a blank line between documents)
and ``DIR/test/<corpus>.txt`` (held-out text, never in ``train.txt``), ``DIR/manifest.json``
(sizes, licences, which split went where) and ``DIR/words.npz`` (a ``counts.CountStore``:
counts of the words, word pairs and word triples of the training part of ``train.txt``, all of
them: shipped beside the model as the word layer's background prior).

Which text goes where (``CORPORA``):

- trained on (licence allows it): MASC (ANC licence, commercial use allowed), State of the
  Union (public domain), Switchboard (Open Content License), movie reviews (CC BY 4.0; half of
  the reviews, so the largest corpus does not drown the rest), VADER tweets and movie snippets
  (MIT). Each keeps a held-out split out of training: every 10th document (MASC, movie
  reviews, Switchboard conversations, every 10th VADER line) and, for State of the Union, all
  of George W. Bush's addresses (2001-2006): one author the model never saw, also the text of
  the ``learn`` figure (learn on 90 % of it, measure on the rest).
- evaluation only (leave-one-corpus-out; non-commercial or unstated licences): Brown, NPS
  chat, web text, ABC news.

Detokenising: MASC and Brown are ``word_TAG`` / ``word/tag`` tokens, movie reviews are
lower-cased space-separated tokens; they are joined back into running text (``do n't`` ->
``don't``, ``word ,`` -> ``word,``, quote pairs closed up, ``( x )`` -> ``(x)``) and the
movie reviews get sentence-initial capitals and a capital ``I`` back. Curly quotes and dashes
become ASCII, characters seen fewer than 20 times in the training text become spaces, and
annotations (``<laughter>``, speaker labels) are dropped.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

SEED = 0
MIN_CHAR_COUNT = 20
WORD_STORE = "words.npz"  # counts.WORD_STORE (counts imports numpy: kept light here)

LICENCES = {
    "masc": "MASC, American National Corpus: use for research and development, including "
            "commercial development",
    "state_union": "public domain",
    "switchboard": "Open Content License (opencontent.org/opl.shtml)",
    "movie_reviews": "CC BY 4.0 (Pang & Lee polarity v2.0)",
    "vader": "MIT (C.J. Hutto, vaderSentiment)",
    "brown": "non-commercial use only (evaluation only)",
    "nps_chat": "non-commercial research and education only (evaluation only)",
    "webtext": "none stated (evaluation only)",
    "abc": "none stated (evaluation only)",
}
TRAINED = ("masc", "state_union", "switchboard", "movie_reviews", "vader")
EVAL_ONLY = ("brown", "nps_chat", "webtext", "abc")

_ASCII = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": " - ", "\u2026": "...", "\u00a0": " ",
                        "\t": " "})
_CLITIC = re.compile(r" (n't|'s|'m|'re|'ve|'ll|'d)(?![\w])", re.IGNORECASE)
_BEFORE = re.compile(r" ([,.;:!?%)\]}]|\.\.\.|''|--?(?=\S))")
_AFTER = re.compile(r"([(\[{$#]|``) ")
_SPACES = re.compile(r"[ ]{2,}")


def normalise(text: str) -> str:
    """NFKC, ASCII quotes and dashes, HTML entities decoded, runs of spaces collapsed."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_ASCII)
    return _SPACES.sub(" ", text)


def detokenise(tokens: list[str]) -> str:
    """Running text from a list of Penn-style tokens."""
    out: list[str] = []
    open_quote = False
    for tok in tokens:
        if tok == '"':  # a bare quote: alternately opens and closes
            tok = "``" if not open_quote else "''"
        if tok == "``":
            open_quote = True
        elif tok == "''":
            open_quote = False
        out.append(tok)
    s = " " + " ".join(out) + " "
    s = _CLITIC.sub(r"\1", s)
    s = re.sub(r" ([,.;:!?%)\]}]|\.\.\.|'')", r"\1", s)
    s = re.sub(r"([(\[{$]|``) ", r"\1", s)
    s = s.replace("``", '"').replace("''", '"')
    s = re.sub(r" (can) (not) ", r" \1\2 ", s)
    return _SPACES.sub(" ", s).strip()


def truecase(line: str) -> str:
    """Sentence-initial capitals and a capital "I" for lower-cased text."""
    line = re.sub(r"\bi\b(?='|\s|$|[,.!?])", "I", line)
    return re.sub(r"(^|[.!?]\s+|\"\s*)([a-z])", lambda m: m.group(1) + m.group(2).upper(), line)


# -- readers: each yields (document id, text) ---------------------------------------------------


def _zip(data: Path, name: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(data / "text" / "modern-english" / f"{name}.zip")


def read_masc(data: Path) -> Iterator[tuple[str, str]]:
    with _zip(data, "masc_tagged") as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".txt")
                           and "categories" not in n):
            paras, cur = [], []
            for line in z.read(name).decode("utf-8", "replace").splitlines():
                toks = [t.rsplit("_", 1)[0] for t in line.split()]
                if toks:
                    cur.extend(t for t in toks if t)
                elif cur:
                    paras.append(detokenise(cur))
                    cur = []
            if cur:
                paras.append(detokenise(cur))
            yield name, "\n".join(p for p in paras if p)


def read_state_union(data: Path) -> Iterator[tuple[str, str]]:
    with _zip(data, "state_union") as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".txt")):
            text = z.read(name).decode("latin-1")
            paras = [" ".join(p.split()) for p in text.splitlines()]
            yield name, "\n".join(p for p in paras if p)


def read_switchboard(data: Path) -> Iterator[tuple[str, str]]:
    with _zip(data, "switchboard") as z:
        text = z.read("switchboard/transcript").decode("utf-8", "replace")
    for i, conv in enumerate(re.split(r"\n\s*\n", text)):
        lines = []
        for line in conv.splitlines():
            line = re.sub(r"^[AB]\.\d+:\s*", "", line.strip())
            line = re.sub(r"<+[^>]*>+[.,]?", " ", line)
            line = _CLITIC.sub(r"\1", " " + " ".join(line.split())).strip()
            if line:
                lines.append(line)
        if lines:
            yield f"conversation {i}", "\n".join(lines)


def read_movie_reviews(data: Path) -> Iterator[tuple[str, str]]:
    with _zip(data, "movie_reviews") as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".txt") and "/cv" in n):
            lines = z.read(name).decode("utf-8", "replace").splitlines()
            yield name, "\n".join(truecase(detokenise(ln.split())) for ln in lines if ln.strip())


def read_vader(data: Path) -> Iterator[tuple[str, str]]:
    base = data / "sentiment" / "vader_icwsm2014"
    for fname in ("tweets_GroundTruth.txt", "movieReviewSnippets_GroundTruth.txt"):
        for line in (base / fname).read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t", 2)
            if len(parts) == 3 and parts[2].strip():
                yield f"{fname}:{parts[0]}", " ".join(parts[2].replace("''", '"').split())


def read_brown(data: Path) -> Iterator[tuple[str, str]]:
    with _zip(data, "brown") as z:
        for name in sorted(n for n in z.namelist() if re.search(r"/c[a-r]\d\d$", n)):
            paras = []
            for para in re.split(r"\n\s*\n", z.read(name).decode("utf-8", "replace")):
                toks = [t.rsplit("/", 1)[0] for t in para.split()]
                if toks:
                    paras.append(detokenise(toks))
            yield name, "\n".join(paras)


def read_nps_chat(data: Path) -> Iterator[tuple[str, str]]:
    with _zip(data, "nps_chat") as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".xml")):
            xml = z.read(name).decode("utf-8", "replace")
            posts = re.findall(r'<Post class="(\w+)"[^>]*>(.*?)<terminals>', xml, re.S)
            lines = [html.unescape(p).strip() for c, p in posts if c != "System"]
            yield name, "\n".join(ln for ln in lines if ln)


def read_webtext(data: Path) -> Iterator[tuple[str, str]]:
    with _zip(data, "webtext") as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".txt")):
            yield name, z.read(name).decode("utf-8", "replace").replace("\r", "")


def read_abc(data: Path) -> Iterator[tuple[str, str]]:
    with _zip(data, "abc") as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".txt")):
            yield name, z.read(name).decode("utf-8", "replace").replace("\r", "")


READERS = {"masc": read_masc, "state_union": read_state_union,
           "switchboard": read_switchboard, "movie_reviews": read_movie_reviews,
           "vader": read_vader, "brown": read_brown, "nps_chat": read_nps_chat,
           "webtext": read_webtext, "abc": read_abc}


def held_out(corpus: str, index: int, doc_id: str) -> bool:
    """Whether document ``index`` of a trained corpus belongs to its held-out test split."""
    if corpus == "state_union":
        return "GWBush" in doc_id
    return index % 10 == 9


def build(data: Path, out: Path, eval_chars: int = 200_000) -> dict:
    """Write ``train.txt``, ``test/*.txt`` and ``manifest.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "test").mkdir(exist_ok=True)
    train_docs: list[str] = []
    manifest: dict = {"seed": SEED, "corpora": {}}
    tests: dict[str, str] = {}
    for corpus, reader in READERS.items():
        docs = [(d, normalise(t).strip()) for d, t in reader(data)]
        docs = [(d, t) for d, t in docs if t]
        if corpus in TRAINED:
            test = [t for i, (d, t) in enumerate(docs) if held_out(corpus, i, d)]
            train = [t for i, (d, t) in enumerate(docs) if not held_out(corpus, i, d)]
            if corpus == "movie_reviews":
                train = train[::2]
            if corpus == "vader":  # one-line texts: documents of 20 lines
                train = ["\n".join(train[i:i + 20]) for i in range(0, len(train), 20)]
            train_docs.extend(train)
        else:
            test, train = [t for _, t in docs], []
        tests[corpus] = "\n\n".join(test)
        manifest["corpora"][corpus] = {
            "licence": LICENCES[corpus], "documents": len(docs),
            "train_chars": sum(len(t) + 2 for t in train),
            "test_chars": len(tests[corpus]),
            "test_split": ("all of G. W. Bush's addresses (2001-2006)" if corpus == "state_union"
                           else "every 10th document" if corpus in TRAINED
                           else "whole corpus (evaluation only)")}
    random.Random(SEED).shuffle(train_docs)
    text = "\n\n".join(train_docs) + "\n"
    counts = Counter(text)
    rare = {c for c, n in counts.items() if n < MIN_CHAR_COUNT}
    drop = str.maketrans({c: " " for c in rare})
    (out / "train.txt").write_text(text.translate(drop), encoding="utf-8")
    for corpus, t in tests.items():
        (out / "test" / f"{corpus}.txt").write_text(t + "\n", encoding="utf-8")
    manifest["train_chars"] = len(text)
    # The word counts shipped beside the model (words.npz, a CountStore): the words, word
    # pairs and triples of the part of train.txt the model trains on (its first 90 %; the
    # rest is its validation), all of them, even those seen once.
    from textseq_plugins.autocomplete.counts import STORE_MIN_COUNTS, STORE_ORDER, CountStore
    from textseq_plugins.autocomplete.vocabulary import words_of

    store = CountStore.count(words_of(text[: int(len(text) * 0.9)]), STORE_ORDER,
                             STORE_MIN_COUNTS)
    store.save(out / WORD_STORE)
    manifest["word_store"] = {"words": len(store), "order": STORE_ORDER,
                              "min_counts": STORE_MIN_COUNTS,
                              "ngrams": {n: int(len(t[2])) for n, t in store.orders.items()}}
    manifest["rare_chars_replaced"] = "".join(sorted(rare))
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def ship(model_dir: Path, corpus_dir: Path) -> dict:
    """Finish a model trained on ``corpus_dir/train.txt`` for shipping: copy the word counts
    beside it and complete its card (which corpora, licences, splits; the rebuild command;
    every file's sha256)."""
    import shutil

    from textseq_tui.plugin import atomic_write_bytes, sha256_file

    manifest = json.loads((corpus_dir / "manifest.json").read_text())
    shutil.copyfile(corpus_dir / WORD_STORE, model_dir / WORD_STORE)
    (model_dir / "words.tsv.gz").unlink(missing_ok=True)  # the older, dict-loaded counts
    card = json.loads((model_dir / "card.json").read_text())
    corpora = manifest["corpora"]
    card["data"] = {
        "corpus": "train.txt of `python -m textseq_plugins.autocomplete.corpus` (modern English,"
                  " detokenised; documents shuffled, seed 0)",
        "chars": manifest["train_chars"],
        "split": "first 90 % of train.txt trains, last 10 % validation (val_* metrics); each "
                 "corpus also keeps a held-out test split out of train.txt (test_split)",
        "trained_on": {c: {k: corpora[c][k] for k in ("licence", "train_chars", "test_split")}
                       for c in TRAINED},
        "evaluation_only": {c: corpora[c]["licence"] for c in EVAL_ONLY},
        "word_counts": f"{WORD_STORE}: the words, word pairs and word triples of the training "
                       "part of train.txt (all of them, even those seen once), the word layer's "
                       "background prior (counts.CountStore: a sorted vocabulary and numpy arrays"
                       " of context ids, next-word ids and counts; no pickle)",
    }
    if "word_store" in manifest:
        card["hyperparameters"]["word_store"] = manifest["word_store"]
    train = card.get("rebuild", "")
    if " --ship " in train:  # shipped before (new word counts for the same weights): the
        # training command is the middle of the old rebuild
        train = re.sub(r"--corpus \S+/train\.txt", f"--corpus {corpus_dir}/train.txt",
                       train.split(" && ")[1])
    card["rebuild"] = (f"python -m textseq_plugins.autocomplete.corpus --out {corpus_dir} && "
                       f"{train} && python -m textseq_plugins.autocomplete.corpus --out "
                       f"{corpus_dir} --ship {model_dir}")
    card["description"] = re.sub(
        r"words\.(tsv\.gz|npz):[^.]*\.",
        f"{WORD_STORE}: the words, word pairs and word triples of the training part (all of "
        "them), the word layer's background prior.", card.get("description", ""))
    card["files"] = {f: sha256_file(model_dir / f)
                     for f in ("weights.safetensors", "config.json", WORD_STORE)}
    atomic_write_bytes(model_dir / "card.json", (json.dumps(card, indent=2) + "\n").encode())
    return card


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[3] / "shared" / "data")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--ship", type=Path, default=None,
                        help="A model directory trained on OUT/train.txt: add the word counts "
                             "and complete its card (OUT must be built already).")
    args = parser.parse_args()
    if args.ship is not None:
        print(json.dumps(ship(args.ship, args.out), indent=1))
        return
    print(json.dumps(build(args.data, args.out), indent=1))


if __name__ == "__main__":
    main()
