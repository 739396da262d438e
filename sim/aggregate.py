"""Small vectorised aggregates shared by phases and indicators."""

from __future__ import annotations

import numpy as np

# up to this many values (jurisdictions, say) a Gini is cheaper in plain Python
_FEW = 32

__all__ = [
    "by_jurisdiction",
    "gini",
    "gini_of_sorted",
    "mean_by_jurisdiction",
    "row_sum",
    "strength_centralization",
]


def by_jurisdiction(
    jurisdiction: np.ndarray, values: np.ndarray, n_jurisdictions: int
) -> np.ndarray:
    """Sum ``values`` (length N, or N x D) within each jurisdiction.

    >>> by_jurisdiction(np.array([0, 1, 1]), np.array([1.0, 2.0, 3.0]), 2).tolist()
    [1.0, 5.0]
    """
    if values.ndim == 1:  # flags (bool) count exactly as weights of 0 and 1
        return np.bincount(jurisdiction, weights=values, minlength=n_jurisdictions)
    return np.stack(
        [
            np.bincount(jurisdiction, weights=values[:, d], minlength=n_jurisdictions)
            for d in range(values.shape[1])
        ],
        axis=1,
    )


def mean_by_jurisdiction(
    jurisdiction: np.ndarray, values: np.ndarray, population: np.ndarray
) -> np.ndarray:
    """Mean of ``values`` within each jurisdiction (0 where a jurisdiction is empty)."""
    sums = by_jurisdiction(jurisdiction, values.astype(np.float64, copy=False), population.size)
    safe = np.maximum(population, 1.0)
    return sums / (safe if sums.ndim == 1 else safe[:, None])


def row_sum(values: np.ndarray) -> np.ndarray:
    """Sum of each row of an N x D array, equal bit for bit to ``values.sum(axis=1)``.

    numpy sums a row of fewer than eight numbers left to right but pays a loop
    call per row; adding whole columns in the same order gives the same numbers
    several times faster on the narrow (N x domains) arrays of the model. Wider
    arrays go to numpy, whose pairwise order for them this would not reproduce.

    >>> row_sum(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).tolist()
    [6.0, 15.0]
    """
    width = values.shape[1]
    if width == 0 or width >= 8:
        return values.sum(axis=1)
    total = values[:, 0].copy()
    for column in range(1, width):
        total += values[:, column]
    return total


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: perfect equality).

    >>> gini(np.array([1.0, 1.0, 1.0]))
    0.0
    >>> round(gini(np.array([0.0, 0.0, 1.0])), 3)
    0.667
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size <= _FEW:
        return _gini_of_few(sorted(values.tolist()))
    return gini_of_sorted(np.sort(values))


def gini_of_sorted(ascending: np.ndarray, ranks: np.ndarray | None = None) -> float:
    """Gini coefficient of non-negative values already sorted in ascending order.

    ``G = 2 sum_i i x_(i) / (n sum_i x_i) - (n + 1) / n`` with ranks ``i = 1 .. n``;
    pass ``ranks`` (``np.arange(1.0, n + 1.0)``) to reuse them across calls.

    >>> round(gini_of_sorted(np.array([0.0, 0.0, 1.0])), 3)
    0.667
    """
    x = ascending
    n = x.size
    if n <= _FEW and ranks is None:
        return _gini_of_few(x.tolist())
    total = x.sum()
    if n == 0 or total <= 0.0:
        return 0.0
    # numpy's pairwise sum, not np.dot: BLAS splits long dot products across threads,
    # which costs more than the sum and makes its last bits depend on the thread count
    if ranks is None:
        ranks = np.arange(1.0, n + 1.0)
    weighted = (ranks * x).sum()
    coefficient = float((2.0 * weighted / (n * total)) - (n + 1.0) / n)
    return min(1.0, max(0.0, coefficient))  # clipped as np.clip would (0.0 wins a tie with -0.0)


def _gini_of_few(ascending: list[float]) -> float:
    """:func:`gini_of_sorted` in plain Python, cheaper than numpy's calls for a few values."""
    n = len(ascending)
    total = sum(ascending)
    if n == 0 or total <= 0.0:
        return 0.0
    weighted = sum(rank * value for rank, value in enumerate(ascending, start=1))
    coefficient = 2.0 * weighted / (n * total) - (n + 1.0) / n
    return min(1.0, max(0.0, coefficient))


def strength_centralization(strength: np.ndarray) -> float:
    """Freeman centralisation of node strengths, normalised to [0, 1].

    Sum of (max - s_i) over the largest value that sum can take for the same total
    strength, reached by a star. 0 when all nodes are equally central, 1 for a star.

    >>> strength_centralization(np.array([3.0, 1.0, 1.0, 1.0]))
    1.0
    >>> strength_centralization(np.array([2.0, 2.0, 2.0]))
    0.0
    """
    s = np.asarray(strength, dtype=np.float64)
    n = s.size
    total = float(s.sum())
    if n < 3 or total <= 0.0:
        return 0.0
    spread = float((s.max() - s).sum())
    # a star with the same total: hub holds total/2, each leaf total/(2(n-1))
    star = float((n - 1) * (total / 2.0 - total / (2.0 * (n - 1))))
    return min(1.0, max(0.0, spread / star)) if star > 0 else 0.0
