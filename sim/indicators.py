"""Indicators of good governance (善治), computed once per step.

Each indicator is a model-level number; :data:`INDICATORS` lists them with a
description, and the model's Mesa ``DataCollector`` (:class:`IndicatorCollector`)
has one reporter per entry.

Each step takes an :class:`IndicatorSnapshot`: the indicators that need a pass
over the citizens are computed there and then; for the others, which read only
small arrays (budgets, provision, ledgers, organisational ties), the snapshot
keeps a copy of those arrays, and :mod:`sim.jurisdiction_indicators` computes
them for many steps at once when they are first read (``model.indicators``, the
DataCollector's table) or every ``_RESOLVE_EVERY`` steps. The values are those
of each step's state either way. See ``docs/PERFORMANCE.md`` for what each part
costs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from sim.aggregate import mean_by_jurisdiction
from sim.cooperation import basic_service_equalisation
from sim.indicator_kernels import NeedIndex, need_index, satisfaction_gini
from sim.jurisdiction_indicators import BATCHED, jurisdiction_indicators, record_inputs
from sim.org_indicators import org_adjacency, org_network, org_network_metrics
from sim.structure import refresh_structure

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "INDICATORS",
    "IndicatorCollector",
    "IndicatorSnapshot",
    "compute_indicators",
    "org_adjacency",
    "org_network",
    "resolve_snapshots",
    "take_snapshot",
]

# recorded steps kept unresolved at most, and their copies' size in bytes at most
_RESOLVE_EVERY = 64
_RESOLVE_BYTES = 8 * 2**20

INDICATORS: dict[str, str] = {
    "participation_rate": "Share of citizens who co-produce (participation).",
    "compliance_rate": "Share of enterprises that comply (rule of law).",
    "mean_trust": "Mean trust in government (legitimacy).",
    "mean_satisfaction": "Mean citizen satisfaction.",
    "satisfaction_gini": "Gini coefficient of satisfaction (fairness between citizens; every k steps).",
    "unrest_rate": "Share of citizens actively rebelling (stability).",
    "jailed_rate": "Share of citizens in jail.",
    "complaint_rate": "Share of citizens who complained this step (voice).",
    "service_coverage": "Mean over citizens of exp(sum_d w_id min(0, log(x_jd / (standard n_id M_jd)))): "
    "need-weighted geometric mean of the share of need met per domain, each capped at 1 "
    "(a mix that misses needs costs at any budget).",
    "service_match": "Mean overlap of citizens' need shares with their jurisdiction's allocation shares.",
    "responsiveness": "1 - population-weighted mean of 0.5 sum_d |a_jd - true_jd|: allocation shares "
    "against true (drifting, shocked) demand shares.",
    "mean_harm": "Mean harm to citizens from enterprise violations.",
    "welfare": "Mean service utility sum_d n_d log(x_d / standard) minus harm.",
    "governance_cost": "Cost of governing per citizen this step: spending other than refunds (money units).",
    "cost_services": "Service delivery spending per citizen this step.",
    "cost_administration": "Administration spending per citizen this step.",
    "cost_programmes": "Programme spending (rewards, subsidies) per citizen this step.",
    "cost_enforcement": "Enforcement spending (inspections) per citizen this step.",
    "cost_policing": "Policing spending per citizen this step.",
    "cost_platform": "Information platform spending per citizen this step.",
    "cost_contracting": "Contracting (transaction) spending per citizen this step.",
    "cost_monitoring": "Contract monitoring spending per citizen this step.",
    "refunds_per_capita": "Revenue refunded to taxpayers above the reserve ceiling, per citizen this step.",
    "cost_effectiveness": "Service coverage per unit of governance cost (efficiency); 0 when nothing is spent.",
    "revenue_per_capita": "Government revenue per citizen this step.",
    "reserves_per_capita": "Government reserves per citizen after the step.",
    "jurisdiction_equity": "1 minus the Gini of provision per capita across jurisdictions.",
    "nongov_provision_share": "Share of service output delivered by enterprises and social organisations.",
    "delivery_productivity": "Service output per money unit allocated to services: sum output / sum money "
    "(after fixed costs, leakage, contract prices, shading, overload and volunteers).",
    "quality_shading": "Output lost to quality shading / contracted output before shading (enterprises and social orgs).",
    "provider_diversity": "Entropy of realised output shares of agencies, enterprises and social orgs / log 3.",
    "decision_dispersion": "Entropy of the shares of service money allocated by each local government and the centre / log(J + 1).",
    "org_centralization": "Strength centralisation of the organisational collaboration network.",
    "polycentricity": "(provider_diversity + decision_dispersion + 1 - org_centralization) / 3: "
    "who provides, who decides, who shares information, all realised.",
    "org_ties": "Number of active organisational ties.",
    "network_density": "Density of the organisational collaboration network.",
    "org_clustering": "Average clustering of the organisational network (every k steps).",
    "org_betweenness_centralization": "Betweenness centralisation of the organisational network (every k steps).",
    "mean_enforcement_effort": "Local governments' mean enforcement effort (adaptation).",
    "rule_compliance": "Share of households complying with the household rule in force (0 without one).",
    # environment and inter-governmental cooperation (sim/environment.py, sim/cooperation.py)
    "pollution_stock": "Population-weighted mean pollution stock of the jurisdictions "
    "(0 with the environment phase off).",
    "basic_service_equalisation": "1 - population-weighted Gini, across jurisdictions, of their "
    "citizens' mean service coverage (share of need met at the standard, capped at 1).",
    "cost_coordination": "Coordination spending (joint committees, joint enforcement, shared "
    "infrastructure) per citizen this step.",
}


# indicators measured when a step's snapshot is taken (the rest are computed in
# batches), in the order of INDICATORS, which is the order take_snapshot lists them in
_MEASURED = tuple(name for name in INDICATORS if name not in BATCHED)


@dataclass
class IndicatorSnapshot:
    """One step's indicators: some measured, the rest as a copy of what they read.

    Attributes
    ----------
    measured
        The indicators that need a pass over the citizens (or are refreshed every
        k steps), measured when the snapshot was taken.
    inputs
        Packed copy of the arrays the other indicators read
        (:func:`sim.jurisdiction_indicators.record_inputs`); ``None`` once resolved.
    """

    measured: tuple[float, ...]
    inputs: np.ndarray | None
    need_index: NeedIndex | None
    _table: dict[str, list[float]] | None = field(default=None, repr=False)
    _row: int = field(default=0, repr=False)

    @property
    def resolved(self) -> bool:
        """Whether every indicator has been computed."""
        return self.inputs is None

    @property
    def values(self) -> dict[str, float]:
        """Every indicator of :data:`INDICATORS`, in that order (a new dict; once resolved)."""
        if self._table is None:
            raise RuntimeError("snapshot not resolved yet: call resolve_snapshots")
        return {name: column[self._row] for name, column in self._table.items()}


def take_snapshot(model: GovernanceModel) -> IndicatorSnapshot:
    """Measure the citizens' indicators now and copy what the others read.

    Costs a few passes over the citizens and one copy of the small arrays; the
    satisfaction Gini and the organisational network metrics are refreshed every
    ``metrics.inequality_every`` and ``metrics.network_metrics_every`` steps.
    """
    cit = model.citizens
    ent = model.enterprises
    harm = _mean(cit.harm)
    network = org_network_metrics(model)
    measured = (
        _share(cit.cooperate),
        1.0 - _share(ent.violating) if len(ent) else 1.0,
        _mean(cit.trust),
        _mean(cit.satisfaction),
        satisfaction_gini(model),
        _share(cit.active),
        _share(cit.jail_term),  # terms are never negative
        _share(cit.complained),
        _mean(cit.coverage),
        harm,
        _mean(cit.service_utility) - harm,
        network["org_clustering"],
        network["org_betweenness_centralization"],
        _share(cit.rule_complying),
        *_environment_indicators(model),
    )
    return IndicatorSnapshot(measured, record_inputs(model), need_index(model))


def resolve_snapshots(
    model: GovernanceModel, snapshots: Sequence[IndicatorSnapshot]
) -> dict[str, list[float]]:
    """Resolve ``snapshots`` (all taken from ``model``) in one batch; return their table.

    The table has one column per indicator of :data:`INDICATORS` and one row per
    snapshot, in order. Snapshots already resolved keep their values.
    """
    pending = [snapshot for snapshot in snapshots if not snapshot.resolved]
    # one batch per need index (an edit of the citizens' structure starts another)
    batches: list[list[IndicatorSnapshot]] = []
    for snapshot in pending:
        if batches and batches[-1][0].need_index is snapshot.need_index:
            batches[-1].append(snapshot)
        else:
            batches.append([snapshot])
    tables = [_resolve_batch(model, batch, batch[0].need_index) for batch in batches]
    if len(tables) == 1 and len(pending) == len(snapshots):
        return tables[0]  # the common case: every snapshot in one batch, in order
    return {
        name: [snapshot._table[name][snapshot._row] for snapshot in snapshots]
        for name in INDICATORS
    }


def _resolve_batch(
    model: GovernanceModel, batch: Sequence[IndicatorSnapshot], index: NeedIndex
) -> dict[str, list[float]]:
    """Resolve snapshots that share one need index, with one call per indicator."""
    rows = np.stack([snapshot.inputs for snapshot in batch])
    measured = dict(zip(_MEASURED, zip(*(s.measured for s in batch), strict=True), strict=True))
    computed = jurisdiction_indicators(model, rows, np.array(measured["service_coverage"]), index)
    table = {
        name: list(measured[name]) if name in measured else computed[name].tolist()
        for name in INDICATORS
    }
    for row, snapshot in enumerate(batch):
        snapshot._table, snapshot._row = table, row
        snapshot.inputs = snapshot.need_index = None
    return table


def compute_indicators(model: GovernanceModel) -> dict[str, float]:
    """Every indicator of :data:`INDICATORS` for the current state, computed now."""
    refresh_structure(model)  # the state now, hand edits included
    snapshot = take_snapshot(model)
    resolve_snapshots(model, [snapshot])
    return snapshot.values


class IndicatorCollector(mesa.DataCollector):
    """Mesa's DataCollector with one model reporter per indicator, filled in batches.

    Mesa calls every reporter and deep-copies its value at every step. This
    collector instead keeps each step's :class:`IndicatorSnapshot` and resolves
    them together when the table is read (``model_vars``,
    ``get_model_vars_dataframe``) or every ``_RESOLVE_EVERY`` steps (sooner if
    their copies exceed ``_RESOLVE_BYTES``), then appends
    the floats as they are: the same table, at a fraction of the cost. Once other
    reporters are added (:meth:`add_model_reporter`, :meth:`add_agent_reporter`,
    :meth:`add_agenttype_reporter`, after construction), Mesa collects everything its own way.
    """

    def __init__(self) -> None:
        self._pending: list[IndicatorSnapshot] = []
        self._pending_bytes = 0
        self._model: GovernanceModel | None = None
        super().__init__(model_reporters={name: _reporter(name) for name in INDICATORS})
        self._own = tuple(self.model_reporters.values())

    @property
    def model_vars(self) -> dict[str, list[Any]]:
        """Mesa's table of model reporters' values, complete up to the last step."""
        self.flush()
        return self._model_vars

    @model_vars.setter
    def model_vars(self, table: dict[str, list[Any]]) -> None:
        self._model_vars = table

    def flush(self) -> None:
        """Resolve the steps recorded so far and append them to the table."""
        if not self._pending:
            return
        table = resolve_snapshots(self._model, self._pending)
        for name, column in self._model_vars.items():
            column.extend(table[name])
        self._pending.clear()
        self._pending_bytes = 0

    def add_model_reporter(self, name: str, reporter: Any) -> None:
        """Collect one more model-level value at every step from now on.

        ``reporter`` is anything Mesa's DataCollector takes (a function of the
        model, an attribute name, ``[function, [args]]``). Steps recorded before
        it was added hold None in its column, so the table stays rectangular.

        Raises
        ------
        ValueError
            When a reporter of that name exists (indicators included).
        """
        if name in self.model_reporters:
            raise ValueError(f"add_model_reporter: a reporter named {name!r} exists already")
        self.flush()
        recorded = len(next(iter(self._model_vars.values()), []))
        self.model_reporters[name] = reporter
        self._model_vars[name] = [None] * recorded

    def add_agent_reporter(self, name: str, reporter: Any) -> None:
        """Collect one more agent-level value (Mesa's agent table) from the next step on.

        ``reporter`` is an agent attribute name or a function of the agent; Mesa
        asks every agent, so an attribute only citizens have belongs in
        :meth:`add_agenttype_reporter`. Needs the model's agent views
        (``agent_views=True``).

        Raises
        ------
        ValueError
            When an agent reporter of that name exists.
        """
        if name in self.agent_reporters:
            raise ValueError(f"add_agent_reporter: a reporter named {name!r} exists already")
        self.flush()
        self._new_agent_reporter(name, reporter)

    def add_agenttype_reporter(self, agent_type: type, name: str, reporter: Any) -> None:
        """Collect one more value of the agents of one type (e.g. ``Citizen``) from the next step on.

        Raises
        ------
        ValueError
            When that type has a reporter of that name.
        """
        if name in self.agenttype_reporters.get(agent_type, {}):
            raise ValueError(
                f"add_agenttype_reporter: {agent_type.__name__} has a reporter named {name!r}"
            )
        self.flush()
        self._new_agenttype_reporter(agent_type, name, reporter)

    def collect(self, model: GovernanceModel) -> None:
        """Record the model's current indicators (one row of the table)."""
        own = tuple(self.model_reporters.values()) == self._own
        if not own or self.agent_reporters or self.agenttype_reporters:
            self.flush()
            super().collect(model)
            return
        if hasattr(self, "_collection_steps"):  # Mesa's bookkeeping, where it keeps one
            self._collection_steps.append(model.time)
        self._model = model
        snapshot = model.indicator_snapshot
        self._pending.append(snapshot)
        if snapshot.inputs is not None:
            self._pending_bytes += snapshot.inputs.nbytes
        if len(self._pending) >= _RESOLVE_EVERY or self._pending_bytes >= _RESOLVE_BYTES:
            self.flush()


def _indicator_value(name: str, model: GovernanceModel) -> float:
    return model.indicators[name]


def _reporter(name: str) -> Callable[[GovernanceModel], float]:
    # a partial of a module-level function: Mesa calls it with the model, and
    # unlike a closure it can be pickled with the model
    return partial(_indicator_value, name)


def _environment_indicators(model: GovernanceModel) -> tuple[float, float]:
    """``pollution_stock`` and ``basic_service_equalisation`` (see sim/cooperation.py)."""
    gov = model.governments
    population = gov.population
    stock = float(population @ gov.pollution) / max(float(population.sum()), 1.0)
    coverage = mean_by_jurisdiction(
        model.citizens.jurisdiction, model.citizens.coverage, population
    )
    return stock, basic_service_equalisation(coverage, population)


def _mean(values: np.ndarray) -> float:
    """Mean of a 1-D array: ``ndarray.mean``'s sum and division, without its overhead."""
    return float(np.add.reduce(values)) / values.size


def _share(flags: np.ndarray) -> float:
    """Share of true (non-zero) entries; counting is exact and far cheaper than a mean."""
    return np.count_nonzero(flags) / flags.size
