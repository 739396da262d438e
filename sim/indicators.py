"""Indicators of good governance (善治), computed once per step.

Each indicator is a model-level number; :data:`INDICATORS` lists them with a
description, and the model's Mesa ``DataCollector`` (:class:`IndicatorCollector`)
has one reporter per entry. Expensive network metrics of the organisational
network (clustering, betweenness centralisation) are recomputed every
``metrics.network_metrics_every`` steps, if the ties changed, and carried forward
in between. See ``docs/PERFORMANCE.md`` for what each part costs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import mesa
import networkx as nx
import numpy as np
from scipy import sparse

from sim.aggregate import gini, gini_of_sorted, row_sum, strength_centralization
from sim.network import OrgTies, org_tie_nodes
from sim.network_metrics import average_clustering, betweenness_centralization
from sim.phases.information import true_demand
from sim.phases.services import citizen_need_tables

if TYPE_CHECKING:
    from sim.model import GovernanceModel

# citizen x domain cells per jurisdiction-domain pair from which service_match
# searches sorted needs rather than passing over every citizen and domain
_SORTED_MATCH_FROM = 2048

__all__ = [
    "INDICATORS",
    "IndicatorCollector",
    "compute_indicators",
    "org_adjacency",
    "org_network",
]

INDICATORS: dict[str, str] = {
    "participation_rate": "Share of citizens who co-produce (participation).",
    "compliance_rate": "Share of enterprises that comply (rule of law).",
    "mean_trust": "Mean trust in government (legitimacy).",
    "mean_satisfaction": "Mean citizen satisfaction.",
    "satisfaction_gini": "Gini coefficient of satisfaction (fairness between citizens).",
    "unrest_rate": "Share of citizens actively rebelling (stability).",
    "jailed_rate": "Share of citizens in jail.",
    "complaint_rate": "Share of citizens who complained this step (voice).",
    "service_coverage": "Mean share of citizens' service need that is met (service quality).",
    "service_match": "Mean overlap of citizens' need shares with their jurisdiction's allocation shares.",
    "responsiveness": "1 minus the mean gap between allocation shares and true demand shares.",
    "mean_harm": "Mean harm to citizens from enterprise violations.",
    "welfare": "Mean service utility sum_d n_d log(x_d / standard) minus harm.",
    "governance_cost": "Government spending per citizen this step (money units).",
    "cost_effectiveness": "Service coverage per unit of governance cost (efficiency); 0 when nothing is spent.",
    "revenue_per_capita": "Government revenue per citizen this step.",
    "reserves_per_capita": "Government reserves per citizen after the step.",
    "jurisdiction_equity": "1 minus the Gini of provision per capita across jurisdictions.",
    "nongov_provision_share": "Share of service output delivered by enterprises and social organisations.",
    "org_centralization": "Strength centralisation of the organisational collaboration network.",
    "polycentricity": "Mean of (1 - org_centralization) and the non-government provision share.",
    "org_ties": "Number of active organisational ties.",
    "network_density": "Density of the organisational collaboration network.",
    "org_clustering": "Average clustering of the organisational network (every k steps).",
    "org_betweenness_centralization": "Betweenness centralisation of the organisational network (every k steps).",
    "mean_enforcement_effort": "Local governments' mean enforcement effort (adaptation).",
}


class IndicatorCollector(mesa.DataCollector):
    """Mesa's DataCollector with one model reporter per indicator, recorded without copies.

    Mesa deep-copies every reporter's value at every step in case it is mutable;
    the indicators are floats, already computed in :attr:`GovernanceModel.indicators`,
    so appending them as they are fills the same table at a fraction of the cost.
    Once other reporters are added, Mesa collects everything its own way.
    """

    def __init__(self) -> None:
        super().__init__(model_reporters={name: _reporter(name) for name in INDICATORS})
        self._own = tuple(self.model_reporters.values())

    def collect(self, model: GovernanceModel) -> None:
        """Record the model's current indicators (one row of the table)."""
        own = tuple(self.model_reporters.values()) == self._own
        if not own or self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        if hasattr(self, "_collection_steps"):  # Mesa's bookkeeping, where it keeps one
            self._collection_steps.append(model.time)
        values = model.indicators
        for name, column in self.model_vars.items():
            column.append(values[name])


def _reporter(name: str) -> Callable[[GovernanceModel], float]:
    def report(model: GovernanceModel) -> float:
        return model.indicators[name]

    report.__name__ = name
    return report


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


