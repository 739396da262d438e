"""One run of the model, as a plain function that any executor can call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["RunTask", "execute_run", "execute_run_tables"]

# identifying columns of every row of a run's tables
_ID_COLUMNS = ("variant", "replicate", "seed")


@dataclass(frozen=True)
class RunTask:
    """Everything needed to reproduce one run, bit for bit.

    Attributes
    ----------
    variant
        Name of the variant (or design point) the run belongs to.
    replicate
        Replicate number within the variant.
    seed
        Integer seed of the run's generator (see :mod:`experiments.seeds`).
    model
        ``ModelParams`` as a JSON-compatible dict.
    events
        Timeline as a list of JSON-compatible dicts.
    steps
        Steps to run.
    record_every
        Keep every k-th step (the last step is always kept).
    """

    variant: str
    replicate: int
    seed: int
    model: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    steps: int = 200
    record_every: int = 1


def execute_run(task: RunTask) -> pd.DataFrame:
    """Build the model, run it, return its indicators with identifying columns.

    Columns: ``variant``, ``replicate``, ``seed``, ``step``, then one per indicator.
    """
    return execute_run_tables(task)[0]


def execute_run_tables(task: RunTask) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`execute_run`'s indicators, and the same run's indicators per jurisdiction.

    The second table has columns ``variant``, ``replicate``, ``seed``, ``step``,
    ``jurisdiction``, then one per :data:`sim.jurisdiction_frame.JURISDICTION_INDICATORS`,
    and keeps the same steps as the first (pilot scope).
    """
    from sim import GovernanceModel

    model = GovernanceModel(task.model, rng=task.seed, events=task.events, agent_views=False)
    model.run(task.steps)
    frame = model.indicator_frame().reset_index()
    if task.record_every > 1:
        keep = (frame["step"] % task.record_every == 0) | (frame["step"] == task.steps)
        frame = frame[keep].reset_index(drop=True)
    frame.insert(0, "seed", task.seed)
    frame.insert(0, "replicate", task.replicate)
    frame.insert(0, "variant", task.variant)
    return frame, _identified(model.jurisdiction_frame(), task, set(frame["step"]))


def _identified(table: pd.DataFrame, task: RunTask, steps: set[int]) -> pd.DataFrame:
    """``table``'s rows of the kept ``steps``, with the run's identifying columns first."""
    table = table[table["step"].isin(steps)].reset_index(drop=True)
    identity = (task.variant, task.replicate, task.seed)
    for name, value in reversed(list(zip(_ID_COLUMNS, identity, strict=True))):
        table.insert(0, name, value)
    return table
