"""Phase 2: governments update their perceived demand.

Local governments observe their jurisdiction's true demand shares with noise and
update their perception exponentially with time constant ``information_lag``
(decision lag, 决策滞后). Complaints (phase 8) are an extra, noise-free channel: a
jurisdiction where the share ``q_j`` of citizens complained learns faster and more
accurately (responsiveness, 回应性). The centre learns from local reports, so its
information lags twice unless a transparent platform (平台式治理) lets it see the
observations directly:

    alpha      = 1 / (1 + lag)
    alpha_j    = alpha + (1 - alpha) * v * q_j
    obs_j      = normalise(max(0, true_j + sigma * (1 - v * q_j) * eps))
    local_j   += alpha_j * (obs_j - local_j)
    central_j += alpha * (tau * obs_j + (1 - tau) * local_j - central_j)

(``local_j`` on the last line is the value just updated: local reports go up the
hierarchy in the same step).

with ``v`` the voice weight, ``sigma`` the information noise and ``tau`` the
transparency lever.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.lever_table import as_column

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["true_demand", "update_perceived_demand"]


def true_demand(model: GovernanceModel) -> np.ndarray:
    """Each jurisdiction's true demand shares over domains (J x D, rows sum to 1)."""
    demand = model.jurisdiction_need * model.governments.demand_multiplier
    return demand / demand.sum(axis=1, keepdims=True)


def update_perceived_demand(model: GovernanceModel) -> None:
    """Move local and central perceived demand toward observed demand."""
    gov = model.governments
    table = model.lever_table
    transparency = as_column(table.local("transparency"))
    voice = model.params.information.voice_weight * gov.complaint_rate
    truth = true_demand(model)
    noise = (table.local("information_noise") * (1.0 - voice))[:, None]
    observed = np.maximum(truth + noise * model.rng.standard_normal(truth.shape), 0.0)
    totals = observed.sum(axis=1, keepdims=True)
    observed = np.where(totals > 0, observed / np.where(totals > 0, totals, 1.0), truth)
    alpha = 1.0 / (1.0 + table.local("information_lag"))
    alpha_local = (alpha + (1.0 - alpha) * voice)[:, None]
    gov.perceived_local += alpha_local * (observed - gov.perceived_local)
    source = transparency * observed + (1.0 - transparency) * gov.perceived_local
    gov.perceived_central += as_column(alpha) * (source - gov.perceived_central)
