"""sim.phases.information: lagged, noisy learning of demand, sped up by voice."""

from __future__ import annotations

import numpy as np
import pytest

from sim import PHASE_NAMES, GovernanceModel
from sim.phases.information import true_demand

ONLY_INFORMATION = {name: name == "information" for name in PHASE_NAMES}
SHOCK = {"step": 1, "shock": {"kind": "demand", "domain": "health", "factor": 3.0}}


def _model(small_params, levers: dict) -> GovernanceModel:
    params = small_params({"mechanisms": ONLY_INFORMATION, "levers": levers})
    return GovernanceModel(params, rng=8, events=[SHOCK], agent_views=False)


def test_true_demand_rows_are_shares() -> None:
    model = GovernanceModel({"citizens": 60, "jurisdictions": 3}, rng=1, agent_views=False)
    demand = true_demand(model)
    assert demand.sum(axis=1) == pytest.approx(np.ones(3), abs=1e-12)
    assert np.all(demand > 0)


def test_no_lag_no_noise_learns_demand_in_one_step(small_params) -> None:
    model = _model(
        small_params, {"information_lag": 0.0, "information_noise": 0.0, "transparency": 1.0}
    )
    model.step()
    truth = true_demand(model)
    assert model.governments.perceived_local == pytest.approx(truth, abs=1e-12)
    assert model.governments.perceived_central == pytest.approx(truth, abs=1e-12)


def test_lag_is_an_exponential_time_constant(small_params) -> None:
    lag = 4.0
    model = _model(
        small_params, {"information_lag": lag, "information_noise": 0.0, "transparency": 1.0}
    )
    before = model.governments.perceived_local.copy()
    model.step()
    truth = true_demand(model)
    # without complaints the local gap closes by 1 / (1 + lag) per step
    expected = before + (truth - before) / (1.0 + lag)
    assert model.governments.perceived_local == pytest.approx(expected, abs=1e-12)


def test_complaints_speed_up_local_learning(small_params) -> None:
    quiet = _model(small_params, {"information_lag": 10.0, "information_noise": 0.0})
    loud = _model(small_params, {"information_lag": 10.0, "information_noise": 0.0})
    complaint_rate = np.array([0.0, 0.5, 1.0])
    loud.governments.complaint_rate[:] = complaint_rate
    before = loud.governments.perceived_local.copy()
    quiet.step()
    loud.step()
    truth = true_demand(loud)
    # alpha_j = alpha + (1 - alpha) v q_j with alpha = 1/11 and voice weight v
    alpha = 1.0 / 11.0
    voice = loud.params.information.voice_weight * complaint_rate
    alpha_j = (alpha + (1.0 - alpha) * voice)[:, None]
    expected = before + alpha_j * (truth - before)
    assert loud.governments.perceived_local == pytest.approx(expected, abs=1e-12)
    assert quiet.governments.perceived_local[0] == pytest.approx(expected[0], abs=1e-12)
    remaining = np.abs(loud.governments.perceived_local - truth).sum(axis=1) / np.abs(
        before - truth
    ).sum(axis=1)
    assert remaining[2] < remaining[1] < remaining[0]


def test_noisy_perception_stays_a_share_vector(small_params) -> None:
    model = _model(small_params, {"information_lag": 0.0, "information_noise": 1.0})
    for _ in range(5):
        model.step()
        for perceived in (model.governments.perceived_local, model.governments.perceived_central):
            assert np.all(perceived >= 0)
            assert perceived.sum(axis=1) == pytest.approx(np.ones(3), abs=1e-9)
