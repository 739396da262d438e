"""Drawing the collaboration graph at its fixed layout, and the network figure for papers.

Shared by the network figure (:func:`network_figure`, drawn by ``govsim plot``)
and the dashboard's graph view. Ties drawn: all organisational ties (regulation,
partnership, cooperation) and the centre-local hierarchy, weighted; and the social,
customer and membership ties among the drawn nodes, thin and light.
Citizen-to-local-government ties are not drawn: a citizen's place in its
jurisdiction's disc already says which government it belongs to. Which nodes are
drawn, and where, is :mod:`experiments.present.network_layout`.

Actor types differ by marker shape as well as colour, so the drawing reads in
greyscale; co-producing citizens are filled, the others hollow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from experiments.present.network_layout import (
    DEFAULT_SAMPLE,
    GraphLayout,
    layout_collaboration_graph,
)
from experiments.present.style import OKABE_ITO, save_figure

if TYPE_CHECKING:
    from sim import GovernanceModel

__all__ = [
    "KIND_STYLES",
    "KindStyle",
    "draw_collaboration_graph",
    "network_figure",
    "plot_network",
]

SizeBy = Literal["capacity", "degree"]


@dataclass(frozen=True)
class KindStyle:
    """How one actor type is drawn: colour (Okabe-Ito), marker, label, base area (pt²)."""

    color: str
    marker: str
    label: str
    area: float


KIND_STYLES: dict[str, KindStyle] = {
    "citizen": KindStyle(OKABE_ITO["sky blue"], "o", "Citizen", 12.0),
    "enterprise": KindStyle(OKABE_ITO["vermillion"], "^", "Enterprise", 24.0),
    "social_org": KindStyle(OKABE_ITO["bluish green"], "D", "Social organisation", 18.0),
    "government": KindStyle(OKABE_ITO["blue"], "s", "Government", 80.0),
}
_KIND_ORDER = ("citizen", "enterprise", "social_org", "government")
_CITIZEN_EDGE = "#1f4e66"  # outline of a co-producing citizen: darker than its fill
_ORG_EDGE_KINDS = frozenset({"regulation", "partnership", "cooperation", "hierarchy"})


def network_figure(
    model: GovernanceModel,
    max_citizens: int = DEFAULT_SAMPLE,
    seed: int = 0,
    size_by: SizeBy = "capacity",
    title: str | None = None,
) -> Figure:
    """A snapshot of the model's collaboration graph, coloured and shaped by actor type.

    Parameters
    ----------
    model
        The model, at the step to draw.
    max_citizens
        Size of the citizen sample (stratified by jurisdiction, drawn with ``seed``
        from a generator of its own: drawing never changes the run).
    seed
        Seed of the sample.
    size_by
        What node sizes show (see :func:`draw_collaboration_graph`).
    title
        Title above the drawing, or None.
    """
    layout = layout_collaboration_graph(model, max_citizens, seed)
    fig = Figure(figsize=(7.0, 7.0))
    ax = fig.subplots()
    draw_collaboration_graph(ax, model, layout, size_by=size_by, legend="below", fontsize=8.0)
    if title:
        ax.set_title(title, fontsize=10)
    # the caption goes right under the legend, wherever the equal-aspect drawing put it
    fig.draw_without_rendering()
    legend_box = ax.get_legend().get_window_extent().transformed(fig.transFigure.inverted())
    caption = f"{layout.caption()}.\nNode size: {size_by} within each type."
    fig.text(0.5, legend_box.y0 - 0.01, caption, ha="center", va="top", fontsize=7.5)
    return fig


def plot_network(
    model: GovernanceModel,
    out: Path,
    formats: Sequence[str] = ("png", "pdf"),
    max_citizens: int = DEFAULT_SAMPLE,
    seed: int = 0,
    size_by: SizeBy = "capacity",
    title: str | None = None,
) -> list[Path]:
    """Save :func:`network_figure` as ``out.<format>``; returns the files written."""
    return save_figure(network_figure(model, max_citizens, seed, size_by, title), out, formats)


def _node_sizes(model: GovernanceModel, layout: GraphLayout, size_by: SizeBy) -> np.ndarray:
    """Marker areas: each type's base area scaled by capacity or degree within the type."""
    sizes = np.empty(layout.nodes.size)
    if size_by == "degree":
        graph = model.graph
        value = np.array([graph.degree(int(v)) for v in layout.nodes], dtype=np.float64)
    elif size_by == "capacity":
        value = np.empty(layout.nodes.size)
        for kind, source in (
            ("citizen", model.social.degree),
            ("enterprise", model.enterprises.capacity),
            ("social_org", model.social_orgs.capacity),
            ("government", model.governments.service_budget),
        ):
            mask = layout.kinds == kind
            value[mask] = np.asarray(source, dtype=np.float64)[layout.rows[mask]]
    else:
        raise ValueError(f"size_by must be 'capacity' or 'degree' (got {size_by!r})")
    for kind in _KIND_ORDER:
        mask = layout.kinds == kind
        if not mask.any():
            continue
        top = value[mask].max()
        # square root: a hub with 50 ties should not hide its neighbours
        scaled = np.sqrt(value[mask] / top) if top > 0 else np.ones(mask.sum())
        sizes[mask] = KIND_STYLES[kind].area * (0.3 + 1.2 * scaled)
    return sizes


