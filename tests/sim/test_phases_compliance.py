"""sim.phases.compliance: Becker (1968) deterrence, inspections, fines and harm."""

from __future__ import annotations

import numpy as np
import pytest

from sim import PHASE_NAMES, GovernanceModel
from sim.phases.compliance import deterrence, violation_rates

ONLY_COMPLIANCE = {name: name == "compliance" for name in PHASE_NAMES}


def _model(small_params, levers: dict, compliance: dict | None = None, **extra) -> GovernanceModel:
    overrides = {
        "enterprises": 200,
        "mechanisms": ONLY_COMPLIANCE,
        "levers": levers,
        "compliance": {"decision_noise": 0.0, "imitation_rate": 0.0, **(compliance or {})},
        **extra,
    }
    return GovernanceModel(small_params(overrides), rng=11, agent_views=False)


@pytest.mark.parametrize(
    ("probability", "fine", "subsidy"),
    [(0.1, 4.0, 0.0), (0.35, 2.0, 0.05), (0.5, 1.0, 0.6), (0.0, 9.0, 0.0), (1.0, 1.5, 0.2)],
)
def test_becker_threshold_without_reputation(small_params, probability, fine, subsidy) -> None:
    levers = {"inspection_probability": probability, "fine": fine, "compliance_subsidy": subsidy}
    model = _model(small_params, levers, {"reputation_weight": 0.0})
    gain = model.enterprises.violation_gain
    threshold = probability * fine + subsidy
    for _ in range(3):
        model.step()
        assert np.array_equal(model.enterprises.violating, gain > threshold)


def test_becker_threshold_with_reputation(small_params) -> None:
    levers = {
        "inspection_probability": 0.4,
        "fine": 1.5,
        "compliance_subsidy": 0.1,
        "transparency": 0.8,
    }
    model = _model(small_params, levers, {"reputation_weight": 2.0})
    ent = model.enterprises
    for _ in range(6):
        # p (F + rho tau R) + S, with the reputation held before this step's inspections
        expected_threshold = 0.4 * (1.5 + 2.0 * 0.8 * ent.reputation) + 0.1
        assert deterrence(model) == pytest.approx(expected_threshold, abs=1e-12)
        model.step()
        assert np.array_equal(ent.violating, ent.violation_gain > expected_threshold)
    assert (ent.reputation < 1.0).any(), "some caught violators lost reputation"


def test_inspections_catch_violators_at_the_inspection_rate(small_params) -> None:
    levers = {"inspection_probability": 0.3, "fine": 1.0, "compliance_subsidy": 0.0}
    model = _model(small_params, levers, {"reputation_weight": 0.0}, enterprises=400)
    ent = model.enterprises
    caught = violators = 0
    for _ in range(8):
        model.step()
        assert np.all(ent.fine_paid[~ent.violating] == 0.0)
        assert set(np.unique(ent.fine_paid[ent.violating])) <= {0.0, 1.0}
        caught += int((ent.fine_paid > 0).sum())
        violators += int(ent.violating.sum())
    # about 340 violators per step, 2700 in all: sd of the caught share ~0.009, allow 0.03
    assert caught / violators == pytest.approx(0.3, abs=0.03)


def test_fines_are_government_revenue_and_profit_is_booked(small_params) -> None:
    levers = {"inspection_probability": 0.5, "fine": 2.0, "compliance_subsidy": 0.3}
    model = _model(small_params, levers, {"reputation_weight": 0.0})
    model.step()
    ent = model.enterprises
    assert model.ledger.revenue.sum() == pytest.approx(ent.fine_paid.sum(), rel=1e-12)
    assert np.all(ent.subsidy_received == np.where(ent.violating, 0.0, 0.3))
    base = model.params.compliance.base_profit
    expected = (
        base
        + ent.violation_gain * ent.violating
        + ent.contract_revenue
        - ent.fine_paid
        + ent.subsidy_received
    )
    assert ent.profit == pytest.approx(expected, abs=1e-12)


def test_harm_reaches_linked_citizens_and_spills_over(small_params) -> None:
    levers = {"inspection_probability": 0.1, "fine": 3.0}
    model = _model(small_params, levers, {"harm_per_violation": 0.4, "harm_spillover": 0.2})
    model.step()
    cit, ent = model.citizens, model.enterprises
    rates = violation_rates(model)
    env = model.params.services.spillover["environment"]
    others = (rates.sum() - rates) / (rates.size - 1)
    regional = 0.2 * ((1 - env) * rates + env * others)
    direct = np.where(cit.enterprise >= 0, 0.4 * ent.violating[cit.enterprise], 0.0)
    assert cit.harm == pytest.approx(direct + regional[cit.jurisdiction], abs=1e-12)
    assert 0.0 < rates.mean() < 1.0


def test_logit_noise_blurs_the_threshold(small_params) -> None:
    levers = {"inspection_probability": 0.5, "fine": 2.0, "compliance_subsidy": 0.0}
    model = _model(small_params, levers, {"reputation_weight": 0.0, "decision_noise": 0.3})
    model.step()
    ent = model.enterprises
    excess = ent.violation_gain - 0.5 * 2.0
    probability = 1.0 / (1.0 + np.exp(-excess / 0.3))
    # the count of violators is a sum of Bernoulli(probability): allow 4 sd
    sd = np.sqrt((probability * (1 - probability)).sum())
    assert abs(ent.violating.sum() - probability.sum()) < 4 * sd
    # noise: some violate below the threshold and some comply above it
    assert ent.violating[excess < 0].any()
    assert (~ent.violating[excess > 0]).any()
    assert excess[ent.violating].mean() > excess[~ent.violating].mean()
