"""`govsim sweep`, `govsim rerun`, `govsim analyze`: exit codes, messages, files, bit-for-bit reruns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from experiments.pipeline import loop
from experiments.runner import execute_run
from tests.experiments.sweep_helpers import GRID, GRID_RUNS, write_config

SOBOL = """
run: {steps: 6, replicates: 1, seed: 3}
model: {citizens: 100, enterprises: 6, social_orgs: 4, jurisdictions: 2}
sweep:
  design: sobol
  samples: 4
  parameters:
    model.decentralization: {low: 0.0, high: 1.0}
    model.levers.participation_reward: {low: 0.0, high: 0.1}
    model.levers.transparency: {low: 0.0, high: 1.0}
  per_step: []
"""


def test_sweep_rerun_analyze(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, out = write_config(tmp_path), tmp_path / "out"
    assert main(["sweep", str(config), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert f"{GRID_RUNS} runs, {GRID_RUNS} ok, 0 failed, 0 pending" in capsys.readouterr().out

    assert main(["rerun", str(out), "5", "--save", str(tmp_path / "run5.parquet")]) == 0
    printed = capsys.readouterr().out
    assert "OK: run 5" in printed and "bit for bit" in printed
    again = pd.read_parquet(tmp_path / "run5.parquet")
    assert (again["run_id"] == 5).all() and len(again) == 5

    # a stored value that the run does not reproduce is reported
    part = out / "runs" / "part-000001.parquet"
    runs = pd.read_parquet(part)
    runs.loc[runs["run_id"] == 5, "final_mean_trust"] += 1e-12
    runs.to_parquet(part, index=False)
    assert main(["rerun", str(out), "5"]) == 1
    assert "MISMATCH" in capsys.readouterr().out

    assert main(["analyze", str(out), "-i", "mean_trust", "-i", "participation_rate"]) == 0
    printed = capsys.readouterr().out
    assert "Final state by design point" in printed and "service" in printed
    table = pd.read_csv(out / "analysis" / "aggregates.csv")
    assert len(table) == 2 * 4 * 2  # variants x points x indicators
    assert (table["ci_low"] <= table["mean"] + 1e-12).all() and (table["n"] == 2).all()
    for name in ("mean_trust", "participation_rate"):
        assert (out / "figures" / f"heatmap_{name}.png").stat().st_size > 10_000


def test_sobol_analysis_prints_indices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, out = write_config(tmp_path, SOBOL), tmp_path / "out"
    assert main(["sweep", str(config), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert main(["analyze", str(out), "-i", "mean_trust"]) == 0
    assert "sobol indices" in capsys.readouterr().out
    indices = pd.read_csv(out / "analysis" / "sensitivity.csv")
    assert list(indices["parameter"]) == [
        "model.decentralization",
        "model.levers.participation_reward",
        "model.levers.transparency",
    ]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(indices.columns)
    assert (out / "figures" / "sensitivity.png").exists()
    assert main(["rerun", str(out), "7"]) == 0  # final values only: still compared bit for bit


def test_failed_runs_exit_1_with_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fragile(task):  # type: ignore[no-untyped-def]
        if task.replicate == 0 and task.variant == "top_down":
            raise RuntimeError("boom")
        return execute_run(task)

    monkeypatch.setattr(loop, "execute_run", fragile)
    out = tmp_path / "out"
    assert (
        main(["sweep", str(write_config(tmp_path)), "--out", str(out), "--workers", "1", "--quiet"])
        == 1
    )
    captured = capsys.readouterr()
    assert (
        "4 failed" in captured.out
        and "RuntimeError: boom" in captured.err
        and "govsim rerun" in captured.err
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "sweep",
                "{config}",
                "--out",
                "{out}",
                "--scheduler",
                "tcp://127.0.0.1:1",
                "--dask-local",
                "2",
            ],
            "one or the other",
        ),
        (["sweep", "{plain}", "--out", "{out}"], "no sweep block"),
        (["sweep", "{bad}", "--out", "{out}", "--workers", "1"], "sweep point 0 (model.citizens=5"),
        (["sweep", "{config}", "--out", "{out}", "--set", "sweep.design=sobl"], "sweep.design"),
        (["analyze", "{tmp}"], "not a sweep folder"),
        (["rerun", "{done}", "999"], "run id 999: this sweep has runs 0..15"),
        (["analyze", "{done}", "-i", "trust"], "--indicator trust: not an indicator"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    done = tmp_path / "done"
    paths = {
        "config": write_config(tmp_path),
        "plain": write_config(tmp_path, "run: {steps: 3}\n", "plain.yaml"),
        "bad": write_config(
            tmp_path,
            GRID.replace("model.decentralization: [0.2, 0.8]", "model.citizens: [5]"),
            "bad.yaml",
        ),
        "out": tmp_path / "out",
        "tmp": tmp_path,
        "done": done,
    }
    if "{done}" in args:
        assert (
            main(["sweep", str(paths["config"]), "--out", str(done), "--workers", "1", "--quiet"])
            == 0
        )
        capsys.readouterr()
    assert main([a.format(**paths) for a in args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out" / "manifest.json").exists()
