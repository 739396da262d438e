"""One run of the model, as a plain function that any executor can call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["RunTask", "execute_run"]


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
    return frame
