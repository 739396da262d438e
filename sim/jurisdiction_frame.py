"""Indicators per jurisdiction, one row per step and jurisdiction (pilot scope).

A pilot reform in one jurisdiction is read by comparing that jurisdiction with its
neighbours, so every indicator with a per-jurisdiction meaning is also recorded
per jurisdiction. Each recorded step the model keeps :func:`jurisdiction_inputs`:
the sums of the citizen arrays per jurisdiction (one product with the ``J x N``
membership matrix, or one weighted ``bincount`` per array beyond
``_DENSE_LIMIT``; no loop over actors) and copies of the small arrays the other
columns read. When the tables are read (``model.jurisdiction_tables()``,
``model.jurisdiction_frame()``), :class:`JurisdictionRecord` turns the inputs of
the steps not yet computed into their ``J x K`` tables in one batch
(:func:`jurisdiction_tables`), keeps them and drops those inputs;
:func:`tables_frame` (:func:`jurisdiction_table` for ``(step, table)`` pairs)
stacks the steps into a frame.
:func:`record_jurisdictions` is the table of the current step alone (a batch of
one, the same numbers).

The formulas are those of the national indicators restricted to the citizens
(enterprises) of jurisdiction ``j``; the national value is the population-weighted
mean of the citizens' rows. Two are specific to this table:

* ``governance_cost``: the local government's spending other than refunds plus
  the centre's such spending shared per capita, per citizen of ``j`` (assumption: the centre's
  own costs are not attributed to jurisdictions, so they are shared equally per
  citizen);
* ``responsiveness``: ``1 - 0.5 sum_d |a_jd - true_jd|`` for the jurisdiction's
  allocation shares ``a_jd`` and true demand shares ``true_jd``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.phases.compliance import violation_rates
from sim.phases.information import true_demand_shares

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "JURISDICTION_INDICATORS",
    "JurisdictionRecord",
    "jurisdiction_inputs",
    "jurisdiction_table",
    "jurisdiction_tables",
    "record_jurisdictions",
    "tables_frame",
]

JURISDICTION_INDICATORS: dict[str, str] = {
    "population": "Citizens living in the jurisdiction.",
    "participation_rate": "Share of its citizens who co-produce.",
    "compliance_rate": "Share of its enterprises that comply (1 where it has none).",
    "mean_trust": "Mean trust of its citizens.",
    "mean_satisfaction": "Mean satisfaction of its citizens.",
    "unrest_rate": "Share of its citizens actively rebelling.",
    "jailed_rate": "Share of its citizens in jail.",
    "complaint_rate": "Share of its citizens who complained this step.",
    "service_coverage": "Mean share of its citizens' need that is met.",
    "mean_harm": "Mean harm to its citizens from violations.",
    "welfare": "Mean service utility of its citizens minus harm.",
    "responsiveness": "1 minus half the L1 gap between its allocation and true demand shares.",
    "provision_per_capita": "Service provision per citizen after spill-overs, summed over domains.",
    "governance_cost": "Local spending plus the centre's spending per capita, per citizen.",
    "enforcement_effort": "Its local government's enforcement effort.",
    "pollution_stock": "Its pollution stock (0 with the environment phase off).",
}

# largest membership matrix (jurisdictions x citizens) kept for the per-jurisdiction sums
_DENSE_LIMIT = 2**21

# citizen arrays whose per-jurisdiction mean is a column (welfare is built from the
# last two), in JURISDICTION_INDICATORS order
_CITIZEN_MEANS: tuple[str, ...] = (
    "cooperate",
    "trust",
    "satisfaction",
    "active",
    "jail_term",
    "complained",
    "coverage",
    "harm",
    "service_utility",
)


def record_jurisdictions(model: GovernanceModel) -> np.ndarray:
    """This step's indicators per jurisdiction: a ``J x K`` array, columns in
    :data:`JURISDICTION_INDICATORS` order."""
    gov = model.governments
    inputs = jurisdiction_inputs(model)[None, :]
    return jurisdiction_tables(inputs, gov.n_jurisdictions, gov.n_domains)[0]


def jurisdiction_inputs(model: GovernanceModel) -> np.ndarray:
    """One row holding a copy of what this step's table is computed from.

    The per-jurisdiction sums of the citizen arrays (the one pass over the
    citizens), the enterprises' violation rates, and copies of the small arrays
    the other columns read; :func:`jurisdiction_tables` turns a batch of such
    rows into their tables with the same few calls it takes for one (the model
    records rows every step and computes the tables when
    ``model.jurisdiction_frame()`` is read).
    """
    cit, gov = model.citizens, model.governments
    n_j = gov.n_jurisdictions
    return np.concatenate(
        [
            _citizen_sums(model, cit.jurisdiction, n_j).ravel(),
            gov.population,
            violation_rates(model),
            gov.money.ravel(),
            model.jurisdiction_need.ravel(),
            gov.demand_factor().ravel(),
            gov.provision.ravel(),
            model.ledger.governance_cost,  # spending other than refunds, as nationally
            gov.enforcement_effort[:n_j],
            gov.pollution,
        ]
    )


def jurisdiction_tables(rows: np.ndarray, n_j: int, n_d: int) -> np.ndarray:
    """The ``T x J x K`` tables of ``T`` rows of :func:`jurisdiction_inputs`.

    Every number is computed as for one step's arrays (elementwise, and sums over
    the same few entries in the same order), so a table does not depend on how
    many rows are computed together.
    """
    n_rows = rows.shape[0]
    k = len(_CITIZEN_MEANS)
    ends = np.cumsum([k * n_j, n_j, n_j, n_j * n_d, n_j * n_d, n_j * n_d, n_j * n_d, n_j + 1, n_j])
    parts = np.split(rows, ends, axis=1)
    population = np.ascontiguousarray(parts[1])
    sums = parts[0].reshape(n_rows, k, n_j) / np.maximum(population, 1.0)[:, None, :]
    violation = parts[2]
    # contiguous, so that each sum runs over its few entries as for one step's arrays
    money, need, factor, provision = (
        np.ascontiguousarray(part).reshape(n_rows, n_j, n_d) for part in parts[3:7]
    )
    spending, effort, pollution = parts[7], parts[8], parts[9]
    allocated = money.sum(axis=2, keepdims=True)
    shares = np.divide(money, allocated, out=np.zeros_like(money), where=allocated > 0)
    truth = true_demand_shares(need, factor)
    table = np.empty((n_rows, n_j, len(JURISDICTION_INDICATORS)))
    table[:, :, 0] = population
    table[:, :, 1] = sums[:, 0]
    table[:, :, 2] = 1.0 - violation
    table[:, :, 3:10] = sums[:, 1:8].transpose(0, 2, 1)  # trust ... harm
    table[:, :, 10] = sums[:, 8] - sums[:, 7]  # service utility minus harm
    table[:, :, 11] = 1.0 - 0.5 * np.abs(shares - truth).sum(axis=2)
    table[:, :, 12] = provision.sum(axis=2)
    # the centre's spending shared per capita: column n_j of the ledger
    central = spending[:, n_j] / np.maximum(population.sum(axis=1), 1.0)
    table[:, :, 13] = spending[:, :n_j] / np.maximum(population, 1.0) + central[:, None]
    table[:, :, 14] = effort
    table[:, :, 15] = pollution
    return table


class JurisdictionRecord:
    """The per-jurisdiction tables of the recorded steps, computed once each.

    :meth:`add` keeps a step's :func:`jurisdiction_inputs`; :meth:`tables`
    computes the tables of the steps added since the last call in one batch
    (:func:`jurisdiction_tables`), appends them to the table kept so far and drops
    their inputs. A read therefore costs the steps not yet computed, and between
    reads the memory held is the table (its capacity doubles as it grows, so at
    most twice its size) plus the inputs of the steps not yet computed. A table is
    the same bit for bit whichever batch computed it.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[int, np.ndarray]] = []
        self._steps: list[int] = []
        self._table: np.ndarray | None = None
        self._count = 0

    def add(self, step: int, inputs: np.ndarray) -> None:
        """Keep one step's :func:`jurisdiction_inputs` until the tables are read."""
        self._pending.append((step, inputs))

    @property
    def steps(self) -> list[int]:
        """The recorded steps, in order (computed or not)."""
        return self._steps + [step for step, _ in self._pending]

    def tables(self, n_j: int, n_d: int) -> np.ndarray:
        """The ``T x J x K`` tables of every recorded step (a read-only view)."""
        if self._pending:
            new = jurisdiction_tables(np.stack([inputs for _, inputs in self._pending]), n_j, n_d)
            end = self._count + new.shape[0]
            if self._table is None or end > self._table.shape[0]:
                grown = np.empty((max(end, 2 * self._count), *new.shape[1:]))
                if self._table is not None:
                    grown[: self._count] = self._table[: self._count]
                self._table = grown
            self._table[self._count : end] = new
            self._count = end
            self._steps.extend(step for step, _ in self._pending)
            self._pending = []
        if self._table is None:
            return np.empty((0, n_j, len(JURISDICTION_INDICATORS)))
        view = self._table[: self._count]
        view.flags.writeable = False
        return view