def draw_collaboration_graph(
    ax: Axes,
    model: GovernanceModel,
    layout: GraphLayout,
    size_by: SizeBy = "capacity",
    legend: Literal["below", "right"] | None = "below",
    fontsize: float = 7.0,
    legend_columns: int = 2,
) -> None:
    """Draw the model's current collaboration graph on ``ax`` at the fixed layout.

    Parameters
    ----------
    ax
        Matplotlib axes to draw on (its axis lines and ticks are switched off).
    model
        The model; its current ties and states are read, the layout is not recomputed.
    layout
        From :func:`layout_collaboration_graph` for this model.
    size_by
        ``"capacity"``: enterprises and social organisations by capacity, governments
        by this step's service budget, citizens by their number of social ties;
        ``"degree"``: every node by its number of ties in the collaboration graph.
        Sizes compare actors of the same type only.
    legend
        Where to put the legend of actor types and tie weights, or None for none.
    fontsize
        Size of labels and legend text (points).
    legend_columns
        Columns of a legend placed below.
    """
    # marker areas and line widths are in points: scale them with the axes, so that
    # a small dashboard panel and a full-page figure look alike
    fig = ax.get_figure()
    width_in = ax.get_position().width * fig.get_figwidth()
    scale = float(np.clip(width_in / 6.0, 0.35, 1.5))

    for j, centre in enumerate(layout.centres):
        ax.add_patch(
            Circle(
                centre,
                layout.radius * 1.06,
                facecolor="#f0f0f0",
                edgecolor="#9a9a9a",
                linewidth=0.6,
                linestyle="--",
                zorder=0,
            )
        )
        norm = float(np.hypot(*centre))
        outward = centre / norm if norm > 0 else np.array([0.0, 1.0])
        # labels beside a disc on the left or right grow away from it
        side = "left" if outward[0] > 0.3 else "right" if outward[0] < -0.3 else "center"
        ax.text(
            *(centre + outward * layout.radius * 1.15),
            f"Jurisdiction {j + 1}",
            ha=side,
            va="center",
            fontsize=fontsize,
            color="#333333",
        )

    where = {int(v): k for k, v in enumerate(layout.nodes)}
    light, weighted, weights = [], [], []
    for u, v, data in model.graph.subgraph(layout.nodes.tolist()).edges(data=True):
        kind = data.get("kind")
        if kind == "jurisdiction":
            continue
        segment = (layout.positions[where[u]], layout.positions[where[v]])
        if kind in _ORG_EDGE_KINDS:
            weighted.append(segment)
            weights.append(float(data.get("weight", 1.0)))
        else:
            light.append(segment)
    if light:
        ax.add_collection(
            LineCollection(light, colors="#b8b8b8", linewidths=0.3 * scale, alpha=0.6, zorder=1)
        )
    if weighted:
        w = np.clip(np.asarray(weights), 0.0, 1.0)
        order = np.argsort(w, kind="stable")  # strong ties on top
        ax.add_collection(
            LineCollection(
                [weighted[k] for k in order],
                colors=_tie_grey(w[order]),
                linewidths=_tie_width(w[order]) * scale,
                zorder=2,
            )
        )

    sizes = _node_sizes(model, layout, size_by) * scale**2
    cooperating = np.zeros(layout.nodes.size, dtype=bool)
    is_citizen = layout.kinds == "citizen"
    cooperating[is_citizen] = np.asarray(model.citizens.cooperate)[layout.rows[is_citizen]]
    for kind in _KIND_ORDER:
        style = KIND_STYLES[kind]
        mask = layout.kinds == kind
        if not mask.any():
            continue
        xy, area = layout.positions[mask], sizes[mask]
        if kind == "citizen":
            on = cooperating[mask]
            ax.scatter(
                *xy[on].T,
                s=area[on],
                c=style.color,
                marker=style.marker,
                linewidths=0.3 * scale,
                edgecolors=_CITIZEN_EDGE,
                zorder=3,
            )
            ax.scatter(
                *xy[~on].T,
                s=area[~on],
                facecolors="white",
                marker=style.marker,
                linewidths=0.6 * scale,
                edgecolors=style.color,
                zorder=3,
            )
        else:
            ax.scatter(
                *xy.T,
                s=area,
                c=style.color,
                marker=style.marker,
                linewidths=0.6 * scale,
                edgecolors="black",
                zorder=4,
            )
    centre_row = int(np.flatnonzero(layout.kinds == "government")[-1])
    ax.annotate(
        "Central\ngovernment",
        layout.positions[centre_row],
        xytext=(0, -8 * scale - 2),
        textcoords="offset points",
        ha="center",
        va="top",
        fontsize=fontsize,
        bbox={
            "boxstyle": "round,pad=0.15",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.8,
        },
        zorder=5,
    )

    # fit the discs and their labels; side labels need room for about a word and a half
    (x0, y0), (x1, y1) = layout.centres.min(axis=0), layout.centres.max(axis=0)
    r = layout.radius
    ax.set_xlim(min(x0, 0.0) - 1.15 * r - 0.55, max(x1, 0.0) + 1.15 * r + 0.55)
    ax.set_ylim(min(y0, 0.0) - 1.35 * r, max(y1, 0.0) + 1.35 * r)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if legend is not None:
        placement = (
            {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "ncol": legend_columns}
            if legend == "below"
            else {"loc": "center left", "bbox_to_anchor": (1.0, 0.5), "ncol": 1}
        )
        ax.legend(
            handles=_legend_handles(),
            fontsize=fontsize - 0.5,
            frameon=False,
            handletextpad=0.4,
            columnspacing=1.0,
            **placement,
        )


