"""The Connections groups solver on real NYT boards (a program, not a test).

    python bench/odd_one_out_groups.py [--boards ../shared/data/games/nyt-connections-dev]
        [--tables models/connections-tables] [--reference] [--write-weights]

On the 500 development boards (2024-02-17 .. 2025-06-30; the 2025-04-01 board, one word
sixteen times, is a bad-input case and not counted):

- the solve rate in the standard game (the solver sees the 16 words shuffled and the feedback
  "correct" / "one away" / "wrong"; four mistakes end it), **5-fold cross-validated by date**:
  the logistic weights that turn features into a group's score, and the temperature of the
  partition distribution (the one under which the training answers are likeliest), are
  fitted on four folds and the solver plays the fifth; the mean and the spread over folds
  are reported. GPT-4-turbo solves 29.2 % of the paper's boards (Todd et al. 2024), the
  issue's target is >= 30 %;
- today's solver (``groups.ai_solve``: best partition by GloVe similarity) with
  ``--reference`` (slow: ~1 s a board);
- the share of groups found per tier (yellow .. purple) and per kind of theme (from the
  answer's theme text: phrase ``___``, sound, letters, proper names, category), and what each
  source adds (its features left out, refitted, played again);
- the hint (``groups --hint``: the group the solver is surest of on the whole board, its first
  guess): how often it is one of the answer's groups;
- seconds per board (features + play) and the solver's memory (peak RSS growth);
- ``--our-boards-only``: our tiered boards alone, played by the shipped scorer;
- ``--write-weights`` fits the weights on all 500 boards into the tables' ``weights.json``
  (the shipped model; the cross-validated figures above are the honest ones).

The boards are read from ../shared/data only; nothing derived from them ships except the
fitted weights (one coefficient per feature).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
DEFAULT_BOARDS = REPO.parent / "shared" / "data" / "games" / "nyt-connections-dev"
TIERS = ("yellow", "green", "blue", "purple")
ANCHOR_GPT4 = 29.2
FOLDS = 5
NO_REPEAT_DAYS = 60
#: the temperatures a fold chooses from (by the likelihood of its training boards' answers)
TEMPERATURES = (0.5, 0.7, 1.0, 1.4)
#: every how-many-th training board the temperature's likelihood is measured on (speed)
LIKELIHOOD_STRIDE = 4
_KIND_PATTERNS = (
    ("phrase", r"___|_ _|\bBLANK\b"),
    ("sound", r"HOMOPHONE|SOUND|RHYME|SAID|SPOKEN|PRONOUNCED"),
    ("letters", r"ANAGRAM|HIDDEN|LETTER|PALINDROME|STARTING WITH|STARTS WITH|ENDING|ENDS WITH"
                r"|BACKWARD|REVERSED|\+|MINUS|PLUS|ABBREVIATION|SPELL|INITIAL"),
    ("proper names", r"TEAM|BRAND|FAMOUS|SINGER|ACTOR|ACTRESS|CHARACTER|COMPAN|RAPPER|BAND"
                     r"|MUSICIAN|PRESIDENT|AUTHOR|ARTIST|STATE|CIT(Y|IES)|COUNTR|CAPITAL"
                     r"|MOVIE|FILM|SHOW|SONG|ALBUM|GOD|MYTH|DISNEY|MARVEL|PIXAR|BEATLES|NFL"
                     r"|NBA|MLB|NHL|SUPERHERO|DETECTIVE|COMPOSER|PAINTER|POKEMON|MUPPET"),
)


def theme_kind(theme: str) -> str:
    """The kind of an answer's theme, read from its text (for the figures only)."""
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, theme.upper()):
            return kind
    return "category"


