"""Calibration of the model to reported values: ``govsim calibrate CONFIG --targets FILE``.

Approximate Bayesian computation by sequential Monte Carlo (pyabc) fits the free
parameters named in a targets file (:mod:`.targets`) so that the model's
indicators at stated dates match reported values within their errors
(:mod:`.engine`); then posterior draws are re-run over the whole horizon for
posterior-predictive bands and for predictions at later dates (:mod:`.report`).

Output folder (written whole, see :mod:`experiments.outdir`):

=========================  ====================================================
``posterior.parquet``       last generation's particles: one column per free
                            parameter (its key), ``weight``
``abc.sqlite``              pyabc's database (every generation; ``pyabc.History``)
``posterior_summary.csv``   prior and posterior 90% intervals, shrinkage
``generations.csv``         epsilon, simulations and acceptance per generation
``predictive.parquet``      posterior-predictive runs: draw, step, date, the
                            observed indicators and the rule-compliance terms
``fit.csv``                 each observation beside its predictive median, 90%
``predictions.csv``         values at the requested dates: median, 90% interval
``mechanisms.csv``          median utility terms of household rule compliance
                            (when a household rule is in force)
``calibration.png``         predictive bands with the targets
``posterior.png``           posterior histograms over the prior ranges
``manifest.json``           config hash, targets, seed, versions, budget, timings
=========================  ====================================================
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.targets import Targets, load_targets, parse_targets

__all__ = ["CalibrationResult", "calibrate", "load_targets", "parse_targets"]

REPRODUCIBILITY = (
    "Each simulation's model seed is a hash of run.seed and the particle's values, so a "
    "particle always gives the same simulation. With one worker, pyabc's own draws (numpy "
    "global state) are seeded from run.seed for the run and restored afterwards: the whole "
    "calibration is identical bit for bit. With several workers or a Dask cluster, pyabc's "
    "workers reseed from the operating system and accept particles in the order they "
    "finish, so the posterior sample differs between runs (a different sample of the same "
    "approximate posterior). Posterior-predictive draws are chosen with a generator seeded "
    "from run.seed and each re-run's seed is derived from run.seed, the particle and the "
    "draw number: given the posterior sample, predictions are reproducible whatever runs them."
)


@dataclass
class CalibrationResult:
    """Tables of a finished calibration and the folder holding them."""

    out: Path
    summary: pd.DataFrame
    fit: pd.DataFrame
    predictions: pd.DataFrame
    manifest: dict[str, Any]


def _budget(targets: Targets, overrides: dict[str, Any]) -> Targets:
    from pydantic import ValidationError

    from experiments.errors import UserError

    given = {k: v for k, v in overrides.items() if v is not None}
    if not given:
        return targets
    try:
        budget = targets.budget.model_validate({**targets.budget.model_dump(), **given})
    except ValidationError as error:
        problem = error.errors()[0]
        raise UserError(
            f"budget.{problem['loc'][0]}: {problem['msg']} (got {problem.get('input')!r})"
        ) from None
    return targets.model_copy(update={"budget": budget})


def calibrate(
    config_path: str | Path,
    targets_path: str | Path,
    out: str | Path,
    *,
    overrides: Sequence[str] = (),
    workers: int = 1,
    scheduler: str | None = None,
    overwrite: bool = False,
    budget: dict[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    command: Sequence[str] | None = None,
) -> CalibrationResult:
    """Calibrate CONFIG to the targets file and write the output folder ``out``.

    Raises
    ------
    UserError
        For a bad config, targets file, parameter key, prior, output folder or
        scheduler address (each named), before any simulation runs.
    """
    from experiments.calibration.engine import run_abc
    from experiments.calibration.simulator import build_simulator
    from experiments.config import load_config
    from experiments.outdir import resolve_output, staged_output

    out = resolve_output(out, kind="folder", overwrite=overwrite)
    config = load_config(config_path, overrides)
    targets = _budget(load_targets(targets_path), budget or {})
    simulator = build_simulator(config, targets)
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    with staged_output(out, overwrite) as staging:
        say(
            f"calibrating {len(targets.parameters)} parameter(s) to "
            f"{len(targets.observations)} observation(s); population "
            f"{targets.budget.population_size}, at most {targets.budget.max_generations} "
            f"generations / {targets.budget.max_simulations} simulations"
        )
        abc = run_abc(
            simulator,
            targets,
            staging / "abc.sqlite",
            workers=workers,
            scheduler=scheduler,
            progress=say,
        )
        abc.posterior.to_parquet(staging / "posterior.parquet", index=False)
        abc.generations.to_csv(staging / "generations.csv", index=False)
        predictive_started = time.perf_counter()
        predictive = posterior_predictive(
            simulator, abc.posterior, targets, workers=workers, scheduler=scheduler
        )
        predictive_seconds = time.perf_counter() - predictive_started
        say(
            f"posterior predictive: {targets.budget.predictive_draws} runs of "
            f"{targets.horizon()} steps in {predictive_seconds:.1f} s"
        )
        tables = _write_tables(staging, abc.posterior, predictive, targets, config_path)
        manifest = _manifest(
            config,
            config_path,
            targets,
            targets_path,
            abc,
            workers,
            scheduler,
            seconds={
                "abc": round(abc.seconds, 2),
                "posterior_predictive": round(predictive_seconds, 2),
                "total": round(time.perf_counter() - started, 2),
                "cpu_total": round(_cpu_seconds() - cpu_started, 2),
            },
            command=command,
        )
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    return CalibrationResult(out, tables["summary"], tables["fit"], tables["predictions"], manifest)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (pool workers)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def posterior_predictive(
    simulator: Any,
    posterior: pd.DataFrame,
    targets: Targets,
    *,
    workers: int = 1,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Re-run posterior draws over the whole horizon (seeded from ``run.seed``).

    The draws are a fixed list of runs, executed by the one executor loop
    (:func:`experiments.pipeline.sinks.collect`) and gathered in draw order.
    """
    from functools import partial

    from experiments.calibration.simulator import particle_seed, predictive_run
    from experiments.pipeline.plan import TaskPlan
    from experiments.pipeline.sinks import collect

    draws = targets.budget.predictive_draws
    rng = np.random.default_rng(np.random.SeedSequence(simulator.root_seed, spawn_key=(7,)))
    weights = posterior["weight"].to_numpy(dtype=float)
    rows = rng.choice(len(posterior), size=draws, replace=True, p=weights / weights.sum())
    steps = targets.horizon()
    jobs = []
    for draw, row in enumerate(rows):
        values = {key: float(posterior[key].iloc[row]) for key in simulator.keys}
        seed = particle_seed(simulator.root_seed, list(values.values()), salt=draw + 1)
        jobs.append((values, seed, draw))
    plan = TaskPlan(
        [
            partial(predictive_run, simulator, values, seed, steps, draw)
            for values, seed, draw in jobs
        ]
    )
    sink, _ = collect(plan, max(1, workers), scheduler=scheduler, output="frame")
    frames = [sink.outcomes[run_id].timeseries for run_id in plan.run_ids()]
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(2, "date", [str(targets.time.date_of(int(s))) for s in frame["step"]])
    for key in simulator.keys:  # which parameter values each draw ran with
        frame[key] = np.repeat([values[key] for values, _, _ in jobs], steps + 1)
    return frame


