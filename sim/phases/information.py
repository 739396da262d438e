"""Phase 2: needs drift, governments learn them late and noisily, and pay for the platform.

Reads ``model.jurisdiction_need`` (the census profile), ``demand_multiplier``
(events), ``complaint_rate`` (phase 8), the levers ``information_lag``,
``information_noise`` and ``transparency``; writes ``need_drift``,
``perceived_local``, ``perceived_central`` and ``platform_capability``; pays the
platform through the ledger.

**Needs drift.** Each jurisdiction's need for each domain deviates from its census
profile by a log drift ``z_jd`` that follows a bounded, mean-reverting random walk
(a discretised Ornstein-Uhlenbeck process, Uhlenbeck & Ornstein 1930) with rare
local jumps (a compound Poisson term, as in Merton's 1976 jump diffusion); the
functional form is an assumption:

    z_jd <- clip((1 - rho) z_jd + sigma eps_jd + b_j k_j(d) xi_j, -B, B)

with ``eps, xi`` standard normal, ``b_j`` a Bernoulli(``local_shock_rate``) draw,
``k_j(d)`` one uniformly chosen domain and ``xi_j`` scaled by
``local_shock_size``. True demand shares are

    true_jd = normalise_d(census_jd * M_jd * exp(z_jd))

with ``M`` the event multipliers. The drift starts from its stationary spread
(standard deviation ``sigma / sqrt(1 - (1 - rho)^2)``), while governments start
from the census profile: a stale estimate, so that lag and noise cost match
from the first step.

**Learning.** Local governments observe true demand with noise and update
exponentially with time constant ``information_lag`` (decision lag, 决策滞后).
Complaints are an extra, noise-free channel: a jurisdiction where the share
``q_j`` of citizens complained learns faster and more accurately (responsiveness,
回应性). The centre learns from local reports, so its information lags twice
unless transparency lets it see the observations directly:

    alpha      = 1 / (1 + lag)
    alpha_j    = alpha + (1 - alpha) * v * q_j
    obs_j      = normalise(max(0, true_j + sigma_o * (1 - v * q_j) * eps))
    local_j   += alpha_j * (obs_j - local_j)
    central_j += alpha * (tau * obs_j + (1 - tau) * local_j - central_j)

(``local_j`` on the last line is the value just updated), with ``v`` the voice
weight, ``sigma_o`` the information noise and ``tau`` transparency.

**The platform's cost.** Low lag and low noise take an information system
(e-government platform, 平台式治理). Its capability

    pi = 0.5 / (1 + lag) + 0.5 * sigma_ref / (sigma_ref + sigma_o)

is 1 with no lag and no noise and falls toward 0 as either grows. It costs
``c_run * pi`` per citizen per step to run and ``c_setup * (pi - pi_built)``
per citizen once when capability is raised above what was built before (the
capability in force when the run starts counts as built). Both are co-financed
by the two levels in proportion to the revenue they hold. Cheaper, faster
information is bought, not free (assumption; the costs of e-government
platforms are discussed by Dunleavy et al. 2006, *Digital Era Governance*).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.params import InformationParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "drift_needs",
    "initial_need_drift",
    "pay_platform",
    "platform_capability",
    "true_demand",
    "update_perceived_demand",
]


def true_demand(model: GovernanceModel) -> np.ndarray:
    """Each jurisdiction's true demand shares over domains (J x D, rows sum to 1)."""
    demand = model.jurisdiction_need * model.governments.demand_factor()
    return demand / demand.sum(axis=1, keepdims=True)


def initial_need_drift(
    info: InformationParams, n_jurisdictions: int, n_domains: int, rng: np.random.Generator
) -> np.ndarray:
    """A draw of the log need drift from its stationary spread (J x D), clipped to the bound."""
    keep = 1.0 - info.drift_reversion
    spread = info.drift_volatility / np.sqrt(max(1.0 - keep * keep, 1e-12))
    # with no reversion the walk has no stationary spread: start at the bound's scale
    spread = min(spread, info.drift_bound)
    draw = spread * rng.standard_normal((n_jurisdictions, n_domains))
    return np.clip(draw, -info.drift_bound, info.drift_bound)


def drift_needs(drift: np.ndarray, info: InformationParams, rng: np.random.Generator) -> None:
    """One step of the bounded random walk with local jumps, in place (J x D)."""
    n_j, n_d = drift.shape
    step = info.drift_volatility * rng.standard_normal((n_j, n_d))
    jumps = rng.random(n_j) < info.local_shock_rate
    domain = rng.integers(0, n_d, n_j)
    size = info.local_shock_size * rng.standard_normal(n_j)
    drift *= 1.0 - info.drift_reversion
    drift += step
    drift[np.flatnonzero(jumps), domain[jumps]] += size[jumps]
    np.clip(drift, -info.drift_bound, info.drift_bound, out=drift)


def platform_capability(lag: float, noise: float, noise_reference: float) -> float:
    """Capability ``pi`` of the information platform that delivers this lag and noise.

    >>> platform_capability(0.0, 0.0, 0.1)
    1.0
    >>> round(platform_capability(1.0, 0.1, 0.1), 3)
    0.5
    """
    return 0.5 / (1.0 + lag) + 0.5 * noise_reference / (noise_reference + noise)


def pay_platform(model: GovernanceModel) -> np.ndarray:
    """Pay the platform's running cost and any set-up of new capability; return it per jurisdiction."""
    gov = model.governments
    info = model.params.information
    levers = model.levers
    capability = platform_capability(
        levers.information_lag, levers.information_noise, info.noise_reference
    )
    built = gov.platform_capability
    # the capability in force when the run starts was built before it
    built[np.isnan(built)] = capability
    setup = info.platform_setup_cost * np.maximum(capability - built, 0.0)
    np.maximum(built, capability, out=built)
    cost = (info.platform_running_cost * capability + setup) * gov.population
    # cost category: platform
    model.ledger.pay_shared(cost, model.params.decentralization)
    return cost


def update_perceived_demand(model: GovernanceModel) -> None:
    """Drift needs, pay the platform, move perceived demand toward observed demand."""
    gov = model.governments
    levers = model.levers
    info = model.params.information
    drift_needs(gov.need_drift, info, model.rng)
    pay_platform(model)
    voice = info.voice_weight * gov.complaint_rate
    truth = true_demand(model)
    noise = levers.information_noise * (1.0 - voice)[:, None]
    observed = np.maximum(truth + noise * model.rng.standard_normal(truth.shape), 0.0)
    totals = observed.sum(axis=1, keepdims=True)
    observed = np.where(totals > 0, observed / np.where(totals > 0, totals, 1.0), truth)
    alpha = 1.0 / (1.0 + levers.information_lag)
    alpha_local = (alpha + (1.0 - alpha) * voice)[:, None]
    gov.perceived_local += alpha_local * (observed - gov.perceived_local)
    source = levers.transparency * observed + (1.0 - levers.transparency) * gov.perceived_local
    gov.perceived_central += alpha * (source - gov.perceived_central)