def load_boards(folder: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """(playable boards, dates of the bad-input boards: not 16 different items)."""
    boards, bad = [], []
    for line in (folder / "boards.jsonl").read_text(encoding="utf-8").splitlines():
        b = json.loads(line)
        words = [w for g in b["groups"] for w in g["members"]]
        if len({w.lower() for w in words}) != 16:
            bad.append(b["date"])
            continue
        boards.append(b)
    return boards, bad


def make_solver(tables_dir: Path) -> Any:
    """The solver on ``tables_dir`` with the plugin's vectors and the host's WordNet; its
    weights are replaced per fold."""
    from machine import scratch_home
    from textseq_plugins.odd_one_out.connections.features import FEATURES
    from textseq_plugins.odd_one_out.connections.solver import GroupsSolver, Weights
    from textseq_plugins.odd_one_out.connections.tables import Tables

    from textseq_tui.host import Host

    host = Host(home=scratch_home(), device="cpu")
    plugin = host.plugin("odd-one-out")
    n = len(FEATURES)
    weights = Weights((0.0,) * n, 0.0, (0.0,) * n, (1.0,) * n)  # replaced per fold
    tables = Tables(tables_dir, lambda: host.registry.load_default("wordnet"))
    return GroupsSolver(tables, plugin._solver_ai(), weights)


def featurise(solver: Any, boards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per board: the shuffled items, its analysis and the answer's group indices."""
    from textseq_plugins.odd_one_out.connections.partitions import FULL, quad_index

    out = []
    for b in boards:
        items = [w for g in b["groups"] for w in g["members"]]
        random.Random(b["id"]).shuffle(items)
        started = time.perf_counter()
        analysis = solver.analyse(items)
        seconds = time.perf_counter() - started
        pos = {w: k for k, w in enumerate(items)}
        truth = [quad_index(FULL)[tuple(sorted(pos[w] for w in g["members"]))]
                 for g in b["groups"]]
        out.append({"board": b, "items": items, "analysis": analysis, "truth": truth,
                    "seconds": seconds})
    return out


#: the boosted trees' settings (not tuned on the played folds: one setting, fixed up front)
TREES = {"max_iter": 200, "learning_rate": 0.1, "max_leaf_nodes": 15, "min_samples_leaf": 200,
         "l2_regularization": 1.0, "random_state": 0}


def fit(rows: list[dict[str, Any]], drop: tuple[int, ...] = (), temperature: float = 1.0,
        model: str = "linear") -> Any:
    """The scorer of a group fitted on ``rows`` (features in ``drop`` held at zero): logistic
    weights, or (``model="trees"``) boosted trees named by the logistic weights."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from textseq_plugins.odd_one_out.connections.scoring import TreeScorer, trees_from_sklearn
    from textseq_plugins.odd_one_out.connections.solver import Weights

    x = np.concatenate([r["analysis"].features for r in rows])
    y = np.concatenate([np.isin(np.arange(len(r["analysis"].features)), r["truth"])
                        for r in rows])
    x = x.copy()
    x[:, list(drop)] = 0.0
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    logistic = LogisticRegression(C=1.0, max_iter=500).fit((x - mean) / scale, y)
    linear = Weights(tuple(logistic.coef_[0]), float(logistic.intercept_[0]), tuple(mean),
                     tuple(scale), temperature)
    if model == "linear":
        return linear
    from sklearn.ensemble import HistGradientBoostingClassifier

    boosted = HistGradientBoostingClassifier(**TREES).fit(x, y)
    trees, baseline = trees_from_sklearn(boosted)
    return TreeScorer(tuple(trees), baseline, temperature, linear.kind_weights())


def choose_temperature(rows: list[dict[str, Any]], weights: Any,
                       drop: tuple[int, ...] = ()) -> tuple[float, dict[float, float]]:
    """The temperature under which the answers of ``rows`` (training boards) are likeliest:
    mean log-probability of each answer's partition among all 2.6 M; (best, per temperature)."""
    import numpy as np
    from textseq_plugins.odd_one_out.connections.partitions import log_partition

    sample = rows[::LIKELIHOOD_STRIDE]
    raw = []
    for r in sample:
        x = r["analysis"].features.copy()
        x[:, list(drop)] = 0.0
        raw.append(weights.score(x) * weights.temperature)
    likelihood = {t: float(np.mean([s[r["truth"]].sum() / t - log_partition(s / t)
                                    for s, r in zip(raw, sample, strict=True)]))
                  for t in TEMPERATURES}
    return max(likelihood, key=likelihood.get), likelihood


def play(solver: Any, row: dict[str, Any], weights: Any, drop: tuple[int, ...] = ()) -> Any:
    """The standard game on one featurised board with ``weights``."""
    from textseq_plugins.odd_one_out.connections.board import AnswerKey

    analysis = row["analysis"]
    x = analysis.features.copy()
    x[:, list(drop)] = 0.0
    analysis.scores = weights.score(x)
    key = AnswerKey(tuple(tuple(g["members"]) for g in row["board"]["groups"]))
    started = time.perf_counter()
    record = solver.play_analysis(analysis, key.feedback)
    row["play_seconds"] = time.perf_counter() - started
    return record


def folds_by_date(rows: list[dict[str, Any]], k: int = FOLDS) -> list[list[int]]:
    order = sorted(range(len(rows)), key=lambda i: rows[i]["board"]["date"])
    size = -(-len(order) // k)
    return [order[f * size:(f + 1) * size] for f in range(k)]


def cross_validate(solver: Any, rows: list[dict[str, Any]], drop: tuple[int, ...] = (),
                   model: str = "linear") -> dict[str, Any]:
    """Per fold: weights and temperature fitted on the other folds, the standard game on
    this one."""
    import dataclasses

    folds = folds_by_date(rows)
    rates, records, temperatures = [], {}, []
    for held in folds:
        train = [rows[i] for i in range(len(rows)) if i not in set(held)]
        weights = fit(train, drop, model=model)
        temperature, _ = choose_temperature(train, weights, drop)
        weights = dataclasses.replace(weights, temperature=temperature)
        temperatures.append(temperature)
        solved = 0
        for i in held:
            records[i] = play(solver, rows[i], weights, drop)
            solved += records[i].solved
        rates.append(100.0 * solved / len(held))
    return {"fold_rates": [round(r, 1) for r in rates], "records": records,
            "temperatures": temperatures,
            "solve_rate": round(100.0 * sum(r.solved for r in records.values()) / len(rows), 1)}


def found_shares(rows: list[dict[str, Any]], records: dict[int, Any]) -> dict[str, Any]:
    """Share of the answer's groups found, per tier and per kind of theme."""
    per_tier = {t: [0, 0] for t in TIERS}
    per_kind: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        found = {frozenset(w.lower() for w in g["words"]) for g in records[i].guesses
                 if g["result"] == "correct"}
        for g in row["board"]["groups"]:
            hit = frozenset(w.lower() for w in g["members"]) in found
            tier = TIERS[g["level"]]
            per_tier[tier][0] += hit
            per_tier[tier][1] += 1
            kind = theme_kind(g["theme"])
            per_kind.setdefault(kind, [0, 0])
            per_kind[kind][0] += hit
            per_kind[kind][1] += 1
    def pct(v: list[int]) -> dict[str, Any]:
        return {"found": round(100.0 * v[0] / max(v[1], 1), 1), "groups": v[1]}
    return {"tiers": {k: pct(v) for k, v in per_tier.items()},
            "kinds": {k: pct(v) for k, v in sorted(per_kind.items())}}


def reference(boards: list[dict[str, Any]]) -> float:
    """Today's solver (GloVe best partition, ``groups.ai_solve``) in the same game."""
    from machine import scratch_home
    from textseq_plugins.odd_one_out.groups import GroupsPuzzle, ai_solve

    from textseq_tui.host import Host

    ai = Host(home=scratch_home(), device="cpu").plugin("odd-one-out").ai()
    solved = 0
    for b in boards:
        groups = tuple((g["theme"], tuple(w.lower() for w in g["members"]))
                       for g in b["groups"])
        words = [w for _, ws in groups for w in ws]
        random.Random(b["id"]).shuffle(words)
        solved += ai_solve(ai, GroupsPuzzle(groups, tuple(words), 0, "dev")).solved
    return round(100.0 * solved / len(boards), 1)


def our_boards(solver: Any, days: int) -> dict[str, Any]:
    """Tiered boards (daily seeds from 2026-01-01, each difficulty, no category again within
    60 days): per tier the share of groups the solver finds in the standard game; sound
    (every group's words pass its category's own check) and unique (one exact cover by the
    pool's valid groups)."""
    import datetime as dt

    from textseq_plugins.odd_one_out.connections.board import AnswerKey
    from textseq_plugins.odd_one_out.connections.pool import CategoryPool
    from textseq_plugins.odd_one_out.connections.tiered import (
        make_board,
        memberships,
        solutions,
        valid_groups,
    )
    from textseq_plugins.odd_one_out.groups import ai_solve, daily_seed

    pool = CategoryPool.load(solver.tables)
    out: dict[str, Any] = {"pool_categories": len(pool.categories),
                           "pool_by_tier": {t: len(pool.tier(t)) for t in TIERS}}
    for difficulty in ("easy", "medium", "hard"):
        found: dict[str, list[int]] = {}
        sound = unique = solved = 0
        ids: list[str] = []
        for k in range(days):
            # a 60-day schedule: no category of the last 59 boards again
            board = make_board(pool, daily_seed(dt.date(2026, 1, 1) + dt.timedelta(days=k)),
                               difficulty, avoid=frozenset(ids[-4 * (NO_REPEAT_DAYS - 1):]))
            ids += board.category_ids
            sound += all(pool.fits(pool.by_id[c], w) for c, (_, ws)
                         in zip(board.category_ids, board.groups, strict=True) for w in ws)
            unique += solutions(valid_groups(memberships(pool, list(board.words)))) == 1
            key = AnswerKey(tuple(ws for _, ws in board.groups))
            record = solver.play(list(board.words), key.feedback)
            solved += record.solved
            hits = {frozenset(g["words"]) for g in record.guesses if g["result"] == "correct"}
            # today's solver (meaning only) on the same board: how hard each tier is for a
            # player who goes by similarity
            game = ai_solve(solver.ai, board)
            by_meaning = {board.groups[k][1] for k in game.found}
            for tier, (_, ws) in zip(board.tiers, board.groups, strict=True):
                found.setdefault(tier, [0, 0, 0])
                found[tier][0] += frozenset(ws) in hits
                found[tier][1] += 1
                found[tier][2] += ws in by_meaning
        out[difficulty] = {
            "boards": days, "sound": round(100.0 * sound / days, 1),
            "unique": round(100.0 * unique / days, 1),
            "solved": round(100.0 * solved / days, 1),
            "repeated_groups": len(ids) - len(set(ids)),
            "found_by_tier": {t: round(100.0 * v[0] / v[1], 1) for t, v in found.items()},
            "similarity_solver_found_by_tier": {t: round(100.0 * v[2] / v[1], 1)
                                                for t, v in found.items()}}
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from machine import machine, save_results
    from textseq_plugins.odd_one_out.connections.features import FEATURES, THEME_KINDS

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--boards", type=Path, default=DEFAULT_BOARDS)
    parser.add_argument("--tables", type=Path, default=REPO / "models" / "connections-tables")
    parser.add_argument("--limit", type=int, default=None, help="first N boards (quick runs)")
    parser.add_argument("--reference", action="store_true", help="also run today's solver")
    parser.add_argument("--ablation", action="store_true", help="leave each source out")
    parser.add_argument("--write-weights", action="store_true")
    parser.add_argument("--model", choices=("linear", "trees"), default="linear",
                        help="the scorer of a group: logistic weights or boosted trees")
    parser.add_argument("--our-boards", type=int, default=60,
                        help="tiered boards per difficulty to judge (0: none)")
    parser.add_argument("--our-boards-only", action="store_true",
                        help="judge only our tiered boards with the shipped scorer")
    args = parser.parse_args(argv)
    results_file = REPO / "bench" / "results" / "odd-one-out-groups.json"
    if args.our_boards_only:
        # the shipped scorer on our own tiered boards alone (no development board read)
        from textseq_plugins.odd_one_out.connections.solver import WEIGHTS_FILE, load_scorer

        solver = make_solver(args.tables)
        solver.weights = load_scorer(args.tables / WEIGHTS_FILE)
        result = json.loads(results_file.read_text()) if results_file.is_file() else {}
        result["our_boards"] = our_boards(solver, args.our_boards)
        print(json.dumps(result["our_boards"]))
        save_results(results_file, result)
        return result
    if not (args.boards / "boards.jsonl").is_file():
        print(f"no boards at {args.boards}: nothing to measure", file=sys.stderr)
        return {}
    boards, bad = load_boards(args.boards)
    boards = boards[: args.limit] if args.limit else boards
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    solver = make_solver(args.tables)
    rows = featurise(solver, boards)
    load_and_features = time.perf_counter() - started
    result: dict[str, Any] = {"boards": len(rows), "bad_input_boards": bad,
                              "machine": machine()}
    cv = cross_validate(solver, rows, model=args.model)
    result["model"] = args.model
    result["solve_rate"] = cv["solve_rate"]
    result["fold_rates"] = cv["fold_rates"]
    result["fold_spread"] = {"min": min(cv["fold_rates"]), "max": max(cv["fold_rates"]),
                             "stdev": round(statistics.pstdev(cv["fold_rates"]), 1)}
    # each fold's temperature, chosen on its training boards only
    result["fold_temperatures"] = cv["temperatures"]
    # the hint is the group the solver is surest of on the whole board: its first guess
    result["hint_correct"] = round(100.0 * statistics.mean(
        bool(r.guesses) and r.guesses[0]["result"] == "correct"
        for r in cv["records"].values()), 1)
    result["mistakes_mean"] = round(statistics.mean(r.mistakes for r in cv["records"].values()), 2)
    result.update(found_shares(rows, cv["records"]))
    result["seconds_per_board"] = {
        "features_mean": round(statistics.mean(r["seconds"] for r in rows), 3),
        "play_mean": round(statistics.mean(r["play_seconds"] for r in rows), 3),
        "total_max": round(max(r["seconds"] + r["play_seconds"] for r in rows), 3),
        "first_board_with_loading": round(load_and_features
                                          - sum(r["seconds"] for r in rows[1:]), 2)}
    result["memory_mb"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0)
                                / 1024, 1)
    if args.ablation:
        result["without"] = {}
        for kind in (*THEME_KINDS, "similarity"):
            prefix = ("sim_", "form_") if kind == "similarity" else (kind,)
            drop = tuple(k for k, f in enumerate(FEATURES) if f.startswith(prefix))
            result["without"][kind] = cross_validate(solver, rows, drop,
                                                     args.model)["solve_rate"]
    if args.reference:
        result["reference_today"] = reference(boards)
    if args.our_boards or args.write_weights:
        import dataclasses

        w = fit(rows, model=args.model)
        best_t, likelihood = choose_temperature(rows, w)
        w = dataclasses.replace(w, temperature=best_t)
        result["temperature"] = best_t
        result["likelihood_by_temperature"] = {str(t): round(v, 3)
                                               for t, v in likelihood.items()}
    if args.our_boards:
        solver.weights = w
        result["our_boards"] = our_boards(solver, args.our_boards)
    if args.write_weights:
        out = {**w.to_json(), "fitted_on": f"{len(rows)} NYT Connections boards 2024-02-17..2025-06-30 "
                            "(development set, not shipped)",
               "cv_solve_rate": cv["solve_rate"], "cv_fold_rates": cv["fold_rates"]}
        from textseq_plugins.odd_one_out.connections.build_tables import write_weights

        write_weights(args.tables, out)
    print(json.dumps(result))
    save_results(results_file, result)
    return result


if __name__ == "__main__":
    main()