def compute_indicators(model: GovernanceModel) -> dict[str, float]:
    """Compute every indicator of :data:`INDICATORS` for the current state.

    Costs a few passes over the citizens; the network metrics are refreshed every
    ``metrics.network_metrics_every`` steps and carried forward in between.
    """
    cit = model.citizens
    ent = model.enterprises
    gov = model.governments
    ledger = model.ledger
    n = len(cit)
    values: dict[str, float] = {}
    values["participation_rate"] = _share(cit.cooperate)
    values["compliance_rate"] = 1.0 - _share(ent.violating) if len(ent) else 1.0
    values["mean_trust"] = _mean(cit.trust)
    values["mean_satisfaction"] = _mean(cit.satisfaction)
    values["satisfaction_gini"] = gini_of_sorted(_sorted_satisfaction(model))
    values["unrest_rate"] = _share(cit.active)
    values["jailed_rate"] = _share(cit.jail_term)  # terms are never negative
    values["complaint_rate"] = _share(cit.complained)
    values["service_coverage"] = _mean(cit.coverage)

    money = gov.money.sum(axis=1, keepdims=True)
    shares = np.divide(gov.money, money, out=np.zeros_like(gov.money), where=money > 0)
    values["service_match"] = _service_match(model, shares)
    gap = 0.5 * np.abs(shares - true_demand(model)).sum(axis=1)
    values["responsiveness"] = float(1.0 - gov.population @ gap / gov.population.sum())
    values["mean_harm"] = _mean(cit.harm)
    values["welfare"] = _mean(cit.service_utility) - values["mean_harm"]

    cost = float(ledger.spending.sum()) / n
    values["governance_cost"] = cost
    # below a millionth of a money unit per citizen nothing is really being spent
    values["cost_effectiveness"] = values["service_coverage"] / cost if cost > 1e-6 else 0.0
    values["revenue_per_capita"] = float(ledger.revenue.sum()) / n
    values["reserves_per_capita"] = float(ledger.reserves.sum()) / n
    per_capita = gov.provision.sum(axis=1)
    values["jurisdiction_equity"] = 1.0 - gini(per_capita)
    total_out = float(gov.output.sum())
    values["nongov_provision_share"] = (
        float(gov.nongov_output.sum()) / total_out if total_out > 0 else 0.0
    )

    org = _org_structure(model)
    values["org_centralization"] = org["org_centralization"]
    values["polycentricity"] = (
        0.5 * (1.0 - org["org_centralization"]) + 0.5 * values["nongov_provision_share"]
    )
    values["org_ties"] = org["org_ties"]
    values["network_density"] = org["network_density"]

    cached = model.phase_cache.get("network_metrics")
    every = model.params.metrics.network_metrics_every
    if cached is None or (model.steps % every == 0 and _ties_changed(model, cached[0])):
        cached = (_tie_state(model), _network_metrics(model))
        model.phase_cache["network_metrics"] = cached
    values.update(cached[1])
    values["mean_enforcement_effort"] = float(gov.enforcement_effort.mean())
    return values


def _tie_state(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray]:
    """A copy of what the organisational network's metrics depend on."""
    return model.org_ties.active.copy(), model.org_ties.weight.copy()


def _ties_changed(model: GovernanceModel, state: tuple[np.ndarray, np.ndarray]) -> bool:
    """Whether any tie appeared, disappeared or changed weight since ``state``."""
    ties = model.org_ties
    return not ((ties.active == state[0]).all() and (ties.weight == state[1]).all())


def _org_structure(model: GovernanceModel) -> dict[str, float]:
    """Strength centralisation, tie count and density of the organisational network.

    Recomputed only when the ties changed (the same inputs give the same numbers).
    """
    cached = model.phase_cache.get("org_structure")
    if cached is not None and not _ties_changed(model, cached[0]):
        return cached[1]
    ent, orgs, gov = model.enterprises, model.social_orgs, model.governments
    ties = model.org_ties
    n_org = len(ent) + len(orgs) + gov.n_jurisdictions
    on = ties.active
    w = ties.weight[on]
    offset = np.select(
        [ties.kind[on] == OrgTies.REGULATION, ties.kind[on] == OrgTies.PARTNERSHIP],
        [0, len(ent)],
        len(ent) + len(orgs),
    )
    partner = offset + ties.partner[on]
    gov_node = len(ent) + len(orgs) + ties.government[on]
    # both ends of every tie, governments' ends first (the order fixes the float sums)
    strength = np.bincount(
        np.concatenate([gov_node, partner]), weights=np.concatenate([w, w]), minlength=n_org
    )
    n_ties = float(np.count_nonzero(on))
    structure = {
        "org_centralization": strength_centralization(strength),
        "org_ties": n_ties,
        "network_density": 2.0 * n_ties / (n_org * (n_org - 1)) if n_org > 1 else 0.0,
    }
    model.phase_cache["org_structure"] = (_tie_state(model), structure)
    return structure


