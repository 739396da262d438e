"""Inter-governmental cooperation that does something (府际治理, 增长联盟).

The source names joint committees, resource sharing and joint environmental
enforcement between a city and its neighbours (a growth coalition). Three
instruments, each switched off by default and each with a coordination cost
booked in the Ledger category ``coordination`` (so it is part of
``governance_cost``); all act between the members of the coalition
(``coalition``; every jurisdiction when unset). How much each member's government
cooperates, ``kappa_j`` (phase 3: the ``intergovernmental_cooperation`` lever times
the mean weight of its cooperation ties with the other members), scales joint
enforcement; pooling and shared infrastructure are terms of the members' agreement:

* **joint committee with pooled budgets** (phase 3, :func:`pool_budgets`): each
  member puts the share ``pi`` of its own money in the pooled domains (by default
  the domains that spill over) into a common pool, which the committee spends by
  need, in proportion to ``N_j nhat_jd`` (population times perceived need share):

      L'_jd = (1 - pi) L_jd + pi (sum_{k in M} L_kd) N_j nhat_jd / sum_{k in M} N_k nhat_kd

  A joint committee for a spill-over domain internalises the spill-over (Oates
  1972; Olson 1969, "fiscal equivalence"); pooling by need is what fiscal
  equalisation schemes do (Boadway & Shah 2009). Coordination cost: the share
  ``zeta`` (``pooling_cost_share``) of the pooled money, paid by the members in
  proportion to what they put in
  (transaction costs of inter-local agreements; Feiock 2007, 2013);
* **joint environmental enforcement** (the environment phase): a member takes the
  pollution its violations export to its neighbours into account with weight
  ``kappa_j`` when its officials adapt enforcement effort (phase 13, which counts
  only the violations at home): an extra step of effort

      f_j += a * m_j * w_e * kappa_j * s_j^out * v_j

  with ``a`` the adaptation rate, ``m_j`` the marginal product of effort, ``w_e`` the
  environment weight of the officials' evaluation, ``s_j^out`` the share of its
  emissions that reaches its neighbours and ``v_j`` its violation rate. Internalising the external damage in the enforcement decision is
  Becker's (1968) optimal enforcement with the social harm counted in full; the
  linear adjustment is an assumption, as in phase 13. Coordination cost: a fixed
  amount per cooperating member (``kappa_j`` > 0) and step (joint inspection teams,
  information exchange);
* **shared abatement infrastructure** (the environment phase): the members run a
  joint treatment plant that removes an extra share ``delta_I`` of each member's
  pollution stock per step, at a cost per member citizen and step (an assumption).

A **growth coalition** is a ``focal`` jurisdiction (a richer city: its citizens'
incomes are multiplied by ``focal_income_multiple`` at the start; a larger one: it
holds ``focal_population_multiple`` times the citizens, enterprises and social
organisations of each other jurisdiction, :func:`weighted_blocks`) and its
``coalition`` partners; cooperation ties with non-members neither form nor count.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from sim.strict import StrictBlock, show

__all__ = [
    "CooperationParams",
    "basic_service_equalisation",
    "check_cooperation",
    "endow_focal_city",
    "jurisdiction_weights",
    "member_mask",
    "pool_budgets",
    "pooled_domain_mask",
    "weighted_blocks",
]


class CooperationParams(StrictBlock):
    """Joint committees, joint enforcement, shared infrastructure, a growth coalition."""

    coalition: list[int] | None = Field(
        None,
        description="Jurisdictions that cooperate (the members of the joint committees); unset "
        "(null): every jurisdiction. Cooperation ties with non-members neither form nor count.",
    )
    focal: int | None = Field(
        None,
        description="The focal city of a growth coalition (a member); its citizens' incomes are "
        "multiplied by focal_income_multiple at the start.",
    )
    focal_income_multiple: float = Field(
        1.0,
        gt=0.0,
        le=100.0,
        description="Income of the focal city's citizens relative to what they would draw.",
    )
    focal_population_multiple: float = Field(
        1.0,
        gt=0.0,
        le=100.0,
        description="Population of the focal city relative to each other jurisdiction; its "
        "enterprises and social organisations scale with it (1: equal jurisdictions).",
    )
    pool_share: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Share pi of each member's own money in the pooled domains that goes to the "
        "joint committee, which spends it by need over the members (0: no committee).",
    )
    pooled_domains: list[str] | None = Field(
        None,
        description="Domains the joint committee pools; unset (null): the domains that spill over "
        "(services.spillover > 0).",
    )
    pooling_cost_share: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="Coordination cost of the joint committee as a share of the money pooled.",
    )
    joint_enforcement: bool = Field(
        False,
        description="Members take the pollution their violations export into account when they "
        "adapt enforcement effort (needs mechanisms.environment).",
    )
    enforcement_coordination_cost: float = Field(
        0.5,
        ge=0.0,
        description="Cost per member and step of joint enforcement (money units).",
    )
    shared_infrastructure: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Extra share of each member's pollution stock removed per step by shared "
        "abatement infrastructure (needs mechanisms.environment; 0: none).",
    )
    infrastructure_cost_per_capita: float = Field(
        0.002,
        ge=0.0,
        description="Cost per member citizen and step of the shared infrastructure (money units).",
    )


def check_cooperation(
    params: CooperationParams, n_jurisdictions: int, domains: list[str], citizens: int
) -> None:
    """Raise ``ValueError`` naming the field if the coalition or pooled domains do not fit."""
    weights = jurisdiction_weights(params, n_jurisdictions)
    if weights is not None:
        sizes = np.bincount(weighted_blocks(citizens, weights), minlength=weights.size)
        smallest = int(sizes.min())
        if smallest < 2:
            raise ValueError(
                f"cooperation.focal_population_multiple ({show(params.focal_population_multiple)})"
                f" leaves a jurisdiction with {smallest} citizen(s) of {citizens}; each needs "
                "at least 2"
            )
    if params.coalition is not None:
        bad = [j for j in params.coalition if not 0 <= j < n_jurisdictions]
        if bad:
            raise ValueError(
                f"cooperation.coalition: jurisdiction {show(bad[0])} is out of range; "
                f"jurisdictions are 0..{n_jurisdictions - 1}"
            )
        if len(set(params.coalition)) != len(params.coalition):
            raise ValueError("cooperation.coalition: members must be distinct")
    if params.focal is not None:
        members = range(n_jurisdictions) if params.coalition is None else params.coalition
        if params.focal not in members:
            raise ValueError(
                f"cooperation.focal ({show(params.focal)}) must be a member of the coalition "
                f"({show(list(members))})"
            )
    for domain in params.pooled_domains or []:
        if domain not in domains:
            raise ValueError(
                f"cooperation.pooled_domains names {show(domain)}, which is not in "
                f"services.domains {show(domains)}"
            )


def member_mask(params: CooperationParams, n_jurisdictions: int) -> np.ndarray:
    """Boolean per jurisdiction: member of the coalition (all when none is named).

    >>> member_mask(CooperationParams(coalition=[0, 2]), 4).tolist()
    [True, False, True, False]
    """
    if params.coalition is None:
        return np.ones(n_jurisdictions, dtype=bool)
    mask = np.zeros(n_jurisdictions, dtype=bool)
    mask[params.coalition] = True
    return mask


def pooled_domain_mask(
    params: CooperationParams, domains: list[str], spillover: np.ndarray
) -> np.ndarray:
    """Boolean per domain: pooled by the joint committee."""
    if params.pooled_domains is None:
        return spillover > 0
    return np.isin(np.array(domains), params.pooled_domains)


def pool_budgets(
    own_money: np.ndarray,
    need_weight: np.ndarray,
    members: np.ndarray,
    pooled: np.ndarray,
    share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Pool the share ``share`` of members' own money in pooled domains; spend it by need.

    Parameters
    ----------
    own_money
        Each local government's own service money, J x D.
    need_weight
        ``N_j nhat_jd``: population times perceived need share, J x D.
    members, pooled
        Boolean masks over jurisdictions and domains.
    share
        ``pi``.

    Returns
    -------
    (money, contributed)
        The own money after pooling (J x D; unchanged outside members and pooled
        domains, and the column sums are kept) and what each jurisdiction put in (J).

    >>> money, put = pool_budgets(np.array([[3.0], [1.0]]), np.ones((2, 1)),
    ...                           np.array([True, True]), np.array([True]), 0.5)
    >>> money.tolist(), put.tolist()
    ([[2.5], [1.5]], [1.5, 0.5])
    """
    cell = members[:, None] & pooled[None, :]
    put = np.where(cell, share * own_money, 0.0)
    pool = put.sum(axis=0)
    weight = np.where(cell, need_weight, 0.0)
    total = weight.sum(axis=0)
    # where the members perceive no need at all, the pool returns to its contributors
    spend = np.where(
        total > 0, weight / np.where(total > 0, total, 1.0), put / np.maximum(pool, 1e-300)
    )
    return own_money - put + spend * pool, put.sum(axis=1)


