"""Where the collaboration graph is drawn: which nodes, at which fixed positions.

Every organisation and government is drawn, and a sample of citizens (300 by
default) stratified by jurisdiction, each jurisdiction contributing in proportion
to its population. The layout is geometric and computed once per model (no
force-directed layout, which would cost seconds at the default size and move
nodes between frames): local governments evenly on a circle, the central
government in its middle, each jurisdiction a disc around its government with its
organisations on an inner ring and its sampled citizens on a sunflower spiral
outside it, best-connected citizens innermost. Jurisdictions, and so
decentralisation, stay visible. :mod:`experiments.present.network` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim import GovernanceModel

__all__ = ["DEFAULT_SAMPLE", "GraphLayout", "layout_collaboration_graph"]

DEFAULT_SAMPLE = 300
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
