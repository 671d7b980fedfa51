"""The Connections groups solver: any sixteen items in, four themed groups out.

Every source (:data:`SOURCES`) lists the themes it finds among the board's words; each group
of four gets features (:mod:`features`) and a score, a log-odds of being one of the answer's
groups from a scorer fitted on real boards (:mod:`scoring`: boosted trees or logistic weights
in ``weights.json``, cross-validated: see ``bench/odd_one_out_groups.py``). The groups' probabilities come from all the partitions
they belong to (:mod:`partitions`); the solver answers with the likeliest group first and, in
the standard game, submits the likeliest group, learns from "wrong" and "one away" (they
remove partitions) and goes on.

API for the games: :meth:`GroupsSolver.solve`, :meth:`GroupsSolver.hint`,
:meth:`GroupsSolver.play` (with an ``oracle(guess) -> "correct" | "one away" | "wrong"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textseq_plugins.odd_one_out.connections import (
    letter_themes,
    phrase_themes,
    sound_themes,
    wordnet_themes,
)
from textseq_plugins.odd_one_out.connections.board import GROUP_SIZE, check_board
from textseq_plugins.odd_one_out.connections.features import quad_features
from textseq_plugins.odd_one_out.connections.partitions import (
    FULL,
    _partitions_of,
    consistent,
    group_probabilities,
    marginals_full,
    one_away_partitions,
    quad_index,
    quads,
)
from textseq_plugins.odd_one_out.connections.scoring import Weights, load_scorer
from textseq_plugins.odd_one_out.connections.tables import Tables
from textseq_plugins.odd_one_out.connections.themes import Theme

SOURCES = (wordnet_themes, phrase_themes, sound_themes, letter_themes)
__all__ = ["GroupsSolver", "Weights", "load_scorer", "play_scores", "feedback_probabilities"]
MAX_MISTAKES = 4
WEIGHTS_FILE = "weights.json"
UNKNOWN = "?"


@dataclass
class Group:
    """One group the solver proposes: its words, theme, kind and confidence (0..1)."""

    words: tuple[str, ...]
    theme: str
    kind: str
    confidence: float

    def to_json(self) -> dict[str, Any]:
        return {"words": list(self.words), "theme": self.theme, "kind": self.kind,
                "confidence": round(self.confidence, 3)}


@dataclass
class Analysis:
    """What the solver knows of one board."""

    items: list[str]
    themes: list[Theme]
    features: Any  # (1820, len(FEATURES))
    best_theme: Any  # (1820,) index into themes, -1 for none
    scores: Any  # (1820,) log-odds
    meaning: Any  # (16, 16)
    known: list[bool]  # in a theme, or has a (not spelling-only) vector
    vectors: list[Any]

    def theme_of(self, quad: int, namer: Callable[[tuple[int, ...]], str] | None = None
                 ) -> tuple[str, str]:
        """(theme name, kind) of a group of four (by its index in ``quads(16)``)."""
        members = quads(FULL)[quad]
        if not all(self.known[i] for i in members):
            return UNKNOWN, "?"
        t = int(self.best_theme[quad])
        if t >= 0:
            return self.themes[t].name, self.themes[t].kind
        return (namer(members) if namer else "close in meaning"), "similarity"


@dataclass
class PlayRecord:
    """One game in the standard rules: the guesses and how it ended."""

    solved: bool
    mistakes: int
    guesses: list[dict[str, Any]] = field(default_factory=list)


class GroupsSolver:
    """Solves boards with the tables (``connections-tables``) and the odd-one-out AI's
    vectors (``ai``: an :class:`~textseq_plugins.odd_one_out.model.OddOneOut`)."""

    def __init__(self, tables: Tables, ai: Any, weights: Weights,
                 sources: tuple = SOURCES) -> None:
        self.tables, self.ai, self.weights, self.sources = tables, ai, weights, sources

    # -- analysis -------------------------------------------------------------------------

    def analyse(self, items: list[str]) -> Analysis:
        """Themes, features and scores of every group of four of a 16-item board."""
        import numpy as np

        items = check_board(items)
        themes: list[Theme] = []
        for source in self.sources:
            themes += source.find(items, self.tables)
        vectors = [self.ai.item_vectors(w) if self.ai is not None else None for w in items]
        meaning, form = _similarities(vectors)
        x, best = quad_features(themes, meaning, form)
        in_theme = set().union(*(t.members for t in themes)) if themes else set()
        # a spelling-only (character n-gram) vector is a guess, not knowledge of the word
        known = [i in in_theme or (vectors[i] is not None and vectors[i][2] != "ngram")
                 for i in range(len(items))]
        scores = self.weights.score(x)
        best = self._naming_themes(themes, best)
        # a word with no vector and no theme says nothing: its groups score as a coin toss
        unknown = [i for i in range(len(items)) if vectors[i] is None and i not in in_theme]
        if unknown:
            bits = np.array([any(i in q for i in unknown) for q in quads(FULL)])
            scores = np.where(bits, np.minimum(scores, 0.0), scores)
        return Analysis(items, themes, x, best, scores, meaning, known, vectors)

    def _naming_themes(self, themes: list[Theme], best: Any) -> Any:
        """Per group of four, the theme holding all four that adds most to its score (the
        surprise times its kind's weight), to name the group; -1 where none holds them."""
        import numpy as np
        from textseq_plugins.odd_one_out.connections.features import overlaps

        if not themes:
            return best
        per_kind = self.weights.kind_weights()
        gain = np.array([max(per_kind.get(t.kind, 0.0), 1e-6) * t.surprise for t in themes])
        whole = np.where(overlaps(themes) == 4, gain[None, :], -np.inf)
        top = np.where(np.isfinite(whole.max(axis=1)), whole.argmax(axis=1), -1)
        # "___ balls" is named "___ ball" when that theme holds the same words
        singular = {}
        keyed = {(t.source, t.key): k for k, t in enumerate(themes)}
        for k, t in enumerate(themes):
            if t.source == "phrases" and t.key[1].endswith("s"):
                j = keyed.get((t.source, (t.key[0], t.key[1][:-1])))
                if j is not None and themes[j].members >= t.members:
                    singular[k] = j
        return np.array([singular.get(int(k), int(k)) for k in top])

    def name_similar(self, analysis: Analysis, members: tuple[int, ...]) -> str:
        """"close in meaning to X": X the common word nearest the group's mean vector."""
        import numpy as np

        vecs = [analysis.vectors[i] for i in members if analysis.vectors[i] is not None]
        kv = getattr(self.ai, "kv", None)
        if not vecs or kv is None:
            return "close in meaning"
        words = {analysis.items[i].lower() for i in members}
        centre = np.mean([v[0] for v in vecs], axis=0).astype(np.float32)
        try:
            near = kv.similar_by_vector(centre, topn=12, restrict_vocab=30000)
        except Exception:  # noqa: BLE001 (vectors of another shape: no name, still a group)
            return "close in meaning"
        for w, _ in near:
            if w.isalpha() and w not in words:
                return f"close in meaning to {w!r}"
        return "close in meaning"

    # -- probabilities ----------------------------------------------------------------------

    def probabilities(self, analysis: Analysis, left: list[int],
                      history: list[tuple[tuple[int, ...], str]],
                      found: list[tuple[int, ...]]) -> Any:
        """(1820,) probability of each group of four of the words ``left``, given the
        feedback ``history`` and the groups ``found``."""
        return feedback_probabilities(analysis.scores, left, history, found)

    # -- the API --------------------------------------------------------------------------

    def solve(self, items: list[str]) -> list[Group]:
        """Four groups covering the board, surest first, each with its theme and confidence
        (the probability that it is one of the answer's groups)."""
        analysis = self.analyse(items)
        left, found, out = list(range(FULL)), [], []
        board = self.probabilities(analysis, left, [], found)
        while left:
            # each next group is the likeliest given the ones before; its confidence is its
            # probability on the whole board
            prob = board if not found else self.probabilities(analysis, left, [], found)
            quad = int(prob.argmax())
            out.append(self._group(analysis, quad, float(board[quad])))
            found.append(quads(FULL)[quad])
            left = [i for i in left if i not in quads(FULL)[quad]]
        return sorted(out, key=lambda g: -g.confidence)

    def hint(self, items: list[str]) -> Group:
        """The group the solver is surest of (show its theme, not its words)."""
        return self.solve(items)[0]

    def play(self, items: list[str], oracle: Callable[[tuple[str, ...]], str]) -> PlayRecord:
        """Play the standard game: submit a group, hear "correct" / "one away" / "wrong"
        from ``oracle``, four mistakes end it."""
        return self.play_analysis(self.analyse(items), oracle)

    def play_analysis(self, analysis: Analysis, oracle: Callable[[tuple[str, ...]], str]
                      ) -> PlayRecord:
        """:meth:`play` on a board already analysed."""
        record = PlayRecord(False, 0)

        def ask(quad: int, confidence: float) -> str:
            group = self._group(analysis, quad, confidence)
            result = oracle(group.words)
            record.guesses.append({"words": list(group.words), "result": result,
                                   "theme": group.theme})
            return result

        record.solved, record.mistakes = play_scores(analysis.scores, ask)
        return record

    def _group(self, analysis: Analysis, quad: int, confidence: float) -> Group:
        theme, kind = analysis.theme_of(quad, lambda m: self.name_similar(analysis, m))
        words = tuple(analysis.items[i] for i in quads(FULL)[quad])
        return Group(words, theme, kind, confidence)


def feedback_probabilities(scores: Any, left: list[int],
                           history: list[tuple[tuple[int, ...], str]],
                           found: list[tuple[int, ...]]) -> Any:
    """(1820,) probability of each group of four of the words ``left`` under the groups'
    ``scores`` (log-odds), given the feedback ``history`` and the groups ``found``."""
    import numpy as np

    scores = np.array(scores, dtype=np.float64)
    misses = [(g, r) for g, r in history if r != "correct"]
    if len(left) == FULL and not any(r == "one away" for _, r in misses):
        for g, _ in misses:  # "wrong": no group holds three or four of the guess
            over = np.array([len(set(q) & set(g)) for q in quads(FULL)])
            scores[over >= GROUP_SIZE - 1] = -np.inf
        return marginals_full(scores)
    if len(left) == FULL:
        first = next(g for g, r in misses if r == "one away")
        parts = one_away_partitions(first)
    else:
        parts = _partitions_of(tuple(sorted(left)), FULL)
    for g, r in misses:
        found_overlap = max((len(set(g) & set(f)) for f in found), default=0)
        parts = parts[consistent(parts, FULL, g, r, found_overlap)]
    prob, _ = group_probabilities(scores, parts)
    return prob


def play_scores(scores: Any, ask: Callable[[int, float], str]) -> tuple[bool, int]:
    """The standard game on a 16-word board whose groups of four have ``scores``: submit the
    likeliest group not tried yet (``ask(quad index, its probability)`` answers "correct",
    "one away" or "wrong"), learn from the answer, stop after four mistakes. Returns (solved,
    mistakes)."""
    left, found = list(range(FULL)), []
    history: list[tuple[tuple[int, ...], str]] = []
    tried: set[int] = set()
    mistakes = 0
    while mistakes < MAX_MISTAKES and left:
        if len(left) == GROUP_SIZE:
            quad, conf = quad_index(FULL)[tuple(sorted(left))], 1.0
        else:
            try:
                prob = feedback_probabilities(scores, left, history, found)
            except ValueError:  # the feedback rules out every partition: give up
                break
            for t in tried:
                prob[t] = -1.0
            quad = int(prob.argmax())
            conf = float(prob[quad])
        members = quads(FULL)[quad]
        tried.add(quad)
        result = ask(quad, conf)
        history.append((members, result))
        if result == "correct":
            found.append(members)
            left = [i for i in left if i not in members]
        else:
            mistakes += 1
    return not left, mistakes


def _similarities(vectors: list[Any]) -> tuple[Any, Any]:
    """(16, 16) meaning and form cosines (0 where a word has no vector)."""
    import numpy as np

    n = len(vectors)
    meaning, form = np.zeros((n, n)), np.zeros((n, n))
    for k, mat in ((0, meaning), (1, form)):
        ok = [i for i, v in enumerate(vectors) if v is not None and v[k] is not None]
        if len(ok) < 2:
            continue
        m = np.stack([vectors[i][k] for i in ok]).astype(np.float64)
        m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-8)
        mat[np.ix_(ok, ok)] = m @ m.T
    return meaning, form
