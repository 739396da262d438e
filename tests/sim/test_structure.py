"""sim.structure: needs, jurisdictions and memberships are read-only; new arrays are adopted."""

from __future__ import annotations

import numpy as np
import pytest

from sim import GovernanceModel, ModelParams
from sim.aggregate import row_sum
from sim.structure import jurisdiction_need_shares

from .conftest import SMALL


def _model() -> GovernanceModel:
    return GovernanceModel(ModelParams(**SMALL), rng=4, agent_views=True)


def _service_match(model: GovernanceModel) -> float:
    money = model.governments.money
    total = money.sum(axis=1, keepdims=True)
    shares = np.where(total > 0, money / np.where(total > 0, total, 1.0), 0.0)
    cit = model.citizens
    return float(np.minimum(cit.need, shares[cit.jurisdiction]).sum(axis=1).mean())


@pytest.mark.parametrize("name", ["need", "jurisdiction", "social_org"])
def test_the_structure_cannot_be_edited_in_place(name: str) -> None:
    model = _model()
    with pytest.raises(ValueError, match="read-only"):
        getattr(model.citizens, name)[0] = 0


def test_new_needs_reach_phases_and_indicators_from_the_next_step() -> None:
    model = _model()
    model.run(2)
    before = model.indicator_frame()["service_match"].tolist()
    need = model.citizens.need.copy()
    need[:100] = np.eye(need.shape[1])[0]
    model.citizens.need = need
    model.step()
    need[100:] = np.eye(need.shape[1])[2]  # the model adopted a copy: this changes nothing
    cit = model.citizens
    assert not cit.need.flags.writeable and cit.need[150, 2] < 1.0
    assert model.indicators["service_match"] == pytest.approx(_service_match(model), rel=1e-12)
    assert model.indicator_frame()["service_match"].tolist()[:3] == before  # history kept
    np.testing.assert_array_equal(model.derived.citizen_need[2], row_sum(cit.need))
    np.testing.assert_allclose(
        model.jurisdiction_need,
        jurisdiction_need_shares(cit.jurisdiction, cit.need, model.governments.n_jurisdictions),
    )


def test_moving_citizens_updates_populations_and_indicators() -> None:
    model = _model()
    model.run(2)
    jurisdiction = model.citizens.jurisdiction.copy()
    jurisdiction[:50] = 0
    model.citizens.jurisdiction = jurisdiction
    model.step()
    expected = np.bincount(jurisdiction, minlength=model.governments.n_jurisdictions)
    np.testing.assert_array_equal(model.governments.population, expected)
    assert model.indicators["service_match"] == pytest.approx(_service_match(model), rel=1e-12)


def test_an_array_made_writeable_again_is_compared_by_value() -> None:
    model = _model()
    model.step()
    model.citizens.need.flags.writeable = True  # as after unpickling, or by hand
    model.citizens.need[:100] = np.eye(model.citizens.need.shape[1])[1]
    model.step()
    assert not model.citizens.need.flags.writeable
    assert model.indicators["service_match"] == pytest.approx(_service_match(model), rel=1e-12)


def test_a_step_without_edits_rebuilds_nothing() -> None:
    model = _model()
    model.step()
    index = model.derived.need_index
    model.step()
    assert model.derived.need_index is index


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        ("jurisdiction", lambda a: a.fill(0), "jurisdiction 1 has no citizens"),
        ("jurisdiction", lambda a: a.__setitem__(0, 99), "allowed values are 0 .. 2"),
        ("need", lambda a: a.__setitem__((0, 0), -1.0), "non-negative and summing to 1"),
        ("need", lambda a: a.__setitem__(0, 0.0), "non-negative and summing to 1"),
        ("social_org", lambda a: a.__setitem__(0, 99), r"allowed values are -1 \(none\)"),
    ],
)
def test_new_arrays_that_leave_the_model_undefined_are_refused(name, edit, message) -> None:
    model = _model()
    model.step()
    trust = model.citizens.trust.copy()
    array = getattr(model.citizens, name).copy()
    edit(array)
    setattr(model.citizens, name, array)
    with pytest.raises(ValueError, match=f"citizens.{name}: .*{message}"):
        model.step()
    np.testing.assert_array_equal(model.citizens.trust, trust)  # the step changed nothing
