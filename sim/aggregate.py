"""Small vectorised aggregates shared by phases and indicators."""

from __future__ import annotations

import numpy as np

__all__ = ["by_jurisdiction", "gini", "mean_by_jurisdiction", "strength_centralization"]


def by_jurisdiction(
    jurisdiction: np.ndarray, values: np.ndarray, n_jurisdictions: int
) -> np.ndarray:
    """Sum ``values`` (length N, or N x D) within each jurisdiction.

    >>> by_jurisdiction(np.array([0, 1, 1]), np.array([1.0, 2.0, 3.0]), 2).tolist()
    [1.0, 5.0]
    """
    if values.ndim == 1:
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


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: perfect equality).

    >>> gini(np.array([1.0, 1.0, 1.0]))
    0.0
    >>> round(gini(np.array([0.0, 0.0, 1.0])), 3)
    0.667
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = x.size
    total = x.sum()
    if n == 0 or total <= 0.0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(np.clip((2.0 * np.dot(ranks, x) / (n * total)) - (n + 1.0) / n, 0.0, 1.0))


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
    total = s.sum()
    if n < 3 or total <= 0.0:
        return 0.0
    spread = float(np.sum(s.max() - s))
    # a star with the same total: hub holds total/2, each leaf total/(2(n-1))
    star = (n - 1) * (total / 2.0 - total / (2.0 * (n - 1)))
    return float(np.clip(spread / star, 0.0, 1.0)) if star > 0 else 0.0
