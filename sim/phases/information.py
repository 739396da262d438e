"""Phase 2: needs drift, governments learn them late and noisily, and pay for the platform.

Reads ``model.jurisdiction_need`` (the census profile), ``demand_multiplier``
(events), ``complaint_rate`` (phase 10), the levers ``information_lag``,
``information_noise`` and ``transparency``; writes ``need_drift``,
``demand_history``, ``perceived_local``, ``perceived_central`` and
``platform_capability``; pays the
platform through the ledger. With a pilot (pilot scope) each jurisdiction learns
with its own lag, noise and transparency and pays for the platform its own lag and
noise take (``lag``, ``sigma_o``, ``tau``, ``g`` and ``pi`` below then carry an index
``j``).

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

**Learning.** Reports of demand reach a local government ``lag`` steps late
(``information_lag``, decision lag 决策滞后: a delay, linearly interpolated between
whole steps) and with noise. Complaints are an extra channel that reports current
need without noise (voice as information, Hirschman 1970; responsiveness, 回应性):
where the share ``q_j`` of citizens complained, a share ``v q_j`` of what the
government observes is today's need. Governments filter what they observe with the
gain that is optimal for a drifting level seen with noise, the steady-state Kalman
gain of the local-level model (exponential smoothing is the optimal forecast of a
random walk plus noise: Muth 1960; Harvey 1989):

    delayed_j  = (1 - f) true_j(t - k) + f true_j(t - k - 1),   lag = k + f
    v_j        = voice_weight * q_j
    obs_j      = (1 - v_j) normalise(max(0, delayed_j + sigma_o eps_j)) + v_j true_j(t)
    Q          = (sigma^2 + local_shock_rate * local_shock_size^2 / D) / (D^2 sigma_o^2)
    g          = (sqrt(Q^2 + 4 Q) - Q) / 2       (1 without noise)
    g_j        = g + (1 - g) v_j
    local_j   += g_j (obs_j - local_j)
    central_j += g (tau obs_j + (1 - tau) local_j - central_j)

(``Q`` is the signal-to-noise ratio of a share near ``1 / D``; ``local_j`` on the
last line is the value just updated: local reports go up the hierarchy in the
same step, so without transparency ``tau`` the centre filters twice). Reports
from before the run are the census profile. A longer lag therefore always leaves
perception further behind need; noise makes the filter slower.

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

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``governments.complaint_rate``, ``governments.demand_factor``,
``governments.demand_history``, ``governments.demand_multiplier``,
``governments.need_drift``, ``governments.perceived_central``,
``governments.perceived_local``, ``governments.platform_capability``,
``governments.population``, ``jurisdiction_need``, ``ledger``, ``levers``,
``params.information``;

writes ``governments.perceived_local``, ``governments.perceived_central``,
``governments.need_drift``, ``governments.demand_history``,
``governments.platform_capability``, ``ledger``; with departments
(``departments.enabled``) it also reads ``governments.cross_demand``,
``governments.cross_history``, ``governments.n_jurisdictions``,
``params.departments`` and writes
``governments.cross_history``.

**Departments** (optional, :mod:`sim.departments`). With ``departments.enabled``
the part of demand that came from cross-domain shocks reaches the allocating
office ``I_j = island_delay (1 - pi_j)`` steps later than the rest (0 with a joint
working group, which costs ``working_group_cost`` per citizen and step):
``delayed_jd <- normalise_d(delayed_jd X_jd(t - lag - I_j) / X_jd(t - lag))``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.departments import pay_working_groups, route_cross_domain
from sim.lever_table import as_column
from sim.numeric import clip
from sim.params import InformationParams

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "READS",
    "WRITES",
    "delayed_demand",
    "drift_needs",
    "filter_gain",
    "initial_need_drift",
    "pay_platform",
    "platform_capability",
    "platform_running_costs",
    "true_demand",
    "true_demand_shares",
    "update_perceived_demand",
]

READS: tuple[str, ...] = (
    "governments.complaint_rate",
    "governments.demand_factor",
    "governments.demand_history",
    "governments.demand_multiplier",
    "governments.need_drift",
    "governments.perceived_central",
    "governments.perceived_local",
    "governments.platform_capability",
    "governments.population",
    "jurisdiction_need",
    "ledger",
    "levers",
    "params.information",
    "governments.cross_demand",
    "governments.cross_history",
    "governments.n_jurisdictions",
    "params.departments",
)
WRITES: tuple[str, ...] = (
    "governments.perceived_local",
    "governments.perceived_central",
    "governments.need_drift",
    "governments.demand_history",
    "governments.platform_capability",
    "ledger",
    "governments.cross_history",
)


def true_demand(model: GovernanceModel) -> np.ndarray:
    """Each jurisdiction's true demand shares over domains (J x D, rows sum to 1)."""
    return true_demand_shares(model.jurisdiction_need, model.governments.demand_factor())


