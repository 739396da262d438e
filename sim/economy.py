"""The local economy: parameters, state and its pure functions (the ``economy`` phase).

Enterprises are a fixed pool of potential firms; a firm is *active* (producing)
or not, and entry and exit move rows between the two (populations never grow or
shrink). Active firms hire citizens of their jurisdiction, produce with a
Cobb-Douglas technology whose productivity rises with public services, pay the
labour share of their revenue as wages and keep the rest as profit, which the
revenue phase taxes. Incomes, employment and poverty are state; poverty and
unemployment add to citizens' hardship, which feeds unrest.

Production (Cobb-Douglas; productive public spending as in Barro 1990):

    y_e   = A_j z_e^(1 - alpha) L_e^alpha
    A_j   = (w^r_j / alpha) * tfp * G_j^beta,   G_j += delta_G (s_j - G_j)
    s_j   = max(sum_{d in P} x_jd / (standard * sum_{d in P} n_jd), 0.05)
    w^r_j = reservation_wage * mean_income * l_j

``z_e`` is the firm's capital (its ``capacity`` times ``firm_size`` citizens per
potential firm), ``s_j`` the provision per capita of the productive domains
``P`` (education by default) over what meets their need (``n_jd`` the census
need shares), ``G_j`` productive public capital, a stock that accumulates it
(Arrow & Kurz 1970; it starts at the first round's ``s_j``), ``l_j`` the jurisdiction's income level (mean
initial income of its citizens over the national mean: a focal city and poorer
neighbours) and ``w^r_j`` the local reservation wage. Firms hire up to where the
marginal product of labour equals the reservation wage,

    L*_e  = z_e (p_j tfp G_j^beta)^(1 / (1 - alpha)),

so with services at the standard and prices at 1 a firm employs ``z_e`` workers.
The local wage follows the wage curve (Blanchflower & Oswald 1994),
``w_j = w^r_j omega_j``, with ``omega_j`` moving at rate ``lambda`` (sticky wages,
an assumption) toward ``(max(u_j, 0.01) / u_n)^(-kappa)`` and ``u_j`` last
step's unemployment rate, so that labour demand is
``L*_e = z_e (p_j tfp G_j^beta / omega_j)^(1 / (1 - alpha))``; slack lowers wages
and raises hiring (productivity ``A_j`` does not change with the wage).
Local demand sets the price (an assumption: consumption is local):
``p_j = (I_j / I^0_j)^eta`` with ``I_j`` the mean income of j's citizens last
step. Employment is ``E_j = min(N_j, sum L*_e)``; when labour is scarce firms are
rationed in proportion, ``L_e = L*_e E_j / sum L*``. Citizens are hired in a fixed
order (a random queue drawn at the start), so ``employed_i = [rank_i < E_j]``.

Wages and incomes: the wage bill is the labour share of revenue,
``W_j = alpha p_j sum_e y_e``, paid in proportion to skill ``k_i`` (initial
income over its jurisdiction's mean): ``y_i = W_j k_i / sum_{employed} k``;
unemployed citizens receive the benefit ``b = benefit * z``, paid by
the centre (a national scheme; category ``programmes``) with ``z = poverty_line * median initial
income`` the poverty line (60 % of the median: the Eurostat at-risk-of-poverty
convention). Profit of an active firm adds to what phase 6 booked:

    pi_e = pi^6_e + (1 - alpha) p_j y_e - c_j + S_j / n_j,   c_j = operating_cost * w^r_j * N / E

with ``S_j`` the local government's promotion subsidies (below) shared by its
``n_j`` active firms; inactive firms earn nothing.

Entry and exit (selection on profitability: Jovanovic 1982; Hopenhayn 1992):
expected profit ``pi^hat_e`` is an exponential average (weight ``profit_memory``)
of realised profit. An active firm exits with probability ``exit_shock`` (an
exogenous death rate) and, if ``pi^hat_e < 0``, with probability ``exit_rate``.
A potential firm enters with probability ``entry_rate`` if the profit it
expects pays back the entry cost within ``payback_steps``:

    H pi^en_e > K_j,   pi^en_e = base_profit + (1 - alpha) p_j y^en_e - c_j + S_j / (n_j + 1)

with ``y^en_e`` its output at the current rationing of labour, and ``K_j`` the
access cost of its permits.

Access costs (administrative burden: Herd & Moynihan 2018; "at most one visit",
最多跑一次). Procedures take visits; a one-stop / online platform removes the share
``one_stop_cut * pi_j`` of the visits beyond the first (``pi_j`` the capability of
the information platform that the levers ``information_lag`` and
``information_noise`` take, phase 2, already paid for there), and officials'
attention speeds them up (multitask, phase 13):

    v^f_j = 1 + (permit_visits - 1)(1 - u pi_j) 1.5 (1 - e^g_j)      visits per firm permit
    v^c_j = 1 + (citizen_visits - 1)(1 - u pi_j) 1.5 (1 - e^s_j)     visits per citizen procedure
    K_j   = v^f_j * firm_visit_cost,   a_j = v^c_j * citizen_visit_cost

(``1.5 (1 - e)`` is 1 at balanced attention, 1/3 per task). Citizens take up
services in proportion ``t_i = 1 / (1 + take_up_sensitivity a_j / y_i)`` (costly
take-up, non-take-up rises with the cost relative to income: Currie 2006); their
coverage is multiplied by ``t_i``.

Service quality (multitask, Holmström & Milgrom 1991): where officials give the
service task less than a balanced share of attention, provision loses quality,
``x_jd <- q_j x_jd`` with ``q_j = min(1, 3 e^s_j)^theta``, before coverage and
take-up are scored (the budget rule does not see it: it reads output, not
provision).

Hardship (Epstein 2002 reads it in phase 11) rises with poverty and unemployment:
``H_i = H^0_i + w_p gap_i + w_u u_i`` with ``gap_i = max(0, 1 - y_i / z)`` (the
poverty gap, Foster, Greer & Thorbecke 1984) and ``u_i`` unemployment; the
economic term is added to whatever else set hardship (events), not in its place.

Growth promotion: local government j spends ``S_j = promotion_cost * e^g_j * N_j``
a step on promoting growth (subsidies, land, services to investors), paid from
its own budget.

Every functional form above that does not name a source is an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import Field

from sim.strict import StrictBlock

__all__ = [
    "TASKS",
    "EconomyParams",
    "EconomyState",
    "attention_target",
    "labour_demand",
    "service_quality",
    "take_up",
    "visits",
]

TASKS: tuple[str, ...] = ("growth", "services", "environment")
"""Officials' tasks, in the column order of :attr:`EconomyState.attention`."""


