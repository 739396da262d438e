"""sim.phases.unrest: Epstein's (2002) civil violence rule on the social graph."""

from __future__ import annotations

import numpy as np
import pytest

from sim import PHASE_NAMES, GovernanceModel
from sim.phases.unrest import arrest_probability, police_density

ONLY_UNREST = {name: name == "unrest" for name in PHASE_NAMES}


def _model(small_params, unrest: dict, levers: dict | None = None, **extra) -> GovernanceModel:
    overrides = {"mechanisms": ONLY_UNREST, "unrest": unrest, "levers": levers or {}, **extra}
    return GovernanceModel(small_params(overrides), rng=5, agent_views=False)


@pytest.mark.parametrize("threshold", [0.0, 0.1, 0.3])
def test_without_police_active_iff_grievance_exceeds_threshold(small_params, threshold) -> None:
    model = _model(small_params, {"police_per_citizen": 0.0, "threshold": threshold})
    cit = model.citizens
    # a varied legitimacy, so grievance H (1 - L) is not just a rescaled hardship
    cit.trust[:] = np.random.default_rng(0).random(len(cit))
    for _ in range(3):
        model.step()
        grievance = cit.hardship * (1.0 - cit.trust)
        assert np.array_equal(cit.active, grievance > threshold)
        assert not cit.jail_term.any()


def test_without_police_active_share_is_epstein_closed_form(small_params) -> None:
    # H ~ U[0, 1] and L = 0.6 for all: P(H (1 - L) > T) = 1 - T / (1 - L) = 0.75
    model = _model(
        small_params,
        {"police_per_citizen": 0.0, "threshold": 0.1},
        citizens=4000,
        trust={"initial_trust": 0.6},
    )
    model.step()
    # sd of the share over 4000 citizens ~0.007; allow 0.03
    assert model.indicators["unrest_rate"] == pytest.approx(0.75, abs=0.03)


def test_police_density_rises_with_coercion(small_params) -> None:
    unrest = {"police_per_citizen": 0.4, "enforcement_floor": 0.25}
    low = _model(small_params, unrest, {"coercion": 0.0})
    high = _model(small_params, unrest, {"coercion": 1.0})
    assert police_density(low) == pytest.approx(0.1, abs=1e-12)
    assert police_density(high) == pytest.approx(0.4, abs=1e-12)


def test_arrest_probability_uses_exact_police_to_actives_ratio(small_params) -> None:
    model = _model(
        small_params, {"police_per_citizen": 0.3, "arrest_constant": 2.3}, {"coercion": 1.0}
    )
    cit = model.citizens
    cit.active[:] = np.random.default_rng(1).random(len(cit)) < 0.3
    probability, ratio = arrest_probability(model)
    degree = model.social.degree
    actives = 1.0 + model.social.neighbour_sum(cit.active.astype(float))
    expected_ratio = 0.3 * (degree + 1.0) / actives
    assert ratio == pytest.approx(expected_ratio, abs=1e-12)
    assert probability == pytest.approx(1.0 - np.exp(-2.3 * expected_ratio), abs=1e-12)


def test_arrested_citizens_are_jailed_and_inactive(small_params) -> None:
    model = _model(
        small_params,
        {"police_per_citizen": 0.5, "threshold": 0.0, "max_jail_term": 4},
        {"coercion": 0.5},
        trust={"initial_trust": 0.1},
    )
    cit = model.citizens
    jailed_seen = active_seen = False
    for _ in range(10):
        before = cit.jail_term.copy()
        model.step()
        assert not (cit.active & (cit.jail_term > 0)).any()
        assert cit.jail_term.min() >= 0 and cit.jail_term.max() <= 4
        # citizens still serving count down by one per step and cannot be arrested again
        serving = before > 1
        assert np.all(cit.jail_term[serving] == before[serving] - 1)
        jailed_seen |= bool((cit.jail_term > 0).any())
        active_seen |= bool(cit.active.any())
    assert jailed_seen
    assert active_seen
