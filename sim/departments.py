"""Departments per service domain and information islands (信息孤岛) between them.

Optionally (``departments.enabled``, off by default) each government is a set of
departments, one per service domain, and the office that allocates the budget
learns each domain's demand from the departments' reports (phase 2,
:func:`route_cross_domain`). Most of a domain's need shows up in its own
department's records; a *cross-domain* change does not: a change of need in
domain ``A`` that is first recorded by the department of domain ``B`` (a food
incident that shows up in health demand, an ageing wave first seen by the health
department that raises elderly-care need). An event marks such a demand shock
with ``reported_by`` (:class:`sim.events.Shock`); its part of demand,
``X_jd`` (``governments.cross_demand``), reaches the allocating office only when
department ``B`` shares it - through the information platform, in proportion to
the platform's capability ``pi_j``, or fully through a joint working group - and
otherwise ``island_delay`` steps later:

    I_j        = 0                                  with a joint working group
               = island_delay * (1 - pi_j)          otherwise
    seen_jd    = normalise_d(delayed_jd * X_jd(t - lag - I_j) / X_jd(t - lag))

with ``delayed`` the demand shares reported ``lag`` steps late (section 7.2) and
``X(t - k)`` read, like demand, from a history interpolated between whole steps.
Joining departments (joined-up government: Pollitt 2003; digital-era governance's
reintegration through shared platforms: Dunleavy et al. 2006) therefore shortens
the response to cross-domain shocks; a joint working group costs
``working_group_cost`` per citizen and step (administration, co-financed by the
two levels). Shares of ``pi_j`` and the linear form of ``I_j`` are assumptions.

:func:`half_gap_time` measures the response: steps from a shock until a series
(the allocation share of the shocked domain) has closed half the gap between its
level before the shock and the level it settles at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field

from sim.strict import StrictBlock

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "DepartmentParams",
    "half_gap_time",
    "island_delays",
    "pay_working_groups",
    "route_cross_domain",
]


class DepartmentParams(StrictBlock):
    """One department per domain; cross-domain information is shared or arrives late."""

    enabled: bool = Field(
        False,
        description="Governments are departments per domain; cross-domain demand shocks "
        "(events with reported_by) reach allocation through sharing or late.",
    )
    island_delay: float = Field(
        6.0,
        ge=0.0,
        le=1000.0,
        description="Extra delay (steps) of cross-domain information between departments that "
        "share nothing (no platform, no joint working group).",
    )
    joint_working_group: bool = Field(
        False,
        description="Departments share cross-domain information in a joint working group "
        "(no island delay, at a coordination cost).",
    )
    working_group_cost: float = Field(
        0.002,
        ge=0.0,
        description="Cost per citizen and step of the joint working groups (administration).",
    )


def island_delays(model: GovernanceModel, capability: float | np.ndarray) -> np.ndarray:
    """Extra delay of cross-domain information in each jurisdiction (length J)."""
    dept = model.params.departments
    n_j = model.governments.n_jurisdictions
    if dept.joint_working_group:
        return np.zeros(n_j)
    return np.broadcast_to(dept.island_delay * (1.0 - np.asarray(capability)), (n_j,)).copy()


def _at_lag(history: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Rows of ``history`` (newest first, H x J x D) ``lag[j]`` steps back, interpolated."""
    whole = np.floor(lag).astype(np.int64)
    part = (lag - whole)[:, None]
    last = history.shape[0] - 1
    rows = np.arange(lag.size)
    now = history[np.minimum(whole, last), rows]
    before = history[np.minimum(whole + 1, last), rows]
    return np.where(part == 0, now, (1.0 - part) * now + part * before)


def route_cross_domain(
    model: GovernanceModel,
    delayed: np.ndarray,
    lag: float | np.ndarray,
    capability: float | np.ndarray,
) -> np.ndarray:
    """Demand shares as the allocating office sees them: cross-domain parts arrive late.

    Pushes this step's ``cross_demand`` onto ``cross_history`` and returns
    ``delayed`` with each cross-domain part taken ``I_j`` steps further back.
    """
    gov = model.governments
    n_j = gov.n_jurisdictions
    lag = np.broadcast_to(np.asarray(lag, dtype=np.float64), (n_j,))
    extra = island_delays(model, capability)
    late = lag + extra
    depth = int(np.max(np.floor(late))) + 2
    kept = gov.cross_history[: depth - 1]
    oldest = kept[-1:] if len(kept) else np.ones((1, *gov.cross_demand.shape))
    pad = np.repeat(oldest, max(depth - 1 - len(kept), 0), axis=0)
    gov.cross_history = np.concatenate([gov.cross_demand[None], kept, pad])
    if not extra.any():
        return delayed
    ratio = _at_lag(gov.cross_history, late) / _at_lag(gov.cross_history, lag)
    moved = np.any(ratio != 1.0, axis=1, keepdims=True)
    if not moved.any():
        return delayed
    seen = delayed * ratio
    # rows whose cross-domain part did not change in between stay exactly as reported
    return np.where(moved, seen / seen.sum(axis=1, keepdims=True), delayed)


def pay_working_groups(model: GovernanceModel) -> None:
    """Pay the joint working groups' coordination cost (administration), if there are any."""
    dept = model.params.departments
    if not dept.joint_working_group or dept.working_group_cost == 0:
        return
    cost = dept.working_group_cost * model.governments.population
    model.ledger.pay_shared(cost, model.params.decentralization, category="administration")


def half_gap_time(series: np.ndarray, shock: int, *, before: int = 5, settle: int = 10) -> float:
    """Steps from ``shock`` until ``series`` has closed half the gap to where it settles.

    The level before is the mean of the ``before`` values before index ``shock``;
    the level it settles at is the mean of the last ``settle`` values. Returns the
    number of steps after ``shock`` of the first value at least half-way (0 when
    already at the shock's step), or ``nan`` if the series never gets there or
    does not move.

    >>> half_gap_time(np.array([0, 0, 0, 0, 1, 2, 3, 4, 4, 4.0]), 3, before=3, settle=3)
    2.0
    """
    series = np.asarray(series, dtype=np.float64)
    start = series[max(shock - before, 0) : shock].mean()
    end = series[-settle:].mean()
    gap = end - start
    if gap == 0:
        return float("nan")
    progress = (series[shock:] - start) / gap
    reached = np.flatnonzero(progress >= 0.5)
    return float(reached[0]) if reached.size else float("nan")
