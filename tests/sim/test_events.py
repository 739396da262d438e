"""sim.events: lever and parameter changes, reforms and shocks on a timeline."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from sim import PHASE_NAMES, REGIME_PRESETS, Event, GovernanceModel
from sim.events import STRUCTURAL_KEYS
from sim.phases.information import true_demand

# needs stay at their census profile, so that only the shock moves demand
NO_DRIFT = {"information": {"drift_volatility": 0.0, "local_shock_rate": 0.0}}


def _model(small_params, overrides: dict | None = None, events=(), seed: int = 12):
    return GovernanceModel(small_params(overrides), rng=seed, events=list(events))


@pytest.mark.parametrize("t", [0, 1, 5])
def test_set_lever_takes_effect_at_its_step(small_params, t: int) -> None:
    change = {"step": t, "set": {"levers.transparency": 0.05}}
    base = _model(small_params)
    changed = _model(small_params, events=[change])
    base.run(8)
    changed.run(8)
    before, after = base.indicator_frame(), changed.indicator_frame()
    pd.testing.assert_frame_equal(before.iloc[:t], after.iloc[:t], check_exact=True)
    assert not before.iloc[t].equals(after.iloc[t])
    assert changed.levers.transparency == 0.05
    assert changed.params.levers.transparency == 0.05


def test_lever_is_in_force_only_from_its_step(small_params) -> None:
    model = _model(small_params, events=[{"step": 3, "set": {"levers.fine": 9.0}}])
    seen = []
    for _ in range(5):
        model.step()
        seen.append(model.levers.fine)
    preset = REGIME_PRESETS["service"].fine
    assert seen == [preset, preset, 9.0, 9.0, 9.0]


def test_reform_switches_regime_and_keeps_explicit_overrides(small_params) -> None:
    reform = {"step": 3, "set": {"regime": "service"}}
    overrides = {"regime": "top_down", "levers": {"fine": 7.0}}
    model = _model(small_params, overrides, events=[reform])
    assert model.levers == REGIME_PRESETS["top_down"].model_copy(update={"fine": 7.0})
    model.run(2)
    assert model.params.regime == "top_down"
    model.step()
    assert model.params.regime == "service"
    assert model.levers == REGIME_PRESETS["service"].model_copy(update={"fine": 7.0})
    # the reform shows in the indicators of step 3, not before
    base = _model(small_params, overrides)
    base.run(3)
    before, after = base.indicator_frame(), model.indicator_frame()
    pd.testing.assert_frame_equal(before.iloc[:3], after.iloc[:3], check_exact=True)
    assert not before.iloc[3].equals(after.iloc[3])


def test_mechanism_switch_event(small_params) -> None:
    model = _model(small_params, events=[{"step": 2, "set": {"mechanisms.coproduction": False}}])
    model.run(1)
    cooperate = model.citizens.cooperate.copy()
    model.run(6)
    assert np.array_equal(model.citizens.cooperate, cooperate)


@pytest.mark.parametrize(
    "key", ["citizens", "network.kind", "services.domains", "trust.initial_trust", "jurisdictions"]
)
def test_structural_key_is_rejected_naming_it(small_params, key: str) -> None:
    assert any(key == fixed or key.startswith(fixed + ".") for fixed in STRUCTURAL_KEYS)
    with pytest.raises(ValueError, match=re.escape(repr(key))):
        _model(small_params, events=[{"step": 4, "set": {key: 1}}])


def test_whole_structural_block_is_rejected(small_params) -> None:
    with pytest.raises(ValueError, match="'network'"):
        _model(small_params, events=[{"step": 1, "set": {"network": {"kind": "ring"}}}])


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"levers.finee": 1.0}, "levers.finee"),
        ({"nonsense.key": 1.0}, "nonsense.key"),
        ({"levers.transparency": 3.0}, "transparency"),
        ({"decentralization": -1.0}, "decentralization"),
        ({"regime": "anarchy"}, "regime"),
    ],
)
def test_bad_settings_are_rejected_with_the_event_index(small_params, settings, fragment) -> None:
    events = [{"step": 1, "set": {"levers.fine": 2.0}}, {"step": 6, "set": settings}]
    with pytest.raises(ValueError, match=re.escape("events[1] (step 6)")) as error:
        _model(small_params, events=events)
    assert fragment in str(error.value)


def test_event_needs_an_effect_and_demand_shock_needs_a_domain() -> None:
    with pytest.raises(ValidationError):
        Event(step=1)
    with pytest.raises(ValidationError, match="domain"):
        Event(step=1, shock={"kind": "demand", "factor": 2.0})
    with pytest.raises(ValidationError):
        Event(step=-1, set={"levers.fine": 1.0})


@pytest.mark.parametrize(
    "shock",
    [
        {"kind": "demand", "domain": "defence", "factor": 2.0},
        {"kind": "revenue", "factor": 2.0, "jurisdiction": 3},
    ],
)
def test_shock_must_fit_the_model(small_params, shock: dict) -> None:
    with pytest.raises(ValueError, match=re.escape("events[0]")):
        _model(small_params, events=[{"step": 2, "shock": shock}])


def test_demand_shock_changes_true_demand(small_params) -> None:
    shock = {"step": 5, "shock": {"kind": "demand", "domain": "health", "factor": 3.0}}
    model = _model(small_params, NO_DRIFT, events=[shock])
    model.run(4)
    before = true_demand(model)
    model.step()
    after = true_demand(model)
    health = model.domain_index["health"]
    assert np.all(after[:, health] > before[:, health])
    # the other domains keep their proportions to each other
    others = [d for d in range(after.shape[1]) if d != health]
    ratio = after[:, others] / before[:, others]
    assert ratio == pytest.approx(np.repeat(ratio[:, :1], len(others), axis=1), rel=1e-12)
    # the multiplier also scales each citizen's need when services are scored
    assert model.governments.demand_multiplier[:, health].tolist() == [3.0, 3.0, 3.0]


def test_demand_shock_in_one_jurisdiction(small_params) -> None:
    shock = {
        "step": 1,
        "shock": {"kind": "demand", "domain": "health", "factor": 0.5, "jurisdiction": 1},
    }
    model = _model(small_params, NO_DRIFT, events=[shock])
    before = true_demand(model)
    model.step()
    after = true_demand(model)
    assert np.array_equal(after[[0, 2]], before[[0, 2]])
    assert after[1, model.domain_index["health"]] < before[1, model.domain_index["health"]]


def test_revenue_shock_scales_taxes(small_params) -> None:
    # without compliance, profits stay 0 and revenue is tax on fixed incomes
    only = {name: name in ("revenue", "allocation", "services") for name in PHASE_NAMES}
    shock = {"step": 4, "shock": {"kind": "revenue", "factor": 2.5}}
    model = _model(small_params, {"mechanisms": only}, events=[shock])
    model.run(6)
    revenue = model.indicator_frame()["revenue_per_capita"]
    assert revenue[3] == pytest.approx(revenue[2], rel=1e-12)
    assert revenue[4] == pytest.approx(2.5 * revenue[3], rel=1e-12)
    assert revenue[6] == pytest.approx(revenue[4], rel=1e-12)


@pytest.mark.parametrize("kind", ["trust", "hardship"])
def test_trust_and_hardship_shocks(small_params, kind: str) -> None:
    shock = {"step": 2, "shock": {"kind": kind, "factor": 0.5, "delta": 0.3, "jurisdiction": 0}}
    model = _model(small_params, {"mechanisms": dict.fromkeys(PHASE_NAMES, False)}, [shock])
    values = getattr(model.citizens, kind)
    before = values.copy()
    model.run(2)
    in_zero = model.citizens.jurisdiction == 0
    assert values[in_zero] == pytest.approx(np.clip(0.5 * before[in_zero] + 0.3, 0, 1))
    assert np.array_equal(values[~in_zero], before[~in_zero])


def test_events_apply_in_step_order_whatever_the_order_given(small_params) -> None:
    events = [
        {"step": 4, "set": {"levers.fine": 3.0}},
        {"step": 2, "set": {"levers.fine": 8.0}},
    ]
    model = _model(small_params, events=events)
    assert [event.step for event in model.events] == [2, 4]
    model.run(4)
    assert model.levers.fine == 3.0


def test_step_zero_settings_shape_the_initial_state() -> None:
    """A `set` at step 0 is applied before anything is built: reserves are split by it."""
    from sim import GovernanceModel, ModelParams

    base = ModelParams(citizens=200, enterprises=10, social_orgs=4, jurisdictions=2)
    direct = GovernanceModel(base.model_copy(update={"decentralization": 0.9}), rng=5)
    via_event = GovernanceModel(base, rng=5, events=[{"step": 0, "set": {"decentralization": 0.9}}])
    assert via_event.params.decentralization == 0.9
    assert via_event.ledger.reserves.tolist() == direct.ledger.reserves.tolist()
    plain = GovernanceModel(base, rng=5)
    assert plain.ledger.reserves.tolist() != direct.ledger.reserves.tolist()


def test_switched_off_phases_skip_the_step_zero_round() -> None:
    from sim import GovernanceModel, ModelParams

    params = ModelParams(
        citizens=200,
        enterprises=10,
        social_orgs=4,
        jurisdictions=2,
        mechanisms={"compliance": False, "allocation": False, "services": False},
    )
    model = GovernanceModel(params, rng=5)
    assert not model.enterprises.violating.any()
    assert model.governments.money.sum() == 0.0
    assert model.indicators["service_coverage"] == 0.0
