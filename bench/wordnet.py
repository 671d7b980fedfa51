"""Benchmark of the shipped WordNet 3.0 reader and the one WordNet namer.

Speed: the model's load time in a fresh process (import + read + the first lookup; best of
3), the memory it adds (peak RSS after minus before), and the namer's time per group.

Names (the namer, ``textseq_tui.wordnet_namer.name_group``), each figure the share of groups
with a name that is not generic (issue #28: >= 90 %) and, where the groups have a gold
category, how often the name is it (the gold string is the name or one of the named synset's
lemmas, singular or plural: "edible fruit" for AP's edible_fruit, "tool" for BLESS's tool):

- the categories of AP and BLESS (../shared/data/embeddings/concept-categorization), whole;
- 300 seeded short lists from each: 3 to 6 words of one category, and the same with one
  intruder from another category (the intruder must not be covered);
- the clusters of ``textseq clusterer cluster --vocab 20000`` (default settings), each named
  as the clusterer names it: from its 20 most central and frequent words
  (``clusterings.NAME_WORDS``), the central ones first.

    python bench/wordnet.py [--no-vocab]

Prints one JSON line and a markdown table; writes bench/results/wordnet.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine, save_results  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "embeddings" / "concept-categorization"
RESULTS = ROOT / "bench" / "results" / "wordnet.json"
SHORT_LISTS = 300
SEED = 28

# numpy is imported first (the app and every plugin that reads vectors have it already):
# the time and memory measured are the model's
_LOAD = """
import resource, time
import numpy
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t, cpu = time.perf_counter(), time.process_time()
from textseq_tui.wordnet import WordNet, shipped_model_dir
wordnet = WordNet(shipped_model_dir())
wordnet.synsets("dog")
seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
print(seconds, cpu, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def load_speed(runs: int = 3) -> dict[str, float]:
    """Fresh-process load time (wall and CPU, best of ``runs``) and the RSS it adds (MiB)."""
    best, cpu, rss = float("inf"), 0.0, 0.0
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _LOAD], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout.split()
        if float(out[0]) < best:
            best, cpu, rss = float(out[0]), float(out[1]), float(out[2])
    size = sum(p.stat().st_size for p in (ROOT / "textseq_tui" / "models" / "wordnet-3.0").iterdir())
    return {"load_s": round(best, 3), "load_cpu_s": round(cpu, 3), "load_rss_mib": round(rss, 1),
            "size_mb": round(size / 1e6, 2)}


def categories(name: str) -> dict[str, list[str]]:
    """``{category: words}`` of a concept-categorization set (empty when absent)."""
    path = DATA / f"{name}.csv"
    if not path.is_file():
        return {}
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["word"].strip():
                out.setdefault(row["category"], []).append(row["word"].strip())
    return out


def is_gold(wordnet, named, gold: str) -> bool:
    """The gold category is the name, or a lemma of the named synset (singular or plural)."""
    if named is None:
        return False
    gold = gold.lower().replace("_", " ")
    lemmas = {lemma.lower().replace("_", " ")
              for lemma in wordnet.lemma_names(wordnet.synset(named.synset))} \
        if named.synset else set()  # years, names, function words: no synset
    forms = {named.name.lower(), named.plural.lower(), *lemmas}
    return gold in forms or gold.rstrip("s") in forms


def named_share(names: list) -> float:
    from textseq_tui.wordnet_namer import is_generic

    return round(sum(n is not None and not is_generic(n.name) for n in names) / max(len(names), 1), 3)


