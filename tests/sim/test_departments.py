"""Departments and information islands (sim.departments): the delay by hand, and the direction.

The unit tests follow a cross-domain shock through a noiseless, drift-free
information phase, where perceived demand equals the delayed reports, so the step
at which it shows is exact (verification). The ``slow`` test compares joined and
separate departments on common random numbers (the same seeds) and requires the
95% t-interval of the per-seed difference in response time to lie below zero.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from scipy import stats

from sim import GovernanceModel, ModelParams
from sim.departments import half_gap_time, island_delays
from sim.phases import information
from tests.sim.conftest import SMALL, deep_merge
from tests.sim.test_phase_contracts import undeclared_reads, undeclared_writes

HEALTH = 1  # index of "health" among the default domains
# information without noise, drift, local shocks or voice: perception = delayed reports
EXACT: dict[str, Any] = {
    "levers": {"information_lag": 1.0, "information_noise": 0.0},
    "information": {"drift_volatility": 0.0, "local_shock_rate": 0.0, "voice_weight": 0.0},
}
# pi = 0.5 / (1 + 1) + 0.5 * 0.1 / (0.1 + 0) = 0.75, so island_delay 8 is I = 2 steps
ISLANDS: dict[str, Any] = {"departments": {"enabled": True, "island_delay": 8.0}}


def _shock(step: int, reported_by: str | None = "education") -> list[dict[str, Any]]:
    shock = {"kind": "demand", "domain": "health", "factor": 2.0, "reported_by": reported_by}
    return [{"step": step, "shock": shock}]


def _model(overrides: Mapping[str, Any], seed: int = 0, events=()) -> GovernanceModel:
    params = ModelParams.model_validate(deep_merge(SMALL, overrides))
    return GovernanceModel(params, rng=seed, events=list(events), agent_views=False)


def _first_step_seen(overrides: Mapping[str, Any], reported_by: str | None = "education") -> int:
    """First step at which the local governments' perceived health share has moved."""
    model = _model(overrides, events=_shock(5, reported_by))
    model.run(4)
    before = model.governments.perceived_local[:, HEALTH].copy()
    for _ in range(12):
        model.step()
        if not np.allclose(model.governments.perceived_local[:, HEALTH], before):
            return model.steps
    return -1


def test_an_island_delays_cross_domain_information_by_its_delay() -> None:
    # shock at step 5, reports 1 step late: seen at step 6; through an island 2 later
    assert _first_step_seen(EXACT) == 6
    assert _first_step_seen(deep_merge(EXACT, ISLANDS)) == 8
    joined = deep_merge(ISLANDS, {"departments": {"joint_working_group": True}})
    assert _first_step_seen(deep_merge(EXACT, joined)) == 6
    # a shock its own department records is not delayed
    assert _first_step_seen(deep_merge(EXACT, ISLANDS), reported_by=None) == 6
    assert _first_step_seen(deep_merge(EXACT, ISLANDS), reported_by="health") == 6


def test_island_delay_falls_with_platform_capability() -> None:
    model = _model(ISLANDS)
    np.testing.assert_allclose(island_delays(model, np.array([0.0, 0.5, 1.0])), [8.0, 4.0, 0.0])
    model.params.departments.joint_working_group = True
    assert not island_delays(model, 0.2).any()


def test_off_by_default_and_identical_without_cross_domain_shocks() -> None:
    assert ModelParams().departments.enabled is False
    plain = _model({}, seed=3, events=_shock(4, None))
    islands = _model(ISLANDS, seed=3, events=_shock(4, None))
    plain.run(12)
    islands.run(12)
    assert plain.indicators == islands.indicators


def test_joint_working_group_costs_administration() -> None:
    cost = 0.01
    groups = {"departments": {"enabled": True, "joint_working_group": True}}
    separate = _model(ISLANDS, seed=2)
    joined = _model(deep_merge(groups, {"departments": {"working_group_cost": cost}}), seed=2)
    for model in (separate, joined):
        model.ledger.start_step()
        information.update_perceived_demand(model)
    extra = joined.ledger.category("administration") - separate.ledger.category("administration")
    assert extra.sum() == pytest.approx(cost * joined.params.citizens)


def test_reported_by_must_be_a_domain_of_a_demand_shock() -> None:
    with pytest.raises(ValueError, match="reported_by"):
        _model({}, events=_shock(3, "schools"))
    with pytest.raises(ValueError, match="reported_by"):
        _model({}, events=[{"step": 2, "shock": {"kind": "revenue", "reported_by": "health"}}])


def test_information_with_departments_declares_what_it_touches() -> None:
    model = _model(ISLANDS, seed=1, events=_shock(2))
    model.run(4)
    blob = pickle.dumps(model)
    phase, module = information.update_perceived_demand, information
    assert undeclared_writes(blob, phase, module.WRITES) == []
    assert undeclared_reads(blob, phase, module.READS + module.WRITES) == []


def test_half_gap_time() -> None:
    series = np.array([1.0, 1.0, 1.0, 1.2, 1.5, 1.8, 2.0, 2.0, 2.0])
    assert half_gap_time(series, 3, before=3, settle=3) == 1.0
    assert np.isnan(half_gap_time(np.ones(9), 3, before=3, settle=3))


@pytest.mark.slow
def test_joining_departments_shortens_the_response_to_a_cross_domain_shock() -> None:
    # health need triples at step 30, first recorded by the elderly-care department;
    # separate departments pass it on through the platform only (service regime:
    # capability 0.61, island 2.4 steps), a joint working group at once. Response:
    # steps until health's share of all service money has closed half its gap.
    shock_step, steps = 30, 80
    shock = {"kind": "demand", "domain": "health", "factor": 3.0, "reported_by": "elderly_care"}
    effects = []
    for seed in range(6):
        times = {}
        for joined in (False, True):
            departments = {"enabled": True, "joint_working_group": joined}
            model = _model(
                {"departments": departments}, seed, [{"step": shock_step, "shock": shock}]
            )
            share = []
            for _ in range(steps):
                model.step()
                money = model.governments.money
                share.append(money[:, HEALTH].sum() / money.sum())
            # share[i] is step i + 1: the shock's step is index shock_step - 1
            times[joined] = half_gap_time(np.array(share), shock_step - 1, settle=20)
        effects.append(times[True] - times[False])
    x = np.asarray(effects)
    assert np.isfinite(x).all()
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    # measured: -2.17 steps, 95% interval [-3.39, -0.94]
    assert x.mean() + half < 0.0
