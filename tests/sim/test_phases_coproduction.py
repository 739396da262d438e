"""sim.phases.coproduction: the networked public goods game (Santos, Santos & Pacheco 2008)."""

from __future__ import annotations

import itertools

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


def _payoffs_by_groups(
    graph: nx.Graph, cooperate: np.ndarray, synergy: np.ndarray, gamma: np.ndarray, reward: float
) -> np.ndarray:
    """Reference: play every group (a centre and its neighbours) one by one."""
    n = graph.number_of_nodes()
    payoff = np.zeros(n)
    for centre in range(n):
        members = [centre, *graph.neighbors(centre)]
        pot = sum(gamma[i] * cooperate[i] for i in members)
        for i in members:
            payoff[i] += synergy[centre] * pot / len(members)
    degree = np.array([graph.degree(i) for i in range(n)])
    return payoff - cooperate * gamma * (degree + 1) + reward * cooperate


def test_contribution_per_game() -> None:
    degree = np.array([0.0, 1.0, 3.0])
    assert contribution_per_game(degree, 2.0, "per_game").tolist() == [2.0, 2.0, 2.0]
    assert contribution_per_game(degree, 2.0, "per_individual").tolist() == [2.0, 1.0, 0.5]


# Path 0 - 1 - 2: degrees 1, 2, 1. Groups: G0 = {0, 1}, G1 = {0, 1, 2}, G2 = {1, 2};
# citizen 0 and 2 play G0/G2 and G1, citizen 1 plays all three. Synergy r = 3.
PATH_CASES = [
    # Cooperators 0 and 2, cost per game c = 1: pots G0 = 1, G1 = 2, G2 = 1;
    # shares 3*1/2 = 1.5, 3*2/3 = 2, 1.5. Citizen 0: 1.5 + 2 - 1*2 games = 1.5;
    # citizen 1 (defector): 1.5 + 2 + 1.5 = 5.
    ("per_game", [1, 0, 1], 0.0, [1.5, 5.0, 1.5]),
    # Same profile, cost per individual: gamma = 1/2, 1/3, 1/2. Pots G0 = 1/2, G1 = 1,
    # G2 = 1/2; shares 0.75, 1, 0.75. Citizen 0: 0.75 + 1 - (1/2)*2 = 0.75; citizen 1: 2.5.
    ("per_individual", [1, 0, 1], 0.0, [0.75, 2.5, 0.75]),
    # Only the centre cooperates, per game: pots all 1; shares 1.5, 1, 1.5.
    # Citizens 0 and 2: 1.5 + 1 = 2.5; citizen 1: 1.5 + 1 + 1.5 - 1*3 + reward 0.5 = 1.5.
    ("per_game", [0, 1, 0], 0.5, [2.5, 1.5, 2.5]),
    # Only the centre, per individual: gamma_1 = 1/3, pots 1/3; shares 0.5, 1/3, 0.5.
    # Citizens 0 and 2: 0.5 + 1/3 = 5/6; citizen 1: 0.5 + 1/3 + 0.5 - (1/3)*3 = 1/3.
    ("per_individual", [0, 1, 0], 0.0, [5.0 / 6.0, 1.0 / 3.0, 5.0 / 6.0]),
    # Everyone cooperates, per game: pots 2, 3, 2; shares 3, 3, 3.
    # Citizens 0 and 2: 6 - 2 = 4; citizen 1: 9 - 3 = 6.
    ("per_game", [1, 1, 1], 0.0, [4.0, 6.0, 4.0]),
    ("per_individual", [0, 0, 0], 0.7, [0.0, 0.0, 0.0]),
]


@pytest.mark.parametrize(("rule", "profile", "reward", "expected"), PATH_CASES)
def test_public_goods_payoffs_on_a_path_by_hand(
    rule: str, profile: list[int], reward: float, expected: list[float]
) -> None:
    social = _adjacency(nx.path_graph(3))
    gamma = contribution_per_game(social.degree, 1.0, rule)
    payoffs = public_goods_payoffs(social, np.array(profile, dtype=bool), 3.0, gamma, reward)
    assert payoffs == pytest.approx(expected, abs=1e-12)


def test_group_synergy_belongs_to_the_group_centre() -> None:
    # r = (2, 4, 2), only the centre cooperates, per game: G0 pot 1 -> share 2/2 = 1,
    # G1 -> 4/3, G2 -> 1. Citizens 0 and 2: 1 + 4/3; citizen 1: 1 + 4/3 + 1 - 3.
    social = _adjacency(nx.path_graph(3))
    gamma = np.ones(3)
    payoffs = public_goods_payoffs(social, np.array([0, 1, 0]), np.array([2.0, 4.0, 2.0]), gamma)
    assert payoffs == pytest.approx([7.0 / 3.0, 1.0 / 3.0, 7.0 / 3.0], abs=1e-12)