def true_demand_shares(need: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """True demand shares ``need * factor`` normalised over domains (the last axis).

    ``need`` and ``factor`` are ``... x D`` (one step's ``J x D`` arrays, or a
    ``T x J x D`` batch of them, :mod:`sim.jurisdiction_frame`); each row is
    divided by its own sum over the ``D`` domains, so a row's shares are the same
    numbers whether computed alone or in a batch.
    """
    demand = need * factor
    return demand / demand.sum(axis=-1, keepdims=True)


def initial_need_drift(
    info: InformationParams, n_jurisdictions: int, n_domains: int, rng: np.random.Generator
) -> np.ndarray:
    """A draw of the log need drift from its stationary spread (J x D), clipped to the bound."""
    keep = 1.0 - info.drift_reversion
    spread = info.drift_volatility / np.sqrt(max(1.0 - keep * keep, 1e-12))
    # with no reversion the walk has no stationary spread: start at the bound's scale
    spread = min(spread, info.drift_bound)
    draw = spread * rng.standard_normal((n_jurisdictions, n_domains))
    return clip(draw, -info.drift_bound, info.drift_bound)


def drift_needs(drift: np.ndarray, info: InformationParams, rng: np.random.Generator) -> None:
    """One step of the bounded random walk with local jumps, in place (J x D)."""
    n_j, n_d = drift.shape
    step = info.drift_volatility * rng.standard_normal((n_j, n_d))
    jumps = rng.random(n_j) < info.local_shock_rate
    domain = rng.integers(0, n_d, n_j)
    size = info.local_shock_size * rng.standard_normal(n_j)
    drift *= 1.0 - info.drift_reversion
    drift += step
    drift[jumps.nonzero()[0], domain[jumps]] += size[jumps]
    clip(drift, -info.drift_bound, info.drift_bound, out=drift)


def platform_capability(
    lag: float | np.ndarray, noise: float | np.ndarray, noise_reference: float
) -> float | np.ndarray:
    """Capability ``pi`` of the information platform that delivers this lag and noise.

    Elementwise for per-jurisdiction lag and noise (pilot scope).

    >>> platform_capability(0.0, 0.0, 0.1)
    1.0
    >>> round(platform_capability(1.0, 0.1, 0.1), 3)
    0.5
    """
    return 0.5 / (1.0 + lag) + 0.5 * noise_reference / (noise_reference + noise)


def platform_running_costs(model: GovernanceModel) -> np.ndarray:
    """The platform's running cost per jurisdiction at the capability the levers ask for."""
    info = model.params.information
    levers = model.levers
    capability = platform_capability(
        levers.information_lag, levers.information_noise, info.noise_reference
    )
    return info.platform_running_cost * capability * model.governments.population


def pay_platform(model: GovernanceModel) -> np.ndarray:
    """Pay the platform's running cost and any set-up of new capability; return it per jurisdiction."""
    gov = model.governments
    info = model.params.information
    table = model.lever_table  # each jurisdiction's own lag and noise (pilot scope)
    capability = platform_capability(
        table.local("information_lag"), table.local("information_noise"), info.noise_reference
    )
    built = gov.platform_capability
    # the capability in force when the run starts was built before it
    built[:] = np.where(np.isnan(built), capability, built)
    setup = info.platform_setup_cost * np.maximum(capability - built, 0.0)
    np.maximum(built, capability, out=built)
    cost = (info.platform_running_cost * capability + setup) * gov.population
    model.ledger.pay_shared(cost, model.params.decentralization, category="platform")
    return cost


def filter_gain(info: InformationParams, noise: float, n_domains: int) -> float:
    """Steady-state Kalman gain of a drifting share observed with noise ``noise``.

    >>> from sim.params import InformationParams
    >>> filter_gain(InformationParams(), 0.0, 4)
    1.0
    >>> 0.0 < filter_gain(InformationParams(), 0.15, 4) < filter_gain(InformationParams(), 0.04, 4) < 1.0
    True
    """
    variance = n_domains**2 * noise**2
    if variance == 0.0:  # no noise, or so little that its square underflows
        return 1.0
    drift = info.drift_volatility**2 + info.local_shock_rate * info.local_shock_size**2 / n_domains
    ratio = drift / variance
    if ratio > 1e150:  # the gain's limit; ratio * ratio would overflow
        return 1.0
    return float((np.sqrt(ratio * ratio + 4.0 * ratio) - ratio) / 2.0)


def delayed_demand(
    history: np.ndarray, truth: np.ndarray, stale: np.ndarray, lag: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Push ``truth`` onto the history (newest first); return it and demand ``lag`` steps ago.

    Steps before the history starts are filled with its oldest entry (``stale`` if
    it is empty), and a fractional lag interpolates between whole steps.

    >>> h = np.zeros((0, 1, 1))
    >>> for t in range(4):
    ...     h, seen = delayed_demand(h, np.full((1, 1), float(t)), np.full((1, 1), -1.0), 1.5)
    >>> seen.ravel().tolist()
    [1.5]

    ``lag`` may be one value per jurisdiction (row of ``truth``; pilot scope): the
    history is then kept as deep as the longest lag needs.
    """
    if isinstance(lag, np.ndarray):
        return _delayed_demand_by_row(history, truth, stale, lag)
    whole = int(np.floor(lag))
    part = lag - whole
    depth = whole + (2 if part > 0 else 1)
    oldest = history[-1:] if len(history) else stale[None]
    kept = history[: depth - 1]
    pad = np.repeat(oldest, max(depth - 1 - len(kept), 0), axis=0)
    history = np.concatenate([truth[None], kept, pad])
    delayed = (
        history[whole] if part == 0 else (1.0 - part) * history[whole] + part * history[whole + 1]
    )
    return history, delayed


def _delayed_demand_by_row(
    history: np.ndarray, truth: np.ndarray, stale: np.ndarray, lag: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`delayed_demand` with one lag per row (jurisdiction), same arithmetic per row."""
    whole = np.floor(lag).astype(np.int64)
    part = lag - whole
    depth = int(np.max(whole + np.where(part > 0, 2, 1)))
    oldest = history[-1:] if len(history) else stale[None]
    kept = history[: depth - 1]
    pad = np.repeat(oldest, max(depth - 1 - len(kept), 0), axis=0)
    history = np.concatenate([truth[None], kept, pad])
    rows = np.arange(truth.shape[0])
    now = history[whole, rows]
    before = history[np.minimum(whole + 1, depth - 1), rows]
    part = part[:, None]
    delayed = np.where(part == 0, now, (1.0 - part) * now + part * before)
    return history, delayed


def _filter_gains(
    info: InformationParams, noise: float | np.ndarray, n_domains: int
) -> float | np.ndarray:
    """:func:`filter_gain` of one noise, or of each jurisdiction's noise (pilot scope)."""
    if isinstance(noise, np.ndarray):
        return np.array([filter_gain(info, float(sigma), n_domains) for sigma in noise])
    return filter_gain(info, noise, n_domains)


def update_perceived_demand(model: GovernanceModel) -> None:
    """Drift needs, pay the platform, move perceived demand toward delayed, noisy reports."""
    gov = model.governments
    table = model.lever_table  # each jurisdiction's own lag, noise, transparency (pilot scope)
    lag, noise = table.local("information_lag"), table.local("information_noise")
    transparency = as_column(table.local("transparency"))
    info = model.params.information
    drift_needs(gov.need_drift, info, model.rng)
    pay_platform(model)
    voice = (info.voice_weight * gov.complaint_rate)[:, None]
    truth = true_demand(model)
    gov.demand_history, delayed = delayed_demand(
        gov.demand_history, truth, model.jurisdiction_need, lag
    )
    if model.params.departments.enabled:  # information islands (sim.departments)
        capability = platform_capability(lag, noise, info.noise_reference)
        delayed = route_cross_domain(model, delayed, lag, capability)
        pay_working_groups(model)
    noisy = delayed + as_column(noise) * model.rng.standard_normal(truth.shape)
    observed = np.maximum(noisy, 0.0)
    totals = observed.sum(axis=1, keepdims=True)
    observed = np.where(totals > 0, observed / np.where(totals > 0, totals, 1.0), delayed)
    observed = (1.0 - voice) * observed + voice * truth
    gain = as_column(_filter_gains(info, noise, truth.shape[1]))
    gain_local = gain + (1.0 - gain) * voice
    gov.perceived_local += gain_local * (observed - gov.perceived_local)
    source = transparency * observed + (1.0 - transparency) * gov.perceived_local
    gov.perceived_central += gain * (source - gov.perceived_central)
