"""Risk and incidents (sim.phases.risk): equations by hand, contracts, and directions.

Unit tests check the hazard bookkeeping, the incident draw, the incidents' harm and
the targeting rule (verification). The ``slow`` tests run paired configurations on
common random numbers (the same seeds) and require the 95% t-interval of the
per-seed effect to exclude zero on the expected side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats

from sim import GovernanceModel, ModelParams
from sim.phases import compliance, risk
from sim.risk import RiskLog
from tests.sim.conftest import SMALL, deep_merge
from tests.sim.test_phase_contracts import undeclared_reads, undeclared_writes

RISK_ON: dict[str, Any] = {"risk": {"enabled": True}}


def _model(overrides: Mapping[str, Any] = RISK_ON, seed: int = 0) -> GovernanceModel:
    params = ModelParams.model_validate(deep_merge(SMALL, overrides))
    return GovernanceModel(params, rng=seed, agent_views=False)


def _interval(effects: list[float]) -> tuple[float, float]:
    """95% t-interval of the mean of paired per-seed effects."""
    x = np.asarray(effects)
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return float(x.mean() - half), float(x.mean() + half)


def _paired_effect(frames: dict, column: str, start: int) -> float:
    """Mean of ``column`` from row ``start`` on, with incident harm minus without."""
    high, low = frames[1.0][column].iloc[start:], frames[0.0][column].iloc[start:]
    return float(high.mean() - low.mean())


def test_off_by_default_and_records_nothing() -> None:
    model = _model({})
    assert model.params.risk.enabled is False
    model.run(5)
    assert model.risk_log.total_inspections == 0
    assert not model.enterprises.hazard.any()
    frame = model.indicator_frame()
    for name in ("incident_rate", "detection_lag", "inspection_hit_rate"):
        assert (frame[name] == 0.0).all()


def test_hazard_is_growth_times_the_age_of_the_running_spell() -> None:
    # h_e = g (t - start_e + 1) for a running spell, 0 without one
    model = _model(deep_merge(RISK_ON, {"risk": {"hazard_growth": 0.03}}), seed=2)
    model.run(25)
    ent = model.enterprises
    running = ent.spell_start >= 0
    assert running.any() and (~running).any()
    expected = 0.03 * (model.steps - ent.spell_start[running] + 1)
    np.testing.assert_allclose(ent.hazard[running], expected)
    assert not ent.hazard[~running].any()
    assert np.all(ent.violating[running])  # only violators have a spell


def test_certain_incidents_harm_the_customers_and_are_detected() -> None:
    # a huge hazard growth makes every undetected violator's incident (almost) certain
    overrides = {"risk": {"enabled": True, "hazard_growth": 50.0, "incident_harm": 0.7}}
    model = _model(overrides, seed=1)
    model.run(3)
    ent, cit = model.enterprises, model.citizens
    before = cit.harm.copy()
    compliance.harm_citizens(model)  # phase 6's harm alone, for this state
    base = cit.harm.copy()
    cit.harm[:] = before
    incident = ent.incident
    assert incident.any()
    assert not np.any(incident & ~ent.violating)
    linked = np.concatenate([[False], incident])[cit.enterprise + 1]
    np.testing.assert_allclose(cit.harm, base + 0.7 * linked)
    assert not ent.hazard[incident].any() and np.all(ent.spell_start[incident] == -1)
    log = model.risk_log
    # every violator is detected in the step: caught, or revealed by its incident
    assert log.hits + log.incidents == int(ent.violating.sum())
    assert model.indicators["incident_rate"] == log.incidents / len(ent)


def test_top_k_per_group_takes_the_highest_scores_of_each_group() -> None:
    score = np.array([0.5, 0.1, 0.9, 0.3, 0.8, 0.2, 0.7])
    group = np.array([0, 0, 0, 1, 1, 1, 2])
    chosen = risk.top_k_per_group(score, group, np.array([2, 1, 0]), np.zeros(7))
    assert chosen.tolist() == [True, False, True, False, True, False, False]
    # ties are broken by the tie-break key
    tied = risk.top_k_per_group(
        np.zeros(3), np.zeros(3, int), np.array([1]), np.array([0.5, 0.1, 0.9])
    )
    assert tied.tolist() == [False, True, False]


def test_risk_targeting_keeps_the_number_of_inspections_per_jurisdiction() -> None:
    overrides = {"risk": {"enabled": True, "inspection_targeting": "risk", "score_noise": 0.0}}
    model = _model(overrides, seed=4)
    model.run(10)
    ent = model.enterprises
    rng = np.random.default_rng(0)
    ent.hazard[:] = rng.random(len(ent))
    drawn = rng.random(len(ent)) < 0.4
    chosen = risk.target_inspections(model, drawn)
    n_j = model.governments.n_jurisdictions
    assert np.array_equal(
        np.bincount(ent.jurisdiction, weights=chosen, minlength=n_j),
        np.bincount(ent.jurisdiction, weights=drawn, minlength=n_j),
    )
    for j in range(n_j):  # without score noise: exactly the most hazardous ones
        mine = ent.jurisdiction == j
        k = int(chosen[mine].sum())
        top = np.sort(ent.hazard[mine])[::-1][:k]
        np.testing.assert_allclose(np.sort(ent.hazard[mine & chosen])[::-1], top)
    # random targeting leaves the draw as it is
    model.params.risk.inspection_targeting = "random"
    assert np.array_equal(risk.target_inspections(model, drawn), drawn)


def test_risk_log_window_and_totals() -> None:
    log = RiskLog(3)
    for step, lags in enumerate([[0, 2], [], [4], [1, 1]], start=1):
        log.record(
            step,
            enterprises=10,
            inspections=4,
            hits=len(lags),
            lags=np.array(lags, dtype=np.int64),
            incidents=1,
        )
    assert log.detection_lag == pytest.approx((4 + 1 + 1) / 3)  # steps 2, 3, 4
    assert log.mean_lag == pytest.approx(8 / 5)
    assert log.hit_rate == 0.5 and log.mean_hit_rate == pytest.approx(5 / 16)
    assert log.incident_rate == 0.1 and log.total_incidents == 4


def test_bad_targeting_is_refused_with_the_allowed_values() -> None:
    with pytest.raises(ValidationError, match=r"random.*risk"):
        ModelParams.model_validate({"risk": {"inspection_targeting": "smart"}})


@pytest.mark.parametrize("targeting", ["random", "risk"])
def test_compliance_with_risk_declares_what_it_touches(targeting: str) -> None:
    import pickle

    model = _model({"risk": {"enabled": True, "inspection_targeting": targeting}}, seed=3)
    model.run(4)
    blob = pickle.dumps(model)
    assert undeclared_writes(blob, compliance.comply, compliance.WRITES) == []
    assert undeclared_reads(blob, compliance.comply, compliance.READS + compliance.WRITES) == []


@pytest.mark.slow
def test_risk_targeted_inspection_finds_more_violations_per_inspection() -> None:
    # the same number of inspections, allocated by a noisy hazard score instead of at
    # random: more violators per inspection, found sooner after their violation began
    hits, lags = [], []
    for seed in range(6):
        runs = {}
        for targeting in ("random", "risk"):
            model = _model({"risk": {"enabled": True, "inspection_targeting": targeting}}, seed)
            model.run(100)
            runs[targeting] = model.risk_log
        hits.append(runs["risk"].mean_hit_rate - runs["random"].mean_hit_rate)
        lags.append(runs["risk"].mean_lag - runs["random"].mean_lag)
    # measured: hits per inspection +0.200 [0.166, 0.234]; lag -1.02 steps [-1.16, -0.87]
    assert _interval(hits)[0] > 0.0
    assert _interval(lags)[1] < 0.0


@pytest.mark.slow
def test_incidents_raise_harm_and_lower_trust() -> None:
    # incidents that harm (incident_harm 1) against incidents that do not (0). The
    # phases whose number of random draws depends on the state (co-production's
    # imitation, voice's answers, unrest's arrests) are off, so that the pair shares
    # every random number and differs only through the incidents' harm, which
    # reaches trust through experienced quality and satisfaction (phase 7)
    off = {"coproduction": False, "voice": False, "unrest": False}
    harm, satisfaction, trust = [], [], []
    for seed in range(6):
        frames = {}
        for size in (0.0, 1.0):
            overrides = {
                "mechanisms": off,
                "risk": {"enabled": True, "incident_harm": size, "hazard_growth": 0.03},
            }
            model = _model(overrides, seed)
            model.run(80)
            frames[size] = model.indicator_frame()

        harm.append(_paired_effect(frames, "mean_harm", 1))
        satisfaction.append(_paired_effect(frames, "mean_satisfaction", 20))
        trust.append(_paired_effect(frames, "mean_trust", 20))
    # measured: harm +0.0177 [0.0148, 0.0207], satisfaction -0.0048 [-0.0056, -0.0040],
    # trust -0.0024 [-0.0027, -0.0022] (incidents are rare and last one step)
    assert _interval(harm)[0] > 0.0
    assert _interval(satisfaction)[1] < 0.0
    assert _interval(trust)[1] < 0.0


def test_same_seed_same_run_with_risk_and_departments() -> None:
    overrides = {
        "risk": {"enabled": True, "inspection_targeting": "risk"},
        "departments": {"enabled": True},
    }
    first, second = _model(overrides, seed=8), _model(overrides, seed=8)
    first.run(15)
    second.run(15)
    assert first.indicators == second.indicators
    assert np.array_equal(first.enterprises.hazard, second.enterprises.hazard)


@pytest.mark.slow
def test_a_better_platform_makes_targeted_inspection_find_more() -> None:
    # risk targeting needs data: with noiseless reports (platform capability 0.75
    # at lag 1) the risk score is sharper than with noisy ones (0.30 at noise 0.3)
    hits = []
    for seed in range(6):
        rates = {}
        for noise in (0.0, 0.3):
            overrides = {
                "risk": {"enabled": True, "inspection_targeting": "risk"},
                "levers": {"information_noise": noise},
            }
            model = _model(overrides, seed)
            model.run(100)
            rates[noise] = model.risk_log.mean_hit_rate
        hits.append(rates[0.0] - rates[0.3])
    # measured: +0.136 violators per inspection [0.120, 0.153]
    assert _interval(hits)[0] > 0.0
