"""The one pipeline: a run is a sweep of one point; sinks and worker counts do not change rows."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from experiments.cli import main
from experiments.config import load_config_text
from experiments.experiment import plan_runs, run_experiment, run_tasks
from experiments.pipeline.loop import execute
from experiments.pipeline.plan import TaskPlan
from experiments.pipeline.sinks import FolderSink, MemorySink
from experiments.pipeline.store import BatchWriter, SweepStore
from experiments.runner import RunTask, execute_run
from experiments.seeds import stream_seed, stream_seeds
from experiments.sweep.plan import SweepPlan
from sim import INDICATORS

CONFIG = """
run: {steps: 20, replicates: 2, seed: 7}
model: {citizens: 200, jurisdictions: 2, decentralization: 0.4}
variants:
  top_down: {model.regime: top_down}
  service: {model.regime: service}
"""


@pytest.fixture(scope="module")
def config():  # type: ignore[no-untyped-def]
    return load_config_text(CONFIG)


@pytest.fixture(scope="module")
def one_point(config):  # type: ignore[no-untyped-def]
    """The config as a one-point sweep, run in memory on one worker: its tidy series."""
    sink = MemorySink()
    tally = execute(SweepPlan.single(config), sink, workers=1)
    assert tally.ran == 4 and tally.failed == 0 and tally.executor == "in-process"
    return sink


def test_a_run_is_a_sweep_of_one_point(config, one_point, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_experiment(config, tmp_path / "run", workers=1, progress=False)
    series = one_point.timeseries()
    # run ids in order variant, replicate; replicate r uses stream r of the root seed in every variant
    runs = series.drop_duplicates("run_id")
    assert list(runs["run_id"]) == [0, 1, 2, 3]
    assert list(runs["variant"]) == ["top_down", "top_down", "service", "service"]
    assert list(runs["point"]) == [0, 0, 0, 0]
    assert list(runs["seed"]) == [stream_seed(7, r) for r in (0, 1, 0, 1)]
    # the same rows, column for column: the run's table is the sweep's without run_id and point
    assert list(result.timeseries.columns[:5]) == [
        "variant",
        "replicate",
        "seed",
        "step",
        "model.regime",
    ]
    pd.testing.assert_frame_equal(
        result.timeseries, series.drop(columns=["run_id", "point"]), check_exact=True
    )
    assert set(INDICATORS) <= set(result.timeseries.columns)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["workers"] == 1 and manifest["executor"] == "in-process"
    # and plan_runs gives the tasks built directly from the config: replicate r of every
    # variant on seed stream r of the root seed
    seeds = stream_seeds(config.run.seed, config.run.replicates)
    expected = [
        RunTask(
            name,
            replicate,
            seed,
            variant.model.model_dump(mode="json"),
            [e.model_dump(mode="json", exclude_defaults=True) for e in variant.events],
            variant.run.steps,
        )
        for name, variant in config.resolved_variants().items()
        for replicate, seed in enumerate(seeds)
    ]
    assert len(expected) == 4 and plan_runs(config) == expected


def test_memory_and_folder_sinks_hold_the_same_rows(config, one_point, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = SweepPlan.single(config)
    store = SweepStore(tmp_path / "folder")
    store.root.mkdir()
    writer = BatchWriter(store, max_runs=2)  # two batches, each flushed by the loop when due
    execute(plan, FolderSink(plan, writer), workers=1)
    writer.flush()
    assert store.committed_batches() == [1, 2]
    stored = store.read_timeseries()
    pd.testing.assert_frame_equal(stored, one_point.timeseries(), check_exact=True)
    runs = store.read_runs().sort_values("run_id").reset_index(drop=True)
    assert list(runs["status"]) == ["ok"] * 4
    for outcome in one_point.outcomes.values():
        row = runs.loc[outcome.run_id]
        assert {n: row[f"final_{n}"] for n in outcome.final} == pytest.approx(
            outcome.final, abs=0, rel=0, nan_ok=True
        )


def test_one_or_two_workers_give_the_same_rows(config, one_point) -> None:  # type: ignore[no-untyped-def]
    sink = MemorySink()
    tally = execute(SweepPlan.single(config), sink, workers=2, output="series")
    assert tally.executor == "process pool(2)"
    pd.testing.assert_frame_equal(sink.timeseries(), one_point.timeseries(), check_exact=True)


class ReverseExecutor(Executor):
    """Holds every submission until ``batch`` are in, then resolves them last first, one by one."""

    def __init__(self, batch: int) -> None:
        self.batch = batch
        self.pending: list[tuple[Future, Callable[..., Any], tuple[Any, ...]]] = []
        self.resolved: list[int] = []  # submission indices, in the order resolved
        self.thread: threading.Thread | None = None

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        self.pending.append((future, fn, args))
        if len(self.pending) == self.batch:
            self.thread = threading.Thread(target=self._resolve, daemon=True)
            self.thread.start()
        return future

    def _resolve(self) -> None:
        results = [fn(*args) for _, fn, args in self.pending]
        for index in reversed(range(len(self.pending))):
            self.pending[index][0].set_result(results[index])
            self.resolved.append(index)
            time.sleep(0.1)  # the loop takes each one before the next ends


def test_out_of_order_completion_comes_back_in_run_id_order(config, one_point) -> None:  # type: ignore[no-untyped-def]
    plan = SweepPlan.single(config)
    fake = ReverseExecutor(batch=len(plan))
    sink = MemorySink()
    tally = execute(plan, sink, workers=2, executor=fake)  # 2 x 2 in flight: all four at once
    assert tally.ran == 4 and tally.executor == "given ReverseExecutor"
    assert fake.resolved == [3, 2, 1, 0]
    assert list(sink.outcomes) == [3, 2, 1, 0]  # the sink saw them last first
    series = sink.timeseries()
    assert list(series.drop_duplicates("run_id")["run_id"]) == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(series, one_point.timeseries(), check_exact=True)


def test_task_plan_keeps_task_order_and_strict_runs_raise(config) -> None:  # type: ignore[no-untyped-def]
    tasks = plan_runs(config)[::-1]  # any order of tasks comes back in that order
    frame = run_tasks(tasks, workers=1)
    expected = pd.concat([execute_run(t) for t in tasks], ignore_index=True)
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    broken = TaskPlan([tasks[0], type(tasks[0])("bad", 0, 1, {"citizens": -5}, [], 5)])
    with pytest.raises(Exception, match="citizens"):
        execute(broken, MemorySink(), workers=1, output="frame", strict=True)
    lenient = MemorySink()
    tally = execute(broken, lenient, workers=1, output="frame")
    assert tally.failed == 1 and lenient.outcomes[1].status == "failed"
    assert "citizens" in (lenient.outcomes[1].error or "")


def test_run_refuses_two_executors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "run.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", str(config), "--out", str(out), "--dask-local", "2", "--scheduler", "tcp://x:1"]
    assert main(args) == 2
    assert "--scheduler and --dask-local" in capsys.readouterr().err and not out.exists()
