"""experiments.drift: the steady-state diagnostic flags trends, not noise or plateaus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.drift import drift_summary, drift_warning, indicator_drift


def _frame(seed: int = 0, replicates: int = 5, steps: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    step = np.arange(steps + 1)
    rows = []
    for r in range(replicates):
        noise = rng.normal(0.0, 0.01, size=(3, step.size))
        rows.append(
            pd.DataFrame(
                {
                    "variant": "a",
                    "replicate": r,
                    "seed": r,
                    "step": step,
                    # settles early: flat over the last quarter
                    "settled": 0.8 - 0.5 * np.exp(-step / 20.0) + noise[0],
                    # still rising at the end, by 0.05 over the last quarter
                    "rising": 0.5 + 0.0005 * step + noise[1],
                    # significant but negligible on its scale
                    "tiny": 100.0 + 1e-5 * step + 0.0 * noise[2],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_trending_indicators_are_flagged_and_plateaus_are_not() -> None:
    table = indicator_drift(_frame()).set_index("indicator")
    assert set(table.index) == {"settled", "rising", "tiny"}  # ids are not indicators
    assert table.loc["rising", "trending"]
    assert table.loc["rising", "change"] == pytest.approx(0.05, abs=0.01)
    assert not table.loc["settled", "trending"]
    assert not table.loc["tiny", "trending"]  # below 1% of its level
    assert table.loc["rising", "window_start"] == 300
    assert table.loc["rising", "window_end"] == 400


def test_one_replicate_uses_the_regression_error() -> None:
    table = indicator_drift(_frame(replicates=1)).set_index("indicator")
    assert table.loc["rising", "trending"] and not table.loc["settled", "trending"]


def test_warning_names_variant_and_indicator() -> None:
    table = indicator_drift(_frame())
    warning = drift_warning(table)
    assert warning is not None and "a: rising" in warning and "settled" not in warning
    record = drift_summary(table)
    assert [item["indicator"] for item in record["trending"]] == ["rising"]
    assert drift_warning(table[table["indicator"] == "settled"]) is None


def test_window_must_be_a_share() -> None:
    with pytest.raises(ValueError, match="window"):
        indicator_drift(_frame(), window=0.0)
