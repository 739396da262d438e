"""`govsim run` with a pilot: jurisdictions.parquet beside timeseries.parquet."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from experiments.config import load_config, load_config_text
from experiments.errors import UserError
from experiments.pilot import pilot_effect
from sim.jurisdiction_frame import JURISDICTION_INDICATORS

PILOT = """
run: {steps: 6, replicates: 2, seed: 5}
model: {regime: regulatory, citizens: 60, enterprises: 6, social_orgs: 4, jurisdictions: 3}
variants:
  control: {}
  pilot:
    events:
      - {step: 3, set: {levers.voice_cost: {0: 1.0}, levers.fine: {0: 9.0}}}
"""


def test_run_writes_jurisdictions_parquet_with_the_runs_rows(tmp_path: Path) -> None:
    config = tmp_path / "pilot.yaml"
    config.write_text(PILOT, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(config), "--out", str(out), "--workers", "1"]) == 0
    series = pd.read_parquet(out / "timeseries.parquet")
    table = pd.read_parquet(out / "jurisdictions.parquet")
    ids = ["variant", "replicate", "seed", "step"]
    assert list(table.columns) == [*ids, "jurisdiction", *JURISDICTION_INDICATORS]
    assert len(table) == 2 * 2 * 7 * 3  # variants x replicates x (steps + 1) x jurisdictions
    # the same runs and steps as the timeseries, each with every jurisdiction once
    runs = table.groupby(ids)["jurisdiction"].apply(sorted)
    assert (runs.apply(lambda js: js == [0, 1, 2])).all()
    assert set(runs.index) == set(series.set_index(ids).index)
    # the pilot silenced complaints in jurisdiction 0 from step 3; the control did not
    after = table[(table["step"] >= 3) & (table["jurisdiction"] == 0)]
    assert (after.query("variant == 'pilot'")["complaint_rate"] == 0).all()
    before = table[table["step"] < 3]
    pilot, control = (
        before[before["variant"] == name].drop(columns="variant").reset_index(drop=True)
        for name in ("pilot", "control")
    )
    pd.testing.assert_frame_equal(pilot, control)  # same seeds: identical until the reform
    # the file is in the codebook, and every one of its columns is documented
    document = json.loads((out / "codebook.json").read_text(encoding="utf-8"))
    assert document["files"]["jurisdictions.parquet"] == list(table.columns)
    unknown = [c for c in table.columns if document["columns"][c]["kind"] == "unknown"]
    assert not unknown


def test_shipped_pilot_config_reforms_jurisdiction_zero_only() -> None:
    config = load_config(Path(__file__).parents[2] / "configs" / "pilot_reform.yaml")
    variants = config.resolved_variants()
    assert set(variants) == {"control", "pilot"}
    assert not variants["control"].events
    (reform,) = variants["pilot"].events
    assert reform.step == 50
    assert all(set(value) == {0} for value in reform.set.values())


def test_bad_pilot_jurisdiction_is_a_config_error() -> None:
    with pytest.raises(UserError) as caught:
        load_config_text(PILOT.replace("{0: 9.0}", "{7: 9.0}"))
    assert "events[0]" in str(caught.value) and "jurisdiction index 7" in str(caught.value)


def test_pilot_effect_is_the_difference_in_differences_paired_by_replicate() -> None:
    rows = []
    for replicate, seed_level in enumerate([0.0, 10.0, 20.0]):  # each seed shifts everything
        for step in (4, 5, 6):
            for j, population in enumerate([10, 30, 60]):
                base = seed_level + j
                after = step >= 5
                # everyone gains 0.5 from the reform (spill-over); jurisdiction 0 another 2 + r
                reform = (0.5 + (2.0 + replicate) * (j == 0)) * after
                rows.append(("control", replicate, step, j, population, base))
                rows.append(("pilot", replicate, step, j, population, base + reform))
    frame = pd.DataFrame(
        rows, columns=["variant", "replicate", "step", "jurisdiction", "population", "x"]
    )
    result = pilot_effect(frame, [0], from_step=5, indicators=["x"]).iloc[0]
    assert result["n"] == 3
    assert result["effect"] == pytest.approx(3.0)  # 2 + mean of 0, 1, 2; the common 0.5 cancels
    assert result["ci_low"] < 3.0 < result["ci_high"]
    before = pilot_effect(frame, [0], from_step=0, indicators=["x"]).iloc[0]
    assert before["effect"] == pytest.approx(
        3.0 * 2 / 3
    )  # a window from before the reform dilutes it