class EconomyParams(StrictBlock):
    """The local economy (phase ``economy``, off unless ``mechanisms.economy``)."""

    labour_share: float = Field(
        2.0 / 3.0,
        gt=0.0,
        lt=1.0,
        description="alpha: output elasticity of labour, also the labour share of revenue.",
    )
    tfp: float = Field(
        1.0,
        gt=0.0,
        description="Productivity relative to the level at which a firm employs its capital "
        "in workers (services at the standard, prices at 1).",
    )
    public_service_elasticity: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="beta: elasticity of productivity to productive public services "
        "(Barro 1990; about 0.08-0.12 in Bom & Ligthart's 2014 meta-analysis).",
    )
    public_capital_depreciation: float = Field(
        0.05,
        gt=0.0,
        le=1.0,
        description="delta_G: per-step depreciation of productive public capital, which "
        "accumulates productive services (1: the flow itself, as in Barro 1990).",
    )
    productive_domains: list[str] = Field(
        default_factory=lambda: ["education"],
        description="Service domains whose provision raises productivity (education, infrastructure).",
    )
    firm_size: float = Field(
        1.2,
        gt=0.0,
        description="Capital of a firm of capacity 1, in citizens per potential firm (N / E).",
    )
    initial_active_share: float = Field(
        0.7, ge=0.0, le=1.0, description="Share of the pool of potential firms active at the start."
    )
    reservation_wage: float = Field(
        1.0, gt=0.0, description="Reservation wage per step, in units of local mean income."
    )
    wage_curve_elasticity: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="kappa: elasticity of the local wage to local unemployment, as a negative "
        "number's size (the wage curve: about 0.1, Blanchflower & Oswald 1994).",
    )
    wage_adjustment: float = Field(
        0.1,
        gt=0.0,
        le=1.0,
        description="Per-step step of the local wage toward the wage curve (sticky wages).",
    )
    natural_unemployment: float = Field(
        0.06,
        gt=0.0,
        lt=1.0,
        description="Unemployment rate at which the local wage is the reservation wage.",
    )
    demand_elasticity: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="eta: elasticity of the local price to local mean income (local demand).",
    )
    operating_cost: float = Field(
        0.25,
        ge=0.0,
        description="Fixed cost of an active firm per step (regulatory burden, overheads), in "
        "reservation wages times citizens per potential firm.",
    )
    profit_memory: float = Field(
        0.3, gt=0.0, le=1.0, description="Weight of this step's profit in expected profit."
    )
    entry_rate: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="Per-step probability that a potential firm whose entry pays enters.",
    )
    exit_rate: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Per-step probability that a firm expecting losses exits.",
    )
    exit_shock: float = Field(
        0.02, ge=0.0, le=1.0, description="Per-step probability that any active firm dies."
    )
    payback_steps: float = Field(
        20.0, gt=0.0, description="H: steps of expected profit that must pay back the entry cost."
    )
    poverty_line: float = Field(
        0.6,
        gt=0.0,
        description="Poverty line as a share of the initial median income (Eurostat: 0.6).",
    )
    benefit: float = Field(
        0.6,
        ge=0.0,
        description="Unemployment benefit per step as a share of the poverty line.",
    )
    poverty_hardship: float = Field(
        0.3, ge=0.0, description="w_p: hardship added per unit of the poverty gap."
    )
    unemployment_hardship: float = Field(
        0.3, ge=0.0, description="w_u: hardship added by unemployment."
    )
    permit_visits: float = Field(
        10.0,
        ge=1.0,
        description="Visits a firm makes for its permits to enter, without platform, at "
        "balanced attention.",
    )
    citizen_visits: float = Field(
        4.0,
        ge=1.0,
        description="Visits a citizen makes per service procedure, without platform, at "
        "balanced attention.",
    )
    one_stop_cut: float = Field(
        0.9,
        ge=0.0,
        le=1.0,
        description="u: share of the visits beyond the first that a platform of full capability removes.",
    )
    firm_visit_cost: float = Field(
        10.0, ge=0.0, description="Cost to a firm of one visit (staff time, delay; money units)."
    )
    citizen_visit_cost: float = Field(
        0.05, ge=0.0, description="Cost to a citizen of one visit (time, travel; money units)."
    )
    take_up_sensitivity: float = Field(
        1.0,
        ge=0.0,
        description="How fast take-up falls with access cost relative to income.",
    )
    service_attention_elasticity: float = Field(
        0.5,
        ge=0.0,
        description="theta: elasticity of service quality (the share of provision that reaches "
        "citizens) to service attention below a balanced split.",
    )
    promotion_cost: float = Field(
        0.05,
        ge=0.0,
        description="Promotion spending per citizen and step at full growth attention (money units).",
    )


