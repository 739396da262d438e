"""Small vectorised aggregates shared by phases and indicators."""

from __future__ import annotations

import numpy as np

from sim.numeric import clip

__all__ = [
    "by_jurisdiction",
    "gini",
    "gini_of_sorted",
    "gini_of_sorted_rows",
    "gini_rows",
    "mean_by_jurisdiction",
    "row_sum",
    "strength_centralization",
    "strength_centralization_rows",
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
    # flags and integers are summed as float64 weights by bincount itself (no copy)
    sums = by_jurisdiction(jurisdiction, values, population.size)
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
    return gini_of_sorted(np.sort(np.asarray(values, dtype=np.float64)))


def gini_rows(values: np.ndarray) -> np.ndarray:
    """Gini coefficient of each row of a 2-D array of non-negative values.

    >>> gini_rows(np.array([[1.0, 1.0], [0.0, 1.0]])).tolist()
    [0.0, 0.5]
    """
    return gini_of_sorted_rows(np.sort(np.asarray(values, dtype=np.float64), axis=1))


def gini_of_sorted(ascending: np.ndarray, ranks: np.ndarray | None = None) -> float:
    """Gini coefficient of non-negative values already sorted in ascending order.

    ``G = 2 sum_i i x_(i) / (n sum_i x_i) - (n + 1) / n`` with ranks ``i = 1 .. n``;
    pass ``ranks`` (``np.arange(1.0, n + 1.0)``) to reuse them across calls.

    >>> round(gini_of_sorted(np.array([0.0, 0.0, 1.0])), 3)
    0.667

    The same arithmetic as :func:`gini_of_sorted_rows` on one row (the reference,
    ``tests/sim/test_fast_paths.py`` checks they agree bit for bit), in scalars:
    this runs every step, and the row version's masked divisions cost more than
    the two sums at a few thousand citizens.
    """
    n = ascending.size
    if n == 0:
        return 0.0
    if ranks is None:
        ranks = np.arange(1.0, n + 1.0)
    total = ascending.sum()
    if not total > 0:
        return 0.0
    weighted = (ranks * ascending).sum()
    coefficient = float(2.0 * weighted / (n * total)) - (n + 1.0) / n
    return min(max(coefficient, 0.0), 1.0)


def gini_of_sorted_rows(ascending: np.ndarray, ranks: np.ndarray | None = None) -> np.ndarray:
    """:func:`gini_of_sorted` of each row of a 2-D array (0 where a row sums to 0)."""
    n = ascending.shape[1]
    total = ascending.sum(axis=1)
    if n == 0:
        return np.zeros_like(total)
    if ranks is None:
        ranks = np.arange(1.0, n + 1.0)
    # numpy's pairwise sum, not np.dot: BLAS splits long dot products across threads,
    # which costs more than the sum and makes its last bits depend on the thread count
    weighted = (ranks * ascending).sum(axis=1)
    positive = total > 0
    coefficient = np.divide(2.0 * weighted, n * total, out=np.zeros_like(total), where=positive)
    coefficient -= (n + 1.0) / n
    return np.where(positive, clip(coefficient, 0.0, 1.0), 0.0)


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
    return float(strength_centralization_rows(s[None, :])[0])


def strength_centralization_rows(strength: np.ndarray) -> np.ndarray:
    """:func:`strength_centralization` of each row of a 2-D array (one network state per row)."""
    n = strength.shape[1]
    total = strength.sum(axis=1)
    if n < 3:
        return np.zeros_like(total)
    spread = (strength.max(axis=1)[:, None] - strength).sum(axis=1)
    # a star with the same total: hub holds total/2, each leaf total/(2(n-1))
    star = (n - 1) * (total / 2.0 - total / (2.0 * (n - 1)))
    valid = (total > 0) & (star > 0)
    centralization = np.divide(spread, star, out=np.zeros_like(total), where=valid)
    return clip(centralization, 0.0, 1.0)
