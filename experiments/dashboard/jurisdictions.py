"""Indicators of each jurisdiction, for the dashboard's per-jurisdiction view.

The model's indicators (:mod:`sim.indicators`) are system-wide; several of them
are aggregates of a per-jurisdiction quantity, and this module computes those
quantities for each jurisdiction ``j`` from the model's state arrays:

- citizens' means: trust, satisfaction, service coverage, and the shares who
  co-produce (participation) and who are actively rebelling (unrest), each the
  mean over the citizens ``i`` with ``jurisdiction_i = j``. Their
  population-weighted mean is the system indicator of the same name.
- ``compliance_rate``: the share of jurisdiction ``j``'s enterprises not violating
  (NaN where it has none). Weighted by enterprise counts, the system rate.
- ``provision_per_capita``: ``sum_d provision_jd``, the effective provision per
  capita summed over domains: the quantity whose Gini across jurisdictions is
  ``1 - jurisdiction_equity``.
- ``enforcement_effort``: the local government's enforcement effort; its mean over
  jurisdictions is ``mean_enforcement_effort``.

These are read-outs of the state (verification: the aggregates reproduce the
model's own indicators, see ``tests/experiments/test_dashboard.py``), not new
mechanisms. Each costs one ``bincount`` over the citizens or enterprises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim import GovernanceModel

__all__ = ["JURISDICTION_INDICATORS", "jurisdiction_values"]

# name -> label in plain words with units; the first is the view's default
JURISDICTION_INDICATORS: dict[str, str] = {
    "mean_trust": "Trust in government (0-1)",
    "mean_satisfaction": "Satisfaction (0-1)",
    "service_coverage": "Service coverage (share of need met)",
    "participation_rate": "Participation (share of citizens)",
    "unrest_rate": "Unrest (share of citizens active)",
    "compliance_rate": "Compliance (share of enterprises)",
    "provision_per_capita": "Provision per capita (sum over domains)",
    "enforcement_effort": "Enforcement effort (local government)",
}


def jurisdiction_values(model: GovernanceModel) -> dict[str, np.ndarray]:
    """Each indicator of :data:`JURISDICTION_INDICATORS` for every jurisdiction (length J).

    Examples
    --------
    >>> from sim import GovernanceModel, ModelParams
    >>> model = GovernanceModel(ModelParams(citizens=200, jurisdictions=3), rng=1)
    >>> values = jurisdiction_values(model)
    >>> sorted(values) == sorted(JURISDICTION_INDICATORS), values["mean_trust"].shape
    (True, (3,))
    """
    gov = model.governments
    n_jur = gov.n_jurisdictions
    cit = model.citizens
    where = cit.jurisdiction
    citizens = np.bincount(where, minlength=n_jur).astype(np.float64)
    per_citizen = np.where(citizens > 0, citizens, np.nan)  # an empty jurisdiction has no mean

    def citizen_mean(values: np.ndarray) -> np.ndarray:
        return np.bincount(where, weights=values, minlength=n_jur) / per_citizen

    ent = model.enterprises
    firms = np.bincount(ent.jurisdiction, minlength=n_jur).astype(np.float64)
    complying = np.bincount(
        ent.jurisdiction, weights=~np.asarray(ent.violating, dtype=bool), minlength=n_jur
    )
    return {
        "mean_trust": citizen_mean(cit.trust),
        "mean_satisfaction": citizen_mean(cit.satisfaction),
        "service_coverage": citizen_mean(cit.coverage),
        "participation_rate": citizen_mean(np.asarray(cit.cooperate, dtype=np.float64)),
        "unrest_rate": citizen_mean(np.asarray(cit.active, dtype=np.float64)),
        "compliance_rate": complying / np.where(firms > 0, firms, np.nan),
        "provision_per_capita": gov.provision.sum(axis=1),
        "enforcement_effort": np.array(gov.enforcement_effort, dtype=np.float64),
    }