@dataclass
class EconomyState:
    """State of the economy beyond the actors' own arrays (``model.economy``).

    Per citizen: ``rank`` (place in the hiring queue within its jurisdiction),
    ``skill``, ``employed``, ``benefit_paid``, ``deprivation`` (the hardship the
    economy added), ``take_up`` and ``access_cost``. Per enterprise:
    ``capital`` and ``expected_profit``. Per jurisdiction: ``level`` (income
    level), ``initial_income`` (mean income after the first round), ``attention``
    (J x 3, officials' effort shares over :data:`TASKS`), ``enforcement_base``
    (enforcement effort before attention), ``permit_cost``, ``price`` and
    ``wage_factor`` (the wage curve), ``public_capital`` and ``service_quality``.
    Scalars: ``poverty_line``, ``output``, ``previous_output``, ``entrants``,
    ``exits``.
    """

    rank: np.ndarray
    skill: np.ndarray
    level: np.ndarray
    capital: np.ndarray
    attention: np.ndarray
    enforcement_base: np.ndarray
    poverty_line: float
    employed: np.ndarray
    benefit_paid: np.ndarray
    deprivation: np.ndarray
    take_up: np.ndarray
    access_cost: np.ndarray
    expected_profit: np.ndarray
    initial_income: np.ndarray
    permit_cost: np.ndarray
    price: np.ndarray
    wage_factor: np.ndarray
    public_capital: np.ndarray
    service_quality: np.ndarray
    output: float = 0.0
    previous_output: float = 0.0
    # output of an average active firm after initialisation: the unit in which the
    # environment phase counts production emissions (sim.environment.emissions)
    reference_output: float = 0.0
    entrants: int = 0
    exits: int = 0


