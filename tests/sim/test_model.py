"""sim.model: every configuration builds and runs; switches; the indicator frame."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sim import INDICATORS, PHASE_NAMES, REGIME_NAMES, GovernanceModel, ModelParams

NETWORK_KINDS = ("barabasi_albert", "ring", "watts_strogatz", "erdos_renyi", "lattice")


def _check_frame(model: GovernanceModel, steps: int) -> None:
    frame = model.indicator_frame()
    assert frame.index.tolist() == list(range(steps + 1))
    assert frame.index.name == "step"
    assert list(frame.columns) == list(INDICATORS)
    assert np.isfinite(frame.to_numpy(dtype=float)).all()
    assert model.indicators == frame.iloc[-1].to_dict()
    assert model.steps == steps


def test_all_defaults_build_and_run() -> None:
    model = GovernanceModel()
    assert model.params == ModelParams()
    model.run(3)
    _check_frame(model, 3)


def test_params_may_be_a_mapping() -> None:
    model = GovernanceModel({"citizens": 50, "network": {"kind": "ring"}}, rng=1)
    assert model.params.citizens == 50
    assert model.params.network.kind == "ring"


def test_model_keeps_its_own_copy_of_params() -> None:
    params = ModelParams(citizens=50)
    model = GovernanceModel(params, rng=1)
    params.citizens = 80
    assert model.params.citizens == 50


@pytest.mark.parametrize("regime", REGIME_NAMES)
def test_each_regime_runs(small_params, regime: str) -> None:
    model = GovernanceModel(small_params({"regime": regime}), rng=1)
    assert model.levers == model.params.resolved_levers()
    model.run(12)
    _check_frame(model, 12)


@pytest.mark.parametrize("kind", NETWORK_KINDS)
def test_each_network_kind_runs(small_params, kind: str) -> None:
    model = GovernanceModel(small_params({"network": {"kind": kind}}), rng=2)
    model.run(12)
    _check_frame(model, 12)


# What each phase owns: switched off, this state must stay as it was built. Revenue
# owns no state of its own; it is checked through the ledger instead.
OWNED_STATE: dict[str, Callable[[GovernanceModel], np.ndarray]] = {
    "information": lambda m: m.governments.perceived_local,
    "allocation": lambda m: m.governments.money,
    "services": lambda m: m.citizens.coverage,
    "coproduction": lambda m: m.citizens.cooperate,
    "compliance": lambda m: m.enterprises.profit,
    "environment": lambda m: m.governments.pollution,
    "trust": lambda m: m.citizens.trust,
    "voice": lambda m: m.citizens.complained,
    "unrest": lambda m: m.citizens.active,
    "network_evolution": lambda m: m.org_ties.weight,
    "adaptation": lambda m: m.governments.enforcement_effort,
    "rule_compliance": lambda m: m.citizens.habit,
    "economy": lambda m: m.enterprises.output,
}


def _taxes(model: GovernanceModel) -> float:
    """Revenue of the last step that is not fines."""
    return float(model.ledger.revenue.sum() - model.enterprises.fine_paid.sum())


@pytest.mark.parametrize("phase", PHASE_NAMES)
def test_each_mechanism_switched_off_alone_runs_and_freezes_its_state(
    small_params, phase: str
) -> None:
    model = GovernanceModel(small_params({"mechanisms": {phase: False}}), rng=3)
    built = OWNED_STATE[phase](model).copy() if phase in OWNED_STATE else None
    model.run(12)
    _check_frame(model, 12)
    if phase == "revenue":
        assert _taxes(model) == pytest.approx(0.0, abs=1e-12)
    else:
        assert np.array_equal(OWNED_STATE[phase](model), built)


def test_switched_on_phases_do_change_their_state(small_params) -> None:
    # the converse of the test above, so that it cannot pass vacuously
    # (free voice, so that some citizens complain; a household rule in force; a low
    # activation threshold, so that some citizens turn active)
    model = GovernanceModel(
        small_params(
            {
                "regime": "regulatory",
                "levers": {"voice_cost": 0.0},
                "rule_compliance": {"rule_in_force": True, "monitoring": 0.5, "fine": 2.0},
                "unrest": {"threshold": 0.0},
                "mechanisms": {"economy": True, "environment": True},  # off by default
            }
        ),
        rng=3,
    )
    built = {phase: owned(model).copy() for phase, owned in OWNED_STATE.items()}
    model.run(12)
    for phase, owned in OWNED_STATE.items():
        assert not np.array_equal(owned(model), built[phase]), phase
    assert _taxes(model) > 0.0


def test_indicator_table_describes_every_indicator() -> None:
    assert all(isinstance(text, str) and text for text in INDICATORS.values())
    model = GovernanceModel({"citizens": 40}, rng=0)
    assert set(model.indicators) == set(INDICATORS)
