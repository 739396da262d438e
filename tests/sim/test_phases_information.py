"""sim.phases.information: lagged, noisy learning of demand, sped up by voice."""

from __future__ import annotations

import itertools

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


@pytest.mark.parametrize("lag", [3.0, 2.5])
def test_lag_is_a_delay_of_reports(small_params, lag: float) -> None:
    # without noise the filter takes what it sees, which is demand lag steps ago
    # (interpolated for a fractional lag; the census profile before the run)
    model = _model(
        small_params, {"information_lag": lag, "information_noise": 0.0, "transparency": 1.0}
    )
    truths = []
    for _ in range(8):
        model.step()
        truths.append(true_demand(model))
    whole, part = int(lag), lag - int(lag)
    expected = (1.0 - part) * truths[-1 - whole] + part * truths[-2 - whole]
    assert model.governments.perceived_local == pytest.approx(expected, abs=1e-12)
    assert not np.allclose(expected, truths[-1])  # needs drifted in the meantime
    fresh = _model(small_params, {"information_lag": lag, "information_noise": 0.0})
    fresh.step()
    assert fresh.governments.perceived_local == pytest.approx(fresh.jurisdiction_need, abs=1e-12)


def test_complaints_report_current_need(small_params) -> None:
    quiet = _model(small_params, {"information_lag": 10.0, "information_noise": 0.0})
    loud = _model(small_params, {"information_lag": 10.0, "information_noise": 0.0})
    complaint_rate = np.array([0.0, 0.5, 1.0])
    loud.governments.complaint_rate[:] = complaint_rate
    quiet.step()
    loud.step()
    truth = true_demand(loud)
    # obs_j = (1 - v_j) * (report 10 steps old: the census) + v_j * truth; gain 1 without noise
    voice = (loud.params.information.voice_weight * complaint_rate)[:, None]
    expected = (1.0 - voice) * loud.jurisdiction_need + voice * truth
    assert loud.governments.perceived_local == pytest.approx(expected, abs=1e-12)
    assert quiet.governments.perceived_local[0] == pytest.approx(expected[0], abs=1e-12)
    remaining = np.abs(loud.governments.perceived_local - truth).sum(axis=1)
    assert remaining[2] < remaining[1] < remaining[0]


def test_noise_slows_the_filter(small_params) -> None:
    from sim.phases.information import filter_gain

    info = small_params().information
    gains = [filter_gain(info, noise, 4) for noise in (0.0, 0.01, 0.05, 0.2)]
    assert gains[0] == 1.0
    assert all(a > b for a, b in itertools.pairwise(gains))
    # the local-level model's steady state: P = g / (1 - g) solves P^2 = Q (P + 1)
    drift = info.drift_volatility**2 + info.local_shock_rate * info.local_shock_size**2 / 4
    ratio = drift / (16 * 0.05**2)
    p = gains[2] / (1 - gains[2])
    assert p * p == pytest.approx(ratio * (p + 1), rel=1e-9)


def test_noisy_perception_stays_a_share_vector(small_params) -> None:
    model = _model(small_params, {"information_lag": 0.0, "information_noise": 1.0})
    for _ in range(5):
        model.step()
        for perceived in (model.governments.perceived_local, model.governments.perceived_central):
            assert np.all(perceived >= 0)
            assert perceived.sum(axis=1) == pytest.approx(np.ones(3), abs=1e-9)
