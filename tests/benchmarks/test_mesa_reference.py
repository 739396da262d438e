"""The idiomatic Mesa reference plays the same game as the main model.

Payoffs and payoff bounds are deterministic given the strategies, so they must
agree to rounding; trust has no randomness at transparency 1, so its trajectory must too. The
imitation step is random and the two models draw from different generators, so
it is compared in distribution: after one step against the exact expectation,
and over twenty steps against each other, seed by seed from the same start.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks.mesa_reference import MesaReference
from sim import PHASE_NAMES, GovernanceModel, ModelParams
from sim.phases.coproduction import (
    contribution_per_game,
    coproduce,
    payoff_bounds,
    public_goods_payoffs,
)


def _params(citizens: int, *phases: str, **overrides: object) -> ModelParams:
    mechanisms = {name: name in phases for name in PHASE_NAMES}
    return ModelParams(citizens=citizens, mechanisms=mechanisms, **overrides)


def _game(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray, float]:
    cit, social, p = model.citizens, model.social, model.params.coproduction
    gamma = contribution_per_game(social.degree, p.contribution, p.cost_rule)
    synergy = p.synergy * (1.0 + p.social_org_synergy * (cit.social_org >= 0))
    return gamma, synergy, p.reward_scale * model.levers.participation_reward


def _by_node(reference: MesaReference, attribute: str) -> np.ndarray:
    agents = sorted(reference.agents, key=lambda a: a.cell.coordinate)
    return np.array([getattr(a, attribute) for a in agents], dtype=float)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"coproduction": {"cost_rule": "per_individual", "synergy": 4.0}},
        {"levers": {"participation_reward": 0.05}, "network": {"kind": "watts_strogatz"}},
    ],
)
def test_payoffs_and_bounds_equal_the_main_model(overrides: dict) -> None:
    model = GovernanceModel(_params(400, "coproduction", **overrides), rng=5, agent_views=False)
    reference = MesaReference.from_model(model, seed=5)
    reference.agents.do("pool")
    reference.agents.do("play")
    gamma, synergy, reward = _game(model)
    payoffs = public_goods_payoffs(model.social, model.citizens.cooperate, synergy, gamma, reward)
    highest, lowest = payoff_bounds(model.social, synergy, gamma, reward)
    # tolerance: rounding only (sums taken in another order)
    np.testing.assert_allclose(_by_node(reference, "payoff"), payoffs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_by_node(reference, "highest"), highest, rtol=1e-12)
    np.testing.assert_allclose(_by_node(reference, "lowest"), lowest, rtol=1e-12, atol=1e-12)


def test_trust_trajectory_equals_the_main_model() -> None:
    model = GovernanceModel(
        # transparency 1: every citizen sees the report, so the trust phase draws nothing
        _params(500, "trust", levers={"transparency": 1.0}),
        rng=2,
        agent_views=False,
    )
    reference = MesaReference.from_model(model, seed=2)
    model.run(20)
    for _ in range(20):
        reference.step()
    main = model.indicator_frame()["mean_trust"].to_numpy()
    mesa = reference.datacollector.get_model_vars_dataframe()["mean_trust"].to_numpy()
    assert abs(main[-1] - main[0]) > 0.01  # trust does move in this configuration
    # tolerance: rounding only, trust has no randomness
    np.testing.assert_allclose(mesa, main, rtol=0, atol=1e-9)
    np.testing.assert_allclose(_by_node(reference, "trust"), model.citizens.trust, atol=1e-9)


def test_one_imitation_step_has_the_exact_expected_participation() -> None:
    n, repetitions = 800, 30
    model = GovernanceModel(_params(n, "coproduction"), rng=11, agent_views=False)
    social, cit = model.social, model.citizens
    start = cit.cooperate.copy()
    gamma, synergy, reward = _game(model)
    payoffs = public_goods_payoffs(social, start, synergy, gamma, reward)
    highest, lowest = payoff_bounds(social, synergy, gamma, reward)
    # probability that each citizen flips: mean over its neighbours of the copy probability
    flip = np.zeros(n)
    for x in range(n):
        neighbours = social.indices[social.indptr[x] : social.indptr[x + 1]]
        gain = payoffs[neighbours] - payoffs[x]
        span = highest[neighbours] - lowest[x]
        copy = np.where((gain > 0) & (span > 0), gain / np.where(span > 0, span, 1.0), 0.0)
        flip[x] = np.mean(copy * (start[neighbours] != start[x]))
    expected = float(np.mean(np.where(start, 1.0 - flip, flip)))
    sd = math.sqrt(float(np.sum(flip * (1.0 - flip)))) / n

    main, mesa = [], []
    reference = MesaReference.from_model(model, seed=0)
    agents = sorted(reference.agents, key=lambda a: a.cell.coordinate)
    for rep in range(repetitions):
        cit.cooperate[:] = start
        model.rng = np.random.default_rng(rep)
        coproduce(model)
        main.append(cit.cooperate.mean())
        for agent, s in zip(agents, start, strict=True):
            agent.cooperate = bool(s)
        reference.random.seed(rep)
        reference.step()
        mesa.append(reference.participation_rate())
    assert 0.03 < float(np.mean(flip)) < 0.5  # imitation does change strategies here
    # tolerance: 4 standard errors of the mean of `repetitions` runs
    tolerance = 4.0 * sd / math.sqrt(repetitions)
    assert abs(np.mean(main) - expected) < tolerance
    assert abs(np.mean(mesa) - expected) < tolerance


@pytest.mark.slow
def test_participation_dynamics_agree_in_distribution() -> None:
    steps, seeds = 20, range(8)
    differences = []
    for seed in seeds:
        model = GovernanceModel(_params(600, "coproduction"), rng=seed, agent_views=False)
        reference = MesaReference.from_model(model, seed=seed)
        model.run(steps)
        for _ in range(steps):
            reference.step()
        main = model.indicator_frame()["participation_rate"].to_numpy()[1:]
        mesa = reference.datacollector.get_model_vars_dataframe()["participation_rate"]
        differences.append(float(np.mean(mesa.to_numpy()[1:]) - np.mean(main)))
    d = np.asarray(differences)
    # paired by seed (same graph and start); tolerance: 4 standard errors of the
    # mean difference, and at least 0.01 (1% of citizens)
    tolerance = max(4.0 * d.std(ddof=1) / math.sqrt(d.size), 0.01)
    assert abs(d.mean()) < tolerance, (d.mean(), tolerance, d)
