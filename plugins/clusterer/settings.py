"""Every knob of a clustering run (:class:`ClusterSettings`, stored with the run) and its
result (:class:`Clustering`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from textseq_tui.plugin import BadInput

WEIGHTINGS = ("top", "linear", "log")
METHODS = ("linkage", "cw", "dbscan", "leiden")
#: Fewest words for the clustering to mean anything.
MIN_WORDS = 3
_ALIASES = {"lin": "linear", "nolog": "linear"}


@dataclass
class ClusterSettings:
    """Every knob of a clustering run (stored with the run).

    Graph: ``k`` neighbours per word, ``mutual`` kNN (keep i-j only if each lists the other),
    ``threshold`` minimum cosine of an edge. Chinese Whispers: ``weighting`` (top | linear |
    log, by neighbour degree), ``max_passes``, ``seed``. DBSCAN: ``eps`` (cosine distance;
    None: suggested from the k-distance curve by ``eps_rule``), ``min_samples``. Both: ``min_size``: words in
    smaller clusters are reported as noise (-1). Linkage: ``cut`` (cosine distance at which
    the average-linkage tree is cut; None: :func:`default_cut`), ``min_seed`` (groups of the
    cut with fewer words do not seed a cluster; None: :func:`default_min_seed`), ``sample`` (at most this many words build
    the tree, or the Leiden graph). Leiden: ``resolution`` (None: :data:`LEIDEN_RESOLUTION`),
    ``neighbours`` (None: :func:`leiden_neighbours`), ``min_seed``. Linkage and Leiden:
    ``clusters``, a hint of about how many groups are wanted (None: read off the data).
    """

    method: str = "linkage"
    k: int = 10
    mutual: bool = True
    threshold: float | None = None
    weighting: str = "top"
    max_passes: int = 30
    seed: int = 0
    eps: float | None = None
    min_samples: int = 4
    eps_rule: str = "most-clusters"
    min_size: int = 1
    cut: float | None = None
    min_seed: int | None = None
    sample: int = 4000
    clusters: int | None = None
    resolution: float | None = None
    neighbours: int | None = None

    def check(self) -> ClusterSettings:
        """Validate (raising BadInput with the bad option) and normalise aliases."""
        self.weighting = _ALIASES.get(self.weighting, self.weighting)
        if self.method not in METHODS:
            raise BadInput(f"--method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if self.cut is not None and not 0.0 < self.cut < 2.0:
            raise BadInput(f"--cut is a cosine distance in (0, 2), got {self.cut}")
        if self.min_seed is not None and self.min_seed < 1:
            raise BadInput(f"--min-seed must be at least 1 (got {self.min_seed})")
        if self.clusters is not None and self.clusters < 1:
            raise BadInput(f"--clusters must be at least 1 (got {self.clusters})")
        if self.clusters is not None and self.method not in ("linkage", "leiden"):
            raise BadInput("--clusters is a hint for --method linkage or leiden, "
                           f"not {self.method}")
        if self.resolution is not None and not self.resolution > 0.0:
            raise BadInput(f"--resolution must be positive (got {self.resolution})")
        if self.neighbours is not None and self.neighbours < 1:
            raise BadInput(f"--neighbours must be at least 1 (got {self.neighbours})")
        if self.sample < 3:
            raise BadInput(f"--sample must be at least 3 (got {self.sample})")
        if self.weighting not in WEIGHTINGS:
            raise BadInput(f"--weighting must be one of {', '.join(WEIGHTINGS)}, "
                           f"not {self.weighting!r}")
        if self.k < 1:
            raise BadInput(f"--k must be at least 1 (got {self.k})")
        if self.max_passes < 1:
            raise BadInput(f"--max-passes must be at least 1 (got {self.max_passes})")
        if self.threshold is not None and not -1.0 <= self.threshold < 1.0:
            raise BadInput(f"--threshold is a cosine in [-1, 1), got {self.threshold}")
        if self.eps is not None and not 0.0 < self.eps <= 2.0:
            raise BadInput(f"--eps is a cosine distance in (0, 2], got {self.eps}")
        if self.min_samples < 1:
            raise BadInput(f"--min-samples must be at least 1 (got {self.min_samples})")
        if self.eps_rule not in ("knee", "most-clusters"):
            raise BadInput(f"--eps-rule must be knee or most-clusters, not {self.eps_rule!r}")
        if self.min_size < 1:
            raise BadInput(f"--min-size must be at least 1 (got {self.min_size})")
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Clustering:
    """A clustering: ``labels[i]`` is word i's cluster (0 = largest; -1 = noise)."""

    labels: Any
    settings: ClusterSettings
    info: dict[str, Any] = field(default_factory=dict)
    graph: Any = None  # the KnnGraph used (for neighbours in the app), when one was built

    @property
    def n_clusters(self) -> int:
        return int(self.labels.max()) + 1 if len(self.labels) else 0
