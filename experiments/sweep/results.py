"""Reading a sweep folder back: manifest, design, one row per run, per-step rows on demand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.errors import UserError
from experiments.pipeline.store import MANIFEST, SweepStore, check_sweep_manifest
from experiments.sweep.designs import Design

__all__ = ["FINAL_PREFIX", "SweepResults", "load_results"]

FINAL_PREFIX = "final_"


@dataclass
class SweepResults:
    """A sweep's results.

    Attributes
    ----------
    root
        The sweep folder.
    manifest
        ``manifest.json``: resolved config, design, seeds, versions, sessions.
    design
        The design points (and sampler coordinates).
    runs
        One row per recorded run, sorted by ``run_id``: ``variant``, ``point``,
        ``replicate``, ``seed``, the swept keys, ``status``, ``error``,
        ``wall_seconds`` and ``final_<indicator>`` for every indicator.
    """

    root: Path
    manifest: dict[str, Any]
    design: Design
    runs: pd.DataFrame

    @property
    def parameters(self) -> list[str]:
        """The swept keys."""
        return self.design.names

    @property
    def variants(self) -> list[str]:
        """Variant names in config order."""
        return list(self.manifest["runs"]["variants"])

    @property
    def ok(self) -> pd.DataFrame:
        """The runs that finished without error."""
        return self.runs[self.runs["status"] == "ok"]

    def timeseries(
        self, columns: Sequence[str] | None = None, run_ids: Sequence[int] | None = None
    ) -> pd.DataFrame:
        """Per-step rows (only committed batches), optionally some indicators or runs only."""
        return SweepStore(self.root).read_timeseries(columns, run_ids)


def load_results(root: str | Path) -> SweepResults:
    """Open a sweep folder written by ``govsim sweep`` (complete or not).

    Raises
    ------
    UserError
        When the folder holds no sweep.
    """
    root = Path(root)
    store = SweepStore(root)
    manifest = store.read_manifest() if root.is_dir() else None
    if manifest is None or manifest.get("kind") != "sweep":
        raise UserError(
            f"{root}: not a sweep folder (no sweep manifest.json); run govsim sweep first"
        )
    check_sweep_manifest(manifest, root / MANIFEST)
    design = Design.from_frame(store.read_design(), manifest["design"]["kind"], manifest["design"])
    return SweepResults(root, manifest, design, store.read_runs())
