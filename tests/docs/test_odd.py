"""docs/ODD.md must not drift from the code it describes.

Every phase, lever and indicator must be named (in backticks) in the model
description, every preset value in its "Regimes" table must equal
``sim.REGIME_PRESETS``, and every parameter of ``sim.ModelParams`` must appear in a
parameter table (``| `model.<key>` | `<default>` | ...``) with its current default.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sim import INDICATORS, PHASE_NAMES, REGIME_NAMES, REGIME_PRESETS, Levers, ModelParams

ODD = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"

# `model.<key>` rows of the parameter tables: key and JSON default in backticks
PARAMETER_ROW = re.compile(r"^\| `model\.([a-z0-9_.]+)` \| `([^`]*)` \|", re.MULTILINE)
# Regimes table rows: | `lever` | top_down | regulatory | service |
PRESET_ROW = re.compile(r"^\| `([a-z_]+)` \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \|$", re.MULTILINE)
# Submodel headings: ### 7.<n> `<phase>` - ...
PHASE_HEADING = re.compile(r"^### 7\.(\d+) `([a-z_]+)`", re.MULTILINE)


@pytest.fixture(scope="module")
def odd() -> str:
    return ODD.read_text(encoding="utf-8")


def _parameter_defaults() -> dict[str, Any]:
    """Every leaf parameter except levers and mechanism switches, by dotted key."""
    leaves: dict[str, Any] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict) and key != "spillover":
                walk(value, f"{prefix}{key}.")
            else:
                leaves[prefix + key] = value

    dump = ModelParams().model_dump()
    del dump["levers"], dump["mechanisms"]  # checked as levers and phases below
    walk(dump, "")
    return leaves


def test_every_phase_has_a_submodel_section_in_step_order(odd: str) -> None:
    headings = PHASE_HEADING.findall(odd)
    assert [name for _, name in headings] == list(PHASE_NAMES)
    assert [int(n) for n, _ in headings] == list(range(1, len(PHASE_NAMES) + 1))


@pytest.mark.parametrize("lever", list(Levers.model_fields))
def test_every_lever_is_named(odd: str, lever: str) -> None:
    assert f"`{lever}`" in odd, f"lever {lever!r} is not mentioned in docs/ODD.md"


@pytest.mark.parametrize("indicator", list(INDICATORS))
def test_every_indicator_has_a_row_in_the_indicator_table(odd: str, indicator: str) -> None:
    assert re.search(rf"^\| `{indicator}` \|", odd, re.MULTILINE), (
        f"indicator {indicator!r} has no row in the Indicators table of docs/ODD.md"
    )


def test_regimes_table_matches_the_presets(odd: str) -> None:
    table = {row[0]: tuple(float(v) for v in row[1:]) for row in PRESET_ROW.findall(odd)}
    assert set(table) == set(Levers.model_fields), "Regimes table rows != levers"
    for lever, documented in table.items():
        actual = tuple(getattr(REGIME_PRESETS[r], lever) for r in REGIME_NAMES)
        assert documented == pytest.approx(actual), f"{lever}: doc {documented} != code {actual}"


def test_every_parameter_is_documented_with_its_default(odd: str) -> None:
    documented = {key: json.loads(default) for key, default in PARAMETER_ROW.findall(odd)}
    defaults = _parameter_defaults()
    missing = sorted(set(defaults) - set(documented))
    unknown = sorted(set(documented) - set(defaults))
    wrong = {
        k: (documented[k], v) for k, v in defaults.items() if k in documented and documented[k] != v
    }
    assert not missing, f"parameters missing from docs/ODD.md: {missing}"
    assert not unknown, f"docs/ODD.md documents parameters the schema lacks: {unknown}"
    assert not wrong, f"defaults in docs/ODD.md differ from the code (doc, code): {wrong}"
