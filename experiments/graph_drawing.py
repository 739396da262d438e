"""Drawing the collaboration graph: a fixed layout by jurisdiction, a sample of citizens.

Shared by the network figure for papers (:func:`experiments.plots.plot_network`) and
the dashboard's graph view. Two choices keep it readable and fast at the default
size (2,000 citizens, 146 organisations and governments, about 9,000 ties):

- **What is drawn.** Every organisation and government, and a sample of citizens
  (300 by default) stratified by jurisdiction, each jurisdiction contributing in
  proportion to its population. Ties drawn: all organisational ties (regulation,
  partnership, cooperation) and the centre-local hierarchy, weighted; and the
  social, customer and membership ties among the drawn nodes, thin and light.
  Citizen-to-local-government ties are not drawn: a citizen's place in its
  jurisdiction's disc already says which government it belongs to.
- **Where.** A geometric layout computed once per model (no force-directed layout,
  which would cost seconds at this size and move nodes between frames): local
  governments evenly on a circle, the central government in its middle, each
  jurisdiction a disc around its government with its organisations on an inner
  ring and its sampled citizens on a sunflower spiral outside it, best-connected
  citizens innermost. Jurisdictions, and so decentralisation, stay visible.

Actor types differ by marker shape as well as colour, so the drawing reads in
greyscale; co-producing citizens are filled, the others hollow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim import GovernanceModel

__all__ = [
    "DEFAULT_SAMPLE",
    "KIND_STYLES",
    "GraphLayout",
    "KindStyle",
    "draw_collaboration_graph",
    "layout_collaboration_graph",
]

DEFAULT_SAMPLE = 300
SizeBy = Literal["capacity", "degree"]


@dataclass(frozen=True)
class KindStyle:
    """How one actor type is drawn: colour (Okabe-Ito), marker, label, base area (pt²)."""

    color: str
    marker: str
    label: str
    area: float


KIND_STYLES: dict[str, KindStyle] = {
    "citizen": KindStyle("#56B4E9", "o", "Citizen", 12.0),
    "enterprise": KindStyle("#D55E00", "^", "Enterprise", 24.0),
    "social_org": KindStyle("#009E73", "D", "Social organisation", 18.0),
    "government": KindStyle("#0072B2", "s", "Government", 80.0),
}
_KIND_ORDER = ("citizen", "enterprise", "social_org", "government")
_CITIZEN_EDGE = "#1f4e66"  # outline of a co-producing citizen: darker than its fill
_ORG_EDGE_KINDS = frozenset({"regulation", "partnership", "cooperation", "hierarchy"})
_GOLDEN_ANGLE = np.pi * (3.0 - np.sqrt(5.0))


@dataclass(frozen=True)
class GraphLayout:
    """The nodes drawn and their fixed positions.

    Attributes
    ----------
    nodes
        Node ids of the collaboration graph that are drawn.
    positions
        ``(len(nodes), 2)`` coordinates, row-aligned with ``nodes``.
    kinds, rows
        Actor type of each drawn node and its row in that type's arrays.
    centres
        ``(J, 2)`` centre of each jurisdiction's disc; ``radius`` is the discs' radius.
    citizens_shown, citizens_total
        Size of the citizen sample and of the population.
    """

    nodes: np.ndarray
    positions: np.ndarray
    kinds: np.ndarray
    rows: np.ndarray
    centres: np.ndarray
    radius: float
    citizens_shown: int
    citizens_total: int

    def caption(self) -> str:
        """One line saying what is drawn."""
        organisations = int((self.kinds != "citizen").sum())
        return (
            f"All {organisations} organisations and governments; {self.citizens_shown:,} of "
            f"{self.citizens_total:,} citizens (sample stratified by jurisdiction)"
        )


def layout_collaboration_graph(
    model: GovernanceModel, max_citizens: int = DEFAULT_SAMPLE, seed: int = 0
) -> GraphLayout:
    """Choose the nodes to draw and place them; call once per model, not per frame.

    Parameters
    ----------
    model
        The model whose collaboration graph (``model.graph``) is drawn.
    max_citizens
        Size of the citizen sample (all citizens if the population is smaller).
    seed
        Seed of the sample. The sample uses its own generator, never the model's,
        so drawing a model does not change its run.
    """
    ids = model.node_ids
    n_jur = ids.jurisdictions
    n_cit = ids.citizens
    sample = _stratified_sample(
        model.citizens.jurisdiction, max_citizens, np.random.default_rng(seed)
    )

    if n_jur == 1:
        centres = np.zeros((1, 2))
        radius = 0.9
    else:
        angles = np.pi / 2 - 2 * np.pi * np.arange(n_jur) / n_jur
        centres = np.column_stack([np.cos(angles), np.sin(angles)])
        # discs of neighbouring jurisdictions must not overlap
        radius = min(0.42, 0.45 * 2 * np.sin(np.pi / n_jur))

    nodes: list[int] = []
    kinds: list[str] = []
    rows: list[int] = []
    positions: list[np.ndarray] = []

    def place(kind: str, row_ids: np.ndarray, node_ids: np.ndarray, xy: np.ndarray) -> None:
        nodes.extend(node_ids.tolist())
        kinds.extend([kind] * len(row_ids))
        rows.extend(row_ids.tolist())
        positions.append(xy.reshape(-1, 2))

    degree = model.social.degree
    ent_jur = model.enterprises.jurisdiction
    org_jur = model.social_orgs.jurisdiction
    for j in range(n_jur):
        centre = centres[j]
        place("government", np.array([j]), np.array([ids.government(j)]), centre)
        # organisations on an inner ring: enterprises then social organisations
        ents = np.flatnonzero(ent_jur == j)
        orgs = np.flatnonzero(org_jur == j)
        k = ents.size + orgs.size
        if k:
            theta = np.pi / 2 + 2 * np.pi * np.arange(k) / k
            ring = centre + 0.5 * radius * np.column_stack([np.cos(theta), np.sin(theta)])
            place("enterprise", ents, ids.enterprise(ents), ring[: ents.size])
            place("social_org", orgs, ids.social_org(orgs), ring[ents.size :])
        # sampled citizens on a sunflower spiral in the outer annulus, hubs innermost
        mine = sample[model.citizens.jurisdiction[sample] == j]
        mine = mine[np.argsort(-degree[mine], kind="stable")]
        m = mine.size
        if m:
            inner, outer = 0.64 * radius, radius
            r = np.sqrt(inner**2 + (outer**2 - inner**2) * (np.arange(m) + 0.5) / m)
            theta = np.arange(m) * _GOLDEN_ANGLE
            spiral = centre + np.column_stack([r * np.cos(theta), r * np.sin(theta)])
            place("citizen", mine, ids.citizen(mine), spiral)
    place("government", np.array([n_jur]), np.array([ids.government(n_jur)]), np.zeros(2))

    return GraphLayout(
        nodes=np.asarray(nodes, dtype=np.int64),
        positions=np.vstack(positions),
        kinds=np.asarray(kinds),
        rows=np.asarray(rows, dtype=np.int64),
        centres=centres,
        radius=float(radius),
        citizens_shown=int(sample.size),
        citizens_total=int(n_cit),
    )


def _stratified_sample(jurisdiction: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Citizen rows, each jurisdiction's share of the sample matching its population share."""
    n = jurisdiction.size
    if size >= n:
        return np.arange(n)
    chosen = []
    counts = np.bincount(jurisdiction)
    quota = np.floor(counts * size / n).astype(np.int64)
    # hand the rounding remainder to the largest fractional parts
    remainder = size - int(quota.sum())
    quota[np.argsort(-(counts * size / n - quota), kind="stable")[:remainder]] += 1
    for j, q in enumerate(quota):
        members = np.flatnonzero(jurisdiction == j)
        chosen.append(rng.choice(members, size=min(q, members.size), replace=False))
    return np.sort(np.concatenate(chosen))


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
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Circle

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


def _legend_handles() -> list:
    from matplotlib.lines import Line2D

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
