"""The one dotted-key setter (sim.settings) and the places that use it."""

from __future__ import annotations

import re

import pytest

from experiments.config import ExperimentConfig, apply_overrides
from experiments.errors import UserError
from experiments.validation.core import with_settings as validation_with_settings
from sim.events import apply_settings
from sim.model_kwargs import merge_model_kwargs
from sim.params import ModelParams
from sim.settings import SettingError, assign, block_fields, with_settings


def test_assign_creates_missing_blocks_and_keeps_siblings() -> None:
    data = {"levers": {"fine": 1.0}}
    assign(data, "levers.inspection_probability", 0.2)
    assign(data, "fiscal.tax_rate", 0.25)
    assert data == {
        "levers": {"fine": 1.0, "inspection_probability": 0.2},
        "fiscal": {"tax_rate": 0.25},
    }


def test_mapping_merges_into_a_schema_block_but_replaces_a_mapping_value() -> None:
    data = ModelParams().model_dump()
    assign(data, "trust", {"trust_rate": 0.2}, schema=ModelParams)
    assert data["trust"]["trust_rate"] == 0.2
    assert "weight_fairness" in data["trust"]  # the rest of the block is kept
    assign(data, "services.spillover", {"health": 0.5}, schema=ModelParams)
    assert data["services"]["spillover"] == {"health": 0.5}  # a value, replaced whole


def test_value_is_copied_not_shared() -> None:
    value = [1, 2]
    data: dict = {}
    assign(data, "a.b", value)
    value.append(3)
    assert data["a"]["b"] == [1, 2]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("levers..fine", "every part of a dotted key needs a name"),
        (".", "every part of a dotted key needs a name"),
        ("levers.fine.x", "levers.fine is a value, not a block of keys"),
    ],
)
def test_malformed_keys_are_refused(key: str, message: str) -> None:
    data = ModelParams().model_dump()
    data["levers"]["fine"] = 1.0
    with pytest.raises(SettingError, match=message):
        assign(data, key, 1)


def test_unknown_key_names_the_nearest() -> None:
    with pytest.raises(SettingError, match=re.escape("did you mean 'levers.fine'")):
        with_settings(ModelParams(), {"levers.fien": 2.0})


def test_fixed_keys_and_invalid_values_are_refused() -> None:
    with pytest.raises(SettingError, match="cannot change during a run"):
        with_settings(ModelParams(), {"network.kind": "ring"}, fixed=("network",))
    with pytest.raises(SettingError, match=re.escape("levers.fine")):
        with_settings(ModelParams(), {"levers.fine": -1.0})


def test_block_fields_walks_lists_and_named_entries() -> None:
    assert "regime" in block_fields(ExperimentConfig, ("model",))
    assert "step" in block_fields(ExperimentConfig, ("events", 0))
    assert block_fields(ExperimentConfig, ("model", "regime")) == []


def test_every_entry_point_sets_a_key_the_same_way() -> None:
    """Events, model keywords, validation and config overrides agree (one setter)."""
    base = ModelParams()
    settings = {"levers.fine": 3.5, "trust.trust_rate": 0.05}
    by_event = apply_settings(base, settings)
    by_validation = validation_with_settings(base, settings)
    by_keywords = merge_model_kwargs(None, settings)
    raw = apply_overrides({"model": {}}, [("model." + k, v) for k, v in settings.items()], "--set")
    by_config = ModelParams.model_validate(raw["model"])
    for params in (by_validation, by_keywords, by_config):
        assert params.levers.fine == by_event.levers.fine == 3.5
        assert params.trust.trust_rate == by_event.trust.trust_rate == 0.05


def test_config_overrides_report_errors_as_user_errors() -> None:
    with pytest.raises(UserError, match=re.escape("--set 'model..x': every part")):
        apply_overrides({}, [("model..x", 1)], "--set")