def attention_target(
    weights: tuple[float | np.ndarray, float | np.ndarray, float | np.ndarray], n_j: int
) -> np.ndarray:
    """Officials' optimal effort shares over the three tasks (J x 3).

    An official with a fixed attention budget (shares ``e_k`` summing to 1) and
    measured performance ``log e_k`` in each task, rewarded linearly with the
    evaluation weights ``w_k`` (Holmström & Milgrom 1991), maximises
    ``sum_k w_k log e_k``: ``e*_k = w_k / sum w``. Equal shares if nothing counts.

    >>> attention_target((0.5, 0.25, 0.25), 2).tolist()
    [[0.5, 0.25, 0.25], [0.5, 0.25, 0.25]]
    >>> attention_target((0.0, 0.0, 0.0), 1).round(3).tolist()
    [[0.333, 0.333, 0.333]]
    """
    raw = np.stack([np.broadcast_to(np.asarray(w, dtype=np.float64), (n_j,)) for w in weights], 1)
    total = raw.sum(axis=1, keepdims=True)
    return np.where(total > 0, raw / np.where(total > 0, total, 1.0), 1.0 / len(TASKS))


def visits(base: float, capability: np.ndarray, cut: float, attention: np.ndarray) -> np.ndarray:
    """Visits per procedure: the first, plus the rest after the platform and attention.

    >>> visits(10.0, np.array([0.0, 1.0]), 0.9, np.array([1 / 3, 1 / 3])).round(3).tolist()
    [10.0, 1.9]
    >>> float(visits(10.0, np.array([0.0]), 0.9, np.array([1.0]))[0])
    1.0
    """
    return 1.0 + (base - 1.0) * (1.0 - cut * capability) * 1.5 * (1.0 - attention)


def labour_demand(
    capital: np.ndarray, price: np.ndarray, productivity: np.ndarray, alpha: float
) -> np.ndarray:
    """Workers a firm hires at the reservation wage: ``z (p * a)^(1 / (1 - alpha))``.

    ``productivity`` is ``tfp * s^beta`` relative to the calibration level.

    >>> labour_demand(np.array([10.0]), np.array([1.0]), np.array([1.0]), 2 / 3).tolist()
    [10.0]
    """
    return capital * (price * productivity) ** (1.0 / (1.0 - alpha))


def service_quality(attention: np.ndarray, elasticity: float) -> np.ndarray:
    """Share of provision that reaches citizens at the service task's attention: ``min(1, 3 e^s)^theta``.

    Below a balanced split (1/3) officials neglect service quality, the task their
    evaluation rewards less (Holmström & Milgrom 1991), and provision loses quality;
    above it nothing is gained beyond what the money buys.

    >>> service_quality(np.array([1 / 3, 1 / 6, 0.9]), 0.5).round(3).tolist()
    [1.0, 0.707, 1.0]
    """
    return np.minimum(1.0, 3.0 * attention) ** elasticity


def take_up(access_cost: np.ndarray, income: np.ndarray, sensitivity: float) -> np.ndarray:
    """Share of services a citizen takes up: ``1 / (1 + k a / y)``.

    >>> take_up(np.array([0.0, 0.2]), np.array([1.0, 0.5]), 1.0).round(3).tolist()
    [1.0, 0.714]
    """
    income = np.maximum(income, 1e-9)
    return 1.0 / (1.0 + sensitivity * access_cost / income)
