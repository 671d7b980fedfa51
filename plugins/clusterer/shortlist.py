"""The short-list path: 3 to :data:`SHORT_MAX` words split as a person would.

A list someone pastes ("apple pear hammer saw dog cat") is too small for the large-set
machinery (a tree cut read off the median distance, seed sizes in sqrt(n)): with all
pairwise similarities cheap, every pair of words gets a probability of belonging together,
and the partition the pairs make most likely is chosen among every cut of the tree, then
improved word by word.

1. **Pairs.** For each pair, a logistic model (:data:`PAIR_WEIGHTS` over :data:`FEATURES`,
   fitted on generated lists of WordNet categories, ``bench/clusterer.py --short --fit``)
   reads the GloVe cosine and, when WordNet knows both words, what they share there: the
   information content of the most specific synset above a noun or verb sense of each
   (every word keeps, for each synset above it, the weight of its sense that leads there,
   its commonest senses weighing most, so each word is read in the sense its partner makes
   likely: "saw" beside "hammer" shares *hand tool*, beside "proverb" *saying*), the same
   weighted by the senses' weights, Lin's similarity; and how each pair stands against the
   rest of the list (z-scores within each word's row, whether one is the other's closest,
   how far below each word's closest pair it is), so one list's scale does not decide; and
   whether *both* words have a partner in the list they share something more specific with
   (beef has pork, carrot has onion: meat and vegetables are sibling categories under
   *food*, not one group).
2. **Every cut.** Average linkage on ``1 - p`` gives n candidate partitions (1 to n
   groups); each is scored by the log-odds of its within-group pairs, each less
   :data:`GROUP_BIAS`, less :data:`GROUP_COST` per group, and the best is kept. A list of
   one group comes out as one group when its pairs say so: nothing forces a split.
3. **Word moves.** A word moves to another group (or a group of its own) while that raises
   the score: a cut of the tree cannot separate words the tree joined early.

``clusters=N`` takes the best partition with exactly N groups (the tree cut at N groups,
then word moves that keep N groups): for lists up to :data:`SHORT_MAX` words it is honoured
exactly.
"""

from __future__ import annotations

from typing import Any

#: lists of at most this many words take the short-list path
SHORT_MAX = 30
#: the pair model's features, in order (see :func:`pair_features`)
FEATURES = ("bias", "cosine", "ic", "ic_weighted", "lin", "known", "cosine_z", "lin_z",
            "cosine_top", "wordnet_top", "cosine_gap", "ic_gap", "lin_gap", "ic_siblings")
#: its weights (log-odds per unit of each feature): logistic regression on the pairs of the
#: tuning lists of bench/clusterer.py --short (recorded in bench/results/clusterer.json)
PAIR_WEIGHTS = (-0.76, -3.18, 0.023, 0.702, 3.839, -0.745, -0.599, 1.578, 0.51, -0.153,
                7.041, -0.484, 2.231, 2.031)
#: a partition's score: the log-odds of its within-group pairs, each less GROUP_BIAS, less
#: GROUP_COST per group; chosen on the tuning lists for the most exact splits
GROUP_BIAS = 2.5
GROUP_COST = 20.0
#: without WordNet (its model missing) the pair model reads only these features, with
#: VECTOR_WEIGHTS, and partitions are scored with VECTOR_BIAS and VECTOR_COST: fitted and
#: chosen the same way on the same tuning lists
VECTOR_FEATURES = ("bias", "cosine", "cosine_z", "cosine_top", "cosine_gap")
VECTOR_WEIGHTS = (0.706, 2.344, -0.166, 0.212, 7.419)
VECTOR_BIAS = 0.0
VECTOR_COST = 12.0
#: a sense's weight: RARE_SENSE_WEIGHT for a word's rarest, 1 for its commonest (SemCor)
RARE_SENSE_WEIGHT = 0.5
#: at most this many senses of each part of speech are read per word (WordNet lists the
#: commonest first; "head" has 33 noun senses)
MAX_SENSES = 8


def _covers(wordnet: Any, word: str) -> dict[int, tuple[float, int]]:
    """Every synset above a noun or verb sense of ``word`` (the sense included), with the
    weight of the word's heaviest sense that leads there and that sense."""
    senses = [s for s in wordnet.senses(word) if wordnet.pos(s.synset) in "nv"]
    if not senses:
        return {}
    top = max(s.count for s in senses) + 1
    out: dict[int, tuple[float, int]] = {}
    seen = {"n": 0, "v": 0}
    for sense in senses:
        pos = wordnet.pos(sense.synset)
        if seen[pos] >= MAX_SENSES:
            continue
        seen[pos] += 1
        weight = RARE_SENSE_WEIGHT + (1 - RARE_SENSE_WEIGHT) * (sense.count + 1) / top
        for synset in (sense.synset, *wordnet.hypernym_closure(sense.synset)):
            if weight > out.get(synset, (0.0, 0))[0]:
                out[synset] = (weight, sense.synset)
    return out