def _citizen_sums(model: GovernanceModel, where: np.ndarray, n_j: int) -> np.ndarray:
    """Sums of the citizen arrays of :data:`_CITIZEN_MEANS` per jurisdiction (K x J).

    The arrays are copied into one K x N block and multiplied by the J x N
    membership matrix: one BLAS call instead of K bincounts, whose per-call cost
    dominates at a few thousand citizens. The matrix is kept while the citizens'
    jurisdictions are the same array (:mod:`sim.structure` replaces it on an edit);
    beyond ``_DENSE_LIMIT`` entries it would cost too much memory, and bincounts are
    used instead.
    """
    cit = model.citizens
    n = where.size
    cached = model.derived.jurisdiction_members
    if cached is None or cached[0] is not where:
        members = None
        if n * n_j <= _DENSE_LIMIT:
            members = np.zeros((n_j, n))
            members[where, np.arange(n)] = 1.0
        cached = (where, members, np.empty((len(_CITIZEN_MEANS), n)))
        model.derived.jurisdiction_members = cached
    _, members, block = cached
    if members is None:
        sums = np.empty((len(_CITIZEN_MEANS), n_j))
        for row, attribute in enumerate(_CITIZEN_MEANS):
            sums[row] = np.bincount(where, weights=getattr(cit, attribute), minlength=n_j)
        sums[4] = np.bincount(where, weights=cit.jail_term > 0, minlength=n_j)
        return sums
    for row, attribute in enumerate(_CITIZEN_MEANS):
        block[row] = getattr(cit, attribute)
    np.greater(block[4], 0.0, out=block[4])  # who is in jail, not for how long
    return block @ members.T


