"""Phase 1: revenue and transfers between the centre and local governments.

Tax on citizens' income and enterprises' positive profit is collected per
jurisdiction; local governments keep the share ``decentralization`` of their own
jurisdiction's revenue (fiscal decentralisation, 简政放权 / 权力下放) and the centre
the rest, which it redistributes per capita through its allocation (phase 3):

    R_j = tax_rate * m_j * (sum_{i in j} d_i y_i + sum_{e in j} max(pi_e, 0))
    local_j += d * R_j,    centre += (1 - d) * sum_j R_j

``m_j`` is the revenue multiplier that revenue shocks change; ``d_i`` the share of
income citizen ``i`` declares (1 unless phase 9's tax compliance lowers it).

With the economy on (``mechanisms.economy``, :mod:`sim.economy`) the same rule
taxes what the economy makes: ``y_i`` is a wage (or the unemployment benefit) and
``pi_e`` includes the firm's operating profit (0 for firms out of the market), so
revenue follows output, employment and firm entry.

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.income``, ``citizens.jurisdiction``, ``citizens.tax_compliance``,
``enterprises.jurisdiction``, ``enterprises.profit``, ``governments.n_jurisdictions``,
``governments.revenue_multiplier``, ``ledger``;

writes ``ledger``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction
from sim.state import split_by_level

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["READS", "WRITES", "collect_revenue"]

READS: tuple[str, ...] = (
    "citizens.income",
    "citizens.jurisdiction",
    "citizens.tax_compliance",
    "enterprises.jurisdiction",
    "enterprises.profit",
    "governments.n_jurisdictions",
    "governments.revenue_multiplier",
    "ledger",
)
WRITES: tuple[str, ...] = ("ledger",)


def collect_revenue(model: GovernanceModel) -> None:
    """Collect taxes and split them between the local and central governments."""
    gov = model.governments
    n_j = gov.n_jurisdictions
    cit = model.citizens  # citizens declare the share tax_compliance of income (phase 9)
    base = by_jurisdiction(cit.jurisdiction, cit.income * cit.tax_compliance, n_j)
    ent = model.enterprises
    if len(ent):
        base = base + by_jurisdiction(ent.jurisdiction, np.maximum(ent.profit, 0.0), n_j)
    revenue = model.params.fiscal.tax_rate * gov.revenue_multiplier * base
    model.ledger.receive(split_by_level(revenue, model.params.decentralization))