def _wordnet_pairs(words: list[str], wordnet: Any) -> Any:
    """``(n, n, 4)``: per pair the information content of the most specific synset above a
    sense of each word, the same weighted by the two senses' weights (its best synset), Lin's
    similarity ``2 ic(shared) / (ic(sense a) + ic(sense b))``, and 1 when WordNet knows both
    words (else all 0)."""
    import numpy as np

    n = len(words)
    out = np.zeros((n, n, 4))
    covers = [_covers(wordnet, w) for w in words]
    ic = wordnet.ic
    for i in range(n):
        for j in range(i + 1, n):
            if not covers[i] or not covers[j]:
                continue
            out[i, j, 3] = out[j, i, 3] = 1.0
            common = covers[i].keys() & covers[j].keys()
            if not common:
                continue
            best = max(common, key=ic)
            weighted = max(ic(c) * covers[i][c][0] * covers[j][c][0] for c in common)
            own = ic(covers[i][best][1]) + ic(covers[j][best][1])
            out[i, j, :3] = out[j, i, :3] = (ic(best), weighted,
                                             2 * ic(best) / own if own > 0 else 0.0)
    return out


def _standardised(values: Any) -> Any:
    """Each pair's value against the rest of each word's row (z-score; the mean of the two
    words' views): how much closer this pair is than the list's other pairs."""
    import numpy as np

    n = values.shape[0]
    off = ~np.eye(n, dtype=bool)
    rows = np.where(off, values, np.nan)
    mean, spread = np.nanmean(rows, axis=1), np.nanstd(rows, axis=1) + 0.05
    z = (values - mean[:, None]) / spread[:, None]
    return (z + z.T) / 2


def _top(values: Any) -> Any:
    """1 for a pair where one word is the other's closest (by ``values``), else 0."""
    import numpy as np

    n = values.shape[0]
    masked = values.copy()
    np.fill_diagonal(masked, -np.inf)
    top = np.zeros_like(values)
    top[np.arange(n), np.argmax(masked, axis=1)] = 1.0
    return np.maximum(top, top.T)


def _gap(values: Any) -> Any:
    """How far each pair is below each word's closest pair (0 for a mutual best pair)."""
    import numpy as np

    masked = values.copy()
    np.fill_diagonal(masked, -np.inf)
    best = masked.max(axis=1)
    return ((values - best[:, None]) + (values - best[None, :])) / 2


def _sibling_gap(values: Any) -> Any:
    """How far each pair is below the closer of its two words' closest pairs (0 unless both
    words have a closer partner): two words each with their own group, side by side."""
    import numpy as np

    masked = values.copy()
    np.fill_diagonal(masked, -np.inf)
    below = values - masked.max(axis=1)[:, None]
    return np.maximum(below, below.T)


def pair_features(unit: Any, words: list[str] | None, wordnet: Any) -> Any:
    """``(n, n, len(FEATURES))`` float64 features of every pair of the unit rows ``unit``
    (``words`` read in ``wordnet`` when both are given; else the WordNet features are 0)."""
    import numpy as np

    n = unit.shape[0]
    cosine = np.clip(unit.astype(np.float64) @ unit.T.astype(np.float64), -1.0, 1.0)
    shared = (_wordnet_pairs(words, wordnet) if words is not None and wordnet is not None
              else np.zeros((n, n, 4)))
    ic, weighted, lin, known = (shared[..., k] for k in range(4))
    columns = (np.ones((n, n)), cosine, ic, weighted, lin, known, _standardised(cosine),
               _standardised(lin), _top(cosine), _top(lin + 0.3 * cosine), _gap(cosine),
               _gap(ic * known), _gap(lin), _sibling_gap(ic * known))
    return np.stack(columns, axis=-1)


def vector_weights(weights: Any = None) -> Any:
    """VECTOR_WEIGHTS (or ``weights``, one per VECTOR_FEATURES) spread over all FEATURES,
    0 for the WordNet ones."""
    import numpy as np

    full = np.zeros(len(FEATURES))
    for name, value in zip(VECTOR_FEATURES, VECTOR_WEIGHTS if weights is None else weights,
                           strict=True):
        full[FEATURES.index(name)] = value
    return full


def pair_log_odds(feats: Any, weights: Any = None) -> Any:
    """``(n, n)`` log-odds that two words belong together (0 on the diagonal), by
    ``weights`` over FEATURES (default :data:`PAIR_WEIGHTS`)."""
    import numpy as np

    odds = feats @ np.asarray(PAIR_WEIGHTS if weights is None else weights, dtype=np.float64)
    np.fill_diagonal(odds, 0.0)
    return odds