def jurisdiction_table(rows: list[tuple[int, np.ndarray]]) -> pd.DataFrame:
    """Stack recorded ``(step, J x K table)`` pairs into a long frame.

    Columns ``step``, ``jurisdiction`` and one per indicator of
    :data:`JURISDICTION_INDICATORS`; one row per step and jurisdiction.
    """
    if not rows:
        return tables_frame([], np.empty((0, 0, len(JURISDICTION_INDICATORS))))
    return tables_frame([step for step, _ in rows], np.stack([table for _, table in rows]))


def tables_frame(steps: list[int], tables: np.ndarray) -> pd.DataFrame:
    """The long frame of :func:`jurisdiction_table` from the steps and their ``T x J x K`` tables.

    The frame holds its own copy of the numbers.
    """
    names = list(JURISDICTION_INDICATORS)
    if not steps:
        return pd.DataFrame(columns=["step", "jurisdiction", *names])
    n_rows, n_j, _ = tables.shape
    frame = pd.DataFrame(tables.reshape(n_rows * n_j, len(names)).copy(), columns=names)
    frame.insert(0, "jurisdiction", np.tile(np.arange(n_j), n_rows))
    frame.insert(0, "step", np.repeat(np.array(steps, dtype=np.int64), n_j))
    frame["population"] = frame["population"].astype(np.int64)
    return frame
