"""sim.structure: hand edits of needs, jurisdictions and memberships are seen at the next step."""

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


def test_edited_needs_reach_phases_and_indicators_from_the_next_step() -> None:
    model = _model()
    model.run(2)
    before = model.indicator_frame()["service_match"].tolist()
    model.citizens.need[:100] = np.eye(model.citizens.need.shape[1])[0]  # in place
    model.step()
    assert model.indicators["service_match"] == pytest.approx(_service_match(model), rel=1e-12)
    assert model.indicator_frame()["service_match"].tolist()[:3] == before  # history kept
    cit = model.citizens
    np.testing.assert_array_equal(model.phase_cache["citizen_need"][2], row_sum(cit.need))
    np.testing.assert_allclose(
        model.jurisdiction_need,
        jurisdiction_need_shares(cit.jurisdiction, cit.need, model.governments.n_jurisdictions),
    )


def test_moving_citizens_updates_populations_and_indicators() -> None:
    model = _model()
    model.run(2)
    model.citizens.jurisdiction[:50] = 0
    model.step()
    expected = np.bincount(model.citizens.jurisdiction, minlength=model.governments.n_jurisdictions)
    np.testing.assert_array_equal(model.governments.population, expected)
    assert model.indicators["service_match"] == pytest.approx(_service_match(model), rel=1e-12)


def test_an_agent_attribute_edit_and_a_new_array_are_both_seen() -> None:
    model = _model()
    model.step()
    citizen = model.agents_by_type[next(iter(model.agents_by_type))][0]
    citizen.need[:] = 0.0
    citizen.need[0] = 1.0
    model.step()
    assert model.indicators["service_match"] == pytest.approx(_service_match(model), rel=1e-12)
    model.citizens.need = np.roll(model.citizens.need, 1, axis=1)
    model.step()
    assert model.indicators["service_match"] == pytest.approx(_service_match(model), rel=1e-12)


def test_a_step_without_edits_rebuilds_nothing() -> None:
    model = _model()
    model.step()
    index = model.phase_cache["need_index"]
    model.step()
    assert model.phase_cache["need_index"] is index


@pytest.mark.parametrize(
    ("array", "edit", "message"),
    [
        ("jurisdiction", lambda a: a.fill(0), "jurisdiction 1 has no citizens"),
        ("jurisdiction", lambda a: a.__setitem__(0, 99), "allowed values are 0 .. 2"),
        ("need", lambda a: a.__setitem__((0, 0), -1.0), "non-negative need shares"),
        ("social_org", lambda a: a.__setitem__(0, 99), "allowed values are -1 (none)"),
    ],
)
def test_edits_that_leave_the_model_undefined_are_refused(array, edit, message) -> None:
    model = _model()
    model.step()
    edit(getattr(model.citizens, array))
    with pytest.raises(
        ValueError, match=f"citizens.{array}: .*{message}".replace("(", r"\(").replace(")", r"\)")
    ):
        model.step()
