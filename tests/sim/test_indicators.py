"""sim.indicators: snapshots resolved one by one or in batches record the same table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import INDICATORS, GovernanceModel, ModelParams
from sim.indicators import _MEASURED, _RESOLVE_EVERY, compute_indicators
from sim.jurisdiction_indicators import BATCHED

from .conftest import SMALL

EVENTS = [
    {"step": 3, "shock": {"kind": "demand", "domain": "health", "factor": 2.0}},
    {"step": 5, "set": {"regime": "top_down"}},
]


def _model() -> GovernanceModel:
    return GovernanceModel(ModelParams(**SMALL), rng=7, events=EVENTS, agent_views=False)


def test_batches_record_what_step_by_step_reading_records() -> None:
    read_each_step, read_at_end = _model(), _model()
    seen = [dict(read_each_step.indicators)]
    for _ in range(12):
        read_each_step.step()
        seen.append(dict(read_each_step.indicators))
    read_at_end.run(12)
    batched = read_at_end.indicator_frame()
    pd.testing.assert_frame_equal(read_each_step.indicator_frame(), batched, check_exact=True)
    assert batched.to_dict("records") == seen
    assert list(batched.columns) == list(INDICATORS)


def test_a_step_records_its_own_state_not_later_edits() -> None:
    model = _model()
    model.run(2)
    before = model.indicators["governance_cost"]
    recorded = model.indicator_frame()["service_match"].iloc[-1]
    model.ledger.spending[:] += 1000.0  # edits after the step do not rewrite it
    model.governments.money[:] = 0.0
    assert model.indicators["governance_cost"] == before
    assert model.indicator_frame()["service_match"].iloc[-1] == recorded
    assert compute_indicators(model)["service_match"] == 0.0  # the state now: nothing allocated


def test_unread_steps_are_resolved_in_bounded_batches() -> None:
    model = _model()
    model.run(_RESOLVE_EVERY + 5)
    assert 0 < len(model.datacollector._pending) < _RESOLVE_EVERY
    assert len(model.indicator_frame()) == _RESOLVE_EVERY + 6
    assert not model.datacollector._pending


def test_compute_indicators_is_the_resolved_snapshot() -> None:
    model = _model()
    model.run(4)
    assert compute_indicators(model) == model.indicators
    assert np.isfinite(list(model.indicators.values())).all()


def test_measured_and_batched_indicators_are_the_right_numbers() -> None:
    model = _model()
    model.run(3)
    values, cit, gov = model.indicators, model.citizens, model.governments
    assert set(BATCHED) | set(_MEASURED) == set(INDICATORS)
    assert len(model.indicator_snapshot.measured) == len(_MEASURED)
    direct = {
        "participation_rate": cit.cooperate.mean(),
        "mean_trust": cit.trust.mean(),
        "mean_satisfaction": cit.satisfaction.mean(),
        "unrest_rate": cit.active.mean(),
        "complaint_rate": cit.complained.mean(),
        "service_coverage": cit.coverage.mean(),
        "mean_harm": cit.harm.mean(),
        "welfare": cit.service_utility.mean() - cit.harm.mean(),
        "governance_cost": model.ledger.governance_cost.sum() / len(cit),
        "cost_enforcement": model.ledger.category("enforcement").sum() / len(cit),
        "refunds_per_capita": model.ledger.category("refunds").sum() / len(cit),
        "revenue_per_capita": model.ledger.revenue.sum() / len(cit),
        "reserves_per_capita": model.ledger.reserves.sum() / len(cit),
        "org_ties": float(model.org_ties.active.sum()),
        "mean_enforcement_effort": gov.enforcement_effort.mean(),
    }
    for name, value in direct.items():
        assert values[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name


def test_editing_the_returned_indicators_changes_nothing_recorded() -> None:
    model = _model()
    model.step()
    values = model.indicators
    true = values["welfare"]
    values["welfare"] = 999.0
    model.step()
    assert model.indicator_frame()["welfare"].iloc[1] == true
    assert model.indicators is not model.indicators  # a new dict each time


def test_a_pending_step_keeps_its_jurisdiction_profile_and_need_index() -> None:
    model, reference = _model(), _model()
    model.run(3)
    reference.run(3)
    expected = reference.indicator_frame()
    model.jurisdiction_need[:] = 1.0 / model.jurisdiction_need.shape[1]  # after step 3
    model.citizens.need = model.citizens.need[:, ::-1].copy()
    recorded = model.indicator_frame()  # steps 0-3 resolved only now
    pd.testing.assert_frame_equal(recorded, expected, check_exact=True)


def test_large_copies_are_resolved_sooner(monkeypatch: pytest.MonkeyPatch) -> None:
    import sim.indicators
    from sim.jurisdiction_indicators import record_inputs

    row_bytes = record_inputs(_model()).nbytes
    monkeypatch.setattr(sim.indicators, "_RESOLVE_BYTES", 3 * row_bytes)
    model = _model()
    for _ in range(10):
        model.step()
        assert model.datacollector._pending_bytes < 3 * row_bytes  # at most two rows held
    assert len(model.indicator_frame()) == 11


def test_a_model_pickles_mid_run_and_carries_on_identically() -> None:
    import pickle

    model = _model()
    model.run(4)  # snapshots pending
    copy = pickle.loads(pickle.dumps(model))
    model.run(3)
    copy.run(3)
    pd.testing.assert_frame_equal(model.indicator_frame(), copy.indicator_frame(), check_exact=True)


def test_every_indicator_is_registered_once_and_computed_in_one_place() -> None:
    """The registry declares each indicator once; batch kernel and group measures partition it."""
    from sim.indicator_registry import GROUPS, REGISTRY
    from sim.indicators import _MEASURES

    names = [entry.name for entry in REGISTRY]
    assert len(names) == len(set(names))
    assert {entry.group for entry in REGISTRY} <= set(GROUPS)
    assert all(entry.unit and entry.formula for entry in REGISTRY)
    model = _model()
    model.run(2)
    measured: list[str] = []
    for measure in _MEASURES:
        group_values = measure(model)
        groups = {next(e.group for e in REGISTRY if e.name == name) for name in group_values}
        assert len(groups) == 1, f"{measure.__name__} measures indicators of {groups}"
        measured += list(group_values)
    assert len(measured) == len(set(measured))
    assert set(measured) == set(_MEASURED)
    assert not set(measured) & set(BATCHED)
