"""Indicators per jurisdiction, one row per step and jurisdiction (pilot scope).

A pilot reform in one jurisdiction is read by comparing that jurisdiction with its
neighbours, so every indicator with a per-jurisdiction meaning is also recorded
per jurisdiction. Each step :func:`record_jurisdictions` computes a ``J x K``
table with one weighted ``bincount`` per citizen or enterprise quantity (no loop
over actors) and :func:`jurisdiction_table` stacks the steps into a frame.

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
from sim.phases.information import true_demand

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["JURISDICTION_INDICATORS", "jurisdiction_table", "record_jurisdictions"]

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
    cit, gov = model.citizens, model.governments
    n_j = gov.n_jurisdictions
    where = cit.jurisdiction
    population = gov.population
    sums = _citizen_sums(model, where, n_j)
    sums /= np.maximum(population, 1.0)
    money = gov.money
    allocated = money.sum(axis=1, keepdims=True)
    shares = np.divide(money, allocated, out=np.zeros_like(money), where=allocated > 0)
    spending = model.ledger.governance_cost  # spending other than refunds, as nationally
    table = np.empty((n_j, len(JURISDICTION_INDICATORS)))
    table[:, 0] = population
    table[:, 1] = sums[0]
    table[:, 2] = 1.0 - violation_rates(model)
    table[:, 3:10] = sums[1:8].T  # trust ... harm
    table[:, 10] = sums[8] - sums[7]  # service utility minus harm
    table[:, 11] = 1.0 - 0.5 * np.abs(shares - true_demand(model)).sum(axis=1)
    table[:, 12] = gov.provision.sum(axis=1)
    central = spending[gov.central] / max(float(population.sum()), 1.0)
    table[:, 13] = spending[:n_j] / np.maximum(population, 1.0) + central
    table[:, 14] = gov.enforcement_effort[:n_j]
    table[:, 15] = gov.pollution
    return table


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
    names = list(JURISDICTION_INDICATORS)
    if not rows:
        return pd.DataFrame(columns=["step", "jurisdiction", *names])
    n_j = rows[0][1].shape[0]
    data = np.concatenate([table for _, table in rows])
    frame = pd.DataFrame(data, columns=names)
    frame.insert(0, "jurisdiction", np.tile(np.arange(n_j), len(rows)))
    frame.insert(0, "step", np.repeat(np.array([step for step, _ in rows], dtype=np.int64), n_j))
    frame["population"] = frame["population"].astype(np.int64)
    return frame
