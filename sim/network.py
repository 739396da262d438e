"""The collaboration graph: citizens' social ties and organisational ties.

networkx is the source of truth for structure and network metrics; the hot loop
reads a CSR view of the citizens' social graph (:class:`SocialAdjacency`) and the
organisational ties as flat arrays (:class:`OrgTies`), both derived from it.

Node ids are integers with one block per actor type (:class:`NodeIds`); every node
carries ``kind`` and ``index`` (its row in the population arrays), and every edge a
``kind`` and a ``weight``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse

from sim.params import NetworkParams

__all__ = [
    "EDGE_KINDS",
    "NodeIds",
    "OrgTies",
    "SocialAdjacency",
    "barabasi_albert_graph",
    "build_collaboration_graph",
    "build_org_ties",
    "build_social_graph",
    "social_adjacency",
]


def _csr_matvec_kernel() -> Callable[..., None] | None:
    """scipy's CSR product kernel (``scipy.sparse._sparsetools.csr_matvec``), if present.

    A private scipy name: where a scipy release lacks it, None, and
    :meth:`SocialAdjacency.neighbour_sum` takes the public ``matrix @ values``
    (the same numbers; ``tests/sim/test_fast_paths.py`` checks both).
    """
    try:
        from scipy.sparse import _sparsetools
    except ImportError:  # pragma: no cover - depends on the scipy release
        return None
    return getattr(_sparsetools, "csr_matvec", None)


_CSR_MATVEC = _csr_matvec_kernel()

# Organisational tie kinds that evolve (phase 12), by code in OrgTies.kind.
ORG_TIE_KINDS: tuple[str, ...] = ("regulation", "partnership", "cooperation")
EDGE_KINDS: tuple[str, ...] = (
    "social",
    "jurisdiction",
    "customer",
    "membership",
    *ORG_TIE_KINDS,
    "hierarchy",
)


def build_social_graph(n: int, spec: NetworkParams, rng: np.random.Generator) -> nx.Graph:
    """Generate the citizen-citizen social graph with the run's generator.

    Parameters
    ----------
    n
        Number of citizens; nodes are ``0 .. n-1``.
    spec
        Generator choice and its parameters.
    rng
        The run's generator; every random graph draws from it, so the same seed
        gives the same graph.

    Examples
    --------
    >>> import numpy as np
    >>> from sim.params import NetworkParams
    >>> g = build_social_graph(10, NetworkParams(kind="ring", k=2), np.random.default_rng(0))
    >>> sorted(d for _, d in g.degree())[:3]
    [2, 2, 2]
    """
    match spec.kind:
        case "barabasi_albert":
            graph = barabasi_albert_graph(n, spec.m, rng)
        case "ring":
            graph = nx.circulant_graph(n, range(1, spec.k // 2 + 1))
        case "watts_strogatz":
            graph = nx.watts_strogatz_graph(n, spec.k, spec.p, seed=rng)
        case "erdos_renyi":
            graph = nx.fast_gnp_random_graph(n, min(1.0, spec.mean_degree / (n - 1)), seed=rng)
        case "lattice":
            rows = max(1, int(np.sqrt(n)))
            cols = -(-n // rows)
            grid = nx.grid_2d_graph(rows, cols)
            order = sorted(grid.nodes())[:n]
            graph = nx.convert_node_labels_to_integers(
                grid.subgraph(order).copy(), ordering="sorted"
            )
        case _:  # pragma: no cover - the schema rejects other kinds
            raise ValueError(f"unknown network kind {spec.kind!r}")
    return graph


def barabasi_albert_graph(n: int, m: int, rng: np.random.Generator) -> nx.Graph:
    """``nx.barabasi_albert_graph(n, m, seed=rng)``, draw for draw, without its overhead.

    Barabasi & Albert (1999), "Emergence of scaling in random networks", Science
    286:509. networkx grows a star on ``m + 1`` nodes by preferential attachment:
    each new node draws uniformly from the list of edge endpoints until it has ``m``
    distinct targets. Each draw goes through ``random.Random.choice`` on top of the
    numpy generator (``_randbelow`` by rejection on ``getrandbits``, which takes one
    32-bit word from ``Generator.bytes``), 25-30 s at a million nodes. This function
    makes the same draws from the same words, drawn in bulk, and adds the same edges
    in the same order (about 10 s at a million nodes, most of it networkx building
    the graph), so the graph (nodes, edges and neighbour order) and the generator's
    state afterwards are identical to networkx's (``tests/sim/test_fast_paths.py``
    checks it against networkx).

    Examples
    --------
    >>> g = barabasi_albert_graph(100, 2, np.random.default_rng(0))
    >>> h = nx.barabasi_albert_graph(100, 2, seed=np.random.default_rng(0))
    >>> nx.utils.graphs_equal(g, h)
    True
    """
    if not 1 <= m < n:
        raise nx.NetworkXError(f"Barabasi-Albert network must have 1 <= m < n, m = {m}, n = {n}")
    start = rng.bit_generator.state
    # about 1.4 words per draw: a rejection sampler on the next power of two
    chunk = 3 * m * n // 2 + 1024
    words = _random_words(rng, chunk)
    used = 0
    # endpoint list of the initial star: the hub m times, each leaf once
    repeated = [0] * m + list(range(1, m + 1))
    chosen: list[set[int]] = []
    for source in range(m + 1, n):
        bound = len(repeated)
        shift = 32 - bound.bit_length()  # getrandbits(k) keeps the top k bits of a word
        targets: set[int] = set()
        while len(targets) < m:
            if used == len(words):
                words.extend(_random_words(rng, chunk // 4 + 1024))
            pick = words[used] >> shift
            used += 1
            if pick < bound:  # otherwise rejected, as in random.Random._randbelow
                targets.add(repeated[pick])
        repeated.extend(targets)
        repeated.extend([source] * m)
        chosen.append(targets)
    # leave the generator exactly where networkx would: the same words consumed
    rng.bit_generator.state = start
    _random_words(rng, used)
    graph = nx.star_graph(m)
    graph.add_edges_from(
        (source, target) for source, targets in enumerate(chosen, start=m + 1) for target in targets
    )
    return graph


def _random_words(rng: np.random.Generator, count: int) -> list[int]:
    """``count`` 32-bit words as ``Generator.bytes`` reads them (big-endian), as ints."""
    return rng.integers(0, 2**32, size=count, dtype=np.uint32).byteswap().tolist()


@dataclass(frozen=True)
class SocialAdjacency:
    """CSR view of the citizens' social graph for vectorised phases.

    Attributes
    ----------
    matrix
        Symmetric N x N adjacency (``scipy.sparse.csr_array`` of ones).
    indptr, indices
        The CSR arrays, for sampling neighbours.
    degree
        Number of social neighbours of each citizen.
    isolated
        Number of citizens without social neighbours.
    """

    matrix: sparse.csr_array
    indptr: np.ndarray
    indices: np.ndarray
    degree: np.ndarray
    isolated: int = 0

    def neighbour_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over each citizen's neighbours (one sparse product).

        ``self.matrix @ values`` (the reference) for a float vector, calling the
        kernel scipy's product calls (``csr_matvec``, into zeros) without its
        Python dispatch, which costs about as much as the product itself at a few
        thousand citizens; the same numbers bit for bit
        (``tests/sim/test_fast_paths.py``). Without that private kernel, the product.
        """
        matrix = self.matrix
        kernel = _CSR_MATVEC
        if (
            kernel is None
            or values.dtype != np.float64
            or values.ndim != 1
            or not values.flags.c_contiguous
            or matrix.dtype != np.float64
        ):
            return matrix @ values
        n_rows, n_cols = matrix.shape
        if values.size != n_cols:
            return matrix @ values  # scipy's own message
        total = np.zeros(n_rows)
        kernel(n_rows, n_cols, matrix.indptr, matrix.indices, matrix.data, values, total)
        return total

    def neighbour_count(self, flags: np.ndarray) -> np.ndarray:
        """Number of each citizen's neighbours whose flag is set (as floats).

        Equal to ``neighbour_sum(flags.astype(float))``. When few citizens are
        flagged, counting the entries of their neighbour lists (the matrix is
        symmetric) is much cheaper than a product over the whole graph.
        """
        flagged = flags.nonzero()[0]
        if flagged.size * 8 > flags.size:
            return self.neighbour_sum(flags.astype(np.float64))
        starts = self.indptr[flagged]
        lengths = self.indptr[flagged + 1] - starts
        # positions of every flagged citizen's neighbour-list entries, run by run
        runs = (starts - lengths.cumsum() + lengths).repeat(lengths)
        positions = runs + np.arange(runs.size, dtype=runs.dtype)
        return np.bincount(self.indices[positions], minlength=flags.size).astype(np.float64)

    def neighbour_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean of ``values`` over each citizen's neighbours; one with none keeps its own."""
        total = self.neighbour_sum(values)
        if self.isolated == 0:
            return total / self.degree
        own = np.array(values, dtype=np.float64)
        return np.divide(total, self.degree, out=own, where=self.degree > 0)

    def random_neighbour(self, rng: np.random.Generator) -> np.ndarray:
        """One uniformly drawn neighbour per citizen; a citizen with none gets itself."""
        n = self.degree.size
        # truncation is floor here: the draws are non-negative
        offsets = rng.random(n)
        offsets *= self.degree
        if self.isolated == 0:
            positions = offsets.astype(self.indptr.dtype)
            positions += self.indptr[:-1]
            return self.indices[positions]
        has = self.degree > 0
        picked = np.arange(n)
        picked[has] = self.indices[self.indptr[:-1][has] + offsets[has].astype(np.int64)]
        return picked


