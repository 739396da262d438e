"""sim.network: social-graph generators, the CSR view, organisational ties, the full graph."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest

from sim import GovernanceModel
from sim.network import (
    EDGE_KINDS,
    NodeIds,
    OrgTies,
    build_org_ties,
    build_social_graph,
    social_adjacency,
)
from sim.params import NetworkParams

NETWORK_KINDS = ("barabasi_albert", "ring", "watts_strogatz", "erdos_renyi", "lattice")
RANDOM_KINDS = ("barabasi_albert", "watts_strogatz", "erdos_renyi")


def _graph(n: int, seed: int = 0, **spec: object) -> nx.Graph:
    return build_social_graph(n, NetworkParams(**spec), np.random.default_rng(seed))


def _edge_set(graph: nx.Graph) -> set[tuple[int, int]]:
    return {(min(u, v), max(u, v)) for u, v in graph.edges()}


@pytest.mark.parametrize("kind", NETWORK_KINDS)
def test_every_generator_labels_citizens_zero_to_n_minus_one(kind: str) -> None:
    graph = _graph(37, kind=kind)
    assert sorted(graph.nodes()) == list(range(37))
    assert nx.number_of_selfloops(graph) == 0


@pytest.mark.parametrize(("n", "k"), [(10, 2), (10, 4), (31, 6)])
def test_ring_is_k_regular(n: int, k: int) -> None:
    graph = _graph(n, kind="ring", k=k)
    assert {d for _, d in graph.degree()} == {k}
    assert graph.number_of_edges() == n * k // 2
    # neighbours are the k/2 nearest on each side
    assert set(graph.neighbors(0)) == {*range(1, k // 2 + 1), *range(n - k // 2, n)}


def test_square_lattice_degrees() -> None:
    graph = _graph(16, kind="lattice")
    # 4 x 4 grid: 4 corners of degree 2, 8 border nodes of degree 3, 4 interior of degree 4
    assert Counter(d for _, d in graph.degree()) == {2: 4, 3: 8, 4: 4}
    assert graph.number_of_edges() == 2 * 4 * 3


def test_non_square_lattice_fills_rows_and_stays_connected() -> None:
    graph = _graph(10, kind="lattice")
    # 3 rows x 4 columns, the first 10 cells row by row: rows of 4, 4 and 2
    assert graph.number_of_nodes() == 10
    assert graph.number_of_edges() == 3 + 3 + 1 + 4 + 2
    assert nx.is_connected(graph)
    assert max(d for _, d in graph.degree()) == 4


@pytest.mark.parametrize(("n", "m"), [(50, 1), (50, 2), (120, 3)])
def test_barabasi_albert_edge_count(n: int, m: int) -> None:
    graph = _graph(n, kind="barabasi_albert", m=m)
    # star of m edges on the first m + 1 nodes, then m edges per remaining node
    assert graph.number_of_edges() == m * (n - m)
    assert min(d for _, d in graph.degree()) >= m


def test_watts_strogatz_keeps_edge_count() -> None:
    graph = _graph(60, kind="watts_strogatz", k=4, p=0.3)
    assert graph.number_of_edges() == 60 * 4 // 2


def test_erdos_renyi_mean_degree() -> None:
    n = 2000
    graph = _graph(n, kind="erdos_renyi", mean_degree=4.0)
    mean_degree = 2.0 * graph.number_of_edges() / n
    # sd of the mean degree is about sqrt(4 / n) * sqrt(2) ~ 0.06; allow 0.3
    assert mean_degree == pytest.approx(4.0, abs=0.3)


@pytest.mark.parametrize("kind", RANDOM_KINDS)
def test_random_generators_are_seeded_by_the_run_generator(kind: str) -> None:
    first = _edge_set(_graph(200, seed=5, kind=kind))
    assert first == _edge_set(_graph(200, seed=5, kind=kind))
    assert first != _edge_set(_graph(200, seed=6, kind=kind))


@pytest.mark.parametrize("kind", RANDOM_KINDS)
def test_model_social_graph_is_seeded(kind: str) -> None:
    params = {"citizens": 150, "enterprises": 5, "social_orgs": 3, "network": {"kind": kind}}
    first = GovernanceModel(params, rng=3, agent_views=False).social_graph
    again = GovernanceModel(params, rng=3, agent_views=False).social_graph
    other = GovernanceModel(params, rng=4, agent_views=False).social_graph
    assert _edge_set(first) == _edge_set(again)
    assert _edge_set(first) != _edge_set(other)


def _path_adjacency():
    return social_adjacency(nx.path_graph(3), 3)


def test_social_adjacency_matches_graph() -> None:
    graph = _graph(40, kind="barabasi_albert", m=2)
    social = social_adjacency(graph, 40)
    dense = social.matrix.toarray()
    assert np.array_equal(dense, nx.to_numpy_array(graph, nodelist=range(40)))
    assert np.array_equal(social.degree, [graph.degree(i) for i in range(40)])
    values = np.arange(40.0)
    expected = [sum(values[j] for j in graph.neighbors(i)) for i in range(40)]
    assert np.allclose(social.neighbour_sum(values), expected)


def test_social_adjacency_ignores_duplicate_edges() -> None:
    graph = nx.MultiGraph([(0, 1), (0, 1), (1, 2)])
    social = social_adjacency(graph, 3)
    assert social.degree.tolist() == [1.0, 2.0, 1.0]
    assert set(social.matrix.data.tolist()) == {1.0}


def test_random_neighbour_returns_neighbours_or_self_when_isolated() -> None:
    graph = nx.Graph([(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)])
    graph.add_nodes_from([4, 5])  # isolated citizens
    social = social_adjacency(graph, 6)
    rng = np.random.default_rng(0)
    for _ in range(200):
        picked = social.random_neighbour(rng)
        for i, j in enumerate(picked.tolist()):
            if i in (4, 5):
                assert j == i
            else:
                assert graph.has_edge(i, j)


def test_random_neighbour_is_uniform() -> None:
    star = nx.star_graph(4)  # centre 0, leaves 1..4
    social = social_adjacency(star, 5)
    rng = np.random.default_rng(1)
    picks = np.array([social.random_neighbour(rng) for _ in range(4000)])
    assert np.all(picks[:, 1:] == 0), "a leaf's only neighbour is the centre"
    draws = picks[:, 0]
    shares = np.bincount(draws, minlength=5)[1:] / draws.size
    # each leaf 1/4; the sd of a share over 4000 draws is ~0.007, allow 0.03
    assert np.allclose(shares, 0.25, atol=0.03)


def test_org_ties_start_within_jurisdictions() -> None:
    enterprise_jurisdiction = np.array([0, 1, 2, 0])
    social_org_jurisdiction = np.array([1, 1])
    ties = build_org_ties(3, enterprise_jurisdiction, social_org_jurisdiction, 0.5, 0.3)
    # every local government x every enterprise, x every social org, and every pair of locals
    assert ties.kind.size == 3 * 4 + 3 * 2 + 3
    reg = ties.kind == OrgTies.REGULATION
    assert np.array_equal(
        ties.active[reg], enterprise_jurisdiction[ties.partner[reg]] == ties.government[reg]
    )
    part = ties.kind == OrgTies.PARTNERSHIP
    assert np.array_equal(
        ties.active[part], social_org_jurisdiction[ties.partner[part]] == ties.government[part]
    )
    assert ties.of_kind(OrgTies.COOPERATION).sum() == 3
    assert np.array_equal(ties.weight, np.where(ties.active, 0.5, 0.0))
    without = build_org_ties(3, enterprise_jurisdiction, social_org_jurisdiction, 0.5, 0.0)
    assert not without.of_kind(OrgTies.COOPERATION).any()


def test_node_ids_are_blocks_per_actor_type() -> None:
    ids = NodeIds(citizens=10, enterprises=3, social_orgs=2, jurisdictions=4)
    assert ids.citizen(9) == 9
    assert ids.enterprise(0) == 10
    assert ids.social_org(1) == 14
    assert ids.government(4) == 19  # the central government is the last node


def test_collaboration_graph_is_consistent_with_the_arrays() -> None:
    model = GovernanceModel(
        {"citizens": 60, "enterprises": 6, "social_orgs": 4, "jurisdictions": 2}, rng=2
    )
    graph = model.graph
    n_nodes = 60 + 6 + 4 + 3
    assert graph.number_of_nodes() == n_nodes
    kinds = Counter(kind for _, kind in graph.nodes(data="kind"))
    assert kinds == {"citizen": 60, "enterprise": 6, "social_org": 4, "government": 3}
    assert {kind for _, _, kind in graph.edges(data="kind")} <= set(EDGE_KINDS)
    edge_kinds = Counter(kind for _, _, kind in graph.edges(data="kind"))
    assert edge_kinds["social"] == model.social_graph.number_of_edges()
    assert edge_kinds["jurisdiction"] == 60
    assert edge_kinds["customer"] == int((model.citizens.enterprise >= 0).sum())
    assert edge_kinds["membership"] == int((model.citizens.social_org >= 0).sum())
    assert edge_kinds["hierarchy"] == 2
    for i in range(60):
        government = model.node_ids.government(model.citizens.jurisdiction[i])
        assert graph.edges[i, government]["kind"] == "jurisdiction"
    # the lazily built graph follows the tie arrays as they evolve
    model.run(15)
    graph = model.graph
    org_kinds = ("regulation", "partnership", "cooperation")
    org_edges = sum(1 for _, _, kind in graph.edges(data="kind") if kind in org_kinds)
    assert org_edges == int(model.org_ties.active.sum())
    # and building it does not touch the social graph the hot loop uses
    assert model.social_graph.number_of_nodes() == 60
