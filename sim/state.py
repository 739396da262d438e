"""Array-backed state of each actor type (structure of arrays).

Each population is a dataclass of equally long numpy arrays, one row per actor.
Phases update whole arrays at once; the Mesa agent objects in :mod:`sim.agents`
read and write single rows. Governments are indexed ``0 .. J-1`` for the local
governments (one per jurisdiction) and ``J`` for the central government.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "COST_CATEGORIES",
    "SPENDING_CATEGORIES",
    "CitizenState",
    "EnterpriseState",
    "GovernmentState",
    "Ledger",
    "SocialOrgState",
    "split_by_level",
]


@dataclass
class CitizenState:
    """State of the citizens; arrays of length N (``need`` is N x D)."""

    jurisdiction: np.ndarray
    need: np.ndarray
    income: np.ndarray
    hardship: np.ndarray
    risk_aversion: np.ndarray
    enterprise: np.ndarray
    social_org: np.ndarray
    cooperate: np.ndarray
    satisfaction: np.ndarray
    trust: np.ndarray
    payoff: np.ndarray = field(init=False)
    coverage: np.ndarray = field(init=False)
    service_utility: np.ndarray = field(init=False)
    harm: np.ndarray = field(init=False)
    complained: np.ndarray = field(init=False)
    active: np.ndarray = field(init=False)
    jail_term: np.ndarray = field(init=False)
    # experience and the behaviour it feeds (phases 9, 10, 11, 14; sim.phases.trust)
    expectation: np.ndarray = field(init=False)
    perceived_integrity: np.ndarray = field(init=False)
    procedural: np.ndarray = field(init=False)
    answered: np.ndarray = field(init=False)
    silenced: np.ndarray = field(init=False)
    complaint_pollution: np.ndarray = field(init=False)
    exited: np.ndarray = field(init=False)
    coerced: np.ndarray = field(init=False)
    tax_compliance: np.ndarray = field(init=False)
    rule_complying: np.ndarray = field(init=False)
    habit: np.ndarray = field(init=False)
    # intrinsic motivation relative to its uncrowded level (phases 5 and 14; sim.incentives)
    intrinsic_motivation: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.jurisdiction.size
        self.payoff = np.zeros(n)
        self.coverage = np.zeros(n)
        self.service_utility = np.zeros(n)
        self.harm = np.zeros(n)
        self.complained = np.zeros(n, dtype=bool)
        self.active = np.zeros(n, dtype=bool)
        self.jail_term = np.zeros(n, dtype=np.int32)
        # priors are set from the parameters by sim.phases.trust.initial_beliefs
        self.expectation = self.satisfaction.copy()
        self.perceived_integrity = np.ones(n)
        self.procedural = np.ones(n)
        self.answered = np.zeros(n, dtype=bool)
        self.silenced = np.zeros(n, dtype=bool)
        # share of each citizen's complaint that is about pollution (phase 10)
        self.complaint_pollution = np.zeros(n)
        self.exited = np.zeros(n, dtype=bool)
        self.coerced = np.zeros(n, dtype=bool)
        self.tax_compliance = np.ones(n)
        self.rule_complying = np.zeros(n, dtype=bool)
        self.habit = np.zeros(n)
        self.intrinsic_motivation = np.ones(n)

    def __len__(self) -> int:
        return int(self.jurisdiction.size)


@dataclass
class EnterpriseState:
    """State of the enterprises; arrays of length E."""

    jurisdiction: np.ndarray
    violation_gain: np.ndarray
    capacity: np.ndarray
    violating: np.ndarray
    reputation: np.ndarray
    profit: np.ndarray = field(init=False)
    contract_revenue: np.ndarray = field(init=False)
    fine_paid: np.ndarray = field(init=False)
    subsidy_received: np.ndarray = field(init=False)
    # the economy (sim.economy): in the market or a potential firm; real output per step
    active: np.ndarray = field(init=False)
    output: np.ndarray = field(init=False)
    # risk and incidents (sim.phases.risk; used only with risk.enabled)
    hazard: np.ndarray = field(init=False)
    spell_start: np.ndarray = field(init=False)
    incident: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.jurisdiction.size
        self.profit = np.zeros(n)
        self.contract_revenue = np.zeros(n)
        self.fine_paid = np.zeros(n)
        self.subsidy_received = np.zeros(n)
        self.active = np.ones(n, dtype=bool)
        self.output = np.zeros(n)
        # hazard of the current violation, the step its spell started (-1: none)
        self.hazard = np.zeros(n)
        self.spell_start = np.full(n, -1, dtype=np.int64)
        self.incident = np.zeros(n, dtype=bool)

    def __len__(self) -> int:
        return int(self.jurisdiction.size)


@dataclass
class SocialOrgState:
    """State of the social organisations; arrays of length S."""

    jurisdiction: np.ndarray
    domain: np.ndarray
    capacity: np.ndarray
    funding: np.ndarray = field(init=False)
    members: np.ndarray = field(init=False)
    volunteers: np.ndarray = field(init=False)
    output: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.jurisdiction.size
        self.funding = np.zeros(n)
        self.members = np.zeros(n, dtype=np.int64)
        self.volunteers = np.zeros(n, dtype=np.int64)
        self.output = np.zeros(n)

    def __len__(self) -> int:
        return int(self.jurisdiction.size)


@dataclass
class GovernmentState:
    """State of the J local governments and the central one (index J).

    Per-government arrays have length J + 1; per-jurisdiction arrays are J x D.
    """

    n_jurisdictions: int
    n_domains: int
    population: np.ndarray
    perceived_local: np.ndarray
    perceived_central: np.ndarray
    enforcement_effort: np.ndarray = field(init=False)
    domain_tilt: np.ndarray = field(init=False)
    money: np.ndarray = field(init=False)
    service_budget: np.ndarray = field(init=False)
    budget_shortfall: np.ndarray = field(init=False)
    output: np.ndarray = field(init=False)
    nongov_output: np.ndarray = field(init=False)
    provision: np.ndarray = field(init=False)
    complaint_rate: np.ndarray = field(init=False)
    service_complaint_rate: np.ndarray = field(init=False)
    pollution_complaint_rate: np.ndarray = field(init=False)
    demand_multiplier: np.ndarray = field(init=False)
    revenue_multiplier: np.ndarray = field(init=False)
    mean_satisfaction: np.ndarray = field(init=False)
    performing: np.ndarray = field(init=False)
    need_drift: np.ndarray = field(init=False)
    demand_history: np.ndarray = field(init=False)
    platform_capability: np.ndarray = field(init=False)
    central_money: np.ndarray = field(init=False)
    social_org_output: np.ndarray = field(init=False)
    shaded_output: np.ndarray = field(init=False)
    bidders: np.ndarray = field(init=False)
    coproduced_output: np.ndarray = field(init=False)
    cross_demand: np.ndarray = field(init=False)
    cross_history: np.ndarray = field(init=False)
    pollution: np.ndarray = field(init=False)
    emissions: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        j, d = self.n_jurisdictions, self.n_domains
        self.enforcement_effort = np.ones(j)
        self.domain_tilt = np.zeros((j, d))
        self.money = np.zeros((j, d))
        self.service_budget = np.zeros(j + 1)
        self.budget_shortfall = np.zeros(j + 1)
        self.output = np.zeros((j, d))
        self.nongov_output = np.zeros((j, d))
        self.provision = np.zeros((j, d))
        self.complaint_rate = np.zeros(j)
        self.service_complaint_rate = np.zeros(j)
        self.pollution_complaint_rate = np.zeros(j)
        self.demand_multiplier = np.ones((j, d))
        self.revenue_multiplier = np.ones(j)
        self.mean_satisfaction = np.zeros(j)
        self.performing = np.ones(j + 1, dtype=bool)
        # log deviation of each jurisdiction's need from its census profile (phase 2)
        self.need_drift = np.zeros((j, d))
        # true demand shares of the last steps, newest first, for delayed reports (phase 2)
        self.demand_history = np.zeros((0, j, d))
        # capability of the information platform already built, per jurisdiction (phase 2)
        self.platform_capability = np.full(j, np.nan)
        # the centre's share of ``money`` (phase 3), social organisations' part of
        # ``nongov_output`` and output lost to quality shading (phase 4)
        self.central_money = np.zeros((j, d))
        self.social_org_output = np.zeros((j, d))
        self.shaded_output = np.zeros((j, d))
        # enterprises bidding for each local government's contracts (phase 4)
        self.bidders = np.zeros(j)
        # service output added by co-producing citizens (phase 4, from phase 5's strategies)
        self.coproduced_output = np.zeros((j, d))
        # departments (sim.departments): the part of demand_multiplier that came from
        # cross-domain shocks, and its recent values, newest first (phase 2)
        self.cross_demand = np.ones((j, d))
        self.cross_history = np.zeros((0, j, d))
        # pollution stock and this step's emissions per jurisdiction (environment phase)
        self.pollution = np.zeros(j)
        self.emissions = np.zeros(j)

    def demand_factor(self) -> np.ndarray:
        """Multiplier of each jurisdiction's census need: shocks times drift (J x D)."""
        return self.demand_multiplier * np.exp(self.need_drift)

    @property
    def central(self) -> int:
        """Index of the central government."""
        return self.n_jurisdictions

    def __len__(self) -> int:
        return self.n_jurisdictions + 1


