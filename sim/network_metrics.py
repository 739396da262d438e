"""Betweenness and weighted clustering of a graph given as a sparse adjacency.

networkx defines the metrics the indicators report; these functions compute the
same numbers (``nx.betweenness_centrality(G, normalized=True)`` and
``nx.average_clustering(G, weight="weight")``, equal to about 1e-15, checked by
``tests/sim/test_network_metrics.py``) with sparse products instead of a Python
loop per node, which makes the organisational network's metrics about a hundred
times cheaper (they were most of a default run's time).

Nodes are ``0 .. n-1``; ``adjacency`` is a symmetric ``scipy.sparse`` matrix whose
stored entries are the edges (an explicitly stored 0 is an edge of weight 0) and
their weights, without self-loops.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import sparse

__all__ = ["average_clustering", "betweenness", "betweenness_centralization"]

_BATCH = 256  # sources searched together; bounds memory at batch x n per array
_BATCH_CELLS = 256 * 16_384  # beyond 16,384 nodes, fewer sources a batch (about 34 MB an array)
_DENSE_UP_TO = 1024  # nodes up to which clustering uses a dense n x n array
_EXACT_UP_TO = 2048  # nodes up to which betweenness searches from every node
_PIVOTS = 512  # sources of the sampled betweenness of larger networks
_WEDGES = 1 << 22  # wedges (pairs of out-neighbours) examined together by clustering


def betweenness(adjacency: sparse.sparray) -> np.ndarray:
    """Normalised shortest-path betweenness of every node (hop counts, weights ignored).

    Brandes (2001), "A faster algorithm for betweenness centrality", J. Math.
    Sociol. 25:163, run from a batch of sources at once: the breadth-first search
    advances every source's frontier with one sparse product per level, counting
    shortest paths ``sigma``; dependencies ``delta`` then flow back level by level:

        delta_s(v) = sum_{w : v precedes w} sigma_sv / sigma_sw (1 + delta_s(w))

    and ``b(v) = sum_{s != v} delta_s(v) / ((n - 1)(n - 2))`` as networkx normalises
    it for undirected graphs.

    Nodes with the same neighbours (structurally equivalent: here, enterprises
    and social organisations tied to the same governments) have the same
    dependencies up to swapping them, so one source per class of such nodes
    gives the exact sum: its dependencies count ``|C|`` times, except that a
    member's dependency on its own class counts ``|C| - 1`` times (it is not its
    own source). Up to ``_EXACT_UP_TO`` (2,048) classes the result is exact; an
    organisational network has at most ``2^J`` classes of partners (tied only to
    governments) plus its ``J + 1`` governments, so up to 10 jurisdictions it is
    always exact, whatever its size.
    Networks with more classes use Brandes & Pich (2007)'s pivot estimate, as
    ``nx.betweenness_centrality(G, k)`` does: ``_PIVOTS`` (512) sources, scaled by
    ``n / k``. The pivots are evenly spaced node ids (fixed, so a metric never
    draws from the run's generator and the same network always gives the same
    number); the node blocks (enterprises, social organisations, governments) are
    sampled in proportion. Time and memory then grow with the number of edges,
    not n^2.

    Examples
    --------
    >>> star = sparse.csr_array(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float))
    >>> betweenness(star).tolist()
    [1.0, 0.0, 0.0]
    """
    hops = sparse.csr_array(adjacency, dtype=np.float64, copy=True)
    hops.data[:] = 1.0
    hops.sort_indices()
    n = hops.shape[0]
    total = np.zeros(n)
    if n < 3:
        return total
    label, representative = _equivalence_classes(hops)
    if representative.size > _EXACT_UP_TO:
        pivots = np.unique(np.linspace(0, n - 1, _PIVOTS).round().astype(np.int64))
        batch = _batch_size(n)
        for first in range(0, pivots.size, batch):
            total += _dependencies(hops, pivots[first : first + batch])
        return (n / pivots.size) * total / ((n - 1) * (n - 2))
    size = np.bincount(label).astype(np.float64)
    # another member of each class (-1 for a class of one), whose dependency on
    # the representative every member but the representative shares
    other = np.full(representative.size, -1)
    members = np.flatnonzero(representative[label] != np.arange(n))
    other[label[members]] = members
    own_class = np.zeros(representative.size)
    step = _batch_size(n)
    for first in range(0, representative.size, step):
        batch = np.arange(first, min(first + step, representative.size))
        delta = _dependency_matrix(hops, representative[batch])
        total += delta @ size[batch]
        has_other = other[batch] >= 0
        own_class[batch[has_other]] = delta[other[batch[has_other]], np.flatnonzero(has_other)]
    # counted |C| times above: the representative is really counted |C| - 1 times
    # (by the others), every other member |C| - 1 times, not |C|
    total -= own_class[label]
    total[representative] += size * own_class
    return total / ((n - 1) * (n - 2))


def _batch_size(n: int) -> int:
    """Sources searched together: ``_BATCH``, fewer on large networks to bound memory.

    Each of the search's half-dozen node x source arrays then takes at most
    ``8 _BATCH_CELLS`` bytes (34 MB): a 70,000-node network (a million
    citizens) searches 59 sources a batch instead of 256 (143 MB an array).
    """
    return max(min(16, _BATCH), min(_BATCH, _BATCH_CELLS // max(n, 1)))


def _equivalence_classes(hops: sparse.csr_array) -> tuple[np.ndarray, np.ndarray]:
    """Classes of nodes with the same neighbours: each node's class, and a node of each.

    ``hops`` has sorted indices, so equal neighbourhoods are equal index runs.
    """
    classes: dict[bytes, int] = {}
    # each node's neighbour run as bytes, sliced from one copy of the indices (far
    # cheaper than a numpy slice and its copy per node)
    size = hops.indices.itemsize
    buffer = hops.indices.tobytes()
    bounds = (hops.indptr[: hops.shape[0] + 1] * size).tolist()
    label = np.fromiter(
        (
            classes.setdefault(buffer[start:end], len(classes))
            for start, end in itertools.pairwise(bounds)
        ),
        dtype=np.int64,
        count=hops.shape[0],
    )
    _, representative = np.unique(label, return_index=True)
    return label, representative


def _dependency_matrix(hops: sparse.csr_array, sources: np.ndarray) -> np.ndarray:
    """Brandes dependency ``delta_s(v)`` of every node ``v`` (rows) on each source ``s``.

    Arrays are node x source, so that each level is one sparse product ``hops @ X``.
    """
    n = hops.shape[0]
    columns = np.arange(sources.size)
    sigma = np.zeros((n, sources.size))
    sigma[sources, columns] = 1.0
    seen = sigma > 0
    levels = [seen.copy()]  # levels[d]: which nodes are d hops from each source
    while True:
        reached = hops @ (sigma * levels[-1])  # paths into each node from this level
        new = (reached > 0) & ~seen
        if not new.any():
            break
        seen |= new
        sigma += reached * new
        levels.append(new)
    delta = np.zeros_like(sigma)
    safe_sigma = np.where(seen, sigma, 1.0)
    for d in range(len(levels) - 1, 0, -1):
        coeff = (1.0 + delta) / safe_sigma * levels[d]
        delta += sigma * (hops @ coeff) * levels[d - 1]
    delta[sources, columns] = 0.0
    return delta


def _dependencies(hops: sparse.csr_array, sources: np.ndarray) -> np.ndarray:
    """Sum over ``sources`` of each node's Brandes dependency on them."""
    return _dependency_matrix(hops, sources).sum(axis=1)


