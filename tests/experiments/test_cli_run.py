"""`govsim run`: outputs, determinism, overwrite protection and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from experiments.seeds import stream_seed
from sim import INDICATORS, GovernanceModel, ModelParams

REQUIRED_COLUMNS = [
    "participation_rate",
    "compliance_rate",
    "mean_trust",
    "mean_satisfaction",
    "satisfaction_gini",
    "unrest_rate",
    "service_coverage",
    "governance_cost",
    "welfare",
    "polycentricity",
]


def run_cli(*args: str) -> int:
    return main(list(args))


def test_run_writes_outputs(
    tiny_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run_cli("run", str(tiny_config), "--out", str(out), "--workers", "1") == 0
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert list(frame.columns[:4]) == ["variant", "replicate", "seed", "step"]
    assert set(REQUIRED_COLUMNS) <= set(frame.columns)
    assert set(INDICATORS) <= set(frame.columns)
    assert len(frame) == 2 * 2 * 7  # variants x replicates x (steps + 1)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seeds"]["root"] == 11
    assert {"mesa", "numpy", "networkx", "python"} <= set(manifest["versions"])
    assert "config" in manifest and "variants" in manifest and "git_commit" in manifest
    assert (out / "figures" / "indicators.png").stat().st_size > 10_000
    assert (out / "figures" / "indicators.pdf").exists()
    summary = pd.read_csv(out / "summary.csv")
    assert {"variant", "indicator", "mean", "ci_low", "ci_high", "n"} <= set(summary.columns)
    assert (summary["ci_low"] <= summary["mean"] + 1e-12).all()
    assert (summary["mean"] <= summary["ci_high"] + 1e-12).all()
    printed = capsys.readouterr().out
    assert "Final state by variant" in printed
    # the steady-state diagnostic: a table, and what trends in the manifest
    drift = pd.read_csv(out / "drift.csv")
    assert {"variant", "indicator", "slope", "change", "trending"} <= set(drift.columns)
    listed = {(d["variant"], d["indicator"]) for d in manifest["drift"]["trending"]}
    flagged = drift[drift["trending"].astype(bool)]
    assert listed == {(r.variant, r.indicator) for r in flagged.itertuples()}


def test_rows_rerun_bit_for_bit(tiny_config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("run", str(tiny_config), "--out", str(out), "--workers", "1", "--quiet") == 0
    frame = pd.read_parquet(out / "timeseries.parquet")
    manifest = json.loads((out / "manifest.json").read_text())
    row = frame[(frame["variant"] == "service") & (frame["replicate"] == 1)]
    assert row["seed"].iloc[0] == stream_seed(11, 1)
    params = ModelParams.model_validate(manifest["variants"]["service"]["model"])
    model = GovernanceModel(params, rng=int(row["seed"].iloc[0]))
    model.run(6)
    expected = model.indicator_frame().reset_index()
    pd.testing.assert_frame_equal(
        # identifiers and the variant's parameter columns (tests/experiments/test_outputs.py)
        row[list(expected.columns)].reset_index(drop=True),
        expected,
        check_dtype=False,
    )


def test_same_seed_same_output_any_worker_count(tiny_config: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("run", str(tiny_config), "--out", str(a), "--workers", "1", "--quiet") == 0
    assert run_cli("run", str(tiny_config), "--out", str(b), "--workers", "2", "--quiet") == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(a / "timeseries.parquet"), pd.read_parquet(b / "timeseries.parquet")
    )


def test_different_root_seed_differs(tiny_config: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("run", str(tiny_config), "--out", str(a), "--workers", "1", "--quiet") == 0
    assert (
        run_cli(
            "run",
            str(tiny_config),
            "--out",
            str(b),
            "--workers",
            "1",
            "--quiet",
            "--set",
            "run.seed=12",
        )
        == 0
    )
    fa, fb = pd.read_parquet(a / "timeseries.parquet"), pd.read_parquet(b / "timeseries.parquet")
    assert not fa["seed"].equals(fb["seed"])
    assert not fa["mean_trust"].equals(fb["mean_trust"])


def test_existing_output_is_kept_without_overwrite(
    tiny_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    precious = out / "precious.txt"
    precious.write_text("keep me")
    assert run_cli("run", str(tiny_config), "--out", str(out), "--quiet") == 2
    assert "--overwrite" in capsys.readouterr().err
    assert precious.read_text() == "keep me"
    assert (
        run_cli(
            "run", str(tiny_config), "--out", str(out), "--quiet", "--overwrite", "--workers", "1"
        )
        == 0
    )
    assert not precious.exists()
    assert (out / "timeseries.parquet").exists()


def test_failed_run_leaves_existing_output_intact(tiny_config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("run", str(tiny_config), "--out", str(out), "--workers", "1", "--quiet") == 0
    before = (out / "timeseries.parquet").read_bytes()
    # a bad override is caught before anything is touched
    assert (
        run_cli(
            "run", str(tiny_config), "--out", str(out), "--overwrite", "--set", "model.citizens=-1"
        )
        == 2
    )
    assert (out / "timeseries.parquet").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "model.levers.fin=3"], "did you mean 'fine'"),
        (["--set", "model.regime=anarchy"], "'top_down', 'regulatory' or 'service'"),
        (["--set", "model.mechanisms.voyce=false"], "did you mean 'voice'"),
        (["--set", "model.decentralization=2"], "model.decentralization"),
        (["--set", "run.steps=ten"], "run.steps"),
    ],
)
def test_bad_input_exit_2_with_message(
    tiny_config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code = run_cli("run", str(tiny_config), "--out", str(tmp_path / "o"), *args)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_malformed_yaml_and_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: {citizens: [\n")
    assert run_cli("run", str(bad), "--out", str(tmp_path / "o")) == 2
    assert "malformed YAML" in capsys.readouterr().err
    assert run_cli("run", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "o")) == 2
    assert "not found" in capsys.readouterr().err


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root can write anywhere; permission checks do not apply"
)
def test_unwritable_out(
    tiny_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert run_cli("run", str(tiny_config), "--out", str(locked / "o")) == 2
    assert "cannot write" in capsys.readouterr().err


def test_out_under_a_file(
    tiny_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run_cli("run", str(tiny_config), "--out", str(blocker / "sub" / "o")) == 2
    assert "which is a file" in capsys.readouterr().err


def test_out_is_a_file(
    tiny_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert run_cli("run", str(tiny_config), "--out", str(target), "--overwrite") == 2
    assert "not a folder" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_console_script_exit_code_and_no_traceback(tiny_config: Path, tmp_path: Path) -> None:
    govsim = Path(sys.executable).with_name("govsim")
    result = subprocess.run(
        [
            str(govsim),
            "run",
            str(tiny_config),
            "--out",
            str(tmp_path / "o"),
            "--set",
            "model.regime=x",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "model.regime" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("run", "x.yaml", "--out", "o", "--bogus") == 2
    assert "No such option" in capsys.readouterr().err
