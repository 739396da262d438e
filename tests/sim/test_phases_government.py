"""sim.phases.revenue, adaptation and network_evolution: the governments' side."""

from __future__ import annotations

import numpy as np
import pytest

from sim import PHASE_NAMES, GovernanceModel
from sim.network import OrgTies
from sim.phases.adaptation import evaluation_weights


def _only(*names: str) -> dict[str, bool]:
    return {name: name in names for name in PHASE_NAMES}


def _model(small_params, overrides: dict, seed: int = 6) -> GovernanceModel:
    return GovernanceModel(small_params(overrides), rng=seed, agent_views=False)


@pytest.mark.parametrize("decentralization", [0.0, 0.3, 1.0])
def test_revenue_is_tax_on_income_split_by_decentralization(small_params, decentralization) -> None:
    model = _model(
        small_params,
        {
            "mechanisms": _only("revenue"),
            "decentralization": decentralization,
            "fiscal": {"tax_rate": 0.25},
        },
    )
    model.enterprises.profit[:] = np.linspace(-1.0, 2.0, len(model.enterprises))
    model.step()
    base = model.citizens.income.sum() + np.maximum(model.enterprises.profit, 0.0).sum()
    revenue = model.ledger.revenue
    assert revenue.sum() == pytest.approx(0.25 * base, rel=1e-12)
    assert revenue[:-1].sum() == pytest.approx(decentralization * 0.25 * base, abs=1e-12)
    assert revenue[-1] == pytest.approx((1 - decentralization) * 0.25 * base, abs=1e-12)


def test_evaluation_weights_are_normalised() -> None:
    model = GovernanceModel({"citizens": 40, "regime": "top_down"}, rng=0, agent_views=False)
    growth, satisfaction, environment = evaluation_weights(model)
    assert growth + satisfaction + environment == pytest.approx(1.0)
    assert growth == pytest.approx(0.7)


def test_growth_first_evaluation_relaxes_enforcement(small_params) -> None:
    growth = {
        "evaluation_growth": 1.0,
        "evaluation_satisfaction": 0.0,
        "evaluation_environment": 0.0,
    }
    green = {
        "evaluation_growth": 0.0,
        "evaluation_satisfaction": 0.0,
        "evaluation_environment": 1.0,
    }
    results = {}
    for name, weights in (("growth", growth), ("green", green)):
        model = _model(
            small_params, {"levers": {**weights, "inspection_probability": 0.2, "fine": 3.0}}
        )
        model.run(20)
        effort = model.governments.enforcement_effort
        assert np.all((effort >= 0.0) & (effort <= 2.0))
        assert np.all(np.abs(model.governments.domain_tilt) <= 1.0)
        results[name] = effort.mean()
    # fines weigh on growth: effort falls below its start of 1; violations push it up
    assert results["growth"] < 1.0 < results["green"]


def test_ties_without_formation_only_reinforce_decay_or_vanish(small_params) -> None:
    model = _model(
        small_params,
        {
            "network_evolution": {"formation_rate": 0.0, "decay": 0.5, "removal_threshold": 0.2},
        },
    )
    ties = model.org_ties
    initial_regulation = ties.of_kind(OrgTies.REGULATION).sum()
    for _ in range(10):
        active, weight = ties.active.copy(), ties.weight.copy()
        model.step()
        assert not (ties.active & ~active).any(), "no tie forms at formation rate 0"
        kept = ties.active
        up = weight[kept] + 0.1 * (1.0 - weight[kept])
        down = weight[kept] * 0.5
        assert np.all(np.isclose(ties.weight[kept], up) | np.isclose(ties.weight[kept], down))
        assert np.all(ties.weight[~kept] == 0.0)
        assert np.all(ties.weight[kept] >= 0.2)
    # violators' regulation ties fail, decay and are cut
    assert ties.of_kind(OrgTies.REGULATION).sum() < initial_regulation
