"""Indicators of good governance (善治), computed once per step.

Each indicator is a model-level number declared once in
:mod:`sim.indicator_registry` (group, unit, formula); :data:`INDICATORS` maps
names to formulas, and the model's Mesa ``DataCollector``
(:class:`IndicatorCollector`) has one reporter per entry. The measuring functions
below, one per group, compute the indicators that need a pass over the actors.

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
from sim.indicator_registry import BATCHED, INDICATORS
from sim.jurisdiction_indicators import jurisdiction_indicators, record_inputs
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

# indicators measured when a step's snapshot is taken (the rest are computed in
# batches), in registry order
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
    values: dict[str, float] = {}
    for measure in _MEASURES:
        values.update(measure(model))
    measured = tuple(values[name] for name in _MEASURED)
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


def _mean(values: np.ndarray) -> float:
    """Mean of a 1-D array: ``ndarray.mean``'s sum and division, without its overhead."""
    return float(np.add.reduce(values)) / values.size


def _share(flags: np.ndarray) -> float:
    """Share of true (non-zero) entries; counting is exact and far cheaper than a mean."""
    return np.count_nonzero(flags) / flags.size


# one measuring function per group of sim.indicator_registry; together they return
# every indicator not batched (tests/sim/test_indicators.py checks the partition)
def _measure_citizens(model: GovernanceModel) -> dict[str, float]:
    cit = model.citizens
    harm = _mean(cit.harm)
    return {
        "participation_rate": _share(cit.cooperate),
        "mean_trust": _mean(cit.trust),
        "mean_satisfaction": _mean(cit.satisfaction),
        "satisfaction_gini": satisfaction_gini(model),
        "unrest_rate": _share(cit.active),
        "jailed_rate": _share(cit.jail_term),  # terms are never negative
        "complaint_rate": _share(cit.complained),
        "mean_harm": harm,
        "welfare": _mean(cit.service_utility) - harm,
        "rule_compliance": _share(cit.rule_complying),
        "intrinsic_motivation": _mean(cit.intrinsic_motivation),
    }


def _measure_services(model: GovernanceModel) -> dict[str, float]:
    cit = model.citizens
    population = model.governments.population
    coverage = mean_by_jurisdiction(cit.jurisdiction, cit.coverage, population)
    return {
        "service_coverage": _mean(cit.coverage),
        "basic_service_equalisation": basic_service_equalisation(coverage, population),
        "coproduced_output_per_capita": float(model.governments.coproduced_output.sum()) / len(cit),
    }


def _measure_enforcement(model: GovernanceModel) -> dict[str, float]:
    ent = model.enterprises
    risk = model.risk_log
    return {
        "compliance_rate": 1.0 - _share(ent.violating) if len(ent) else 1.0,
        "incident_rate": risk.incident_rate,
        "detection_lag": risk.detection_lag,
        "inspection_hit_rate": risk.hit_rate,
    }


def _measure_network(model: GovernanceModel) -> dict[str, float]:
    network = org_network_metrics(model)
    return {
        "org_clustering": network["org_clustering"],
        "org_betweenness_centralization": network["org_betweenness_centralization"],
    }


def _measure_environment(model: GovernanceModel) -> dict[str, float]:
    """``pollution_stock``: the population-weighted mean stock (sim/environment.py)."""
    gov = model.governments
    population = gov.population
    return {
        "pollution_stock": float(population @ gov.pollution) / max(float(population.sum()), 1.0)
    }


def _measure_economy(model: GovernanceModel) -> dict[str, float]:
    """Output per capita and growth, employment, poverty, access cost, entry, active firms."""
    econ = model.economy
    names = ("output_per_capita", "output_growth", "employment_rate", "poverty_rate")
    names += ("access_cost", "firm_entry_rate", "active_firm_share")
    if econ is None:
        return dict.fromkeys(names, 0.0)
    cit = model.citizens
    ent = model.enterprises
    growth = econ.output / econ.previous_output - 1.0 if econ.previous_output > 0 else 0.0
    values = (
        econ.output / len(cit),
        growth,
        _share(econ.employed),
        _share(cit.income < econ.poverty_line),
        _mean(econ.access_cost),
        econ.entrants / len(ent) if len(ent) else 0.0,
        _share(ent.active) if len(ent) else 0.0,
    )
    return dict(zip(names, values, strict=True))


_MEASURES: tuple[Callable[[GovernanceModel], dict[str, float]], ...] = (
    _measure_citizens,
    _measure_services,
    _measure_enforcement,
    _measure_network,
    _measure_economy,
    _measure_environment,
)
