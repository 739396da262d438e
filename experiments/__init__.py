"""Everything around a run of the model: configs, runs, storage, analysis, plots, CLI.

Names are imported on first use, so that the command line starts without loading
the model and its dependencies.

>>> from experiments import load_config
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["ExperimentConfig", "RunSpec", "UserError", "load_config", "load_config_text"]

_HOME = {
    "ExperimentConfig": "experiments.config",
    "RunSpec": "experiments.config",
    "load_config": "experiments.config",
    "load_config_text": "experiments.config",
    "UserError": "experiments.errors",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")
