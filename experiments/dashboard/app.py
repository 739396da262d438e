"""The dashboard page: ``solara run experiments/dashboard/app.py`` (``govsim dashboard`` does it).

The config comes from the environment (:data:`~experiments.dashboard.CONFIG_ENV`);
without one, the model has every default of :mod:`sim.params` (2,000 citizens).
Controls take effect on **Reset**, which rebuilds the model from them; Step and Play
advance the current model.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from experiments.dashboard.components import (
    CitizenIndicators,
    CollaborationGraph,
    GovernanceIndicators,
)
from experiments.dashboard.controls import (
    initial_model_kwargs,
    model_params,
    setup_from_environment,
)
from experiments.dashboard.model import DashboardModel

__all__ = ["COMPONENTS", "Page"]

COMPONENTS = [(CollaborationGraph, 0), (CitizenIndicators, 0), (GovernanceIndicators, 0)]


@solara.component
def Page() -> None:
    """One model per browser session (a module-level model would be shared by all)."""
    setup = solara.use_memo(setup_from_environment, [])
    controls = solara.use_memo(lambda: model_params(setup), [])
    model = solara.use_memo(lambda: DashboardModel(**initial_model_kwargs(setup)), [])
    SolaraViz(
        model, components=COMPONENTS, model_params=controls, name=setup.title, play_interval=150
    )
