"""sim.phases.rule_compliance: households' decision to follow a rule, its habit and costs."""

from __future__ import annotations

import numpy as np
import pytest

from sim import PHASE_NAMES, GovernanceModel
from sim.phases.rule_compliance import detection_probability


def _only(*names: str) -> dict[str, bool]:
    return {name: name in names for name in PHASE_NAMES}


def _model(small_params, overrides: dict, seed: int = 4) -> GovernanceModel:
    return GovernanceModel(small_params(overrides), rng=seed, agent_views=False)


def test_no_rule_in_force_changes_nothing_and_draws_nothing(small_params) -> None:
    frames = []
    for on in (True, False):
        model = _model(small_params, {"mechanisms": {"rule_compliance": on}})
        model.run(8)
        frames.append(model.indicator_frame())
        assert not model.citizens.rule_complying.any() and not model.citizens.habit.any()
    assert frames[0].equals(frames[1])
    assert (frames[0]["rule_compliance"] == 0.0).all()


def test_households_comply_iff_the_rule_pays(small_params) -> None:
    rule = {
        "rule_in_force": True,
        "monitoring": 0.3,
        "fine": 2.0,
        "reward": 0.1,
        "norm_weight": 0.0,
        "habit_weight": 0.0,
        "legitimacy_weight": 0.4,
        "effort_cost": 1.0,
    }
    model = _model(small_params, {"mechanisms": _only("rule_compliance"), "rule_compliance": rule})
    model.step()
    cit = model.citizens
    cost = cit.income / model.params.fiscal.mean_income
    expected = 0.1 + 0.3 * 2.0 + 0.4 * cit.trust - cost > 0
    assert np.array_equal(cit.rule_complying, expected)
    assert 0.0 < expected.mean() < 1.0  # the threshold splits the population


def test_habit_grows_with_repetition_and_decays_without(small_params) -> None:
    rule = {"rule_in_force": True, "monitoring": 0.5, "fine": 2.0, "habit_gain": 0.1}
    model = _model(
        small_params,
        {"mechanisms": _only("rule_compliance"), "rule_compliance": {**rule, "habit_decay": 0.2}},
    )
    cit = model.citizens
    cit.habit[:] = 0.5
    model.step()
    comply = cit.rule_complying
    assert comply.any() and (~comply).any()
    assert cit.habit[comply] == pytest.approx(0.5 + 0.1 * 0.5)
    assert cit.habit[~comply] == pytest.approx(0.5 * 0.8)


def test_norm_pulls_households_over_their_threshold(small_params) -> None:
    rule = {"rule_in_force": True, "norm_weight": 3.0, "legitimacy_weight": 0.0}
    model = _model(small_params, {"mechanisms": _only("rule_compliance"), "rule_compliance": rule})
    model.step()
    assert not model.citizens.rule_complying.any()  # nobody starts: no norm yet
    model.citizens.rule_complying[:] = True  # a norm in place
    model.step()
    assert model.citizens.rule_complying.mean() > 0.8


def test_volunteers_raise_detection() -> None:
    share = np.array([0.0, 0.5, 1.0])
    p = detection_probability(0.2, 0.5, share)
    assert p == pytest.approx([0.2, 1 - 0.8 * 0.75, 1 - 0.8 * 0.5])
    assert np.all(np.diff(p) > 0)


def test_fines_rewards_and_inspections_are_booked(small_params) -> None:
    rule = {
        "rule_in_force": True,
        "monitoring": 0.4,
        "fine": 1.5,
        "reward": 0.2,
        "inspection_cost": 0.05,
        "legitimacy_weight": 0.0,
        "norm_weight": 0.0,
    }
    model = _model(small_params, {"mechanisms": _only("rule_compliance"), "rule_compliance": rule})
    model.step()
    cit = model.citizens
    ledger = model.ledger
    n = len(cit)
    spent = 0.05 * 0.4 * n + 0.2 * cit.rule_complying.sum()
    assert ledger.spending.sum() == pytest.approx(spent)
    fines = ledger.revenue.sum()
    assert fines > 0 and fines % 1.5 == pytest.approx(0.0, abs=1e-9)
    # every fine is a caught non-complier: about monitoring x non-compliers
    caught = fines / 1.5
    assert caught <= (~cit.rule_complying).sum()
