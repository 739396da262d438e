"""The browser dashboard: one model explored interactively, served by Solara.

``govsim dashboard [CONFIG]`` serves :mod:`experiments.dashboard.app` with ``solara
run``; the config's path reaches the app through the environment variable named by
:data:`CONFIG_ENV`. This package's ``__init__`` imports neither solara nor matplotlib,
so the settings and the model can be used (and tested) without them. The parts:
:mod:`~experiments.dashboard.controls` (config and settings),
:mod:`~experiments.dashboard.model` (the model built from them),
:mod:`~experiments.dashboard.jurisdictions` (per-jurisdiction indicators),
:mod:`~experiments.dashboard.charts` (pictures redrawn only where they change),
:mod:`~experiments.dashboard.session` (one browser tab's model, worker and Play loop),
:mod:`~experiments.dashboard.components` and :mod:`~experiments.dashboard.app` (the page).
"""

from experiments.dashboard.controls import (
    CONFIG_ENV,
    VARIANT_ENV,
    DashboardSetup,
    Settings,
    initial_settings,
    model_kwargs,
    setup_from_config,
    setup_from_environment,
    with_regime,
)
from experiments.dashboard.model import DashboardModel

__all__ = [
    "CONFIG_ENV",
    "VARIANT_ENV",
    "DashboardModel",
    "DashboardSetup",
    "Settings",
    "initial_settings",
    "model_kwargs",
    "setup_from_config",
    "setup_from_environment",
    "with_regime",
]
