"""Every figure of a results folder (``govsim plot DIR``), from what the folder stores.

A ``govsim run`` folder (``manifest.json`` of kind ``run`` + ``timeseries.parquet``)
gives: indicators over time by variant with 95% bands, the final-state comparison
with error bars, and a network snapshot. A ``govsim sweep`` folder gives heatmaps
over two swept keys (grid designs), sensitivity indices (Sobol and Morris designs)
and the network snapshot. The snapshot rebuilds one run (a run folder: the first
variant's replicate 0; a sweep: its lowest-numbered successful run) from the
manifest's resolved config and seed, runs it to its last step, checks it against the
stored final state, and draws its collaboration graph.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis import KEY_INDICATORS
from experiments.config import ExperimentConfig
from experiments.errors import UserError
from experiments.pipeline.store import NOT_A_RESULTS_FOLDER, read_results_manifest, results_kind
from experiments.present.final_state import plot_final_state
from experiments.present.network import plot_network
from experiments.present.style import FIGURE_FORMATS
from experiments.present.sweep import plot_heatmaps, plot_sensitivity
from experiments.present.timeseries import plot_timeseries
from experiments.runner import RunTask
from experiments.sweep import load_results, sensitivity_indices
from experiments.sweep.execute import open_plan
from experiments.sweep.results import FINAL_PREFIX
from sim import GovernanceModel
from sim.indicators import INDICATORS

__all__ = [
    "NOT_A_RESULTS_FOLDER",
    "plot_network_snapshot",
    "plot_results_folder",
    "rebuild_model",
    "run_task_from_manifest",
    "snapshot_task",
]


def plot_results_folder(
    folder: str | Path,
    out: str | Path | None = None,
    formats: Sequence[str] = ("png", "pdf"),
    network: bool = True,
    variant: str | None = None,
) -> list[Path]:
    """Draw every figure the folder supports into ``out`` (default ``folder/figures``).

    Parameters
    ----------
    folder
        Output folder of ``govsim run`` or ``govsim sweep``.
    out
        Where to write the figures.
    formats
        File formats, each a :data:`experiments.present.style.FIGURE_FORMATS` entry.
    network
        Also rebuild run 0 and draw its collaboration graph (a few seconds at 2,000
        citizens and 200 steps); see :func:`plot_network_snapshot`.
    variant
        Variant whose first run the network snapshot shows (default: the first variant).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    UserError
        For a missing folder, a folder that holds no results, or a bad format or variant.
    """
    folder, kind = results_kind(folder)
    _check_formats(formats)
    out = Path(out) if out is not None else folder / "figures"
    snapshot = snapshot_task(folder, variant) if network else None  # bad --variant fails first
    if kind == "run":
        written = _run_figures(folder, out, formats)
    else:
        written = _sweep_figures(folder, out, formats)
    if snapshot is not None:
        written += _draw_snapshot(*snapshot, out, formats)
    return written


def plot_network_snapshot(
    folder: str | Path,
    out: str | Path | None = None,
    formats: Sequence[str] = ("png", "pdf"),
    variant: str | None = None,
) -> list[Path]:
    """Rebuild the first run of ``variant`` from the folder's manifest, run it, draw its network.

    The rebuilt run's final indicators are compared with the stored ones; any
    difference (a changed model or library) raises a ``UserWarning``. Writes
    ``out/network.<format>`` (default ``folder/figures``) and returns the files.
    """
    folder, _ = results_kind(folder)
    _check_formats(formats)
    out = Path(out) if out is not None else folder / "figures"
    return _draw_snapshot(*snapshot_task(folder, variant), out, formats)


def snapshot_task(
    folder: str | Path, variant: str | None = None
) -> tuple[RunTask, dict[str, float]]:
    """The task of the run the network snapshot shows, and its stored final indicators.

    For a run folder: replicate 0 of ``variant`` (default: the first variant); for a
    sweep folder: the lowest-numbered successful run of ``variant`` (default: any).
    """
    folder, kind = results_kind(folder)
    if kind == "run":
        task = run_task_from_manifest(read_results_manifest(folder), variant)
        frame = pd.read_parquet(folder / "timeseries.parquet")
        stored = frame[(frame["variant"] == task.variant) & (frame["replicate"] == task.replicate)]
        # indicators only: the rows also carry identifiers and parameter columns
        indicators = [c for c in stored.columns if c in INDICATORS]
        final = stored[indicators].iloc[-1].to_dict() if len(stored) else {}
        return task, final

    results = load_results(folder)
    ok = results.ok
    if variant is not None:
        if variant not in results.variants:
            raise UserError(
                f"--variant {variant}: not in this sweep; allowed: {', '.join(results.variants)}"
            )
        ok = ok[ok["variant"] == variant]
    if ok.empty:
        raise UserError(f"{folder}: no successful run to draw the network of")
    row = ok.loc[ok["run_id"].idxmin()]
    config = ExperimentConfig.model_validate(results.manifest["config"])
    plan = open_plan(config, results.design.to_frame(), results.manifest)
    final = {k[len(FINAL_PREFIX) :]: v for k, v in row.items() if str(k).startswith(FINAL_PREFIX)}
    return plan.run(int(row["run_id"])).task, final


def run_task_from_manifest(
    manifest: dict[str, Any], variant: str | None = None, replicate: int = 0
) -> RunTask:
    """The task that reproduces one run of a ``govsim run`` folder, from its manifest.

    Raises
    ------
    UserError
        For a variant or replicate the manifest does not have.
    """
    variants = manifest.get("variants") or {}
    if not variants:
        raise UserError("manifest.json: no variants recorded")
    name = variant if variant is not None else next(iter(variants))
    if name not in variants:
        raise UserError(f"--variant {name}: not in this folder; allowed: {', '.join(variants)}")
    seeds = [
        r["seed"]
        for r in manifest["seeds"]["runs"]
        if r["variant"] == name and r["replicate"] == replicate
    ]
    if not seeds:
        raise UserError(f"manifest.json: no seed recorded for {name} replicate {replicate}")
    resolved = variants[name]
    return RunTask(
        variant=name,
        replicate=replicate,
        seed=int(seeds[0]),
        model=resolved["model"],
        events=list(resolved.get("events") or []),
        steps=int(resolved["run"]["steps"]),
    )


def rebuild_model(task: RunTask) -> GovernanceModel:
    """Build the task's model from its parameters and seed and run it to its last step.

    Returns the :class:`sim.GovernanceModel`, bit for bit the run the task describes
    (:func:`experiments.runner.execute_run` builds it the same way). Not through
    the executor loop (:mod:`experiments.pipeline.loop`) on purpose: the drawing
    needs the live model (its network and actors), which a worker does not send back.
    """
    model = GovernanceModel(task.model, rng=task.seed, events=task.events, agent_views=False)
    model.run(task.steps)
    return model


def _check_formats(formats: Sequence[str]) -> None:
    if not formats:
        raise UserError(f"--format: give at least one of {', '.join(FIGURE_FORMATS)}")
    for fmt in formats:
        if fmt not in FIGURE_FORMATS:
            raise UserError(f"--format {fmt}: unknown; allowed: {', '.join(FIGURE_FORMATS)}")


def _run_figures(folder: Path, out: Path, formats: Sequence[str]) -> list[Path]:
    frame = pd.read_parquet(folder / "timeseries.parquet")
    written = plot_timeseries(frame, out / "indicators", formats=formats)
    written += plot_final_state(frame, out / "final_state", formats=formats)
    return written


def _sweep_figures(folder: Path, out: Path, formats: Sequence[str]) -> list[Path]:
    results = load_results(folder)
    written: list[Path] = []
    indicators = [i for i in KEY_INDICATORS if FINAL_PREFIX + i in results.runs.columns]
    if results.design.kind == "grid" and len(results.parameters) >= 2:
        for indicator in indicators:
            written += plot_heatmaps(
                results, indicator, out / f"heatmap_{indicator}", formats=formats
            )
    elif results.design.kind in ("sobol", "morris"):
        indices = sensitivity_indices(results, indicators)
        if len(indices):
            written += plot_sensitivity(indices, out / "sensitivity", formats=formats)
    return written


def _draw_snapshot(
    task: RunTask, stored: dict[str, float], out: Path, formats: Sequence[str]
) -> list[Path]:
    """Rebuild, compare with the stored final state, draw."""
    model = rebuild_model(task)
    final = model.indicators
    differing = [
        name
        for name, value in stored.items()
        if name in final
        and not np.array_equal(np.float64(value), np.float64(final[name]), equal_nan=True)
    ]
    if differing:
        warnings.warn(
            f"the rebuilt run ({task.variant}, replicate {task.replicate}) differs from the stored one in "
            f"{', '.join(differing[:5])}: the model or a library changed since the results were made",
            UserWarning,
            stacklevel=3,
        )
    title = f"Collaboration network: {task.variant}, replicate {task.replicate}, step {task.steps}"
    return plot_network(model, out / "network", formats=formats, title=title)