def partition_score(odds: Any, labels: Any, *, bias: float = GROUP_BIAS,
                    group_cost: float = GROUP_COST) -> float:
    """A partition's score (see :data:`GROUP_BIAS`): the sum over pairs in the same group of
    ``odds - bias`` (each pair once), less ``group_cost`` per group."""
    import numpy as np

    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    return float(((odds - bias) * same).sum() / 2.0) - group_cost * np.unique(labels).size


def _move_words(odds: Any, labels: Any, bias: float, group_cost: float,
                fixed_k: int | None) -> Any:
    """Single-word moves (to another group, or alone when ``fixed_k`` is None), the best
    first, while the score rises; ``fixed_k`` keeps that many groups."""
    import numpy as np

    gain = odds - bias
    np.fill_diagonal(gain, 0.0)
    labels = np.unique(labels, return_inverse=True)[1]
    n = labels.size
    for _ in range(2 * n):
        k = int(labels.max()) + 1
        member = np.zeros((n, k))
        member[np.arange(n), labels] = 1.0
        to_group = gain @ member  # (n, k): each word's summed gain with each group
        sizes = member.sum(axis=0)
        stay = to_group[np.arange(n), labels]
        alone = sizes[labels] == 1
        # moving out of a group of one removes a group; into a new one adds a group
        delta = to_group - stay[:, None] + np.where(alone, group_cost, 0.0)[:, None]
        delta[np.arange(n), labels] = -np.inf
        if fixed_k is not None:
            delta[alone] = -np.inf
            new_group = np.full(n, -np.inf)
        else:
            new_group = np.where(alone, -np.inf, -stay - group_cost)
        i, g = np.unravel_index(int(np.argmax(delta)), delta.shape)
        j = int(np.argmax(new_group))
        if max(delta[i, g], new_group[j]) <= 1e-9:
            break
        if delta[i, g] >= new_group[j]:
            labels[i] = g
        else:
            labels[j] = k
        labels = np.unique(labels, return_inverse=True)[1]
    return labels


def short_partition(odds: Any, clusters: int | None = None, *, bias: float = GROUP_BIAS,
                    group_cost: float = GROUP_COST) -> tuple[Any, dict[str, Any]]:
    """The partition of the pair log-odds ``odds`` ``(n, n)`` (see :func:`partition_score`):
    the best-scoring cut of the average-linkage tree on ``1 - p`` (or its cut into exactly
    ``clusters`` groups), then word moves. Returns ``(labels, info)``."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    n = odds.shape[0]
    dist = 1.0 - 1.0 / (1.0 + np.exp(-odds))
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), "average")

    def score(labels: Any) -> float:
        return partition_score(odds, labels, bias=bias, group_cost=group_cost)

    if clusters is not None:
        k = int(max(1, min(n, clusters)))
        labels = _move_words(odds, _cut_by_order(tree, n, k), bias, group_cost, k)
        return labels, {"cuts": 1, "score": round(score(labels), 3)}
    best = max((_cut_by_order(tree, n, k) for k in range(1, n + 1)), key=score)
    labels = _move_words(odds, best, bias, group_cost, None)
    return labels, {"cuts": n, "score": round(score(labels), 3)}


def _cut_by_order(tree: Any, n: int, k: int) -> Any:
    """Labels 0.. of the tree after its first ``n - k`` merges (exactly ``k`` groups)."""
    import numpy as np

    parent = np.arange(2 * n - 1)
    for step in range(n - k):
        a, b = int(tree[step, 0]), int(tree[step, 1])
        parent[a] = parent[b] = n + step

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    roots = [root(i) for i in range(n)]
    return np.unique(roots, return_inverse=True)[1]


def short_cluster(matrix: Any, words: list[str] | None = None, wordnet: Any = None,
                  clusters: int | None = None) -> tuple[Any, dict[str, Any]]:
    """Cluster a short list (``matrix`` ``(n, dim)``, its ``words`` and the WordNet reader
    when known); ``(labels, info)``."""
    from textseq_plugins.clusterer.graph import unit_rows

    unit = unit_rows(matrix)
    feats = pair_features(unit, words, wordnet)
    if words is not None and wordnet is not None:
        labels, info = short_partition(pair_log_odds(feats), clusters, bias=GROUP_BIAS,
                                       group_cost=GROUP_COST)
        info["path"] = "short list + WordNet"
    else:
        labels, info = short_partition(pair_log_odds(feats, vector_weights()), clusters,
                                       bias=VECTOR_BIAS, group_cost=VECTOR_COST)
        info["path"] = "short list"
    if clusters is not None:
        info["hint"] = int(clusters)
    return labels, info
