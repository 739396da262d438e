"""Reproduce one run of a sweep from its folder and check it against the stored rows, bit for bit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from experiments.config import ExperimentConfig, format_validation_error
from experiments.errors import UserError
from experiments.pipeline.loop import RunOutcome, run_one
from experiments.sweep.execute import open_plan
from experiments.sweep.results import FINAL_PREFIX, load_results

__all__ = ["RerunReport", "rerun"]


@dataclass
class RerunReport:
    """The rerun of one run and how it compares with what the sweep stored."""

    run_id: int
    identity: dict[str, Any]
    outcome: RunOutcome
    stored: bool
    mismatches: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """The run was stored and every stored value was reproduced exactly."""
        return self.stored and not self.mismatches


def rerun(root: str | Path, run_id: int) -> RerunReport:
    """Rebuild run ``run_id`` from the manifest's config and the stored design, run it, compare.

    Compared exactly (NaN equals NaN): status, error message, every per-step row
    and every final indicator.

    Raises
    ------
    UserError
        For a folder without a sweep, an unknown run id, or a stored config that
        no longer validates against this version of the model.
    """
    results = load_results(root)
    try:
        config = ExperimentConfig.model_validate(results.manifest["config"])
    except ValidationError as error:
        raise UserError(
            f"{root}: the sweep's config no longer validates with this version of govsim:\n"
            + format_validation_error(error)
        ) from None
    plan = open_plan(config, results.design.to_frame(), results.manifest)
    run = plan.run(run_id)
    outcome = run_one(run)
    report = RerunReport(run_id, plan.identity(run_id), outcome, stored=False)
    stored = results.runs[results.runs["run_id"] == run_id]
    if stored.empty:
        return report
    report.stored = True
    row = stored.iloc[0]
    if row["status"] != outcome.status:
        report.mismatches.append(f"status: stored {row['status']}, rerun {outcome.status}")
        return report
    if outcome.status == "failed":
        if row["error"] != outcome.error:
            report.mismatches.append(f"error: stored {row['error']!r}, rerun {outcome.error!r}")
        return report
    for name, value in outcome.final.items():
        if not _same(
            np.asarray([row[FINAL_PREFIX + name]], np.float64), np.asarray([value], np.float64)
        ):
            report.mismatches.append(
                f"final {name}: stored {row[FINAL_PREFIX + name]!r}, rerun {value!r}"
            )
    if outcome.timeseries is not None:  # None when the sweep keeps final values only
        series = results.timeseries(run_ids=[run_id])
        report.mismatches += _compare_frames(series, outcome.timeseries)
    return report


def _compare_frames(stored: pd.DataFrame, fresh: pd.DataFrame) -> list[str]:
    if list(stored.columns) != list(fresh.columns):
        return [f"columns: stored {list(stored.columns)}, rerun {list(fresh.columns)}"]
    if len(stored) != len(fresh):
        return [f"rows: stored {len(stored)}, rerun {len(fresh)}"]
    problems = []
    for column in fresh.columns:
        a, b = stored[column].to_numpy(), fresh[column].to_numpy()
        if np.issubdtype(a.dtype, np.floating) and np.issubdtype(b.dtype, np.floating):
            equal = np.isclose(a, b, rtol=0.0, atol=0.0, equal_nan=True)
        else:
            equal = np.asarray([x == y for x, y in zip(a.tolist(), b.tolist(), strict=True)])
        if not equal.all():
            first = int(np.flatnonzero(~equal)[0])
            problems.append(
                f"{column}: {int((~equal).sum())} rows differ, first at step {fresh['step'].iloc[first]} "
                f"(stored {a[first]!r}, rerun {b[first]!r})"
            )
    return problems


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b, equal_nan=True))
