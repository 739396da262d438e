"""sim.phases.trust and sim.phases.voice: satisfaction, legitimacy and complaints."""

from __future__ import annotations

import numpy as np
import pytest

from sim import PHASE_NAMES, GovernanceModel
from sim.phases.trust import fairness


def _only(*names: str) -> dict[str, bool]:
    return {name: name in names for name in PHASE_NAMES}


def _model(small_params, overrides: dict, seed: int = 4) -> GovernanceModel:
    return GovernanceModel(small_params(overrides), rng=seed, agent_views=False)


@pytest.mark.parametrize(("transparency", "coercion"), [(0.8, 0.0), (0.8, 0.5), (0.1, 1.0)])
def test_trust_target_with_transparency_weight_only(small_params, transparency, coercion) -> None:
    # only the transparency weight counts and trust moves all the way in one step:
    # trust = clip(tau - penalty * coercion, 0, 1)
    trust = {
        "weight_satisfaction": 0.0,
        "weight_fairness": 0.0,
        "weight_neighbours": 0.0,
        "weight_transparency": 1.0,
        "trust_rate": 1.0,
        "coercion_penalty": 0.3,
    }
    model = _model(
        small_params,
        {
            "mechanisms": _only("trust"),
            "trust": trust,
            "levers": {"transparency": transparency, "coercion": coercion},
        },
    )
    model.step()
    expected = np.clip(transparency - 0.3 * coercion, 0.0, 1.0)
    assert model.citizens.trust == pytest.approx(np.full(300, expected), abs=1e-12)


def test_satisfaction_moves_toward_coverage_net_of_harm(small_params) -> None:
    model = _model(
        small_params, {"mechanisms": _only("trust"), "trust": {"satisfaction_rate": 0.3}}
    )
    cit = model.citizens
    cit.harm[:] = np.linspace(0.0, 0.5, len(cit))
    before = cit.satisfaction.copy()
    model.step()
    target = np.clip(cit.coverage - cit.harm, 0.0, 1.0)
    assert cit.satisfaction == pytest.approx(before + 0.3 * (target - before), abs=1e-12)


def test_fairness_is_one_when_provision_is_equal(small_params) -> None:
    model = _model(small_params, {})
    model.governments.provision[:] = 2.0
    assert fairness(model) == pytest.approx(np.ones(3), abs=1e-12)
    model.governments.provision[0] *= 3.0  # 6 vs 2, 2: mean 10/3
    assert fairness(model)[0] == pytest.approx(1.0 - (6.0 - 10.0 / 3.0) / (10.0 / 3.0))


@pytest.mark.parametrize(
    ("levers", "satisfaction", "expected"),
    [
        ({"voice_cost": 1.0, "coercion": 0.0}, 0.0, 0.0),  # too costly for anyone
        ({"voice_cost": 0.0, "coercion": 0.0}, 0.0, 1.0),  # fully dissatisfied, free voice
        ({"voice_cost": 0.0, "coercion": 0.0}, 1.0, 0.0),  # nobody is dissatisfied
    ],
)
def test_complaints_at_the_extremes(small_params, levers, satisfaction, expected) -> None:
    model = _model(
        small_params,
        {
            "mechanisms": _only("voice"),
            "levers": levers,
            "trust": {"initial_satisfaction": satisfaction},
        },
    )
    model.step()
    assert model.indicators["complaint_rate"] == expected
    assert model.governments.complaint_rate == pytest.approx(np.full(3, expected))


def test_complaint_probability_formula(small_params) -> None:
    # P = clip(beta ((1 - sat) - cost), 0, 1) (1 - d_c coercion) = (0.8 - 0.2) * (1 - 0.5 * 0.6)
    model = _model(
        small_params,
        {
            "citizens": 4000,
            "mechanisms": _only("voice"),
            "levers": {"voice_cost": 0.2, "coercion": 0.6},
            "trust": {"initial_satisfaction": 0.2},
            "voice": {"sensitivity": 1.0, "coercion_deterrence": 0.5},
        },
    )
    model.step()
    # sd of the share over 4000 citizens ~0.008; allow 0.03
    assert model.indicators["complaint_rate"] == pytest.approx(0.6 * 0.7, abs=0.03)
