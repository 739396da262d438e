"""The environment: a pollution stock per jurisdiction that spills over borders.

Pollution is a stock pollutant (Perman, Ma, Common, Maddison & McGilvray 2011,
*Natural Resource and Environmental Economics*, ch. 16: ``dP/dt = E - alpha P``),
one stock ``P_j`` per jurisdiction, fed by the emissions of its enterprises and by
the share of its neighbours' emissions that the wind or a river carries across the
border (transboundary pollution; Sigman 2002 on free-riding upstream of borders;
Lipscomb & Mobarak 2017 on pollution at the borders of decentralised jurisdictions):

    P_j(t+1) = (1 - delta_j) P_j(t) + (1 - s) e_j(t) + s sum_k W_kj e_k(t)

* ``e_j`` the emissions of jurisdiction ``j`` (:func:`emissions`): a violating
  enterprise emits ``epsilon_v`` more than a compliant one, and every unit of
  production emits ``epsilon_p``, in units of the mean number of enterprises per
  jurisdiction ``E / J`` (so ``e_j = epsilon_v v_j + epsilon_p`` for a jurisdiction of
  average size with violation rate ``v_j`` and one unit of output per enterprise);
* ``s`` the spill-over share of emissions, ``W`` the spill-over geometry
  (:func:`spillover_matrix`, rows sum to 1 or 0): ``ring`` (half to each
  neighbour), ``chain`` (a river: everything to the next jurisdiction downstream,
  the last one's export leaves the region) or ``all`` (spread evenly over the
  others, like the spill-over of provision in phase 4); ``s_j^out = s sum_k W_jk`` is
  the share of j's emissions that reaches its neighbours (0 at the river mouth);
* ``delta_j = delta`` the natural decay, plus the extra decay of shared abatement
  infrastructure in the jurisdictions of a joint committee (:mod:`sim.cooperation`).

The stock harms every citizen of the jurisdiction (health damage, felt through the
harm term of satisfaction in phase 9):

    h_i = h_v violate_{e(i)} + h_P P_j

which replaces the flow term of phase 6 (``harm_spillover``) when the environment
phase is on. Everything in this module is the parameter block and pure functions;
:mod:`sim.phases.environment` is the phase.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from sim.strict import StrictBlock

__all__ = [
    "EnvironmentParams",
    "emissions",
    "exported_share",
    "neighbours",
    "next_stock",
    "spillover_matrix",
]


class EnvironmentParams(StrictBlock):
    """The pollution stock: emissions, decay, spill-over to neighbours, harm (phase 8)."""

    decay: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="Share delta of the pollution stock that decays (is absorbed) per step.",
    )
    spillover_share: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Share s of a jurisdiction's emissions carried to its neighbours.",
    )
    geometry: Literal["ring", "chain", "all"] = Field(
        "ring",
        description="Who receives spilled emissions: ring (half to each neighbour, j-1 and j+1), "
        "chain (a river: all to j+1; the last jurisdiction's export leaves the region), "
        "all (evenly to every other jurisdiction).",
    )
    emission_per_violation: float = Field(
        1.0,
        ge=0.0,
        description="Extra emission of a violating enterprise per step, in units of the mean "
        "number of enterprises per jurisdiction.",
    )
    emission_per_output: float = Field(
        0.1,
        ge=0.0,
        description="Emission per unit of enterprise production per step (every enterprise "
        "produces one unit until output is modelled), same units.",
    )
    harm_per_stock: float = Field(
        0.03,
        ge=0.0,
        description="Harm to every citizen of a jurisdiction per unit of its pollution stock "
        "(replaces compliance.harm_spillover when the environment phase is on).",
    )
    initial_stock: float = Field(
        0.0, ge=0.0, description="Pollution stock of every jurisdiction at the start."
    )


def spillover_matrix(n_jurisdictions: int, geometry: str) -> np.ndarray:
    """``W``: row ``j`` is where j's exported emissions go (rows sum to 1, or 0).

    >>> spillover_matrix(3, "ring").tolist()
    [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]]
    >>> spillover_matrix(3, "chain").tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    >>> spillover_matrix(1, "all").tolist()
    [[0.0]]
    """
    n = n_jurisdictions
    w = np.zeros((n, n))
    if n < 2:
        return w
    index = np.arange(n)
    match geometry:
        case "ring":
            np.add.at(w, (index, (index + 1) % n), 0.5)
            np.add.at(w, (index, (index - 1) % n), 0.5)
        case "chain":
            w[index[:-1], index[:-1] + 1] = 1.0
        case "all":
            w[:] = 1.0 / (n - 1)
            np.fill_diagonal(w, 0.0)
        case _:
            raise ValueError(f"unknown geometry {geometry!r}; allowed: ring, chain, all")
    return w


def neighbours(n_jurisdictions: int, geometry: str) -> np.ndarray:
    """Boolean J x J: jurisdictions that exchange pollution (either direction).

    >>> neighbours(4, "chain").astype(int).tolist()
    [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]]
    """
    w = spillover_matrix(n_jurisdictions, geometry)
    return (w + w.T) > 0


def exported_share(params: EnvironmentParams, n_jurisdictions: int) -> np.ndarray:
    """``s_j^out = s sum_k W_jk``: the share of each jurisdiction's emissions its neighbours get."""
    w = spillover_matrix(n_jurisdictions, params.geometry)
    return params.spillover_share * w.sum(axis=1)


def emissions(
    jurisdiction: np.ndarray,
    violating: np.ndarray,
    output: np.ndarray,
    n_jurisdictions: int,
    params: EnvironmentParams,
) -> np.ndarray:
    """``e_j``: emissions of each jurisdiction this step, from its enterprises.

    The hook for production: ``output`` is each enterprise's production this step
    (an array of length E; the model passes ones until enterprise output is
    modelled). A violation adds ``emission_per_violation``, a unit of output
    ``emission_per_output``; the sum is divided by the mean number of enterprises per
    jurisdiction, so emissions do not grow with the size of the population.

    >>> p = EnvironmentParams(emission_per_violation=1.0, emission_per_output=0.1)
    >>> emissions(np.array([0, 0, 1, 1]), np.array([True, False, False, False]),
    ...           np.ones(4), 2, p).round(6).tolist()
    [0.6, 0.1]
    """
    n = jurisdiction.size
    if n == 0:
        return np.zeros(n_jurisdictions)
    source = params.emission_per_violation * violating + params.emission_per_output * output
    total = np.bincount(jurisdiction, weights=source, minlength=n_jurisdictions)
    return total * (n_jurisdictions / n)


def next_stock(
    stock: np.ndarray,
    emitted: np.ndarray,
    decay: float | np.ndarray,
    params: EnvironmentParams,
) -> np.ndarray:
    """``P(t+1) = (1 - delta) P + (1 - s) e + s W^T e`` (see the module docstring).

    >>> p = EnvironmentParams(spillover_share=0.5, geometry="chain")
    >>> next_stock(np.zeros(2), np.array([1.0, 0.0]), 0.1, p).tolist()
    [0.5, 0.5]
    """
    w = spillover_matrix(stock.size, params.geometry)
    s = params.spillover_share
    kept = (1.0 - s) * emitted  # at a river mouth the share s leaves the region
    received = s * (w.T @ emitted)
    return (1.0 - decay) * stock + kept + received