def _triangle_cycles(scaled: sparse.csr_array) -> np.ndarray:
    """Diagonal of the cube of ``scaled`` (symmetric, no self-loops), from its triangles.

    Each triangle ``{u, v, w}`` adds ``2 t``, ``t = s_uv s_uw s_vw``, to each of
    its three corners (the two orders of the pair of the other two). Every
    triangle is found once, from its corner of lowest (degree, id) rank: edges
    are oriented from lower to higher rank, each node's pairs of out-neighbours
    (wedges) are listed and kept where the pair is an edge (Chiba & Nishizeki
    1985, "Arboricity and subgraph listing algorithms", SIAM J. Comput. 14:210).
    An out-degree is at most ``sqrt(2 m)``, so the wedges number at most
    ``O(m^1.5)``; in an organisational network a partner's out-neighbours are its
    few governments, and the wedges number a few per node. Sums run in another
    order than the matrix product's, so values agree with it to rounding
    (about 1e-16 relative).
    """
    n = scaled.shape[0]
    indptr, indices, weight = scaled.indptr, scaled.indices.astype(np.int64), scaled.data
    degree = np.diff(indptr)
    rows = np.repeat(np.arange(n, dtype=np.int64), degree)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), degree))] = np.arange(n)
    # out-edges u -> v (rank u < rank v), grouped by u, in order of v within a group
    out = np.flatnonzero(rank[rows] < rank[indices])
    tail, head, out_weight = rows[out], indices[out], weight[out]
    end = np.searchsorted(tail, tail, side="right")  # end of each out-edge's group
    partners = end - np.arange(tail.size) - 1  # later out-edges of the same node
    # each edge's key row * n + col; rows and columns are sorted, so keys are too
    keys = rows * n + indices
    cycles = np.zeros(n)
    edge = np.arange(tail.size, dtype=np.int64)
    for chunk in np.array_split(edge, max(1, int(partners.sum()) // _WEDGES + 1)):
        first = np.repeat(chunk, partners[chunk])
        if first.size == 0:
            continue
        # the i-th wedge of an out-edge pairs it with the out-edge i + 1 places on
        starts = np.cumsum(partners[chunk]) - partners[chunk]
        second = first + 1 + np.arange(first.size) - np.repeat(starts, partners[chunk])
        a, b = head[first], head[second]
        where = np.searchsorted(keys, a * n + b)
        where[where == keys.size] = 0
        closed = keys[where] == a * n + b
        first, second, where = first[closed], second[closed], where[closed]
        t = out_weight[first] * out_weight[second] * weight[where]
        cycles += np.bincount(tail[first], weights=t, minlength=n)
        cycles += np.bincount(head[first], weights=t, minlength=n)
        cycles += np.bincount(head[second], weights=t, minlength=n)
    return 2.0 * cycles


def betweenness_centralization(adjacency: sparse.sparray) -> float:
    """Freeman centralisation of normalised betweenness, in [0, 1] (1 for a star).

    ``sum_v (max b - b_v) / (n - 1)``: a star's hub has normalised betweenness 1
    and its leaves 0, the largest spread possible.
    """
    n = adjacency.shape[0]
    if n < 3 or adjacency.nnz == 0:
        return 0.0
    b = betweenness(adjacency)
    return float(np.sum(b.max() - b)) / (n - 1)


def average_clustering(adjacency: sparse.sparray) -> float:
    """Mean weighted clustering coefficient over all nodes (networkx's definition).

    Onnela et al. (2005), "Intensity and coherence of motifs in weighted complex
    networks", Phys. Rev. E 71:065103: with weights scaled by the largest,
    ``w_hat = w / max(w)``,

        c_u = sum_{v, w} (w_hat_uv w_hat_uw w_hat_vw)^(1/3) / (k_u (k_u - 1))

    over ordered pairs of neighbours, 0 below two neighbours; the diagonal of the
    cube of ``w_hat^(1/3)`` is that sum. Up to ``_DENSE_UP_TO`` (1,024) nodes it
    is computed as such (a sparse times a dense matrix); above, from the
    triangles themselves (:func:`_triangle_cycles`), which is exact too and
    costs time in proportion to the wedges of the degree-ordered graph instead
    of the squared neighbourhoods of the hubs (an organisational network is
    hub-and-spoke: its governments are tied to thousands of partners).

    Examples
    --------
    >>> triangle = sparse.csr_array(np.ones((3, 3)) - np.eye(3))
    >>> average_clustering(triangle)
    1.0
    """
    n = adjacency.shape[0]
    if n == 0:
        return 0.0
    scaled = sparse.csr_array(adjacency, dtype=np.float64, copy=True)
    heaviest = scaled.data.max() if scaled.nnz else 0.0
    if heaviest <= 0.0:
        return 0.0
    scaled.data = np.cbrt(scaled.data / heaviest)
    # diagonal of the cube; a dense right-hand side is cheaper for small networks
    if n <= _DENSE_UP_TO:
        right = scaled.toarray()
        cycles = np.asarray(((scaled @ right) * right).sum(axis=1)).ravel()
    else:
        scaled.sum_duplicates()  # sorted rows, one entry per edge
        cycles = _triangle_cycles(scaled)
    degree = np.diff(scaled.indptr).astype(np.float64)
    pairs = degree * (degree - 1.0)
    clustering = np.divide(cycles, pairs, out=np.zeros(n), where=pairs > 0)
    # Python's float sum, in node order, as networkx averages
    return sum(clustering.tolist()) / n
