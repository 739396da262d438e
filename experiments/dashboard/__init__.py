"""The browser dashboard: one model explored interactively with Mesa's SolaraViz.

``govsim dashboard [CONFIG]`` serves :mod:`experiments.dashboard.app` with ``solara
run``; the config's path reaches the app through the environment variable named by
:data:`CONFIG_ENV`. This package's ``__init__`` imports neither solara nor Mesa's
visualisation, so the model and the controls can be used (and tested) without them.
"""

from experiments.dashboard.controls import (
    CONFIG_ENV,
    VARIANT_ENV,
    DashboardSetup,
    initial_model_kwargs,
    model_params,
    setup_from_config,
    setup_from_environment,
)
from experiments.dashboard.model import DashboardModel

__all__ = [
    "CONFIG_ENV",
    "VARIANT_ENV",
    "DashboardModel",
    "DashboardSetup",
    "initial_model_kwargs",
    "model_params",
    "setup_from_config",
    "setup_from_environment",
]