def score_sets(wordnet, sets: dict[str, dict[str, list[str]]]) -> dict[str, dict]:
    """Whole categories, short lists and short lists with an intruder, per set."""
    from textseq_tui.wordnet_namer import name_group

    out = {}
    rng = random.Random(SEED)
    for set_name, cats in sets.items():
        whole = {c: name_group(wordnet, words) for c, words in cats.items()}
        short, intruded, caught = [], [], 0
        keys = sorted(cats)
        for _ in range(SHORT_LISTS):
            gold = rng.choice(keys)
            words = rng.sample(cats[gold], min(len(cats[gold]), rng.randint(3, 6)))
            short.append((gold, name_group(wordnet, words)))
            other = rng.choice([k for k in keys if k != gold])
            intruder = rng.choice([w for w in cats[other] if w not in cats[gold]])
            named = name_group(wordnet, [*words, intruder])
            intruded.append((gold, named))
            caught += named is not None and intruder not in named.words
        out[set_name] = {
            "categories": len(cats),
            "whole_named": named_share(list(whole.values())),
            "whole_gold": round(sum(is_gold(wordnet, n, c) for c, n in whole.items()) / len(cats), 3),
            "short_named": named_share([n for _, n in short]),
            "short_gold": round(sum(is_gold(wordnet, n, g) for g, n in short) / SHORT_LISTS, 3),
            "intruder_named": named_share([n for _, n in intruded]),
            "intruder_gold": round(sum(is_gold(wordnet, n, g) for g, n in intruded) / SHORT_LISTS, 3),
            "intruder_left_out": round(caught / SHORT_LISTS, 3),
            "names": {c: (n.name if n else None) for c, n in whole.items()},
        }
    return out


def vocab_clusters(top_n: int = 20000) -> list[list[str]]:
    """The clusters (largest 2,000) of the clusterer's default run on the top GloVe words,
    each as its words, most central first."""
    from textseq_plugins.clusterer.model import ClusterSettings, cluster_vectors
    from textseq_plugins.clusterer.vectors import load_glove_vocab

    from textseq_tui.ml import GloveVectors

    data = load_glove_vocab(GloveVectors(), top_n)
    clustering = cluster_vectors(data.matrix, ClusterSettings())
    groups: dict[int, list[str]] = {}
    for word, label in zip(data.words, clustering.labels.tolist(), strict=True):
        groups.setdefault(label, []).append(word)
    out = []
    for cluster, rows in clustering.info.get("central", {}).items():
        central = [data.words[i] for i in rows]
        out.append(central + [w for w in groups[int(cluster)] if w not in central])
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-vocab", action="store_true", help="skip the --vocab 20000 clusters")
    args = parser.parse_args(argv)
    from textseq_tui.wordnet import WordNet, shipped_model_dir
    from textseq_tui.wordnet_namer import name_group

    result: dict = {"machine": machine(), **load_speed()}
    wordnet = WordNet(shipped_model_dir())
    result["sets"] = score_sets(wordnet, {n: categories(n) for n in ("ap", "bless") if categories(n)})
    if not args.no_vocab:
        clusters = vocab_clusters()
        started, cpu = time.perf_counter(), time.process_time()
        from textseq_plugins.clusterer.clusterings import NAME_WORDS

        names = [name_group(wordnet, words, max_words=NAME_WORDS) for words in clusters]
        result["vocab_20000"] = {
            "clusters": len(clusters), "named": named_share(names),
            "words": sum(len(c) for c in clusters),
            "name_all_s": round(time.perf_counter() - started, 3),
            "name_all_cpu_s": round(time.process_time() - cpu, 3),
            "sample": [[n.name if n else None, words[:5]] for n, words in zip(names, clusters, strict=True)][:40],
        }
    save_results(RESULTS, result)
    print(json.dumps({k: v for k, v in result.items() if k != "sets"} | {
        s: {k: v for k, v in r.items() if k != "names"} for s, r in result.get("sets", {}).items()}))
    print("\n| figure | value |\n| --- | --- |")
    print(f"| load (fresh process, best of 3) | {result['load_s']} s ({result['load_cpu_s']} s CPU), "
          f"+{result['load_rss_mib']} MiB, {result['size_mb']} MB on disk |")
    for s, r in result.get("sets", {}).items():
        print(f"| {s}: named whole / short / +intruder | {r['whole_named']} / {r['short_named']} / "
              f"{r['intruder_named']} |")
        print(f"| {s}: gold whole / short / +intruder; intruder left out | {r['whole_gold']} / "
              f"{r['short_gold']} / {r['intruder_gold']}; {r['intruder_left_out']} |")
    if "vocab_20000" in result:
        v = result["vocab_20000"]
        print(f"| --vocab 20000: named (not generic) | {v['named']} of {v['clusters']} clusters; "
              f"all named in {v['name_all_s']} s ({v['name_all_cpu_s']} s CPU, first use) |")


if __name__ == "__main__":
    main()
