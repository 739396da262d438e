"""The dashboard's views: the collaboration graph and two indicator charts.

Each view is a plain function of the model, which SolaraViz wraps in a component
that re-renders after every Step, Play tick and Reset. Figures are built with
``matplotlib.figure.Figure`` (no pyplot state shared between sessions) and kept to
about 5 x 4 inches, the size of one cell of SolaraViz's grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import solara
from matplotlib.figure import Figure

from experiments.graph_drawing import draw_collaboration_graph
from experiments.plots import INDICATOR_LABELS, style_cycle

if TYPE_CHECKING:
    from experiments.dashboard.model import DashboardModel

__all__ = [
    "CITIZEN_INDICATORS",
    "GOVERNANCE_INDICATORS",
    "CitizenIndicators",
    "CollaborationGraph",
    "GovernanceIndicators",
]

CITIZEN_INDICATORS: tuple[str, ...] = (
    "mean_trust",
    "mean_satisfaction",
    "participation_rate",
    "unrest_rate",
)
GOVERNANCE_INDICATORS: tuple[str, ...] = (
    "compliance_rate",
    "service_coverage",
    "polycentricity",
    "jurisdiction_equity",
)
_DPI = 100


def CollaborationGraph(model: DashboardModel) -> None:
    """The collaboration graph at the model's fixed layout, with what is drawn."""
    fig = Figure(figsize=(5.4, 3.6))
    # a fixed box (legend underneath) is faster than a layout engine, at every step
    ax = fig.add_axes((0.0, 0.2, 1.0, 0.8))
    draw_collaboration_graph(
        ax,
        model,
        model.graph_layout,
        size_by=model.node_size,
        legend="below",
        fontsize=6.0,
        legend_columns=3,
    )
    with solara.Column(gap="2px"):
        # above the figure: text below it would spill out of the grid cell
        solara.Text(
            f"{model.graph_layout.caption()}. Node size: {model.node_size} within each type.",
            style={"font-size": "12px"},
        )
        solara.FigureMatplotlib(fig, format="png", dpi=_DPI)


def CitizenIndicators(model: DashboardModel) -> None:
    """Trust, satisfaction, participation and unrest over time."""
    _indicator_chart(model, CITIZEN_INDICATORS, "Citizens")
    solara.Text(model.describe(), classes=["govsim-status"], style={"font-size": "12px"})


def GovernanceIndicators(model: DashboardModel) -> None:
    """Compliance, service coverage, polycentricity and equity over time."""
    _indicator_chart(model, GOVERNANCE_INDICATORS, "Governance")


def _indicator_chart(model: DashboardModel, indicators: Sequence[str], title: str) -> None:
    frame = model.indicator_frame()
    fig = Figure(figsize=(5.0, 3.6))
    ax = fig.add_axes((0.11, 0.12, 0.86, 0.8))  # a layout engine would triple the render time
    for k, name in enumerate(indicators):
        style = style_cycle(k)
        ax.plot(
            frame.index,
            frame[name],
            label=INDICATOR_LABELS.get(name, name),
            linewidth=1.4,
            markersize=3,
            markevery=max(1, len(frame) // 8),
            **style,
        )
    for event in model.events:
        if 0 < event.step <= model.steps:
            ax.axvline(event.step, color="#555555", linestyle=":", linewidth=1.0)
            ax.annotate(
                "event",
                (event.step, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, -2),
                textcoords="offset points",
                va="top",
                fontsize=7,
                color="#555555",
            )
    ax.set_xlim(0, max(10, model.steps))
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("Step", fontsize=8)
    ax.set_ylabel("Share or index (0-1)", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3, linewidth=0.5)
    ax.legend(fontsize=6.5, loc="lower left", frameon=True, framealpha=0.85)
    solara.FigureMatplotlib(fig, format="png", dpi=_DPI)
