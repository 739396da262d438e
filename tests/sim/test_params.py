"""sim.params and sim.levers: defaults, validation, regime presets and overrides."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sim import PHASE_NAMES, REGIME_NAMES, REGIME_PRESETS, Levers, ModelParams
from sim.phases import PHASES


def test_defaults_validate_and_use_service_regime() -> None:
    params = ModelParams()
    assert params.regime == "service"
    assert params.resolved_levers() == REGIME_PRESETS["service"]
    assert params.citizens >= 2 * params.jurisdictions


def test_phase_names_match_phase_order() -> None:
    assert tuple(name for name, _ in PHASES) == PHASE_NAMES
    assert set(ModelParams().mechanisms.model_dump()) == set(PHASE_NAMES)


def test_every_regime_has_a_valid_distinct_preset() -> None:
    assert set(REGIME_PRESETS) == set(REGIME_NAMES)
    dumps = [REGIME_PRESETS[name].model_dump() for name in REGIME_NAMES]
    assert all(a != b for i, a in enumerate(dumps) for b in dumps[i + 1 :])
    for levers in REGIME_PRESETS.values():
        assert 0.0 <= levers.government_delivery_share <= 1.0


def test_overrides_replace_only_the_named_levers() -> None:
    params = ModelParams(regime="top_down", levers={"fine": 9.0, "transparency": 0.95})
    levers = params.resolved_levers()
    expected = REGIME_PRESETS["top_down"].model_dump() | {"fine": 9.0, "transparency": 0.95}
    assert levers.model_dump() == expected


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"citizen": 100}, "citizen"),
        ({"levers": {"fines": 1.0}}, "fines"),
        ({"network": {"kind": "ring", "k": 3}}, "even"),
        ({"network": {"kind": "small_world"}}, "kind"),
        ({"citizens": 10, "jurisdictions": 6}, "twice"),
        ({"citizens": 10, "network": {"m": 10}}, "network.m"),
        ({"levers": {"transparency": 1.5}}, "transparency"),
        ({"decentralization": -0.1}, "decentralization"),
        ({"services": {"spillover": {"defence": 0.2}}}, "defence"),
        ({"services": {"spillover": {"environment": 1.2}}}, "environment"),
        ({"services": {"domains": ["health", "health"], "spillover": {}}}, "distinct"),
        ({"regime": "anarchy"}, "regime"),
    ],
)
def test_invalid_parameters_are_rejected_naming_the_problem(data: dict, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        ModelParams.model_validate(data)


def test_delivery_shares_must_leave_room_for_government() -> None:
    with pytest.raises(ValidationError, match="delivery_share"):
        ModelParams(levers={"enterprise_delivery_share": 0.7, "social_org_delivery_share": 0.4})
    # each override is valid alone; only with the service preset (0.3 to social orgs) too much
    with pytest.raises(ValidationError, match="delivery_share"):
        ModelParams(regime="service", levers={"enterprise_delivery_share": 0.8})
    assert ModelParams(regime="top_down", levers={"enterprise_delivery_share": 0.8})
    preset = REGIME_PRESETS["service"].model_dump()
    with pytest.raises(ValidationError):
        Levers(**(preset | {"enterprise_delivery_share": 0.8, "social_org_delivery_share": 0.3}))


def test_assignment_is_validated() -> None:
    params = ModelParams()
    with pytest.raises(ValidationError):
        params.decentralization = 2.0
    with pytest.raises(ValidationError):
        params.mechanisms.voice = "sometimes"
