"""Results do not depend on the executor: in-process, process pool(2) and Dask LocalCluster(2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments.errors import UserError
from experiments.executors import open_executor
from experiments.sweep import load_results
from experiments.sweep.execute import run_sweep
from tests.experiments.sweep_helpers import GRID_RUNS, grid_config

# wall time, batch number and file layout legitimately differ between executors
VOLATILE = ["wall_seconds", "batch"]


def stored(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    results = load_results(out)
    return results.runs.drop(columns=VOLATILE), results.timeseries()


@pytest.mark.slow
def test_identical_parquet_contents_across_executors(tmp_path: Path) -> None:
    config = grid_config()
    inproc, pool, dask = tmp_path / "inproc", tmp_path / "pool", tmp_path / "dask"
    run_sweep(config, inproc, workers=1, progress=False)
    run_sweep(config, pool, workers=2, progress=False, batch_runs=5)
    summary = run_sweep(config, dask, dask_local=2, progress=False, batch_runs=3)
    assert summary.executor == "dask LocalCluster(2)" and summary.ok == GRID_RUNS
    runs, series = stored(inproc)
    assert len(runs) == GRID_RUNS and (runs["status"] == "ok").all()
    for other in (pool, dask):
        other_runs, other_series = stored(other)
        pd.testing.assert_frame_equal(runs, other_runs, check_exact=True)
        pd.testing.assert_frame_equal(series, other_series, check_exact=True)
    # seeds: common random numbers, replicate r uses stream r in every variant and point
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()


def test_scheduler_and_local_cluster_exclude_each_other() -> None:
    with (
        pytest.raises(UserError, match="one or the other"),
        open_executor(scheduler="tcp://127.0.0.1:1", dask_local=2),
    ):
        pass


def test_independent_seeds_give_each_run_its_stream(tmp_path: Path) -> None:
    from experiments.config import load_config_text
    from tests.experiments.sweep_helpers import GRID

    config = load_config_text(
        GRID.replace("  record_every: 2", "  record_every: 2\n  seeds: independent")
    )
    run_sweep(config, tmp_path / "out", workers=1, progress=False)
    runs = load_results(tmp_path / "out").runs
    assert runs["seed"].nunique() == GRID_RUNS
