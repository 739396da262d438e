"""The pollution stock and inter-governmental cooperation (sim/environment.py, sim/cooperation.py).

Fast tests check the equations (mass balance of the stock, exact decay, spill-over
geometry, pooling that keeps the money, coalition rules, validation). The direction
tests (``slow``) run paired seeds (common random numbers) and require the 95%
interval of the paired difference to exclude 0:

* the stock accumulates with emissions, decays, and spills over downstream;
* the stock harms satisfaction;
* joint enforcement lowers pollution in a spill-over setting;
* a joint committee that pools budgets raises basic-service equalisation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from sim import GovernanceModel, ModelParams
from sim.cooperation import (
    CooperationParams,
    basic_service_equalisation,
    member_mask,
    pool_budgets,
)
from sim.environment import EnvironmentParams, emissions, next_stock, spillover_matrix
from sim.network import OrgTies
from sim.phases.allocation import cooperation_strength
from sim.phases.environment import joint_enforcement_step
from tests.sim.conftest import SMALL, deep_merge

ENV_ON = {"mechanisms": {"environment": True}}


def _model(overrides: dict[str, Any], seed: int = 0) -> GovernanceModel:
    params = ModelParams.model_validate(deep_merge(deep_merge(SMALL, ENV_ON), overrides))
    return GovernanceModel(params, rng=seed, agent_views=False)


def _interval(differences: list[float]) -> tuple[float, float, float]:
    """Mean and 95% t-interval of paired differences."""
    d = np.asarray(differences)
    half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


# --- equations -------------------------------------------------------------------------


@pytest.mark.parametrize("geometry", ["ring", "all"])
def test_stock_without_decay_gains_exactly_the_emissions_in_a_closed_geometry(geometry) -> None:
    p = EnvironmentParams(spillover_share=0.4, geometry=geometry)
    stock = np.array([1.0, 2.0, 0.0, 3.0])
    emitted = np.array([0.5, 0.0, 1.5, 0.25])
    after = next_stock(stock, emitted, 0.0, p)
    assert after.sum() == pytest.approx(stock.sum() + emitted.sum())
    assert np.all(after >= stock)


def test_a_river_carries_emissions_downstream_and_out_of_the_region() -> None:
    p = EnvironmentParams(spillover_share=0.5, geometry="chain")
    after = next_stock(np.zeros(3), np.array([0.0, 0.0, 2.0]), 0.0, p)
    assert after.tolist() == [0.0, 0.0, 1.0]  # half of the last one's emissions leaves
    after = next_stock(np.zeros(3), np.array([2.0, 0.0, 0.0]), 0.0, p)
    assert after.tolist() == [1.0, 1.0, 0.0]  # upstream pollutes downstream, not back


def test_spillover_rows_sum_to_one_except_the_river_mouth() -> None:
    assert spillover_matrix(5, "ring").sum(axis=1).tolist() == [1.0] * 5
    assert spillover_matrix(5, "all").sum(axis=1).tolist() == [1.0] * 5
    assert spillover_matrix(5, "chain").sum(axis=1).tolist() == [1.0] * 4 + [0.0]
    assert spillover_matrix(2, "ring").tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_emissions_grow_with_violations_and_output() -> None:
    p = EnvironmentParams(emission_per_violation=1.0, emission_per_output=0.2)
    where = np.array([0, 0, 1, 1])
    clean = emissions(where, np.zeros(4, dtype=bool), np.ones(4), 2, p)
    dirty = emissions(where, np.array([True, True, False, False]), np.ones(4), 2, p)
    more = emissions(where, np.zeros(4, dtype=bool), np.full(4, 2.0), 2, p)
    assert clean.tolist() == pytest.approx([0.2, 0.2])
    assert dirty.tolist() == pytest.approx([1.2, 0.2])
    assert more.tolist() == pytest.approx([0.4, 0.4])


def test_stock_decays_geometrically_without_emissions() -> None:
    model = _model(
        {
            "environment": {
                "initial_stock": 10.0,
                "decay": 0.2,
                "emission_per_violation": 0.0,
                "emission_per_output": 0.0,
            }
        }
    )
    model.run(5)
    stock = model.indicator_frame()["pollution_stock"].to_numpy()
    assert stock == pytest.approx(10.0 * 0.8 ** np.arange(6))


def test_stock_accumulates_from_zero_by_this_steps_emissions() -> None:
    model = _model({"environment": {"geometry": "ring"}})
    model.step()
    gov = model.governments
    # a closed ring loses nothing at the border: the first step's stock is its emissions
    assert gov.pollution.sum() == pytest.approx(gov.emissions.sum())
    assert gov.pollution.sum() > 0


def test_stock_harm_replaces_the_flow_harm() -> None:
    model = _model({"environment": {"harm_per_stock": 0.0}})
    model.run(3)
    cit, ent = model.citizens, model.enterprises
    linked = np.concatenate([[False], ent.violating])[cit.enterprise + 1]
    expected = model.params.compliance.harm_per_violation * linked
    assert np.array_equal(cit.harm, expected)


def test_joint_enforcement_step_needs_exported_pollution() -> None:
    effort = np.ones(3)
    step = joint_enforcement_step(
        effort, np.ones(3, dtype=bool), np.full(3, 0.6), np.zeros(3), np.full(3, 0.5), 0.3, 0.1
    )
    assert step.tolist() == effort.tolist()  # nothing exported: nothing to internalise
    step = joint_enforcement_step(
        effort, np.ones(3, dtype=bool), np.full(3, 0.6), np.full(3, 0.3), np.full(3, 0.5), 0.3, 0.1
    )
    assert np.all(step > effort)


def test_pooling_keeps_the_money_and_moves_it_to_need() -> None:
    own = np.array([[6.0, 1.0], [2.0, 1.0], [1.0, 1.0]])
    need = np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    members = np.array([True, True, False])
    pooled = np.array([True, False])
    money, put = pool_budgets(own, need, members, pooled, 0.5)
    assert money.sum(axis=0).tolist() == pytest.approx(own.sum(axis=0).tolist())
    assert money[:, 1].tolist() == own[:, 1].tolist()  # an unpooled domain is untouched
    assert money[2].tolist() == own[2].tolist()  # a non-member is untouched
    assert money[:, 0].tolist() == pytest.approx([5.0, 3.0, 1.0])  # pool 4 split 2 / 2
    assert put.tolist() == pytest.approx([3.0, 1.0, 0.0])


def test_basic_service_equalisation_is_one_minus_a_weighted_gini() -> None:
    assert basic_service_equalisation(np.array([0.7, 0.7, 0.7]), np.ones(3)) == 1.0
    # two equal groups at 0 and 1: Gini 0.5
    assert basic_service_equalisation(np.array([0.0, 1.0]), np.ones(2)) == pytest.approx(0.5)
    # weighting: a tiny jurisdiction far off counts little
    small_outlier = basic_service_equalisation(np.array([0.2, 0.8]), np.array([1.0, 99.0]))
    even = basic_service_equalisation(np.array([0.2, 0.8]), np.array([50.0, 50.0]))
    assert small_outlier > even


def test_joint_committee_costs_are_governance_costs() -> None:
    model = _model({"cooperation": {"pool_share": 0.5}})
    model.run(3)
    row = model.indicator_frame().iloc[-1]
    assert row["cost_coordination"] > 0
    plain = _model({})
    plain.run(3)
    assert plain.indicator_frame()["cost_coordination"].eq(0.0).all()


def test_joint_enforcement_and_infrastructure_cost_coordination() -> None:
    model = _model(
        {
            "levers": {"intergovernmental_cooperation": 1.0},
            "cooperation": {"joint_enforcement": True, "shared_infrastructure": 0.05},
        }
    )
    model.run(2)
    coop = model.params.cooperation
    n = model.params.citizens
    expected = (
        coop.infrastructure_cost_per_capita * n + 3 * coop.enforcement_coordination_cost
    ) / n
    assert model.indicator_frame()["cost_coordination"].iloc[-1] == pytest.approx(expected)


def test_a_coalition_cooperates_among_its_members_only() -> None:
    model = _model(
        {
            "jurisdictions": 3,
            "levers": {"intergovernmental_cooperation": 1.0},
            "cooperation": {"coalition": [0, 1]},
            "network_evolution": {"formation_rate": 1.0},
        }
    )
    assert member_mask(model.params.cooperation, 3).tolist() == [True, True, False]
    kappa = cooperation_strength(model)
    assert kappa[2] == 0.0 and kappa[0] > 0.0
    model.run(60)
    ties = model.org_ties
    coop = ties.of_kind(OrgTies.COOPERATION)
    touches_outsider = (ties.government == 2) | (np.where(coop, ties.partner, 0) == 2)
    assert not np.any(coop & touches_outsider)  # initial ties with the outsider decayed away
    assert np.any(coop & ~touches_outsider)


def test_a_focal_city_is_richer() -> None:
    base = _model({}, seed=4)
    rich = _model({"cooperation": {"focal": 1, "focal_income_multiple": 3.0}}, seed=4)
    in_focal = base.citizens.jurisdiction == 1
    assert np.allclose(rich.citizens.income[in_focal], 3.0 * base.citizens.income[in_focal])
    assert np.array_equal(rich.citizens.income[~in_focal], base.citizens.income[~in_focal])


def test_a_larger_focal_city_has_more_citizens_and_enterprises() -> None:
    model = _model(
        {
            "jurisdictions": 3,
            "enterprises": 40,
            "social_orgs": 16,
            "cooperation": {"focal": 1, "focal_population_multiple": 2.0},
        }
    )
    population = model.governments.population
    assert population.tolist() == [75.0, 150.0, 75.0]
    assert np.bincount(model.enterprises.jurisdiction).tolist() == [10, 20, 10]
    assert np.bincount(model.social_orgs.jurisdiction).tolist() == [4, 8, 4]
    # every jurisdiction still has organisations in every domain it can
    for j in range(3):
        domains = model.social_orgs.domain[model.social_orgs.jurisdiction == j]
        assert set(domains.tolist()) == set(range(4))
    equal = _model({"jurisdictions": 3})
    assert equal.governments.population.tolist() == [100.0, 100.0, 100.0]


def test_phases_with_cooperation_on_keep_their_state_contracts() -> None:
    """The contract checks of test_phase_contracts, with every instrument switched on."""
    import pickle

    from sim.phases.allocation import READS as ALLOCATION_READS
    from sim.phases.allocation import WRITES as ALLOCATION_WRITES
    from sim.phases.allocation import allocate_budgets
    from sim.phases.environment import READS, WRITES, update_environment
    from sim.phases.network_evolution import READS as NETWORK_READS
    from sim.phases.network_evolution import WRITES as NETWORK_WRITES
    from sim.phases.network_evolution import evolve_ties
    from tests.sim.test_phase_contracts import undeclared_reads, undeclared_writes

    model = _model(
        {
            "levers": {"intergovernmental_cooperation": 1.0},
            "cooperation": {
                "coalition": [0, 1],
                "pool_share": 0.5,
                "joint_enforcement": True,
                "shared_infrastructure": 0.05,
            },
        }
    )
    model.run(4)
    blob = pickle.dumps(model)
    for phase, reads, writes in (
        (update_environment, READS, WRITES),
        (allocate_budgets, ALLOCATION_READS, ALLOCATION_WRITES),
        (evolve_ties, NETWORK_READS, NETWORK_WRITES),
    ):
        assert undeclared_writes(blob, phase, writes) == []
        assert undeclared_reads(blob, phase, reads + writes) == []
    before = model.governments.enforcement_effort.copy()
    update_environment(model)
    assert np.any(model.governments.enforcement_effort > before)  # joint enforcement acted


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cooperation": {"coalition": [0, 7]}}, "coalition: jurisdiction 7 is out of range"),
        ({"cooperation": {"coalition": [0, 0]}}, "coalition: members must be distinct"),
        ({"cooperation": {"coalition": [0, 1], "focal": 2}}, "cooperation.focal"),
        ({"cooperation": {"pooled_domains": ["roads"]}}, "pooled_domains names 'roads'"),
        (
            {"citizens": 60, "cooperation": {"focal": 0, "focal_population_multiple": 100.0}},
            "cooperation.focal_population_multiple",
        ),
    ],
)
def test_bad_cooperation_settings_are_refused_by_name(overrides, message) -> None:
    with pytest.raises(ValueError, match=message):
        ModelParams.model_validate(deep_merge(SMALL, overrides))


def test_environment_is_off_by_default_and_inert() -> None:
    assert ModelParams().mechanisms.environment is False
    assert CooperationParams().pool_share == 0.0
    model = GovernanceModel(ModelParams.model_validate(SMALL), rng=0, agent_views=False)
    model.run(3)
    assert model.indicator_frame()["pollution_stock"].eq(0.0).all()


# --- direction tests over paired seeds -------------------------------------------------


def _final_mean(overrides: dict[str, Any], seed: int, column: str, steps: int, tail: int) -> float:
    model = _model(overrides, seed)
    model.run(steps)
    return float(model.indicator_frame()[column].iloc[-tail:].mean())


@pytest.mark.slow
def test_stock_accumulates_with_emissions() -> None:
    low = {"environment": {"emission_per_output": 0.1}}
    high = {"environment": {"emission_per_output": 0.3}}
    diffs = [
        _final_mean(high, s, "pollution_stock", 60, 20)
        - _final_mean(low, s, "pollution_stock", 60, 20)
        for s in range(6)
    ]
    mean, lo, hi = _interval(diffs)
    assert lo > 0, (mean, lo, hi)


@pytest.mark.slow
def test_stock_is_lower_when_it_decays_faster() -> None:
    slow_decay = {"environment": {"decay": 0.05}}
    fast_decay = {"environment": {"decay": 0.2}}
    diffs = [
        _final_mean(fast_decay, s, "pollution_stock", 60, 20)
        - _final_mean(slow_decay, s, "pollution_stock", 60, 20)
        for s in range(6)
    ]
    mean, lo, hi = _interval(diffs)
    assert hi < 0, (mean, lo, hi)


@pytest.mark.slow
def test_pollution_spills_downstream() -> None:
    """On a river (chain), the downstream end holds more than the source, more so with spill-over."""

    def gradient(share: float, seed: int) -> float:
        model = _model(
            {
                "jurisdictions": 4,
                "enterprises": 40,
                "environment": {"geometry": "chain", "spillover_share": share},
            },
            seed,
        )
        total = np.zeros(4)
        for _ in range(60):
            model.step()
            total += model.governments.pollution
        return float(total[-1] - total[0]) / 60

    diffs = [gradient(0.6, s) - gradient(0.0, s) for s in range(6)]
    mean, lo, hi = _interval(diffs)
    assert lo > 0, (mean, lo, hi)


@pytest.mark.slow
def test_pollution_stock_lowers_satisfaction() -> None:
    harmless = {"environment": {"harm_per_stock": 0.0}}
    harmful = {"environment": {"harm_per_stock": 0.06}}
    diffs = [
        _final_mean(harmful, s, "mean_satisfaction", 60, 20)
        - _final_mean(harmless, s, "mean_satisfaction", 60, 20)
        for s in range(6)
    ]
    mean, lo, hi = _interval(diffs)
    assert hi < 0, (mean, lo, hi)


@pytest.mark.slow
def test_joint_enforcement_lowers_pollution_with_spillover() -> None:
    """Members that take exported pollution into account enforce more and pollute less."""

    def pollution(joint: bool, seed: int) -> float:
        overrides = {
            "citizens": 300,
            "enterprises": 60,
            "social_orgs": 8,
            "jurisdictions": 4,
            "levers": {"intergovernmental_cooperation": 1.0},
            "environment": {"spillover_share": 0.5, "geometry": "ring"},
            "cooperation": {"joint_enforcement": joint},
        }
        return _final_mean(overrides, seed, "pollution_stock", 110, 40)

    diffs = [pollution(True, s) - pollution(False, s) for s in range(8)]
    mean, lo, hi = _interval(diffs)
    assert hi < 0, (mean, lo, hi)


@pytest.mark.slow
def test_pooling_budgets_raises_basic_service_equalisation() -> None:
    """A joint committee pooling the members' money and spending it by need equalises coverage."""
    domains = ["education", "health", "elderly_care", "environment"]

    def equalisation(pool: float, seed: int) -> float:
        overrides = {
            "citizens": 500,
            "enterprises": 25,
            "social_orgs": 10,
            "jurisdictions": 5,
            "mechanisms": {"environment": False},
            "fiscal": {"jurisdiction_income_spread": 0.6},
            "cooperation": {"pool_share": pool, "pooled_domains": domains},
        }
        return _final_mean(overrides, seed, "basic_service_equalisation", 90, 40)

    diffs = [equalisation(0.5, s) - equalisation(0.0, s) for s in range(8)]
    mean, lo, hi = _interval(diffs)
    assert lo > 0, (mean, lo, hi)
