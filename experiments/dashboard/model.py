"""The model as the dashboard builds it: keyword arguments in, a GovernanceModel out.

SolaraViz's Reset button rebuilds the model as ``type(model)(**control_values)``, so
the dashboard needs a model class whose constructor takes each control as a keyword.
:class:`DashboardModel` is that class: it overlays the controls on a base
configuration and keeps the graph view's layout, computed once per model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from experiments.graph_drawing import DEFAULT_SAMPLE, GraphLayout, layout_collaboration_graph
from sim import GovernanceModel, ModelParams

__all__ = ["LEVER_CONTROLS", "DashboardModel"]

# Levers with a slider: the key levers of the regimes, then the incentives.
LEVER_CONTROLS: tuple[str, ...] = (
    "allocation_centralization",
    "inspection_probability",
    "fine",
    "transparency",
    "coercion",
    "voice_cost",
    "participation_reward",
    "compliance_subsidy",
    "evaluation_satisfaction",
)


class DashboardModel(GovernanceModel):
    """A :class:`~sim.GovernanceModel` built from the dashboard's controls.

    Every argument left at None keeps the value of ``base`` (itself defaulting to
    :class:`~sim.ModelParams`), so all defaults still come from :mod:`sim.params`.

    Parameters
    ----------
    regime, decentralization, citizens
        Override the base configuration's values.
    use_lever_sliders
        When true, the lever arguments (those in :data:`LEVER_CONTROLS`) override the
        regime's preset; when false they are ignored, so choosing a regime gives its
        preset (plus any lever overrides in ``base``).
    node_size
        How the graph view sizes nodes: ``"capacity"`` or ``"degree"``.
    base
        Model parameters (a mapping as in a config's ``model`` block).
    events
        Timeline, as in a config's ``events`` block.
    rng
        Seed of the run.
    sample_size
        Citizens drawn in the graph view.
    **levers
        Values for the levers in :data:`LEVER_CONTROLS`.

    Examples
    --------
    >>> m = DashboardModel(regime="top_down", citizens=100, base={"jurisdictions": 2}, rng=1)
    >>> m.levers.coercion, m.params.jurisdictions
    (0.7, 2)
    >>> DashboardModel(regime="top_down", use_lever_sliders=True, fine=9.0, citizens=100, rng=1).levers.fine
    9.0
    """

    def __init__(
        self,
        regime: str | None = None,
        decentralization: float | None = None,
        citizens: int | None = None,
        use_lever_sliders: bool = False,
        allocation_centralization: float | None = None,
        inspection_probability: float | None = None,
        fine: float | None = None,
        transparency: float | None = None,
        coercion: float | None = None,
        voice_cost: float | None = None,
        participation_reward: float | None = None,
        compliance_subsidy: float | None = None,
        evaluation_satisfaction: float | None = None,
        node_size: str = "capacity",
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
        if use_lever_sliders:
            chosen = {
                "allocation_centralization": allocation_centralization,
                "inspection_probability": inspection_probability,
                "fine": fine,
                "transparency": transparency,
                "coercion": coercion,
                "voice_cost": voice_cost,
                "participation_reward": participation_reward,
                "compliance_subsidy": compliance_subsidy,
                "evaluation_satisfaction": evaluation_satisfaction,
            }
            levers = dict(data.get("levers") or {})
            levers.update({k: float(v) for k, v in chosen.items() if v is not None})
            data["levers"] = levers
        super().__init__(ModelParams.model_validate(data), rng=rng, events=list(events))
        self.node_size = node_size
        # the view's layout, once per model: stepping never recomputes it
        self.graph_layout: GraphLayout = layout_collaboration_graph(self, sample_size)

    def describe(self) -> str:
        """One line: step, regime, decentralisation and the levers in force."""
        lv = self.levers
        return (
            f"Step {self.steps} | regime {self.params.regime} | decentralisation "
            f"{self.params.decentralization:.2f} | inspection {lv.inspection_probability:.2f}, "
            f"fine {lv.fine:.1f}, transparency {lv.transparency:.2f}, coercion {lv.coercion:.2f}, "
            f"reward {lv.participation_reward:.2f}, subsidy {lv.compliance_subsidy:.2f}"
        )