def endow_focal_city(
    params: CooperationParams, jurisdiction: np.ndarray, income: np.ndarray
) -> None:
    """Multiply the incomes of the focal city's citizens by ``focal_income_multiple`` (in place).

    >>> income = np.ones(3)
    >>> endow_focal_city(CooperationParams(focal=1, focal_income_multiple=2.0),
    ...                  np.array([0, 1, 1]), income)
    >>> income.tolist()
    [1.0, 2.0, 2.0]
    """
    if params.focal is not None and params.focal_income_multiple != 1.0:
        income[jurisdiction == params.focal] *= params.focal_income_multiple


def basic_service_equalisation(
    coverage_by_jurisdiction: np.ndarray, population: np.ndarray
) -> float:
    """``1 - G``: one minus the population-weighted Gini of jurisdictions' mean coverage.

    Coverage is the share of a citizen's need met at the service standard, capped at
    1 (phase 4), i.e. how far the basic level of service is reached; the Gini over
    jurisdictions, each weighted by its population, is 0 when every jurisdiction
    reaches the same share, so the indicator is 1 at full equalisation:

        G = sum_j sum_k p_j p_k |c_j - c_k| / (2 sum_j p_j c_j),   p_j = N_j / N

    >>> basic_service_equalisation(np.array([0.5, 0.5]), np.array([10.0, 30.0]))
    1.0
    >>> round(basic_service_equalisation(np.array([0.0, 1.0]), np.array([1.0, 1.0])), 3)
    0.5
    """
    total = population.sum()
    if total <= 0:
        return 1.0
    p = population / total
    mean = float(p @ coverage_by_jurisdiction)
    if mean <= 0:
        return 1.0
    gaps = np.abs(coverage_by_jurisdiction[:, None] - coverage_by_jurisdiction[None, :])
    return 1.0 - float(p @ gaps @ p) / (2.0 * mean)


def jurisdiction_weights(params: CooperationParams, n_jurisdictions: int) -> np.ndarray | None:
    """Relative population of each jurisdiction, or None when all are equal (the default).

    >>> jurisdiction_weights(CooperationParams(focal=1, focal_population_multiple=2.0), 3).tolist()
    [1.0, 2.0, 1.0]
    """
    if params.focal is None or params.focal_population_multiple == 1.0:
        return None
    weights = np.ones(n_jurisdictions)
    weights[params.focal] = params.focal_population_multiple
    return weights


def weighted_blocks(n: int, weights: np.ndarray) -> np.ndarray:
    """Contiguous blocks of ids per jurisdiction, with sizes proportional to ``weights``.

    Id ``i`` goes to the jurisdiction whose share of the cumulative weight holds
    ``(i + 0.5) / n``; equal weights give equal blocks.

    >>> weighted_blocks(8, np.array([1.0, 2.0, 1.0])).tolist()
    [0, 0, 1, 1, 1, 1, 2, 2]
    """
    edges = np.cumsum(weights) / weights.sum()
    where = np.searchsorted(edges, (np.arange(n) + 0.5) / max(n, 1), side="right")
    return np.minimum(where, weights.size - 1).astype(np.int64)
