"""Everything around a run of the model: configs, runs, storage, analysis, plots, CLI.

>>> from experiments import load_config
"""

from experiments.config import ExperimentConfig, RunSpec, load_config, load_config_text
from experiments.errors import UserError

__all__ = ["ExperimentConfig", "RunSpec", "UserError", "load_config", "load_config_text"]
