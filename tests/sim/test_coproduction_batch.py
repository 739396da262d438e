"""sim.phases.coproduction on batches of populations (N x R), as the validation runs use it."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim.network import SocialAdjacency, social_adjacency
from sim.phases.coproduction import (
    contribution_per_game,
    imitate,
    payoff_bounds,
    public_goods_payoffs,
)


def _adjacency(graph: nx.Graph) -> SocialAdjacency:
    return social_adjacency(graph, graph.number_of_nodes())


def _imitate_reference(social, cooperate, payoffs, highest, lowest, rng):
    """The single-population rule, citizen by citizen.

    Every citizen draws its model; then, in citizen order, each one whose model
    plays the other strategy and earns more draws one coin, and copies with
    probability gain / span (a coin for anyone else could change nothing).
    """
    model_of = social.random_neighbour(rng)
    candidates = [
        (x, y)
        for x, y in enumerate(model_of.tolist())
        if cooperate[y] != cooperate[x] and payoffs[y] - payoffs[x] > 0
    ]
    coins = rng.random(len(candidates))
    new = cooperate.copy()
    for (x, y), coin in zip(candidates, coins, strict=True):
        if coin < (payoffs[y] - payoffs[x]) / (highest[y] - lowest[x]):
            new[x] = cooperate[y]
    return new


def test_single_population_path_is_unchanged() -> None:
    graph = nx.barabasi_albert_graph(200, 2, seed=np.random.default_rng(5))
    social = _adjacency(graph)
    gamma = contribution_per_game(social.degree, 1.0, "per_game")
    highest, lowest = payoff_bounds(social, 3.5, gamma)
    cooperate = np.random.default_rng(6).random(200) < 0.5
    ours, theirs = np.random.default_rng(7), np.random.default_rng(7)
    a = b = cooperate
    for _ in range(30):
        a = imitate(social, a, public_goods_payoffs(social, a, 3.5, gamma), highest, lowest, ours)
        b = _imitate_reference(
            social, b, public_goods_payoffs(social, b, 3.5, gamma), highest, lowest, theirs
        )
        assert np.array_equal(a, b)


def test_per_population_synergy_matches_separate_calls() -> None:
    graph = nx.barabasi_albert_graph(40, 2, seed=np.random.default_rng(0))
    social = _adjacency(graph)
    gamma = contribution_per_game(social.degree, 1.0, "per_individual")
    profiles = np.random.default_rng(1).random((40, 4)) < 0.5
    synergy = np.array([1.5, 2.5, 3.5, 4.5])
    batch = public_goods_payoffs(social, profiles, synergy[None, :], gamma)
    for r, value in enumerate(synergy):
        single = public_goods_payoffs(social, profiles[:, r], value, gamma)
        assert batch[:, r] == pytest.approx(single, abs=1e-12)


def test_batch_imitation_copies_only_better_neighbours() -> None:
    graph = nx.watts_strogatz_graph(60, 4, 0.2, seed=np.random.default_rng(2))
    social = _adjacency(graph)
    rng = np.random.default_rng(3)
    cooperate = rng.random((60, 8)) < 0.5
    gamma = np.ones(60)
    payoffs = public_goods_payoffs(social, cooperate, 3.0, gamma)
    highest, lowest = payoff_bounds(social, 3.0, gamma)
    assert np.array_equal(
        imitate(social, cooperate, np.zeros((60, 8)), highest, lowest, rng), cooperate
    )
    new = imitate(social, cooperate, payoffs, highest, lowest, rng)
    switched = np.argwhere(new != cooperate)
    assert len(switched) > 0
    for i, r in switched:
        better = [
            j
            for j in graph.neighbors(i)
            if cooperate[j, r] == new[i, r] and payoffs[j, r] > payoffs[i, r]
        ]
        assert better, f"citizen {i} of population {r} switched without a better neighbour"


def test_batch_imitation_probability_uses_each_population_s_bounds() -> None:
    # The centre of a star (payoff 0, defector) looks at leaves with payoff 1.
    # Population 0 has payoff range 4 (copy with probability 1/4), population 1
    # range 2 (1/2); 4000 copies of each pair in one call.
    social = _adjacency(nx.star_graph(3))
    reps = 4000
    cooperate = np.tile(np.array([False, True, True, True])[:, None], (1, 2 * reps))
    payoffs = np.tile(np.array([0.0, 1.0, 1.0, 1.0])[:, None], (1, 2 * reps))
    highest = np.empty((4, 2 * reps))
    highest[:, :reps], highest[:, reps:] = 4.0, 2.0
    lowest = np.zeros((4, 2 * reps))
    new = imitate(social, cooperate, payoffs, highest, lowest, np.random.default_rng(4))
    # sd of a share over 4000 trials <= 0.008; allow 0.03
    assert new[0, :reps].mean() == pytest.approx(0.25, abs=0.03)
    assert new[0, reps:].mean() == pytest.approx(0.5, abs=0.03)
    # a 1-D range broadcasts over populations
    shared = imitate(
        social, cooperate, payoffs, highest[:, 0], lowest[:, 0], np.random.default_rng(5)
    )
    assert shared[0].mean() == pytest.approx(0.25, abs=0.03)


def test_regular_graph_cost_rules_give_the_same_imitation() -> None:
    # On a ring every k = z, so per-individual payoffs and bounds are per-game ones
    # divided by z + 1: with the same random stream, the same strategies follow.
    social = _adjacency(nx.circulant_graph(100, [1, 2]))
    start = np.random.default_rng(8).random((100, 6)) < 0.5
    runs = []
    for rule in ("per_game", "per_individual"):
        gamma = contribution_per_game(social.degree, 1.0, rule)
        highest, lowest = payoff_bounds(social, 4.0, gamma)
        rng, s = np.random.default_rng(9), start
        for _ in range(200):
            s = imitate(
                social, s, public_goods_payoffs(social, s, 4.0, gamma), highest, lowest, rng
            )
        runs.append(s)
    assert np.array_equal(*runs)
    assert not np.array_equal(runs[0], start)
