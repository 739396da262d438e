"""Sweeps: designs over model keys x variants x replicates, streamed to Parquet, resumable.

The notebook API (names load on first use, so that reading a config does not
import pandas or SALib)::

    from experiments.sweep import load_results, aggregate_by_point, sensitivity_indices
    results = load_results("out/sweep")
    table = aggregate_by_point(results, ["mean_trust"])

Its figures are :mod:`experiments.present.sweep` (``plot_heatmaps``, ``plot_sensitivity``).

See ``docs/SWEEPS.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "SweepResults",
    "SweepSpec",
    "aggregate_by_point",
    "build_design",
    "load_results",
    "rerun",
    "run_sweep",
    "sensitivity_indices",
]

_HOMES = {
    "SweepResults": "experiments.sweep.results",
    "load_results": "experiments.sweep.results",
    "SweepSpec": "experiments.sweep.spec",
    "build_design": "experiments.sweep.designs",
    "aggregate_by_point": "experiments.sweep.aggregate",
    "sensitivity_indices": "experiments.sweep.sensitivity",
    "rerun": "experiments.sweep.replay",
    "run_sweep": "experiments.sweep.execute",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'experiments.sweep' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)


def __dir__() -> list[str]:
    return sorted(__all__)