def _write_tables(
    staging: Path,
    posterior: pd.DataFrame,
    predictive: pd.DataFrame,
    targets: Targets,
    config_path: str | Path,
) -> dict[str, pd.DataFrame]:
    from experiments.calibration import report
    from experiments.calibration.simulator import TERM_COLUMNS
    from experiments.present.calibration import plot_bands, plot_posterior

    predictive.to_parquet(staging / "predictive.parquet", index=False)
    tables = {
        "summary": report.posterior_summary(posterior, targets),
        "fit": report.fit_table(predictive, targets),
        "predictions": report.prediction_table(predictive, targets),
        "mechanisms": report.mechanism_table(predictive, targets),
    }
    names = {"summary": "posterior_summary.csv"}
    if not predictive[list(TERM_COLUMNS)].to_numpy().any():
        del tables["mechanisms"]  # no household rule in force: nothing to attribute
    for name, table in tables.items():
        table.to_csv(staging / names.get(name, f"{name}.csv"), index=False, float_format="%.6g")
    title = (
        targets.description.replace("\n", " ") if targets.description else Path(config_path).stem
    )
    plot_bands(predictive, targets, staging / "calibration.png", title=title[:240])
    plot_posterior(posterior, targets, staging / "posterior.png")
    return tables


def _manifest(
    config: Any,
    config_path: str | Path,
    targets: Targets,
    targets_path: str | Path,
    abc: Any,
    workers: int,
    scheduler: str | None,
    seconds: dict[str, float],
    command: Sequence[str] | None,
) -> dict[str, Any]:
    from importlib import metadata

    from experiments.provenance import git_commit, package_versions

    config_json = json.dumps(config.model_dump(mode="json"), sort_keys=True)
    try:
        pyabc_version = metadata.version("pyabc")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        pyabc_version = "not installed"
    return {
        "command": list(command) if command else [sys.argv[0], *sys.argv[1:]],
        "config_path": str(config_path),
        "config_sha256": hashlib.sha256(config_json.encode()).hexdigest(),
        "config": json.loads(config_json),
        "targets_path": str(targets_path),
        "targets": targets.model_dump(mode="json"),
        "seed": config.run.seed,
        "horizon_steps": targets.horizon(),
        "observation_steps": targets.observation_steps(),
        "prediction_steps": targets.prediction_steps(),
        "budget": targets.budget.model_dump(),
        "engine": {
            "method": "ABC-SMC (pyabc.ABCSMC), MedianEpsilon, MultivariateNormalTransition",
            "distance": "sqrt(mean_k ((x_k - y_k) / error_k)^2)",
            "sampler": abc.sampler,
            "workers": workers,
            "scheduler": scheduler,
            "generations": len(abc.generations),
            "simulations": abc.simulations,
            "final_epsilon": float(abc.generations["epsilon"].iloc[-1]),
            "stopped_because": abc.stopped_because,
            "effective_sample_size": abc.effective_sample_size,
        },
        "reproducibility": REPRODUCIBILITY,
        "seconds": seconds,
        "versions": {**package_versions(), "pyabc": pyabc_version},
        "git_commit": git_commit(),
    }
