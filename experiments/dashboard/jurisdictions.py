"""Indicators of each jurisdiction, for the dashboard's per-jurisdiction view.

The values are the model's own per-jurisdiction indicators
(:func:`sim.jurisdiction_frame.record_jurisdictions`, the rows of
``jurisdictions.parquet``), so the dashboard and the stored tables cannot disagree;
this module only chooses which of them the view offers and labels them for people.
Population-weighted, the citizens' means reproduce the system indicators of the same
name (verification, see ``tests/experiments/test_dashboard.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.jurisdiction_frame import JURISDICTION_INDICATORS as RECORDED
from sim.jurisdiction_frame import record_jurisdictions

if TYPE_CHECKING:
    from sim import GovernanceModel

__all__ = ["JURISDICTION_INDICATORS", "jurisdiction_values"]

_COLUMN = {name: k for k, name in enumerate(RECORDED)}

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
    table = record_jurisdictions(model)
    return {name: table[:, _COLUMN[name]].copy() for name in JURISDICTION_INDICATORS}