def _service_match(model: GovernanceModel, shares: np.ndarray) -> float:
    """Mean over citizens of ``sum_d min(n_id, a_jd)``, need shares against allocation shares.

    Needs are fixed during a run, so for a large population each jurisdiction's
    needs for each domain are sorted once; then the sum over the citizens of a
    jurisdiction is the needs below ``a_jd`` plus ``a_jd`` times the number above,
    a binary search per jurisdiction and domain instead of a pass over N x D.
    """
    cit = model.citizens
    need, scratch, _ = citizen_need_tables(model)  # need shares: rows sum to one
    n_j, n_d = shares.shape
    if need.size < _SORTED_MATCH_FROM * n_j * n_d:
        overlap = np.take(shares, cit.jurisdiction, axis=0, out=scratch, mode="clip")
        np.minimum(need, overlap, out=overlap)
        return _mean(row_sum(overlap))
    cells = model.phase_cache.get("sorted_need")
    if cells is None or cells[0] is not need:
        by_cell = [np.sort(need[cit.jurisdiction == j], axis=0) for j in range(n_j)]
        sums = [np.concatenate([np.zeros((1, n_d)), np.cumsum(v, axis=0)]) for v in by_cell]
        cells = (need, by_cell, sums)
        model.phase_cache["sorted_need"] = cells
    _, by_cell, sums = cells
    total = 0.0
    for j in range(n_j):
        for d in range(n_d):
            below = int(np.searchsorted(by_cell[j][:, d], shares[j, d], side="right"))
            total += sums[j][below, d] + shares[j, d] * (by_cell[j].shape[0] - below)
    return total / len(cit)


def _mean(values: np.ndarray) -> float:
    """Mean of a 1-D array: ``ndarray.mean``'s sum and division, without its overhead."""
    return float(np.add.reduce(values)) / values.size


def _share(flags: np.ndarray) -> float:
    """Share of true (non-zero) entries; counting is exact and far cheaper than a mean."""
    return np.count_nonzero(flags) / flags.size


def _sorted_satisfaction(model: GovernanceModel) -> np.ndarray:
    """Citizens' satisfaction in ascending order, sorted from last step's order.

    Satisfaction moves little in a step, so last step's order leaves it nearly
    sorted, and a run-adaptive merge sort (``kind="stable"``) finishes it in close
    to linear time: several times cheaper than sorting afresh at a million citizens.
    The sorted values are the same whichever way they are sorted.
    """
    satisfaction = model.citizens.satisfaction
    order = model.phase_cache.get("satisfaction_order")
    if order is None or order.size != satisfaction.size:
        order = np.arange(satisfaction.size)
    nearly_sorted = satisfaction[order]
    fix = np.argsort(nearly_sorted, kind="stable")
    model.phase_cache["satisfaction_order"] = order[fix]
    return nearly_sorted[fix]


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
    kind = ties.kind[on]
    partner = ties.partner[on] + np.select(
        [kind == OrgTies.REGULATION, kind == OrgTies.PARTNERSHIP], [0, n_e], government
    )
    local = np.arange(gov.n_jurisdictions)
    u = np.concatenate([government + ties.government[on], government + local])
    v = np.concatenate([partner, np.full(local.size, government + gov.central)])
    w = np.concatenate([ties.weight[on], np.ones(local.size)])  # hierarchy ties weigh 1
    return sparse.csr_array(
        (np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n)
    )


def _network_metrics(model: GovernanceModel) -> dict[str, float]:
    """Clustering and betweenness centralisation of the organisational network."""
    adjacency = org_adjacency(model)
    if adjacency.shape[0] < 3 or adjacency.nnz == 0:
        return {"org_clustering": 0.0, "org_betweenness_centralization": 0.0}
    return {
        "org_clustering": average_clustering(adjacency),
        "org_betweenness_centralization": betweenness_centralization(adjacency),
    }