def _tiny_graphs() -> list[nx.Graph]:
    triangle_tail = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])
    triangle_tail.add_node(4)  # an isolated citizen plays only its own game
    return [nx.path_graph(3), nx.star_graph(4), triangle_tail, nx.cycle_graph(6)]


@pytest.mark.parametrize("graph", _tiny_graphs(), ids=["path3", "star5", "triangle_tail", "ring6"])
@pytest.mark.parametrize("rule", ["per_game", "per_individual"])
@pytest.mark.parametrize("reward", [0.0, 1.3])
def test_payoffs_match_reference_and_bounds_are_tight_over_all_profiles(
    graph: nx.Graph, rule: str, reward: float
) -> None:
    social = _adjacency(graph)
    n = graph.number_of_nodes()
    synergy = np.linspace(1.5, 4.5, n)  # differing group synergies (social-org members)
    gamma = contribution_per_game(social.degree, 1.0, rule)
    highest, lowest = payoff_bounds(social, synergy, gamma, reward)
    profiles = np.array(list(itertools.product([0, 1], repeat=n)), dtype=bool)
    seen = np.array(
        [public_goods_payoffs(social, profile, synergy, gamma, reward) for profile in profiles]
    )
    for profile, payoffs in zip(profiles, seen, strict=True):
        reference = _payoffs_by_groups(graph, profile.astype(float), synergy, gamma, reward)
        assert payoffs == pytest.approx(reference, abs=1e-12)
    assert np.all(seen <= highest + 1e-12)
    assert np.all(seen >= lowest - 1e-12)
    # the bounds are attained, so imitation probabilities use the true payoff range
    assert seen.max(axis=0) == pytest.approx(highest, abs=1e-12)
    assert seen.min(axis=0) == pytest.approx(lowest, abs=1e-12)


def test_batched_populations_match_one_at_a_time() -> None:
    graph = nx.barabasi_albert_graph(30, 2, seed=np.random.default_rng(0))
    social = _adjacency(graph)
    rng = np.random.default_rng(1)
    profiles = rng.random((30, 5)) < 0.5
    synergy = rng.uniform(2.0, 4.0, 30)
    gamma = contribution_per_game(social.degree, 1.0, "per_individual")
    batch = public_goods_payoffs(social, profiles, synergy, gamma, 0.2)
    for r in range(5):
        single = public_goods_payoffs(social, profiles[:, r], synergy, gamma, 0.2)
        assert batch[:, r] == pytest.approx(single, abs=1e-12)


def test_imitation_never_copies_a_worse_or_equal_payoff() -> None:
    graph = nx.watts_strogatz_graph(40, 4, 0.2, seed=np.random.default_rng(2))
    social = _adjacency(graph)
    rng = np.random.default_rng(3)
    cooperate = rng.random(40) < 0.5
    gamma = np.ones(40)
    payoffs = public_goods_payoffs(social, cooperate, 3.0, gamma)
    highest, lowest = payoff_bounds(social, 3.0, gamma)
    # equal payoffs: nobody has a reason to switch
    flat = imitate(social, cooperate, np.zeros(40), highest, lowest, rng)
    assert np.array_equal(flat, cooperate)
    switched = 0
    for _ in range(20):
        new = imitate(social, cooperate, payoffs, highest, lowest, rng)
        for i in np.flatnonzero(new != cooperate):
            better = [
                j for j in graph.neighbors(i) if cooperate[j] == new[i] and payoffs[j] > payoffs[i]
            ]
            assert better, f"citizen {i} switched without a better-off neighbour to copy"
            switched += 1
    assert switched > 0


def test_imitation_copies_with_probability_gain_over_range() -> None:
    # a defector (centre of a star) with payoff 0 looks at leaves with payoff 1
    # and payoff range 4: it copies with probability 1/4
    social = _adjacency(nx.star_graph(3))
    cooperate = np.array([False, True, True, True])
    payoffs = np.array([0.0, 1.0, 1.0, 1.0])
    highest = np.full(4, 4.0)
    lowest = np.zeros(4)
    rng = np.random.default_rng(4)
    copies = [imitate(social, cooperate, payoffs, highest, lowest, rng)[0] for _ in range(4000)]
    # sd of the share over 4000 trials is ~0.007; allow 0.03
    assert np.mean(copies) == pytest.approx(0.25, abs=0.03)
