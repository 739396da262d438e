"""The model as the dashboard builds it: settings in, a GovernanceModel out.

:class:`DashboardModel` overlays the dashboard's settings on a base configuration,
keeps the graph view's layout (computed once per model) and records each step's
per-jurisdiction indicators (:mod:`experiments.dashboard.jurisdictions`) for the
per-jurisdiction view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from experiments.dashboard.jurisdictions import JURISDICTION_INDICATORS, jurisdiction_values
from experiments.present.network_layout import (
    DEFAULT_SAMPLE,
    GraphLayout,
    layout_collaboration_graph,
)
from sim import GovernanceModel, ModelParams

__all__ = ["DashboardModel"]


class DashboardModel(GovernanceModel):
    """A :class:`~sim.GovernanceModel` built from the dashboard's settings.

    Every argument left at None keeps the value of ``base`` (itself defaulting to
    :class:`~sim.ModelParams`), so all defaults still come from :mod:`sim.params`.

    Parameters
    ----------
    regime, decentralization, citizens
        Override the base configuration's values.
    levers
        Lever overrides on top of the regime's preset (and of ``base``'s overrides).
    base
        Model parameters (a mapping as in a config's ``model`` block).
    events
        Timeline, as in a config's ``events`` block.
    rng
        Seed of the run.
    sample_size
        Citizens drawn in the graph view.

    Examples
    --------
    >>> m = DashboardModel(regime="top_down", citizens=100, base={"jurisdictions": 2}, rng=1)
    >>> m.levers.coercion, m.params.jurisdictions
    (0.7, 2)
    >>> DashboardModel(regime="top_down", levers={"fine": 9.0}, citizens=100, rng=1).levers.fine
    9.0
    """

    def __init__(
        self,
        regime: str | None = None,
        decentralization: float | None = None,
        citizens: int | None = None,
        levers: Mapping[str, float] | None = None,
        base: Mapping[str, Any] | None = None,
        events: Sequence[Mapping[str, Any]] = (),
        rng: int | np.random.Generator | None = None,
        sample_size: int = DEFAULT_SAMPLE,
    ) -> None:
        data = ModelParams.model_validate(dict(base or {})).model_dump(exclude_unset=True)
        for key, value in (
            ("regime", regime),
            ("decentralization", decentralization),
            ("citizens", citizens),
        ):
            if value is not None:
                data[key] = value
        if levers:
            data["levers"] = dict(data.get("levers") or {}) | {
                k: float(v) for k, v in levers.items()
            }
        super().__init__(ModelParams.model_validate(data), rng=rng, events=list(events))
        # the view's layout, once per model: stepping never recomputes it
        self.graph_layout: GraphLayout = layout_collaboration_graph(self, sample_size)
        # one row per step from step 0, like the indicator table
        self.jurisdiction_history: dict[str, list[np.ndarray]] = {
            name: [] for name in JURISDICTION_INDICATORS
        }
        self._record_jurisdictions()

    def step(self) -> None:
        """One model step, then this step's per-jurisdiction indicators."""
        super().step()
        self._record_jurisdictions()

    def jurisdiction_series(self, name: str) -> np.ndarray:
        """``(steps + 1, J)`` values of one per-jurisdiction indicator, from step 0."""
        return np.vstack(self.jurisdiction_history[name])

    def _record_jurisdictions(self) -> None:
        for name, values in jurisdiction_values(self).items():
            self.jurisdiction_history[name].append(values)

    def describe(self) -> str:
        """One line: step, regime, decentralisation and the levers in force."""
        lv = self.levers
        return (
            f"Step {self.steps} | regime {self.params.regime} | decentralisation "
            f"{self.params.decentralization:.2f} | inspection {lv.inspection_probability:.2f}, "
            f"fine {lv.fine:.1f}, transparency {lv.transparency:.2f}, coercion {lv.coercion:.2f}, "
            f"reward {lv.participation_reward:.2f}, subsidy {lv.compliance_subsidy:.2f}"
        )
