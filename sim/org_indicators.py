"""Indicators of the organisational collaboration network (governments, enterprises, social orgs).

Strength centralisation, tie count and density are computed every step from the
tie arrays; clustering and betweenness centralisation, which cost more, every
``metrics.network_metrics_every`` steps when the ties changed, and carried forward
in between (Freeman 1978; Onnela et al. 2005; Brandes 2001).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from scipy import sparse

from sim.aggregate import strength_centralization_rows
from sim.network import OrgTies, org_tie_nodes
from sim.network_metrics import average_clustering, betweenness_centralization

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "org_adjacency",
    "org_network",
    "org_network_metrics",
    "org_structure_of_rows",
]


def org_network(model: GovernanceModel) -> nx.Graph:
    """The organisational collaboration network: governments, enterprises, social orgs.

    Built from the tie arrays (node ids as in the collaboration graph), so that its
    metrics never require materialising the citizens' part of the graph.
    """
    ids = model.node_ids
    graph = nx.Graph()
    graph.add_nodes_from(
        ids.enterprise(np.arange(len(model.enterprises))).tolist(), kind="enterprise"
    )
    graph.add_nodes_from(
        ids.social_org(np.arange(len(model.social_orgs))).tolist(), kind="social_org"
    )
    graph.add_nodes_from(
        ids.government(np.arange(len(model.governments))).tolist(), kind="government"
    )
    central = ids.government(model.governments.central)
    graph.add_edges_from(
        ((ids.government(g), central) for g in range(model.governments.n_jurisdictions)),
        kind="hierarchy",
        weight=1.0,
    )
    u, v = org_tie_nodes(model.org_ties, ids)
    on = model.org_ties.active
    graph.add_weighted_edges_from(
        zip(u[on].tolist(), v[on].tolist(), model.org_ties.weight[on].tolist(), strict=True)
    )
    return graph


def _partner_nodes(model: GovernanceModel, ties: OrgTies) -> np.ndarray:
    """Node of each candidate tie's partner: enterprises, then social orgs, then governments."""
    n_e, n_s = len(model.enterprises), len(model.social_orgs)
    offset = np.select(
        [ties.kind == OrgTies.REGULATION, ties.kind == OrgTies.PARTNERSHIP], [0, n_e], n_e + n_s
    )
    return offset + ties.partner


def org_adjacency(model: GovernanceModel) -> sparse.csr_array:
    """Weighted adjacency of the organisational network, nodes in :func:`org_network` order.

    Enterprises, then social organisations, then governments (the central one
    last); built from the tie arrays, so the graph is never materialised.
    """
    n_e, n_s = len(model.enterprises), len(model.social_orgs)
    gov = model.governments
    ties = model.org_ties
    n = n_e + n_s + len(gov)
    government = n_e + n_s
    on = ties.active
    partner = _partner_nodes(model, ties)[on]
    local = np.arange(gov.n_jurisdictions)
    u = np.concatenate([government + ties.government[on], government + local])
    v = np.concatenate([partner, np.full(local.size, government + gov.central)])
    w = np.concatenate([ties.weight[on], np.ones(local.size)])  # hierarchy ties weigh 1
    return sparse.csr_array(
        (np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n)
    )


def org_structure_of_rows(
    model: GovernanceModel, weight: np.ndarray, active_ties: np.ndarray
) -> dict[str, np.ndarray]:
    """Strength centralisation, tie count and density for T states of the ties.

    ``weight`` (T x ties) holds each tie's weight, 0 for inactive ties;
    ``active_ties`` (T) the number of active ties.

    A node's strength is the summed weight of its active ties (hierarchy ties to
    the centre are not counted); centralisation is Freeman's (1978), normalised by
    a star with the same total. Candidate ties never change during a run, only
    which are active and how heavy, so each tie's two end nodes are found once.
    """
    ties = model.org_ties
    n_org = len(model.enterprises) + len(model.social_orgs) + model.governments.n_jurisdictions
    cached = model.derived.org_tie_incidence
    if cached is None or cached[0] is not ties.partner or cached[1] is not ties.kind:
        n_ties = ties.kind.size
        government = len(model.enterprises) + len(model.social_orgs) + ties.government
        ends = np.concatenate([government, _partner_nodes(model, ties)])
        tie = np.concatenate([np.arange(n_ties), np.arange(n_ties)])
        # node x tie: 1 where the tie ends at the node (two per tie)
        incidence = sparse.csr_array(
            (np.ones(ends.size), (ends, tie)), shape=(n_org, n_ties), dtype=np.float64
        )
        cached = (ties.partner, ties.kind, incidence)
        model.derived.org_tie_incidence = cached
    # T x nodes, each row contiguous so that its sums run as for a single state
    strength = np.ascontiguousarray((cached[2] @ weight.T).T)
    n_ties = np.asarray(active_ties, dtype=np.float64)
    return {
        "org_centralization": strength_centralization_rows(strength),
        "org_ties": n_ties,
        "network_density": 2.0 * n_ties / (n_org * (n_org - 1)) if n_org > 1 else 0.0 * n_ties,
    }


def org_network_metrics(model: GovernanceModel) -> dict[str, float]:
    """Clustering and betweenness centralisation, refreshed every k steps if the ties changed.

    ``k`` is ``metrics.network_metrics_every``; in between, and while the ties are
    unchanged (same inputs, same numbers), the last values are carried forward.
    """
    cached = model.derived.network_metrics
    every = model.params.metrics.network_metrics_every
    if cached is None or (model.steps % every == 0 and _ties_changed(model, cached[0])):
        cached = (_tie_state(model), _network_metrics(model))
        model.derived.network_metrics = cached
    return cached[1]


def _tie_state(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray]:
    """A copy of what the organisational network's metrics depend on."""
    return model.org_ties.active.copy(), model.org_ties.weight.copy()


def _ties_changed(model: GovernanceModel, state: tuple[np.ndarray, np.ndarray]) -> bool:
    """Whether any tie appeared, disappeared or changed weight since ``state``."""
    ties = model.org_ties
    return not (np.array_equal(ties.active, state[0]) and np.array_equal(ties.weight, state[1]))


def _network_metrics(model: GovernanceModel) -> dict[str, float]:
    """Clustering and betweenness centralisation of the organisational network."""
    adjacency = org_adjacency(model)
    if adjacency.shape[0] < 3 or adjacency.nnz == 0:
        return {"org_clustering": 0.0, "org_betweenness_centralization": 0.0}
    return {
        "org_clustering": average_clustering(adjacency),
        "org_betweenness_centralization": betweenness_centralization(adjacency),
    }
