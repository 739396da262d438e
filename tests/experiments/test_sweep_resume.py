"""Storage and faults: streaming batches, resume after Ctrl-C or kill -9, failing runs, config changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.errors import UserError
from experiments.pipeline import loop
from experiments.pipeline.loop import RunOutcome
from experiments.runner import execute_run
from experiments.sweep import load_results
from experiments.sweep.execute import run_sweep
from tests.experiments.sweep_helpers import (
    GRID,
    GRID_ROWS_PER_RUN,
    GRID_RUNS,
    grid_config,
    write_config,
)


def check_complete(out: Path, runs: int = GRID_RUNS) -> pd.DataFrame:
    """Every run stored once, every per-step row once; returns the runs table."""
    results = load_results(out)
    assert sorted(results.runs["run_id"]) == list(range(runs))
    assert not results.runs["run_id"].duplicated().any()
    series = results.timeseries()
    assert not series.duplicated(["run_id", "step"]).any()
    assert len(series) == (results.runs["status"] == "ok").sum() * GRID_ROWS_PER_RUN
    consolidated = pd.read_parquet(out / "runs.parquet")
    assert sorted(consolidated["run_id"]) == list(range(runs))
    return results.runs


def test_interrupted_sweep_resumes_without_recomputing(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    seen: list[int] = []

    def interrupt_after_five(outcome: RunOutcome) -> None:
        seen.append(outcome.run_id)
        if len(seen) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(
            grid_config(),
            out,
            workers=1,
            progress=False,
            batch_runs=2,
            on_outcome=interrupt_after_five,
        )
    assert (
        len(load_results(out).runs) == 5
    )  # the 5th run, still buffered, was written on the way out

    again: list[int] = []
    summary = run_sweep(
        grid_config(), out, workers=1, progress=False, on_outcome=lambda o: again.append(o.run_id)
    )
    assert len(again) == GRID_RUNS - 5 and not set(again) & set(seen)
    assert summary.complete and summary.ok == GRID_RUNS and summary.ran == GRID_RUNS - 5
    check_complete(out)
    # a third call finds nothing to do
    third: list[int] = []
    run_sweep(
        grid_config(), out, workers=1, progress=False, on_outcome=lambda o: third.append(o.run_id)
    )
    assert third == []


@pytest.mark.slow
def test_kill_9_then_resume(tmp_path: Path) -> None:
    config = write_config(tmp_path, GRID.replace("replicates: 2", "replicates: 6"))
    out = tmp_path / "sweep"
    govsim = str(Path(sys.executable).with_name("govsim"))  # the console script of this venv
    command = [
        govsim,
        "sweep",
        str(config),
        "--out",
        str(out),
        "--workers",
        "1",
        "--batch-runs",
        "3",
        "--quiet",
    ]
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "runs").glob("part-*.parquet"))) < 2:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate()
    assert process.returncode == -signal.SIGKILL, stderr.decode()
    committed = len(load_results(out).runs)
    assert 0 < committed < 48, "the kill should land mid-sweep"
    # what a kill can leave behind: a half-written temp file and a part whose batch never committed
    (out / "timeseries" / ".part-000099.parquet.123.tmp").write_bytes(b"PAR1 half written")
    orphan = out / "timeseries" / "part-000098.parquet"
    orphan.write_bytes((out / "timeseries" / "part-000001.parquet").read_bytes())
    assert len(load_results(out).timeseries()) == committed * GRID_ROWS_PER_RUN  # readers skip both
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"ran {48 - committed} " in done.stdout
    assert not orphan.exists()
    runs = load_results(out).runs
    assert sorted(runs["run_id"]) == list(range(48)) and (runs["status"] == "ok").all()
    series = load_results(out).timeseries()
    assert not series.duplicated(["run_id", "step"]).any() and len(series) == 48 * GRID_ROWS_PER_RUN


def test_failing_run_is_recorded_and_the_sweep_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fragile(task):  # type: ignore[no-untyped-def]
        if task.variant == "service" and task.replicate == 1:
            raise FloatingPointError("budget went negative")
        return execute_run(task)

    monkeypatch.setattr(loop, "execute_run", fragile)
    out = tmp_path / "sweep"
    summary = run_sweep(grid_config(), out, workers=1, progress=False)
    assert (
        summary.failed == summary.failed_now == 4
        and summary.ok == GRID_RUNS - 4
        and summary.complete
    )
    runs = check_complete(out)
    failed = runs[runs["status"] == "failed"]
    assert set(failed["variant"]) == {"service"} and set(failed["replicate"]) == {1}
    assert (failed["error"] == "FloatingPointError: budget went negative").all()
    assert failed["traceback"].str.contains("in fragile").all()
    assert failed["final_mean_trust"].isna().all()
    # failed runs count as done on resume, unless retried
    monkeypatch.setattr(loop, "execute_run", execute_run)
    assert run_sweep(grid_config(), out, workers=1, progress=False).ran == 0
    retried = run_sweep(grid_config(), out, workers=1, progress=False, retry_failed=True)
    assert retried.ran == 4 and retried.failed == 0
    assert (check_complete(out)["status"] == "ok").all()


def test_changed_config_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    run_sweep(grid_config(), out, workers=1, progress=False)
    changed = grid_config(GRID.replace("[0.2, 0.8]", "[0.2, 0.5, 0.8]"))
    with pytest.raises(
        UserError, match=r"different config \(changed: sweep\.parameters\.model\.decentralization"
    ):
        run_sweep(changed, out, workers=1, progress=False)
    summary = run_sweep(changed, out, workers=1, progress=False, overwrite=True)
    assert summary.total == summary.ran == 24
    assert len(load_results(out).runs) == 24


def test_folder_with_other_files_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty"):
        run_sweep(grid_config(), out, workers=1, progress=False)
    assert (out / "notes.txt").exists()


def test_batches_are_few_and_manifest_records_provenance(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    run_sweep(
        grid_config(), out, workers=1, progress=False, batch_runs=6, command=["govsim", "sweep"]
    )
    assert len(list((out / "runs").glob("part-*.parquet"))) == 3  # 16 runs in batches of 6
    results = load_results(out)
    manifest = results.manifest
    assert manifest["config"]["sweep"]["design"] == "grid" and len(manifest["config_hash"]) == 64
    assert manifest["design"]["points"] == 4 and manifest["runs"]["total"] == GRID_RUNS
    assert {"numpy", "SALib", "dask", "pyarrow"} <= set(manifest["versions"])
    assert "git_commit" in manifest and manifest["sessions"][0]["command"] == ["govsim", "sweep"]
    assert manifest["status"] == {"total": 16, "ok": 16, "failed": 0, "pending": 0}
    # every row says which run, point, replicate and seed it belongs to
    series = results.timeseries()
    assert {"run_id", "variant", "point", "replicate", "seed", "step"} <= set(series.columns)
    # then the values of its swept keys and varying variant keys (test_outputs.py), then indicators
    assert list(series.columns[-2:]) == ["mean_trust", "participation_rate"]
    assert set(results.parameters) <= set(series.columns[6:-2])
    assert os.path.getsize(out / "design.parquet") > 0


# -- resume verifies what it counts -------------------------------------------------------
def _complete_in_batches(out: Path) -> None:
    summary = run_sweep(grid_config(), out, workers=1, progress=False, batch_runs=4)
    assert summary.complete and summary.ok == GRID_RUNS
    assert len(list((out / "timeseries").glob("part-*.parquet"))) == GRID_RUNS // 4


def _damage(path: Path, how: str) -> None:
    if how == "deleted":
        path.unlink()
    elif how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(b"not parquet at all")
    elif how == "rows lost":  # a valid file missing one run's rows
        frame = pd.read_parquet(path)
        frame[frame["run_id"] != frame["run_id"].min()].to_parquet(path, index=False)


@pytest.mark.parametrize(
    "folder, how",
    [
        ("timeseries", "deleted"),
        ("timeseries", "truncated"),
        ("timeseries", "rows lost"),
        ("runs", "garbage"),
        ("runs", "truncated"),
    ],
)
def test_resume_redoes_runs_of_damaged_parts(
    tmp_path: Path, folder: str, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sweep"
    _complete_in_batches(out)
    damaged = out / folder / "part-000002.parquet"
    lost = set(pd.read_parquet(out / "runs" / "part-000002.parquet")["run_id"])
    _damage(damaged, how)
    redone: list[int] = []
    summary = run_sweep(
        grid_config(), out, workers=1, progress=False, on_outcome=lambda o: redone.append(o.run_id)
    )
    assert set(redone) == lost  # exactly the damaged batch's runs, nothing else
    assert summary.complete and summary.ok == GRID_RUNS and summary.ran == len(lost)
    assert len(summary.repaired) == 1 and "part-000002" in summary.repaired[0]
    assert "part-000002" in capsys.readouterr().err
    check_complete(out)
    assert any((out / "damaged").iterdir())  # set aside, not deleted
    # and the next resume finds nothing wrong and nothing to do
    again = run_sweep(grid_config(), out, workers=1, progress=False)
    assert again.ran == 0 and again.repaired == []


def test_resume_of_final_values_only_sweep_is_not_flagged(tmp_path: Path) -> None:
    text = GRID.replace("per_step: [mean_trust, participation_rate]", "per_step: []")
    out = tmp_path / "sweep"
    run_sweep(grid_config(text), out, workers=1, progress=False, batch_runs=4)
    again = run_sweep(grid_config(text), out, workers=1, progress=False)
    assert again.ran == 0 and again.repaired == [] and again.ok == GRID_RUNS


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda m: m.pop("design"), "'design'"),
        (lambda m: m["design"].pop("kind"), "'design'"),
        (lambda m: m.pop("runs"), "'runs'"),
        ("list", "holds a list"),
        ("text", "unreadable manifest"),
    ],
)
def test_damaged_manifest_exits_2_naming_the_file(
    tmp_path: Path, damage: object, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from experiments.cli import main

    config = write_config(tmp_path)
    out = tmp_path / "sweep"
    assert main(["sweep", str(config), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    if damage == "list":
        path.write_text(json.dumps([manifest]))
    elif damage == "text":
        path.write_text("{ not json")
    else:
        damage(manifest)  # type: ignore[operator]
        path.write_text(json.dumps(manifest))
    capsys.readouterr()
    for argv in (
        ["sweep", str(config), "--out", str(out), "--workers", "1", "--quiet"],
        ["analyze", str(out)],
        ["rerun", str(out), "3"],
        ["plot", str(out), "--no-network"],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert str(path) in err and "Traceback" not in err
        assert message in err or argv[0] == "plot"  # plot reads manifests its own way


def test_corrupt_part_exits_2_for_readers_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from experiments.cli import main

    out = tmp_path / "sweep"
    _complete_in_batches(out)
    bad = out / "runs" / "part-000003.parquet"
    bad.write_bytes(b"garbage")
    capsys.readouterr()
    assert main(["analyze", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "Traceback" not in err
    with pytest.raises(UserError, match="part-000003"):
        load_results(out)
    bad_series = out / "timeseries" / "part-000001.parquet"
    bad.unlink()
    bad_series.write_bytes(b"garbage")
    with pytest.raises(UserError, match="unreadable"):
        load_results(out).timeseries()