def _legend_handles() -> list[Line2D]:
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=KIND_STYLES[k].marker,
            markersize=6,
            markerfacecolor=KIND_STYLES[k].color,
            markeredgecolor="black",
            markeredgewidth=0.5,
            label=KIND_STYLES[k].label,
        )
        for k in ("government", "enterprise", "social_org")
    ]
    citizen = KIND_STYLES["citizen"].color
    handles += [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=4,
            markerfacecolor=citizen,
            markeredgecolor=_CITIZEN_EDGE,
            markeredgewidth=0.4,
            label="Citizen, co-producing",
        ),
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=4,
            markerfacecolor="white",
            markeredgecolor=citizen,
            label="Citizen, not co-producing",
        ),
        Line2D([], [], color="#b8b8b8", linewidth=0.6, label="Citizen tie"),
        Line2D(
            [],
            [],
            color=_tie_grey(np.array([0.2]))[0],
            linewidth=_tie_width(0.2),
            label="Organisational tie, weight 0.2",
        ),
        Line2D(
            [],
            [],
            color=_tie_grey(np.array([1.0]))[0],
            linewidth=_tie_width(1.0),
            label="Organisational tie, weight 1",
        ),
    ]
    return handles


def _tie_width(weight: np.ndarray | float) -> np.ndarray | float:
    return 0.2 + 1.4 * np.asarray(weight) ** 2


def _tie_grey(weight: np.ndarray) -> np.ndarray:
    """RGBA greys: light for weak ties, near black for strong ones."""
    level = 0.8 - 0.75 * weight
    alpha = 0.35 + 0.65 * weight
    return np.column_stack([level, level, level, alpha])