# What governments spend money on. Every category but ``refunds`` is a cost of
# governing; refunds return revenue above the reserve ceiling to taxpayers
# (a transfer, not a cost).
COST_CATEGORIES: tuple[str, ...] = (
    "services",
    "administration",
    "programmes",
    "enforcement",
    "policing",
    "platform",
    "contracting",
    "monitoring",
    "coordination",
)
SPENDING_CATEGORIES: tuple[str, ...] = (*COST_CATEGORIES, "refunds")


@dataclass
class Ledger:
    """Money flows of the government sector in the current step, by spending category.

    Every payment goes through :meth:`pay` (or :meth:`pay_shared`) with one of
    :data:`SPENDING_CATEGORIES`, and every receipt through :meth:`receive`, so
    that revenue = spending + change in reserves holds by construction, and
    spending = the sum of its categories; the tests check both.

    Attributes
    ----------
    reserves
        Reserves of each government (length J + 1), after the flows so far.
    revenue, spending
        This step's receipts and payments per government.
    by_category
        This step's payments per category (rows in the order of
        :data:`SPENDING_CATEGORIES`) and government: shape (K, J + 1).
    """

    reserves: np.ndarray
    revenue: np.ndarray = field(init=False)
    spending: np.ndarray = field(init=False)
    by_category: np.ndarray = field(init=False)
    previous_by_category: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.revenue = np.zeros_like(self.reserves)
        self.spending = np.zeros_like(self.reserves)
        self.by_category = np.zeros((len(SPENDING_CATEGORIES), self.reserves.size))
        self.previous_by_category = np.zeros_like(self.by_category)

    def start_step(self) -> None:
        """Keep last step's spending by category, then zero the per-step flows."""
        self.previous_by_category[:] = self.by_category
        self.revenue[:] = 0.0
        self.spending[:] = 0.0
        self.by_category[:] = 0.0

    def previous_spending(self, categories: tuple[str, ...]) -> np.ndarray:
        """Last step's payments on ``categories``, per government (length J + 1)."""
        return sum(
            (self.previous_by_category[_category_row(c)] for c in categories),
            np.zeros(self.reserves.shape),
        )

    def receive(self, amounts: np.ndarray) -> None:
        """Credit per-government amounts (length J + 1) to reserves as revenue."""
        self.revenue += amounts
        self.reserves += amounts

    def pay(self, amounts: np.ndarray, category: str = "services") -> None:
        """Debit per-government amounts (length J + 1) from reserves as spending on ``category``.

        The default is service delivery, the bulk of spending.
        """
        self.by_category[_category_row(category)] += amounts
        self.spending += amounts
        self.reserves -= amounts

    def pay_shared(
        self, per_jurisdiction: np.ndarray, decentralization: float, category: str = "programmes"
    ) -> None:
        """Pay jurisdiction-level costs: locals bear ``decentralization``, the centre the rest.

        Programmes (rewards, subsidies, inspections) are co-financed by the two
        levels in the proportion in which they hold the revenue; the default
        category is therefore ``programmes``.
        """
        self.pay(split_by_level(per_jurisdiction, decentralization), category)

    def category(self, name: str) -> np.ndarray:
        """This step's spending on ``name`` per government (a view)."""
        return self.by_category[_category_row(name)]

    @property
    def governance_cost(self) -> np.ndarray:
        """This step's cost of governing per government: spending other than refunds."""
        return self.spending - self.category("refunds")


def _category_row(name: str) -> int:
    try:
        return SPENDING_CATEGORIES.index(name)
    except ValueError:
        raise ValueError(
            f"unknown spending category {name!r}; allowed: {', '.join(SPENDING_CATEGORIES)}"
        ) from None


def split_by_level(per_jurisdiction: np.ndarray, decentralization: float) -> np.ndarray:
    """Per-government shares (length J + 1) of per-jurisdiction amounts.

    >>> split_by_level(np.array([10.0, 20.0]), 0.25).tolist()
    [2.5, 5.0, 22.5]
    """
    shares = np.empty(per_jurisdiction.size + 1)  # filled in place: no list, no concatenation
    np.multiply(decentralization, per_jurisdiction, out=shares[:-1])
    shares[-1] = (1.0 - decentralization) * per_jurisdiction.sum()
    return shares
