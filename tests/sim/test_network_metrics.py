"""sim.network_metrics computes networkx's betweenness and weighted clustering."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy import sparse

from sim import GovernanceModel, ModelParams, network_metrics
from sim.indicators import org_adjacency, org_network
from sim.network_metrics import average_clustering, betweenness, betweenness_centralization


def _weighted_graph(n: int, p: float, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    graph = nx.gnp_random_graph(n, p, seed=seed)
    for u, v in graph.edges():
        graph.edges[u, v]["weight"] = float(rng.random())
    return graph


def _adjacency(graph: nx.Graph) -> sparse.csr_array:
    return nx.to_scipy_sparse_array(graph, nodelist=range(len(graph)), format="csr")


@pytest.mark.parametrize(
    ("n", "p", "seed"), [(3, 1.0, 0), (12, 0.3, 1), (80, 0.05, 2), (150, 0.02, 3), (1100, 0.004, 4)]
)
def test_equal_to_networkx(n: int, p: float, seed: int) -> None:
    graph = _weighted_graph(n, p, seed)
    adjacency = _adjacency(graph)
    expected = nx.betweenness_centrality(graph, normalized=True)
    # tolerance: rounding only (sums in another order); 1100 nodes takes the sparse path
    np.testing.assert_allclose(
        betweenness(adjacency), [expected[v] for v in range(n)], rtol=1e-12, atol=1e-15
    )
    assert average_clustering(adjacency) == pytest.approx(
        nx.average_clustering(graph, weight="weight"), rel=1e-12, abs=1e-15
    )


def test_disconnected_graph_counts_only_reachable_pairs() -> None:
    graph = nx.disjoint_union(nx.path_graph(4), nx.star_graph(3))
    expected = nx.betweenness_centrality(graph)
    np.testing.assert_allclose(betweenness(_adjacency(graph)), [expected[v] for v in graph])


def test_star_is_fully_centralised_and_a_ring_not_at_all() -> None:
    assert betweenness_centralization(_adjacency(nx.star_graph(6))) == pytest.approx(1.0)
    assert betweenness_centralization(_adjacency(nx.cycle_graph(7))) == pytest.approx(0.0)


def test_an_edge_of_weight_zero_still_counts_as_an_edge() -> None:
    graph = nx.Graph()
    graph.add_weighted_edges_from([(0, 1, 1.0), (1, 2, 0.0), (0, 2, 0.5), (2, 3, 1.0)])
    adjacency = sparse.csr_array(
        (
            [1.0, 1.0, 0.0, 0.0, 0.5, 0.5, 1.0, 1.0],
            ([0, 1, 1, 2, 0, 2, 2, 3], [1, 0, 2, 1, 2, 0, 3, 2]),
        ),
        shape=(4, 4),
    )
    assert average_clustering(adjacency) == pytest.approx(
        nx.average_clustering(graph, weight="weight")
    )
    expected = nx.betweenness_centrality(graph)
    np.testing.assert_allclose(betweenness(adjacency), [expected[v] for v in range(4)])


def test_org_adjacency_is_the_org_network() -> None:
    model = GovernanceModel(ModelParams(citizens=200, enterprises=12, social_orgs=5), rng=3)
    model.run(10)  # the metrics are refreshed every 10 steps by default
    graph = org_network(model)
    nodes = list(graph.nodes())
    expected = nx.to_scipy_sparse_array(graph, nodelist=nodes, format="csr")
    assert (org_adjacency(model) != expected).nnz == 0
    assert model.indicators["org_betweenness_centralization"] == pytest.approx(
        _freeman(graph), abs=1e-12
    )


def _freeman(graph: nx.Graph) -> float:
    b = np.fromiter(nx.betweenness_centrality(graph).values(), dtype=float)
    return float(np.sum(b.max() - b)) / (len(b) - 1)


@pytest.mark.parametrize("wedges", [7, 1 << 22])
def test_clustering_from_triangles_equals_networkx(monkeypatch, wedges: int) -> None:
    # above the dense threshold clustering lists the triangles (in chunks of wedges)
    monkeypatch.setattr(network_metrics, "_DENSE_UP_TO", 10)
    monkeypatch.setattr(network_metrics, "_WEDGES", wedges)
    graph = nx.barabasi_albert_graph(120, 3, seed=2)
    for u, v in graph.edges:
        graph[u][v]["weight"] = (u * 7 + v) % 5 + 1.0
    adjacency = sparse.csr_array(nx.to_scipy_sparse_array(graph, weight="weight"))
    expected = nx.average_clustering(graph, weight="weight")
    assert network_metrics.average_clustering(adjacency) == pytest.approx(expected, abs=1e-12)
    # hub and spoke, as an organisational network: triangles only through the hubs
    graph = _hub_and_spoke(6, 300, 4)
    rng = np.random.default_rng(4)
    for u, v in graph.edges:
        graph[u][v]["weight"] = float(rng.random())
    expected = nx.average_clustering(graph, weight="weight")
    assert expected > 0.05
    assert network_metrics.average_clustering(_adjacency(graph)) == pytest.approx(
        expected, rel=1e-12, abs=1e-15
    )


def test_sampled_betweenness_uses_fixed_evenly_spaced_pivots(monkeypatch) -> None:
    graph = nx.barabasi_albert_graph(200, 2, seed=3)
    adjacency = sparse.csr_array(nx.to_scipy_sparse_array(graph))
    exact = network_metrics.betweenness(adjacency)
    monkeypatch.setattr(network_metrics, "_EXACT_UP_TO", 50)
    # as many pivots as nodes: the estimate is the exact value
    monkeypatch.setattr(network_metrics, "_PIVOTS", 200)
    assert np.allclose(network_metrics.betweenness(adjacency), exact, rtol=0, atol=1e-12)
    # fewer pivots: the same numbers every time (no random draws), and the
    # estimate equals Brandes-Pich scaling of the dependencies on those pivots
    monkeypatch.setattr(network_metrics, "_PIVOTS", 40)
    first = network_metrics.betweenness(adjacency)
    assert np.array_equal(first, network_metrics.betweenness(adjacency))
    pivots = np.unique(np.linspace(0, 199, 40).round().astype(np.int64))
    hops = sparse.csr_array(adjacency, dtype=np.float64)
    expected = network_metrics._dependencies(hops, pivots) * (200 / pivots.size) / (199 * 198)
    assert np.allclose(first, expected, rtol=0, atol=1e-12)
    # the hub keeps the largest estimate, as in the exact ranking
    assert int(np.argmax(first)) == int(np.argmax(exact))


def _hub_and_spoke(hubs: int, spokes: int, seed: int) -> nx.Graph:
    """Hubs tied to each other at random, spokes each tied to a random set of hubs."""
    rng = np.random.default_rng(seed)
    graph = nx.Graph()
    graph.add_nodes_from(range(hubs + spokes))
    for a in range(hubs):
        for b in range(a + 1, hubs):
            if rng.random() < 0.5:
                graph.add_edge(a, b)
    for spoke in range(hubs, hubs + spokes):
        ties = rng.choice(hubs, size=int(rng.integers(0, 3)), replace=False)
        graph.add_edges_from((spoke, int(hub)) for hub in ties)
    return graph


@pytest.mark.parametrize(("hubs", "spokes", "seed"), [(3, 40, 0), (5, 140, 1), (2, 9, 2)])
def test_structurally_equivalent_nodes_give_networkx_betweenness(
    hubs: int, spokes: int, seed: int
) -> None:
    # spokes tied to the same hubs (and spokes tied to none) share a class: one
    # source per class, and the within-class correction, must give the exact values
    graph = _hub_and_spoke(hubs, spokes, seed)
    _, representative = network_metrics._equivalence_classes(
        sparse.csr_array(_adjacency(graph), dtype=np.float64)
    )
    assert representative.size < len(graph) * 0.6  # many nodes share a class
    expected = nx.betweenness_centrality(graph, normalized=True)
    np.testing.assert_allclose(
        betweenness(_adjacency(graph)), [expected[v] for v in graph], rtol=1e-12, atol=1e-15
    )


def test_many_nodes_with_few_classes_stay_exact(monkeypatch) -> None:
    graph = _hub_and_spoke(4, 300, 3)
    expected = nx.betweenness_centrality(graph, normalized=True)
    monkeypatch.setattr(network_metrics, "_EXACT_UP_TO", 30)  # 304 nodes, under 30 classes
    np.testing.assert_allclose(
        betweenness(_adjacency(graph)), [expected[v] for v in graph], rtol=1e-12, atol=1e-15
    )


@pytest.mark.slow
def test_pivot_estimate_of_centralisation_is_close_to_exact(monkeypatch) -> None:
    # 15 jurisdictions: ties diversify into 2,102 classes among 2,416 nodes, above
    # the 2,048 that betweenness searches exactly, so the 512-pivot estimate is used
    model = GovernanceModel(
        ModelParams(citizens=2000, jurisdictions=15, enterprises=2000, social_orgs=400),
        rng=3,
        agent_views=False,
    )
    model.run(20)
    adjacency = org_adjacency(model)
    hops = sparse.csr_array(adjacency, dtype=np.float64)
    assert network_metrics._equivalence_classes(hops)[1].size > network_metrics._EXACT_UP_TO
    estimate = betweenness_centralization(adjacency)
    monkeypatch.setattr(network_metrics, "_EXACT_UP_TO", 10**9)
    exact = betweenness_centralization(adjacency)
    # measured: 2.0% here, 2.7% with 20 jurisdictions and 3,521 nodes
    assert estimate == pytest.approx(exact, rel=0.05)
    assert estimate != exact  # the estimate was used


def test_large_networks_search_fewer_sources_a_batch(monkeypatch) -> None:
    assert network_metrics._batch_size(1_000) == 256
    assert network_metrics._batch_size(70_006) == 59  # a million citizens' network
    assert network_metrics._batch_size(10**7) == 16  # the floor
    # smaller batches (here 3 classes at a time) give the same values
    graph = _hub_and_spoke(4, 500, 5)
    adjacency = _adjacency(graph)
    whole = betweenness(adjacency)
    monkeypatch.setattr(network_metrics, "_BATCH", 3)
    assert network_metrics._batch_size(504) == 3
    np.testing.assert_allclose(betweenness(adjacency), whole, rtol=1e-12, atol=1e-15)
