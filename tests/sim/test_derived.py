"""Tables kept in sim.derived equal what they stand for, bit for bit."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim import derived as derived_module
from sim.derived import DerivedStructure
from sim.network import barabasi_albert_graph, social_adjacency


@pytest.mark.parametrize("from_size", [0, derived_module._DIFFERENCES_FROM])
@pytest.mark.parametrize("isolated", [False, True])
def test_neighbour_counts_of_flags_follow_every_change_exactly(
    monkeypatch, isolated: bool, from_size: int
) -> None:
    # from_size 0: kept by differences at this size; the default: a product each time
    monkeypatch.setattr(derived_module, "_DIFFERENCES_FROM", from_size)
    rng = np.random.default_rng(5)
    graph = barabasi_albert_graph(3_000, 3, rng)
    if isolated:
        graph.add_nodes_from(range(3_000, 3_050))  # citizens without neighbours
    social = social_adjacency(graph, graph.number_of_nodes())
    assert (social.isolated > 0) == isolated
    derived = DerivedStructure()
    flags = rng.random(social.degree.size) < 0.4
    # few changes (updated from the changed citizens' neighbours), many (a new
    # product), none, and the same flags under another name
    for share in (0.01, 0.05, 0.5, 0.0, 0.02, 1.0, 0.03):
        flip = rng.random(flags.size) < share
        flags = flags ^ flip
        expected = social.neighbour_mean(flags.astype(np.float64))
        got = derived.neighbour_mean_of_flags(social, "cooperate", flags)
        assert np.array_equal(got, expected)
        assert np.array_equal(
            derived.neighbour_count_of_flags(social, "cooperate", flags),
            social.matrix @ flags.astype(np.float64),
        )
        got[:] = -1.0  # the mean is the caller's to write into
        assert np.array_equal(derived.neighbour_mean_of_flags(social, "other", flags), expected)


def test_neighbour_counts_are_rebuilt_for_another_graph(monkeypatch) -> None:
    monkeypatch.setattr(derived_module, "_DIFFERENCES_FROM", 0)
    derived = DerivedStructure()
    first = social_adjacency(nx.path_graph(6), 6)
    second = social_adjacency(nx.star_graph(5), 6)
    flags = np.array([True, False, True, False, False, True])
    assert derived.neighbour_count_of_flags(first, "x", flags).tolist() == [0, 2, 0, 1, 1, 0]
    assert derived.neighbour_count_of_flags(second, "x", flags).tolist() == [2, 1, 1, 1, 1, 1]
