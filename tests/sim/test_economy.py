"""The economy (sim/economy.py, sim/phases/economy.py) and multitask officials (phase 11).

Fast tests check the switch (off: nothing changes, indicators 0), the accounting
(wage bill = labour share of revenue, employment within the labour force, active
firms only produce), the phase contract with the economy on, and the pure
functions. Slow direction tests use paired seeds (common random numbers) and a
95 % interval of the paired difference.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from sim import GovernanceModel, ModelParams
from sim.aggregate import by_jurisdiction
from sim.phases.economy import READS, WRITES, run_economy
from tests.sim.conftest import SMALL, deep_merge
from tests.sim.test_phase_contracts import undeclared_reads, undeclared_writes

ON = {"mechanisms": {"economy": True}}
ECONOMY_INDICATORS = (
    "output_per_capita",
    "output_growth",
    "employment_rate",
    "poverty_rate",
    "access_cost",
    "firm_entry_rate",
    "active_firm_share",
)


def _model(extra: dict | None = None, seed: int = 0) -> GovernanceModel:
    params = ModelParams.model_validate(deep_merge(deep_merge(SMALL, ON), extra or {}))
    return GovernanceModel(params, rng=seed, agent_views=False)


def test_economy_is_off_by_default_and_its_indicators_are_zero() -> None:
    model = GovernanceModel(ModelParams.model_validate(SMALL), rng=1, agent_views=False)
    model.run(3)
    assert model.economy is None
    assert all(model.indicators[name] == 0.0 for name in ECONOMY_INDICATORS)
    assert model.enterprises.active.all() and not model.enterprises.output.any()


def test_economy_on_produces_employs_and_accounts() -> None:
    model = _model(seed=2)
    model.run(15)
    econ, ent, cit = model.economy, model.enterprises, model.citizens
    p = model.params.economy
    assert 0.0 < model.indicators["employment_rate"] <= 1.0
    assert model.indicators["output_per_capita"] > 0.0
    assert not ent.output[~ent.active].any()
    # employment never exceeds a jurisdiction's labour force
    employed = by_jurisdiction(cit.jurisdiction, econ.employed, model.governments.n_jurisdictions)
    assert np.all(employed <= model.governments.population)
    # the unemployed receive the benefit; the employed share the labour share of revenue
    benefit = p.benefit * econ.poverty_line
    assert np.allclose(cit.income[~econ.employed], benefit)
    revenue = by_jurisdiction(ent.jurisdiction, econ.price[ent.jurisdiction] * ent.output, 3)
    wages = by_jurisdiction(cit.jurisdiction, cit.income * econ.employed, 3)
    assert np.allclose(wages, p.labour_share * revenue)
    # inactive firms earn nothing and do not violate
    assert not ent.violating[~ent.active].any()
    # attention shares stay a split of one budget
    assert np.allclose(econ.attention.sum(axis=1), 1.0)


def test_economy_is_deterministic_for_a_seed() -> None:
    a, b = _model(seed=5), _model(seed=5)
    a.run(10)
    b.run(10)
    assert a.indicator_frame().equals(b.indicator_frame())


def test_economy_phase_declares_what_it_reads_and_writes() -> None:
    model = _model(seed=3)
    model.run(4)
    blob = pickle.dumps(model)
    assert undeclared_writes(blob, run_economy, WRITES) == []
    assert undeclared_reads(blob, run_economy, READS + WRITES) == []


def test_adaptation_with_the_economy_declares_what_it_touches() -> None:
    from sim.phases import adaptation

    model = _model(seed=4)
    model.run(4)
    blob = pickle.dumps(model)
    declared = adaptation.READS + adaptation.WRITES
    assert undeclared_writes(blob, adaptation.adapt, adaptation.WRITES) == []
    assert undeclared_reads(blob, adaptation.adapt, declared) == []


def test_multitask_attention_moves_toward_the_weights_and_scales_enforcement() -> None:
    model = _model(
        {
            "levers": {
                "evaluation_growth": 1.0,
                "evaluation_satisfaction": 0.0,
                "evaluation_environment": 0.0,
            }
        },
        seed=1,
    )
    model.economy.attention[:] = 1.0 / 3.0  # start balanced, away from the optimum (1, 0, 0)
    start = model.economy.attention.copy()
    model.run(30)
    econ = model.economy
    assert np.all(econ.attention[:, 0] > start[:, 0]) and np.all(econ.attention[:, 2] < start[:, 2])
    assert np.allclose(
        model.governments.enforcement_effort, econ.enforcement_base * 3.0 * econ.attention[:, 2]
    )


def test_a_better_platform_cuts_access_costs() -> None:
    from sim.phases.economy import access_costs

    slow = _model({"levers": {"information_lag": 8.0, "information_noise": 0.15}}, seed=0)
    fast = _model({"levers": {"information_lag": 0.0, "information_noise": 0.0}}, seed=0)
    permit_slow, citizen_slow = access_costs(slow)
    permit_fast, citizen_fast = access_costs(fast)
    assert np.all(permit_fast < permit_slow) and np.all(citizen_fast < citizen_slow)


def test_with_services_off_take_up_does_not_compound() -> None:
    model = _model({"mechanisms": {"services": False}}, seed=2)
    before = model.citizens.coverage.copy()
    model.run(5)
    assert np.array_equal(model.citizens.coverage, before)


def test_productive_domains_must_exist() -> None:
    with pytest.raises(ValueError, match="productive_domains"):
        ModelParams.model_validate(
            deep_merge(
                SMALL,
                {"economy": {"productive_domains": ["roads"]}, "mechanisms": {"economy": True}},
            )
        )
    # unused with the economy off: a model with its own domains stays valid
    ModelParams.model_validate(deep_merge(SMALL, {"economy": {"productive_domains": ["roads"]}}))


def test_a_platform_cuts_visits_to_one_at_full_capability_and_attention() -> None:
    from sim.economy import visits

    many = visits(10.0, np.array([0.0]), 0.9, np.array([1 / 3]))
    one_stop = visits(10.0, np.array([1.0]), 1.0, np.array([1 / 3]))
    assert many[0] == pytest.approx(10.0) and one_stop[0] == pytest.approx(1.0)


def _paired(metric: str, low: dict, high: dict, seeds: range, steps: int) -> np.ndarray:
    """Per seed, the mean of ``metric`` over steps 50.. under ``high`` minus under ``low``."""
    base = {"citizens": 400, "enterprises": 40, "social_orgs": 16, "jurisdictions": 2}
    out = []
    for seed in seeds:
        means = []
        for extra in (low, high):
            model = _model(deep_merge(base, extra), seed=seed)
            model.run(steps)
            means.append(model.indicator_frame()[metric].iloc[50:].mean())
        out.append(means[1] - means[0])
    return np.array(out)


def _interval(diff: np.ndarray) -> tuple[float, float]:
    half = 1.96 * diff.std(ddof=1) / np.sqrt(diff.size)
    return diff.mean() - half, diff.mean() + half


@pytest.mark.slow
def test_growth_first_evaluation_buys_output_and_costs_environment_and_services() -> None:
    """Growth-first evaluation raises output, revenue, harm and pollution; procedures get dearer.

    Service quality here is the administrative service: growth attention is taken
    from the service task, so citizens' procedures take more visits (access cost).
    The pollution stock (ODD 7.8) is on, fed by output and violations.
    """
    low = {"levers": {"evaluation_growth": 0.1}}
    high = {"levers": {"evaluation_growth": 0.9}}
    base = {
        "citizens": 400,
        "enterprises": 40,
        "social_orgs": 16,
        "jurisdictions": 2,
        "mechanisms": {"environment": True},
    }
    frames = {}
    for seed in range(6):
        for name, extra in (("low", low), ("high", high)):
            model = _model(deep_merge(base, extra), seed=seed)
            model.run(120)
            frames[name, seed] = model.indicator_frame().iloc[50:].mean()

    def diff(metric: str) -> np.ndarray:
        return np.array([frames["high", s][metric] - frames["low", s][metric] for s in range(6)])

    assert _interval(diff("output_per_capita"))[0] > 0.0
    assert _interval(diff("revenue_per_capita"))[0] > 0.0
    assert _interval(diff("mean_harm"))[0] > 0.0
    assert _interval(diff("compliance_rate"))[1] < 0.0
    assert _interval(diff("access_cost"))[0] > 0.0
    assert _interval(diff("pollution_stock"))[0] > 0.0


@pytest.mark.slow
def test_cheaper_procedures_raise_citizens_take_up_of_services() -> None:
    cheap = {"economy": {"citizen_visit_cost": 0.0}}
    dear = {"economy": {"citizen_visit_cost": 0.15}}
    diff = _paired("service_coverage", dear, cheap, range(5), 80)
    assert _interval(diff)[0] > 0.0


@pytest.mark.slow
def test_a_lower_access_cost_raises_firm_entry() -> None:
    cheap = {"economy": {"firm_visit_cost": 2.0}}
    dear = {"economy": {"firm_visit_cost": 20.0}}
    diff = _paired("firm_entry_rate", dear, cheap, range(6), 100)
    assert _interval(diff)[0] > 0.0