def social_adjacency(graph: nx.Graph, n: int) -> SocialAdjacency:
    """Derive the CSR adjacency of citizens ``0 .. n-1`` from the social graph.

    Reads the neighbour lists straight from the graph's adjacency (one pass in C
    rather than a Python loop over edges); indices are 32-bit when they fit, which
    makes the products faster. Rows are sorted, so the matrix (and every product)
    is the same whatever order the graph stores its neighbours in.
    """
    adjacency = graph.adj
    nodes = np.fromiter(adjacency, dtype=np.int64, count=len(adjacency))
    degree = np.fromiter((d for _, d in graph.degree(nodes.tolist())), np.int64, nodes.size)
    neighbours = np.fromiter(
        itertools.chain.from_iterable(adjacency.values()), dtype=np.int64, count=-1
    )
    if neighbours.size != degree.sum():  # a self-loop counts twice in a degree
        degree = np.fromiter(map(len, adjacency.values()), np.int64, nodes.size)
    index = np.int32 if max(n, neighbours.size) < np.iinfo(np.int32).max else np.int64
    rows = np.repeat(nodes, degree).astype(index)
    matrix = sparse.csr_array(
        (np.ones(neighbours.size), (rows, neighbours.astype(index))), shape=(n, n)
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    degree = np.diff(matrix.indptr).astype(np.float64)
    return SocialAdjacency(
        matrix, matrix.indptr, matrix.indices, degree, int(np.count_nonzero(degree == 0))
    )


@dataclass(frozen=True)
class NodeIds:
    """Offsets of each actor type's block of node ids in the collaboration graph."""

    citizens: int
    enterprises: int
    social_orgs: int
    jurisdictions: int

    def citizen(self, i: int | np.ndarray) -> int | np.ndarray:
        """Node id of citizen ``i``."""
        return i

    def enterprise(self, i: int | np.ndarray) -> int | np.ndarray:
        """Node id of enterprise ``i``."""
        return self.citizens + i

    def social_org(self, i: int | np.ndarray) -> int | np.ndarray:
        """Node id of social organisation ``i``."""
        return self.citizens + self.enterprises + i

    def government(self, i: int | np.ndarray) -> int | np.ndarray:
        """Node id of government ``i`` (``jurisdictions`` is the central one)."""
        return self.citizens + self.enterprises + self.social_orgs + i


@dataclass
class OrgTies:
    """Candidate organisational ties of local governments, as flat arrays.

    Every local government may tie with every enterprise (regulation and
    contracts), every social organisation (partnership, purchase of services) and
    every other local government (inter-governmental cooperation). ``active`` marks
    the ties that exist; ``weight`` is their strength in (0, 1].

    Attributes
    ----------
    government
        Local government index of each candidate tie.
    kind
        Index into ``("regulation", "partnership", "cooperation")``.
    partner
        Row of the partner in its population (enterprise, social org, or local
        government index).
    """

    government: np.ndarray
    kind: np.ndarray
    partner: np.ndarray
    active: np.ndarray
    weight: np.ndarray

    REGULATION = 0
    PARTNERSHIP = 1
    COOPERATION = 2

    def of_kind(self, kind: int) -> np.ndarray:
        """Boolean mask of active ties of a kind."""
        return self.active & (self.kind == kind)


def build_org_ties(
    n_jurisdictions: int,
    enterprise_jurisdiction: np.ndarray,
    social_org_jurisdiction: np.ndarray,
    initial_weight: float,
    cooperation: float,
) -> OrgTies:
    """All candidate ties; those within a jurisdiction start active.

    Local-local cooperation ties start active when ``cooperation`` > 0.
    """
    jur = np.arange(n_jurisdictions)
    n_e, n_s = enterprise_jurisdiction.size, social_org_jurisdiction.size
    gov_e = np.repeat(jur, n_e)
    part_e = np.tile(np.arange(n_e), n_jurisdictions)
    gov_s = np.repeat(jur, n_s)
    part_s = np.tile(np.arange(n_s), n_jurisdictions)
    a, b = np.triu_indices(n_jurisdictions, k=1)
    government = np.concatenate([gov_e, gov_s, a])
    partner = np.concatenate([part_e, part_s, b])
    kind = np.concatenate(
        [
            np.full(gov_e.size, OrgTies.REGULATION),
            np.full(gov_s.size, OrgTies.PARTNERSHIP),
            np.full(a.size, OrgTies.COOPERATION),
        ]
    ).astype(np.int8)
    active = np.concatenate(
        [
            enterprise_jurisdiction[part_e] == gov_e,
            social_org_jurisdiction[part_s] == gov_s,
            np.full(a.size, cooperation > 0.0),
        ]
    )
    weight = np.where(active, initial_weight, 0.0)
    return OrgTies(government, kind, partner, active, weight)


def org_tie_nodes(ties: OrgTies, ids: NodeIds) -> tuple[np.ndarray, np.ndarray]:
    """Node ids (u, v) of every candidate organisational tie."""
    u = ids.government(ties.government)
    v = np.select(
        [ties.kind == OrgTies.REGULATION, ties.kind == OrgTies.PARTNERSHIP],
        [ids.enterprise(ties.partner), ids.social_org(ties.partner)],
        ids.government(ties.partner),
    )
    return u, v


def build_collaboration_graph(
    social: nx.Graph,
    ids: NodeIds,
    citizen_jurisdiction: np.ndarray,
    citizen_enterprise: np.ndarray,
    citizen_social_org: np.ndarray,
    enterprise_jurisdiction: np.ndarray,
    social_org_jurisdiction: np.ndarray,
    ties: OrgTies,
) -> nx.Graph:
    """Assemble the full collaboration graph around the social graph.

    The social graph is relabelled in place into the collaboration graph (no copy):
    citizens keep their ids, organisations and governments are appended.
    """
    graph = social
    n_j = ids.jurisdictions
    nx.set_node_attributes(graph, "citizen", "kind")
    for i, j in enumerate(citizen_jurisdiction.tolist()):
        node = graph.nodes[i]
        node["index"] = i
        node["jurisdiction"] = j
    nx.set_edge_attributes(graph, "social", "kind")
    nx.set_edge_attributes(graph, 1.0, "weight")
    graph.add_nodes_from(
        (ids.enterprise(e), {"kind": "enterprise", "index": e, "jurisdiction": int(j)})
        for e, j in enumerate(enterprise_jurisdiction)
    )
    graph.add_nodes_from(
        (ids.social_org(s), {"kind": "social_org", "index": s, "jurisdiction": int(j)})
        for s, j in enumerate(social_org_jurisdiction)
    )
    graph.add_nodes_from(
        (
            ids.government(g),
            {"kind": "government", "index": g, "jurisdiction": g if g < n_j else -1},
        )
        for g in range(n_j + 1)
    )
    citizens = np.arange(citizen_jurisdiction.size)
    graph.add_edges_from(
        zip(citizens.tolist(), ids.government(citizen_jurisdiction).tolist(), strict=True),
        kind="jurisdiction",
        weight=1.0,
    )
    linked = citizen_enterprise >= 0
    graph.add_edges_from(
        zip(
            citizens[linked].tolist(),
            ids.enterprise(citizen_enterprise[linked]).tolist(),
            strict=True,
        ),
        kind="customer",
        weight=1.0,
    )
    member = citizen_social_org >= 0
    graph.add_edges_from(
        zip(
            citizens[member].tolist(),
            ids.social_org(citizen_social_org[member]).tolist(),
            strict=True,
        ),
        kind="membership",
        weight=1.0,
    )
    graph.add_edges_from(
        ((ids.government(g), ids.government(n_j)) for g in range(n_j)), kind="hierarchy", weight=1.0
    )
    sync_org_ties(graph, ties, ids)
    return graph


def sync_org_ties(graph: nx.Graph, ties: OrgTies, ids: NodeIds) -> None:
    """Make the graph's organisational edges match ``ties`` (add, remove, reweight)."""
    u, v = org_tie_nodes(ties, ids)
    for a, b, kind, on, w in zip(
        u.tolist(),
        v.tolist(),
        ties.kind.tolist(),
        ties.active.tolist(),
        ties.weight.tolist(),
        strict=True,
    ):
        if on:
            graph.add_edge(a, b, kind=ORG_TIE_KINDS[kind], weight=w)
        elif graph.has_edge(a, b) and graph.edges[a, b]["kind"] == ORG_TIE_KINDS[kind]:
            graph.remove_edge(a, b)
