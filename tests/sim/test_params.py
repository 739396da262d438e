"""sim.params and sim.levers: defaults, validation, regime presets and overrides."""

from __future__ import annotations

import re

import numpy as np
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


# --- bad input through the Python API (issue 14, section 2) ---------------------------


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"citizens": 10**12}, "would need about 1.46 PB"),
        ({"enterprises": 10**12}, "enterprises 1000000000000"),
        ({"social_orgs": 10**13}, "too large for this machine"),
        ({"jurisdictions": 10**7, "citizens": 10**8}, "too large for this machine"),
        ({"citizens": 10**5000}, "an integer of about 5001 digits"),
        ({"unrest": {"max_jail_term": 10**30}}, "max_jail_term"),
        ({"network": {"kind": "watts_strogatz", "k": 2000}}, "network.k (2000) must be smaller"),
        ({"network": {"kind": "ring", "k": 2000}}, "must be smaller than citizens"),
        ({"levers": {"fine": float("nan")}}, "finite"),
        ({"decentralization": float("inf")}, "finite"),
        ({"services": {"spillover": {"environment": float("-inf")}}}, "finite"),
        ({"decentralization": True}, "must be a number, not a boolean"),
        ({"citizens": "2000"}, "must be an integer, not text"),
        ({"levers": {"fine": "3"}}, "must be a number, not text"),
        ({"mechanisms": {"voice": 1}}, "must be true or false"),
        ({"services": {"spillover": {"environment": True}}}, "not a boolean"),
    ],
)
def test_python_api_refuses_what_the_cli_refuses(data: dict, fragment: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(fragment)):
        ModelParams.model_validate(data)


def test_ints_are_numbers_and_whole_floats_are_ints() -> None:
    """Strictness is about booleans and text: 3 is a float, 150.0 an int (sweeps make those)."""
    params = ModelParams(decentralization=1, levers={"fine": 3}, citizens=150.0)
    assert params.decentralization == 1.0 and params.citizens == 150
    with pytest.raises(ValidationError, match="citizens"):
        ModelParams(citizens=150.5)


def test_assignment_is_checked_like_construction() -> None:
    params = ModelParams(citizens=100, jurisdictions=5)
    for name, value in (
        ("decentralization", True),
        ("decentralization", float("nan")),
        ("citizens", 10**12),
        ("citizens", "100"),
        ("citizens", 8),  # fewer than twice the jurisdictions: a rule over the whole block
    ):
        with pytest.raises(ValidationError):
            setattr(params, name, value)
    assert params == ModelParams(citizens=100, jurisdictions=5)


def test_assignment_inside_a_block_is_checked_against_the_whole_model() -> None:
    params = ModelParams(citizens=100, network={"kind": "ring", "k": 4})
    with pytest.raises(ValidationError, match="must be smaller than citizens"):
        params.network.k = 200
    assert params.network.k == 4  # refused: the old value stays
    with pytest.raises(ValidationError, match="delivery_share"):
        params.levers.enterprise_delivery_share = 0.9  # with the service preset's 0.3
    assert params.levers.enterprise_delivery_share is None
    params.network.k = 6
    assert params.network.k == 6


def test_blocks_stay_checked_after_copy_and_pickle() -> None:
    import copy
    import pickle

    params = ModelParams(citizens=100, network={"kind": "ring", "k": 4})
    for other in (
        params.model_copy(deep=True),
        copy.deepcopy(params),
        pickle.loads(pickle.dumps(params)),
    ):
        assert other == params
        with pytest.raises(ValidationError):
            other.network.k = 200
        other.network.k = 8  # changes the copy only
        assert params.network.k == 4


def test_run_refuses_a_negative_or_non_integer_step_count() -> None:
    from sim import GovernanceModel

    model = GovernanceModel(
        ModelParams(citizens=20, jurisdictions=2, enterprises=2, social_orgs=2), rng=1
    )
    with pytest.raises(ValueError, match="0 or more"):
        model.run(-1)
    for steps in (True, 2.0, "2", None):
        with pytest.raises(TypeError, match="must be an integer"):
            model.run(steps)  # type: ignore[arg-type]
    assert model.steps == 0
    model.run(0)
    model.run(np.int64(1))
    assert model.steps == 1


def test_values_in_messages_are_cut_short() -> None:
    from sim.strict import SHOWN_CHARACTERS, show

    nested: list = ["lol"]
    for _ in range(30):
        nested = [nested] * 9  # 9^30 leaves if printed in full
    assert len(show(nested)) <= SHOWN_CHARACTERS
    assert len(show("x" * 10**6)) <= SHOWN_CHARACTERS
    with pytest.raises(ValidationError) as caught:
        ModelParams(regime="x" * 10**6)
    assert len(str(caught.value)) < 2000
