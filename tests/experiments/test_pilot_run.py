"""`govsim run` with a pilot: jurisdictions.parquet beside timeseries.parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from experiments.config import load_config, load_config_text
from experiments.errors import UserError
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
