"""Config loading: defaults, overrides, variants, and messages for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import load_config, load_config_text
from experiments.config import parse_set_options
from experiments.errors import UserError
from sim import ModelParams

ROOT = Path(__file__).resolve().parents[2]


def test_empty_config_is_all_defaults() -> None:
    config = load_config_text("")
    assert config.model == ModelParams()
    assert list(config.resolved_variants()) == ["baseline"]


def test_model_is_model_params(tiny_config: Path) -> None:
    config = load_config(tiny_config)
    assert isinstance(config.model, ModelParams)
    assert config.model.citizens == 60


def test_variants_override_the_base(tiny_config: Path) -> None:
    variants = load_config(tiny_config).resolved_variants()
    assert {name: v.model.regime for name, v in variants.items()} == {
        "top_down": "top_down",
        "service": "service",
    }
    assert all(v.model.citizens == 60 for v in variants.values())


def test_set_overrides_apply_before_validation(tiny_config: Path) -> None:
    config = load_config(tiny_config, ["model.levers.fine=9.5", "run.steps=3"])
    assert config.model.levers.fine == 9.5
    assert config.model.resolved_levers().fine == 9.5
    assert config.run.steps == 3


def test_set_parses_yaml_values() -> None:
    assert parse_set_options(["a.b=[1, 2]", "c=true", "d=x"]) == [
        ("a.b", [1, 2]),
        ("c", True),
        ("d", "x"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("model: {levers: {fin: 3}}", ["model.levers.fin", "did you mean 'fine'"]),
        ("modle: {}", ["modle", "did you mean 'model'"]),
        (
            "model: {mechanisms: {coproductoin: false}}",
            ["model.mechanisms.coproductoin", "'coproduction'"],
        ),
        ("model: {regime: topdown}", ["model.regime", "'top_down', 'regulatory' or 'service'"]),
        ("model: {citizens: -4}", ["model.citizens", "greater than or equal to 10"]),
        ("run: {steps: abc}", ["run.steps", "must be an integer, not text"]),
        (
            "model: {levers: {transparency: 1.5}}",
            ["model.levers.transparency", "less than or equal to 1"],
        ),
        ("model: {network: {kind: star}}", ["model.network.kind", "barabasi_albert"]),
        ("events: [{step: 3, set: {citizens: 5}}]", ["events[0]", "'citizens'", "cannot change"]),
        ("events: [{step: 3, set: {levers.fin: 1}}]", ["events[0]", "did you mean 'levers.fine'"]),
        (
            "variants: {a: {model.levers.fine: -2}}",
            ["variants.a", "model.levers.fine", "greater than or equal to 0"],
        ),
        ("variants: {a: {foo.bar: 1}}", ["variants.a.foo.bar", "start with model."]),
        (
            "model: {levers: {enterprise_delivery_share: 0.8, social_org_delivery_share: 0.5}}",
            ["must be <= 1"],
        ),
        ("a: [", ["malformed YAML", "line 1"]),
        ("- 1\n- 2", ["top level must be a mapping"]),
    ],
)
def test_bad_config_names_field_and_allowed(text: str, expected: list[str]) -> None:
    with pytest.raises(UserError) as caught:
        load_config_text(text)
    message = str(caught.value)
    for part in expected:
        assert part in message, message


def test_bad_set_option() -> None:
    with pytest.raises(UserError, match=r"expected key\.path=value"):
        load_config_text("", ["model.levers.fine"])


def test_missing_file() -> None:
    with pytest.raises(UserError, match="not found"):
        load_config("no/such/file.yaml")


@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_config_loads_and_runs(path: Path) -> None:
    """Every experiment config in configs/ validates, and each variant runs a few steps."""
    from sim import GovernanceModel

    config = load_config(path)
    for variant in config.resolved_variants().values():
        model = GovernanceModel(variant.model, rng=1, events=variant.events, agent_views=False)
        model.run(3)
        assert len(model.indicator_frame()) == 4
