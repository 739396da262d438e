"""Shapley values over lever blocks: which blocks explain a regime gap.

Two regimes A and B differ on ``K`` lever blocks. A *coalition* ``S`` of blocks is
regime A with the levers of the blocks in ``S`` set to B's values; ``v(S)`` is an
indicator's steady-state value there, so ``v(empty) = y(A)`` and ``v(all) = y(B)``
(in levers). The Shapley value of block ``k`` (Shapley 1953) is

.. math::

    \\phi_k = \\sum_{S \\subseteq K \\setminus \\{k\\}} \\frac{|S|!\\,(K-|S|-1)!}{K!}
              \\bigl(v(S \\cup \\{k\\}) - v(S)\\bigr),

the mean of block ``k``'s marginal contribution over all orders in which the blocks
could be switched; the values sum to the gap, ``sum_k phi_k = v(all) - v(empty)``
(efficiency), and a block that changes nothing gets 0 (null player). Unlike one-at-a-time
swaps (:mod:`experiments.lever_swaps`), interactions are shared out, not left as a
remainder. The exact formula needs all ``2^K`` coalitions (512 for the nine blocks);
above ``exact_max`` blocks the value is estimated by permutation sampling (Castro,
Gomez & Tejada 2009): ``M`` random orders, each block's marginal contribution where it
enters, averaged; each order costs ``K - 1`` new coalitions at most and the estimate
still sums exactly to the gap. The orders are drawn from the caller's generator.

Coalitions are numbered as bit masks over the blocks (bit ``k`` set: block ``k`` from B).
With common random numbers, every coalition is run on the same seeds and the values
are computed per seed; intervals are over seeds (they do not include the permutation
sampling error, which the ``permutations`` count controls).

>>> import numpy as np
>>> v = {0b00: 0.0, 0b01: 1.0, 0b10: 0.0, 0b11: 1.0}   # block 0 alone decides
>>> exact_shapley(lambda s: v[s], 2).tolist()
[1.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import factorial

import numpy as np

__all__ = [
    "coalitions_exact",
    "coalitions_permutations",
    "exact_shapley",
    "permutation_shapley",
]


def coalitions_exact(k: int) -> list[int]:
    """Every coalition mask of ``k`` blocks: ``0 .. 2^k - 1``."""
    return list(range(2**k))


def coalitions_permutations(k: int, orders: Sequence[Sequence[int]]) -> list[int]:
    """The masks the permutation estimator needs: every prefix of every order (first seen first)."""
    masks = [0, 2**k - 1]
    seen = set(masks)
    for order in orders:
        mask = 0
        for block in order:
            mask |= 1 << int(block)
            if mask not in seen:
                seen.add(mask)
                masks.append(mask)
    return masks


def exact_shapley(value: Callable[[int], np.ndarray | float], k: int) -> np.ndarray:
    """Exact Shapley values of ``k`` blocks; ``value(mask)`` a number or an array (per seed).

    Returns an array of shape ``(k, *value.shape)``.
    """
    weights = [factorial(s) * factorial(k - s - 1) / factorial(k) for s in range(k)]
    cache = {mask: np.asarray(value(mask), dtype=np.float64) for mask in range(2**k)}
    out = np.zeros((k, *cache[0].shape))
    for block in range(k):
        bit = 1 << block
        for mask in range(2**k):
            if mask & bit:
                continue
            out[block] += weights[mask.bit_count()] * (cache[mask | bit] - cache[mask])
    return out


def permutation_shapley(
    value: Callable[[int], np.ndarray | float], k: int, orders: Sequence[Sequence[int]]
) -> np.ndarray:
    """Shapley values estimated over the given orders of the ``k`` blocks (Castro et al. 2009).

    Each order contributes, for every block, ``v(prefix + block) - v(prefix)``; the
    estimate is the mean over orders and sums to ``v(all) - v(empty)`` exactly.
    """
    if not orders:
        raise ValueError("permutation_shapley: give at least one order")
    cache: dict[int, np.ndarray] = {}

    def v(mask: int) -> np.ndarray:
        if mask not in cache:
            cache[mask] = np.asarray(value(mask), dtype=np.float64)
        return cache[mask]

    out = np.zeros((k, *v(0).shape))
    for order in orders:
        mask = 0
        for block in order:
            after = mask | (1 << int(block))
            out[int(block)] += v(after) - v(mask)
            mask = after
    return out / len(orders)


def draw_orders(rng: np.random.Generator, k: int, count: int) -> list[list[int]]:
    """``count`` random orders of ``k`` blocks from the caller's generator."""
    return [rng.permutation(k).tolist() for _ in range(count)]
