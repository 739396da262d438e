"""Fiscal rules and fixed costs of government: the parts of the budget that need no model.

Each government ``g`` (local ``j = 0..J-1``, centre ``C``) holds a fiscal share of
every per-jurisdiction amount: ``decentralization`` for the local government and
the rest for the centre (:func:`sim.state.split_by_level`). On that basis:

* **borrowing limit** (a debt brake; fiscal rules, Kopits & Symansky 1998):
  reserves never go below ``-L_g``, ``L_g = share_g(borrowing_limit_per_capita * N_j)``;
* **reserve ceiling** (a revenue limit with refunds, as in Colorado's Taxpayer's
  Bill of Rights, 1992): reserves above ``K_g = share_g(reserve_ceiling_per_capita *
  N_j)`` after the step's spending are refunded to taxpayers;
* **administration cost** (an assumption: a fixed cost per government plus a cost
  per citizen it serves, the centre serving all N):
  ``A_g = administration_fixed + administration_per_citizen * N_g``.

The fiscal steady state of the budget rule (:mod:`sim.phases.budget`) has every
government end a step with reserves at its ceiling if its revenue covers what it
needs, and at its borrowing limit otherwise (:func:`steady_state_reserves`); a
run starts there.
"""

from __future__ import annotations

import numpy as np

from sim.params import ModelParams
from sim.state import split_by_level

__all__ = [
    "administration_costs",
    "borrowing_limits",
    "initial_reserves",
    "reserve_ceilings",
    "served_population",
    "steady_state_reserves",
]


def served_population(population: np.ndarray) -> np.ndarray:
    """Citizens each government serves: ``N_j`` for the locals, ``N`` for the centre.

    >>> served_population(np.array([3.0, 5.0])).tolist()
    [3.0, 5.0, 8.0]
    """
    return np.concatenate([population, [population.sum()]])


def administration_costs(params: ModelParams, population: np.ndarray) -> np.ndarray:
    """Per-government administration cost of a step: ``A_g = fixed + per_citizen * N_g``."""
    fiscal = params.fiscal
    return fiscal.administration_fixed + fiscal.administration_per_citizen * served_population(
        population
    )


def borrowing_limits(params: ModelParams, population: np.ndarray) -> np.ndarray:
    """``L_g``: how far below zero each government's reserves may go (>= 0)."""
    return split_by_level(
        params.fiscal.borrowing_limit_per_capita * population, params.decentralization
    )


def reserve_ceilings(params: ModelParams, population: np.ndarray) -> np.ndarray:
    """``K_g``: reserves each government keeps; more is refunded to taxpayers."""
    return split_by_level(
        params.fiscal.reserve_ceiling_per_capita * population, params.decentralization
    )


def steady_state_reserves(
    params: ModelParams, population: np.ndarray, revenue: np.ndarray, need: np.ndarray
) -> np.ndarray:
    """End-of-step reserves at the fiscal steady state of the budget rule (length J + 1).

    A government whose step revenue ``R_g`` covers what it needs ``need_g``
    (administration, programmes and the service target) spends its need and
    refunds the rest, so it ends every step at its reserve ceiling ``K_g``; one
    whose revenue falls short borrows until it sits at its borrowing limit
    ``-L_g`` and spends its revenue.
    """
    return np.where(
        revenue >= need,
        reserve_ceilings(params, population),
        -borrowing_limits(params, population),
    )


def initial_reserves(
    params: ModelParams, population: np.ndarray, tax_base: np.ndarray
) -> np.ndarray:
    """A first estimate of the steady state, before anything has been delivered (J + 1).

    Revenue is the tax rate times ``tax_base`` (per jurisdiction, split by level);
    need is administration plus the service standard at the nominal output of one
    unit per money unit (no leakage, no shading). The run starts as if a step's revenue had just come in:
    ``r_g = end_g + R_g``. :func:`sim.phases.budget.settle_initial_reserves`
    refines this once the step-0 round has shown what a money unit delivers.
    """
    revenue = split_by_level(params.fiscal.tax_rate * tax_base, params.decentralization)
    svc = params.services
    target = split_by_level(svc.service_standard * population, params.decentralization)
    need = administration_costs(params, population) + target
    return steady_state_reserves(params, population, revenue, need) + revenue
