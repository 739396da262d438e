"""Golden values: final indicators of a few recorded runs must not drift.

Runs are deterministic for a given seed, so on this platform a replay reproduces the
recorded numbers bit for bit; the relative tolerance of 1e-9 (absolute 1e-12 near
zero) only allows for last-digit differences of floating-point library functions
(exp, log, summation order) on other platforms or numpy builds. Any larger
difference means the model's behaviour changed. If that change is intended,
regenerate the values and commit them with the change:

    .venv/bin/python tests/sim/golden/regenerate.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from sim import INDICATORS, GovernanceModel, ModelParams

GOLDEN = json.loads((Path(__file__).parent / "golden" / "indicators.json").read_text())
REGENERATE = "intended change? run .venv/bin/python tests/sim/golden/regenerate.py"


@pytest.mark.parametrize("seed", sorted(GOLDEN["final"], key=int))
def test_final_indicators_match_golden_values(seed: str) -> None:
    model = GovernanceModel(
        ModelParams.model_validate(GOLDEN["params"]), rng=int(seed), events=GOLDEN["events"]
    )
    model.run(GOLDEN["steps"])
    expected = GOLDEN["final"][seed]
    assert set(model.indicators) == set(expected), REGENERATE
    drifted = {
        name: (value, expected[name])
        for name, value in model.indicators.items()
        if not math.isclose(value, expected[name], rel_tol=1e-9, abs_tol=1e-12)
    }
    assert not drifted, f"indicators (got, golden) drifted: {drifted}; {REGENERATE}"


def test_golden_file_covers_every_indicator_and_several_seeds() -> None:
    assert len(GOLDEN["final"]) >= 2
    for values in GOLDEN["final"].values():
        assert set(values) == set(INDICATORS)
