"""Costs, the budget rule, enforcement effort and scaled populations (issue 10, items 7-9).

Verification tests check that the code follows its own rules (ledger identities,
the borrowing limit, the complaint split); the direction tests marked ``slow``
compare paired seeds (common random numbers) with 95% intervals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim import GovernanceModel, ModelParams
from sim.fiscal import administration_costs, borrowing_limits, reserve_ceilings
from sim.indicators import INDICATORS
from sim.phases.adaptation import adapt, complaints_by_cause, evaluation_weights
from sim.phases.budget import service_targets
from sim.phases.compliance import inspection_probabilities
from sim.phases.voice import record_complaint_causes
from sim.state import COST_CATEGORIES, SPENDING_CATEGORIES, Ledger
from tests.sim.conftest import SMALL, deep_merge

QUIET = {  # behaviour that moves revenue or need switched off: the fiscal rule alone
    name: False
    for name in (
        "information",
        "coproduction",
        "trust",
        "voice",
        "unrest",
        "network_evolution",
        "adaptation",
    )
}


def _model(overrides: dict[str, Any] | None = None, seed: int = 3) -> GovernanceModel:
    params = ModelParams.model_validate(deep_merge(SMALL, overrides or {}))
    return GovernanceModel(params, rng=seed, agent_views=False)


def _paired_ci(differences: np.ndarray) -> tuple[float, float]:
    """95% t interval of the mean of paired differences."""
    n = differences.size
    half = stats.t.ppf(0.975, n - 1) * differences.std(ddof=1) / np.sqrt(n)
    return float(differences.mean() - half), float(differences.mean() + half)


# --- the ledger ---------------------------------------------------------------------


def test_ledger_books_each_payment_under_its_category() -> None:
    ledger = Ledger(np.array([10.0, 10.0, 10.0]))
    ledger.pay(np.array([1.0, 0.0, 2.0]))  # default: service delivery
    ledger.pay_shared(np.array([2.0, 4.0]), 0.25)  # default: programmes, co-financed
    ledger.pay(np.array([0.5, 0.5, 0.5]), category="refunds")
    assert ledger.category("services").tolist() == [1.0, 0.0, 2.0]
    assert ledger.category("programmes").tolist() == [0.5, 1.0, 4.5]
    assert np.allclose(ledger.by_category.sum(axis=0), ledger.spending)
    assert np.allclose(ledger.governance_cost, ledger.spending - 0.5)
    assert ledger.reserves.sum() == pytest.approx(30.0 - ledger.spending.sum())
    with pytest.raises(ValueError, match=r"unknown spending category 'bribes'.*administration"):
        ledger.pay(np.zeros(3), category="bribes")


def test_money_is_conserved_per_category_and_the_cost_indicators_add_up() -> None:
    model = _model({"regime": "service"})
    ledger = model.ledger
    for _ in range(15):
        before = ledger.reserves.copy()
        model.step()
        scale = max(1.0, np.abs(before).sum(), ledger.spending.sum())
        assert np.allclose(ledger.by_category.sum(axis=0), ledger.spending, atol=1e-12 * scale)
        assert np.allclose(
            ledger.revenue, ledger.spending + ledger.reserves - before, atol=1e-9 * scale
        )
        assert np.all(ledger.by_category >= 0.0)
        values = model.indicators
        parts = sum(values[f"cost_{name}"] for name in COST_CATEGORIES)
        assert values["governance_cost"] == pytest.approx(parts, rel=1e-12)
        total = ledger.spending.sum() / len(model.citizens)
        assert values["governance_cost"] + values["refunds_per_capita"] == pytest.approx(
            total, rel=1e-12
        )
    assert set(f"cost_{name}" for name in COST_CATEGORIES) <= set(INDICATORS)
    assert SPENDING_CATEGORIES[-1] == "refunds"
    # the categories that exist in this model are all used
    for name in ("services", "administration", "programmes", "enforcement"):
        assert ledger.category(name).sum() > 0, name


# --- the budget rule ------------------------------------------------------------------


@settings(max_examples=12, deadline=None)
@given(
    regime=st.sampled_from(["top_down", "regulatory", "service"]),
    tax_rate=st.floats(0.05, 0.6),
    limit=st.floats(0.0, 0.5),
    ceiling=st.floats(0.0, 0.5),
    decentralization=st.floats(0.1, 0.9),
    standard=st.floats(0.05, 1.0),
    reward=st.floats(0.0, 0.05),
    subsidy=st.floats(0.0, 0.3),
    seed=st.integers(0, 2**31 - 1),
)
def test_reserves_never_go_below_the_borrowing_limit(
    regime: str,
    tax_rate: float,
    limit: float,
    ceiling: float,
    decentralization: float,
    standard: float,
    reward: float,
    subsidy: float,
    seed: int,
) -> None:
    # service spending never takes reserves below -L_g; only obligations that the
    # limit cannot accommodate (administration, programmes) can, by the recorded
    # shortfall, and costs paid after the budget (contracting, answers) by
    # their growth over last step's amount, which the budget set aside
    model = _model(
        {
            "citizens": 150,
            "regime": regime,
            "decentralization": decentralization,
            "fiscal": {
                "tax_rate": tax_rate,
                "borrowing_limit_per_capita": limit,
                "reserve_ceiling_per_capita": ceiling,
            },
            "services": {"service_standard": standard},
            "levers": {"participation_reward": reward, "compliance_subsidy": subsidy},
        },
        seed=seed,
    )
    gov = model.governments
    floor = -borrowing_limits(model.params, gov.population)
    ceilings = reserve_ceilings(model.params, gov.population)
    for _ in range(10):
        growth = _step_with_later_cost_growth(model)
        reserves = model.ledger.reserves
        tolerance = 1e-9 * (1.0 + np.abs(floor)) + growth
        assert np.all(reserves >= floor - gov.budget_shortfall - tolerance), (reserves, floor)
        fine = gov.budget_shortfall == 0
        assert np.all(reserves[fine] >= floor[fine] - tolerance[fine])
        # refunds leave at least the ceiling behind
        refunded = model.ledger.category("refunds") > 0
        slack = 1e-9 * (1.0 + ceilings) + growth
        assert np.all(reserves[refunded] >= ceilings[refunded] - slack[refunded])


def _later_costs(model: GovernanceModel) -> np.ndarray:
    """This step's costs paid after the budget at last step's amounts (contracting, answers).

    ``sim.phases.budget.later_costs`` sets them aside at last step's amounts (policing
    exactly), so the borrowing limit holds up to their growth from step to step.
    """
    ledger = model.ledger
    admin = administration_costs(model.params, model.governments.population)
    answers = np.maximum(ledger.category("administration") - admin, 0.0)
    return ledger.category("contracting") + answers


def _step_with_later_cost_growth(model: GovernanceModel) -> np.ndarray:
    """Step the model; return how much the later costs grew over their set-aside."""
    set_aside = _later_costs(model).copy()
    model.step()
    return np.maximum(_later_costs(model) - set_aside, 0.0)


@pytest.mark.parametrize("regime", ["top_down", "regulatory", "service"])
def test_the_default_calibration_keeps_to_the_borrowing_limit(regime: str) -> None:
    model = GovernanceModel(ModelParams(regime=regime), rng=5, agent_views=False)
    gov = model.governments
    floor = -borrowing_limits(model.params, gov.population)
    for _ in range(30):
        growth = _step_with_later_cost_growth(model)
        assert not gov.budget_shortfall.any()
        assert np.all(model.ledger.reserves >= floor - 1e-9 * (1.0 + np.abs(floor)) - growth)
        # the growth is small: answers to complaints and contracts vary little
        assert np.all(growth <= 0.05 * np.abs(floor))


def test_the_service_target_divides_need_by_what_a_money_unit_delivers() -> None:
    model = _model({"regime": "regulatory"})
    model.run(3)
    gov = model.governments
    gov.service_complaint_rate[:] = 0.0
    before = service_targets(model)
    gov.output *= 2.0  # providers twice as productive last step
    after = service_targets(model)
    assert after == pytest.approx(before / 2.0, rel=1e-12)


def test_service_complaints_raise_the_local_service_target() -> None:
    model = _model({"regime": "service"})
    model.run(2)
    gov = model.governments
    gov.service_complaint_rate[:] = 0.0
    quiet = service_targets(model)
    gov.service_complaint_rate[:] = 0.4
    loud = service_targets(model)
    _, w_s, _ = evaluation_weights(model)
    n_j = gov.n_jurisdictions
    assert loud[:n_j] == pytest.approx(quiet[:n_j] * (1.0 + 0.4 * w_s), rel=1e-12)
    assert loud[n_j] == quiet[n_j]  # the centre answers no complaints


@pytest.mark.parametrize("writing_cost", [0.02, 1.0], ids=["default", "costly contracts"])
def test_the_start_is_the_fiscal_steady_state(writing_cost: float) -> None:
    # with behaviour that would move revenue or need switched off, reserves stay
    # where the start put them: at the ceiling or at the borrowing limit
    # (no fines: a fine is received after the budget and would sit on top of reserves);
    # costly contracts: the start must foresee contracting (measured: without it
    # reserves move by 15 in 20 steps)
    model = _model(
        {
            "regime": "regulatory",
            "mechanisms": QUIET,
            "levers": {"fine": 0.0},
            "services": {"contract_writing_cost": writing_cost},
        }
    )
    gov = model.governments
    floor = -borrowing_limits(model.params, gov.population)
    ceiling = reserve_ceilings(model.params, gov.population)
    start = model.ledger.reserves.copy()
    assert np.all(np.isclose(start, floor) | np.isclose(start, ceiling))
    model.run(20)
    frame = model.indicator_frame()
    reserves = frame["reserves_per_capita"]
    assert np.abs(reserves - reserves.iloc[0]).max() <= 1e-9


@pytest.mark.slow
@pytest.mark.parametrize(
    ("label", "efficient"),
    [
        ("no quality shading", {"services": {"noncontractible_quality": 0.0}}),
        ("leakage", {"services": {"max_leakage": 0.0}}),
    ],
)
def test_governance_cost_differs_from_revenue_and_falls_with_efficiency(
    label: str, efficient: dict[str, Any]
) -> None:
    # revenue is ample (tax 0.45), so every government meets the standard: a more
    # efficient one needs less money for the same coverage and refunds the rest
    base = {"regime": "top_down", "fiscal": {"tax_rate": 0.45}}
    cost_gap, coverage_gap, surplus = [], [], []
    # 16 seeds: paired runs diverge (draws follow state), so coverage differs by seed
    # with sd ~0.03 (measured after the v2 merge); 6 seeds gave a 95% half-width of
    # ~0.03, the size of the bound itself, 16 seeds ~0.017 (leakage: [-0.009, 0.024])
    for seed in range(16):
        frames = []
        for extra in ({}, efficient):
            model = _model(deep_merge(base, extra), seed=seed)
            model.run(40)
            frames.append(model.indicator_frame().iloc[10:])
        plain, better = frames
        cost_gap.append(better["governance_cost"].mean() - plain["governance_cost"].mean())
        coverage_gap.append(better["service_coverage"].mean() - plain["service_coverage"].mean())
        surplus.append((plain["revenue_per_capita"] - plain["governance_cost"]).mean())
    low, high = _paired_ci(np.array(cost_gap))
    assert high < 0.0, f"{label}: cost change CI [{low:.4f}, {high:.4f}] is not below 0"
    low, high = _paired_ci(np.array(coverage_gap))
    assert -0.03 < low and high < 0.03, f"{label}: coverage moved, CI [{low:.4f}, {high:.4f}]"
    low, _ = _paired_ci(np.array(surplus))
    assert low > 0.0, "governance cost should be below revenue when revenue is ample"


# --- enforcement effort ---------------------------------------------------------------

PERSISTENT_VIOLATIONS = {
    "compliance": {"gain_low": 50.0, "gain_high": 60.0},  # no fine deters these gains
    "levers": {
        "evaluation_growth": 0.0,
        "evaluation_satisfaction": 0.0,
        "evaluation_environment": 1.0,
    },
}


def test_enforcement_effort_is_not_capped() -> None:
    model = _model(
        deep_merge(
            PERSISTENT_VIOLATIONS,
            {
                "levers": {"inspection_probability": 0.05},
                "adaptation": {"enforcement_cost_weight": 0.0},
            },
        )
    )
    model.run(60)
    # pressure 1 per step at rate 0.05: from 1 to about 4, far past the old cap of 2
    assert model.governments.enforcement_effort.min() > 3.0


def test_effort_stops_where_inspection_is_certain() -> None:
    # beyond inspection_probability * effort = 1 more effort deters no one
    model = _model(
        deep_merge(
            PERSISTENT_VIOLATIONS,
            {
                "levers": {"inspection_probability": 0.5},
                "adaptation": {"enforcement_cost_weight": 0.0},
            },
        )
    )
    model.run(60)
    rate = model.params.adaptation.rate
    effort = model.governments.enforcement_effort
    assert np.all(effort >= 2.0 - 1e-12) and np.all(effort <= 2.0 + rate)


def test_enforcement_effort_is_paid_through_its_inspections() -> None:
    model = _model({"regime": "regulatory"})
    model.run(2)
    model.governments.enforcement_effort[:] = [0.5, 1.5, 3.0]
    expected = inspection_probabilities(model).sum() * model.params.fiscal.inspection_cost
    model.step()
    assert model.ledger.category("enforcement").sum() == pytest.approx(expected, rel=1e-12)


def test_what_enforcement_costs_holds_effort_back() -> None:
    efforts = []
    for weight in (0.0, 20.0):
        model = _model(
            deep_merge(
                PERSISTENT_VIOLATIONS,
                {
                    "levers": {"inspection_probability": 0.05},
                    "fiscal": {"inspection_cost": 2.0},
                    "adaptation": {"enforcement_cost_weight": weight},
                },
            )
        )
        model.run(40)
        efforts.append(model.governments.enforcement_effort.mean())
    free, costly = efforts
    assert costly < free - 1.0


def test_complaints_are_split_by_cause() -> None:
    model = _model({"regime": "service"})
    model.run(3)
    cit = model.citizens
    cit.complained[:] = True
    cit.harm[:] = 0.0
    cit.coverage[:] = 0.5
    record_complaint_causes(cit)  # what phase 8 records with each complaint
    service, pollution = complaints_by_cause(model)
    assert service == pytest.approx(1.0) and pollution == pytest.approx(0.0)
    cit.harm[:] = 0.5  # half the grievance is pollution
    record_complaint_causes(cit)
    service, pollution = complaints_by_cause(model)
    assert service == pytest.approx(0.5) and pollution == pytest.approx(0.5)
    cit.complained[::2] = False
    record_complaint_causes(cit)
    service, pollution = complaints_by_cause(model)
    rate = model.governments.complaint_rate  # of the last voice phase; recompute here
    assert service + pollution == pytest.approx(
        np.bincount(cit.jurisdiction, weights=cit.complained) / model.governments.population
    )
    assert rate.shape == service.shape


def test_each_complaint_records_its_cause() -> None:
    # phase 8 records the pollution share of each complaint from the grievance it
    # answers (harm and unmet need are not changed by the phases after it)
    model = _model({"regime": "service"})
    model.run(3)
    cit = model.citizens
    assert cit.complained.any()
    grievance = cit.harm + 1.0 - cit.coverage
    share = np.divide(cit.harm, grievance, out=np.zeros_like(grievance), where=grievance > 0)
    assert cit.complaint_pollution == pytest.approx(share * cit.complained, abs=1e-15)
    assert np.all(cit.complaint_pollution[~cit.complained] == 0.0)
    _, pollution = complaints_by_cause(model)
    assert pollution == pytest.approx(model.governments.pollution_complaint_rate, abs=1e-15)


def test_only_pollution_complaints_move_enforcement_effort() -> None:
    def effort_change(harm: float, coverage: float) -> np.ndarray:
        model = _model(
            {
                "levers": {
                    "evaluation_growth": 0.0,
                    "evaluation_satisfaction": 1.0,
                    "evaluation_environment": 0.0,
                },
                "adaptation": {"enforcement_cost_weight": 0.0},
            }
        )
        model.run(2)
        cit = model.citizens
        cit.complained[:] = True
        cit.harm[:] = harm
        cit.coverage[:] = coverage
        record_complaint_causes(cit)  # what phase 8 records with each complaint
        before = model.governments.enforcement_effort.copy()
        adapt(model)
        return model.governments.enforcement_effort - before

    about_services = effort_change(harm=0.0, coverage=0.2)
    about_pollution = effort_change(harm=0.8, coverage=1.0)
    assert np.all(about_services <= 1e-12)
    assert np.all(about_pollution > 0.0)


# --- populations ----------------------------------------------------------------------


def test_enterprises_and_social_organisations_scale_with_citizens() -> None:
    assert (ModelParams().enterprise_count, ModelParams().social_org_count) == (100, 40)
    small = ModelParams(citizens=500)
    assert (small.enterprise_count, small.social_org_count) == (25, 10)
    fixed = ModelParams(citizens=500, enterprises=7, social_orgs=0)
    assert (fixed.enterprise_count, fixed.social_org_count) == (7, 0)
    model = GovernanceModel(ModelParams(citizens=600, jurisdictions=3), rng=1, agent_views=False)
    assert (len(model.enterprises), len(model.social_orgs)) == (30, 12)


def test_step_one_collects_the_tax_declared_at_build() -> None:
    # citizens decide their tax compliance in the step-0 round (trust on), so step 1
    # taxes declared income d_i y_i, as the fiscal start expects
    # (no fines: fines are received into the same revenue later in the step)
    model = _model(
        {"regime": "service", "trust": {"max_tax_evasion": 0.4}, "levers": {"fine": 0.0}}
    )
    cit = model.citizens
    assert cit.tax_compliance.min() < 1.0
    declared = float((cit.income * cit.tax_compliance).sum())
    profit = float(np.maximum(model.enterprises.profit, 0.0).sum())
    multiplier = model.governments.revenue_multiplier
    assert np.all(multiplier == 1.0)
    model.step()
    expected = model.params.fiscal.tax_rate * (declared + profit)
    assert model.ledger.revenue.sum() == pytest.approx(expected, rel=1e-12)
