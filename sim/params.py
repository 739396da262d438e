"""Parameters of the governance model: one validated schema, one place for defaults.

Every default lives here and nowhere else; the experiment config, the config
reference (``docs/CONFIG_REFERENCE.md``) and the dashboard read it from this schema.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Literal, Self

from pydantic import Field, model_validator

from sim.cooperation import CooperationParams, check_cooperation
from sim.departments import DepartmentParams
from sim.economy import EconomyParams
from sim.environment import EnvironmentParams
from sim.incentives import IncentiveParams
from sim.levers import REGIME_PRESETS, LeverOverrides, Levers, RegimeName
from sim.memory import estimated_bytes, format_bytes, machine_memory_bytes
from sim.risk import RiskParams
from sim.strict import StrictBlock, show

__all__ = [
    "PHASE_NAMES",
    "AdaptationParams",
    "ComplianceParams",
    "CoproductionParams",
    "DepartmentParams",
    "EconomyParams",
    "FiscalParams",
    "InformationParams",
    "Mechanisms",
    "MetricsParams",
    "ModelParams",
    "NetworkEvolutionParams",
    "NetworkParams",
    "RiskParams",
    "RuleComplianceParams",
    "ServiceParams",
    "TrustParams",
    "UnrestParams",
    "VoiceParams",
]

PHASE_NAMES: tuple[str, ...] = (
    "revenue",
    "information",
    "allocation",
    "services",
    "coproduction",
    "compliance",
    "economy",
    "environment",
    "trust",
    "voice",
    "unrest",
    "network_evolution",
    "adaptation",
    "rule_compliance",
)


class Block(StrictBlock):
    """Base of every parameter block: unknown keys are errors, assignment is checked.

    Numbers must be numbers (not booleans or text) and finite (see :mod:`sim.strict`).
    """


class Mechanisms(Block):
    """Switches for the phases of a step; a phase switched off leaves its state as is.

    ``economy`` and ``environment`` (the pollution stock) are off by default.
    """

    revenue: bool = True
    information: bool = True
    allocation: bool = True
    services: bool = True
    coproduction: bool = True
    compliance: bool = True
    environment: bool = False  # pollution stock and joint enforcement (sim/environment.py)
    trust: bool = True
    voice: bool = True
    unrest: bool = True
    network_evolution: bool = True
    adaptation: bool = True
    rule_compliance: bool = True
    economy: bool = Field(
        False,
        description="The local economy: production, jobs, incomes, firm entry and exit, access "
        "costs, and officials' multitask effort (sim/economy.py); off by default.",
    )


class NetworkParams(Block):
    """Citizens' social graph and their ties to organisations."""

    kind: Literal["barabasi_albert", "ring", "watts_strogatz", "erdos_renyi", "lattice"] = Field(
        "barabasi_albert", description="Generator of the citizen-citizen social graph."
    )
    m: int = Field(2, ge=1, description="Barabasi-Albert: edges attached from each new node.")
    k: int = Field(
        4, ge=2, description="Ring / Watts-Strogatz: neighbours per node (even; k/2 each side)."
    )
    p: float = Field(0.1, ge=0.0, le=1.0, description="Watts-Strogatz rewiring probability.")
    mean_degree: float = Field(
        4.0,
        gt=0.0,
        description="Erdos-Renyi: expected degree (edge probability = mean_degree/(N-1)).",
    )
    enterprise_ties_per_citizen: int = Field(
        1,
        ge=0,
        le=1,
        description="Enterprise each citizen is linked to (customer/neighbour); 0 or 1.",
    )
    social_org_membership: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Probability that a citizen is a member of a social organisation.",
    )


class FiscalParams(Block):
    """Revenue, the budget rule, costs and the money scale (phases 1 and 3)."""

    tax_rate: float = Field(
        0.3, ge=0.0, le=1.0, description="Share of income and positive profit taxed each step."
    )
    mean_income: float = Field(
        1.0, gt=0.0, description="Mean citizen income per step (money units)."
    )
    income_dispersion: float = Field(0.5, ge=0.0, le=3.0, description="Sigma of log income.")
    jurisdiction_income_spread: float = Field(
        0.3,
        ge=0.0,
        le=2.0,
        description="Sigma of the log of each jurisdiction's income level (regional inequality).",
    )
    initial_reserves_per_capita: float | None = Field(
        None,
        ge=0.0,
        description="Reserves each government starts with, per citizen it serves; unset (null) starts "
        "in the fiscal steady state of the budget rule (reserves at the ceiling, or at the "
        "borrowing limit where revenue cannot fund need).",
    )
    borrowing_limit_per_capita: float = Field(
        0.1,
        ge=0.0,
        description="Debt a government may run, per citizen (its fiscal share): reserves never go "
        "below minus this (fiscal rule; austerity binds there).",
    )
    reserve_ceiling_per_capita: float = Field(
        0.2,
        ge=0.0,
        description="Reserves a government keeps, per citizen (its fiscal share); revenue above "
        "what it spends and this buffer is refunded to taxpayers.",
    )
    administration_fixed: float = Field(
        1.0, ge=0.0, description="Administration cost per government per step (money units)."
    )
    administration_per_citizen: float = Field(
        0.005,
        ge=0.0,
        description="Administration cost per step per citizen a government serves (the centre serves all).",
    )
    inspection_cost: float = Field(
        0.5, ge=0.0, description="Cost of one enterprise inspection to the local government."
    )


class InformationParams(Block):
    """How needs drift and how governments learn them, at what cost (phase 2)."""

    voice_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="How much a fully complaining jurisdiction speeds up and de-noises learning.",
    )
    drift_volatility: float = Field(
        0.04,
        ge=0.0,
        le=1.0,
        description="Per-step standard deviation of the random walk of each jurisdiction's log need "
        "per domain (0: needs stay at their census profile).",
    )
    drift_reversion: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="Per-step pull of the log need drift back toward the census profile.",
    )
    drift_bound: float = Field(
        1.0,
        ge=0.0,
        description="Largest absolute log need drift (need at most e^bound times its census level).",
    )
    local_shock_rate: float = Field(
        0.01,
        ge=0.0,
        le=1.0,
        description="Per-step probability that a jurisdiction's need in one domain jumps (local shock).",
    )
    local_shock_size: float = Field(
        0.5,
        ge=0.0,
        description="Standard deviation of a local shock's jump in log need.",
    )
    noise_reference: float = Field(
        0.1,
        gt=0.0,
        description="Observation noise at which the platform's precision term is one half.",
    )
    platform_running_cost: float = Field(
        0.01,
        ge=0.0,
        description="Per-citizen, per-step running cost of a platform of full capability "
        "(no lag, no noise).",
    )
    platform_setup_cost: float = Field(
        0.2,
        ge=0.0,
        description="Per-citizen one-off cost of raising platform capability from 0 to 1.",
    )


class ServiceParams(Block):
    """Delivery channels, spill-overs and the service standard (phases 3-4)."""

    domains: list[str] = Field(
        default_factory=lambda: ["education", "health", "elderly_care", "environment"],
        min_length=1,
        description="Service domains citizens need.",
    )
    preference_heterogeneity: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Weight of each jurisdiction's own need profile against the national one "
        "(0: identical preferences everywhere).",
    )
    individual_heterogeneity: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="Weight of each citizen's own need profile against its jurisdiction's.",
    )
    service_standard: float = Field(
        0.3, gt=0.0, description="Per-capita provision per step that meets a citizen's whole need."
    )
    spillover: dict[str, float] = Field(
        default_factory=lambda: {"environment": 0.3},
        description="Per domain, the share of a jurisdiction's provision that benefits the others.",
    )
    violation_quality_loss: float = Field(
        0.5, ge=0.0, le=1.0, description="Share of enterprise output lost at a 100% violation rate."
    )
    volunteer_multiplier: float = Field(
        0.6, ge=0.0, description="Extra social-organisation output at 100% citizen participation."
    )
    provider_fixed_cost: float = Field(
        0.0025,
        ge=0.0,
        description="Fixed cost per step of each government providing a domain, per citizen of an "
        "average jurisdiction (scale economies: the centre pays it once per domain).",
    )
    bid_cost_spread: float = Field(
        0.2,
        ge=0.0,
        lt=1.0,
        description="Half-width of bidders' unit costs, uniform on [1 - spread, 1 + spread]; "
        "the contract price is the second-lowest cost (1 + spread with one bidder).",
    )
    noncontractible_quality: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Share of quality a contract cannot specify; unmonitored, a contractor "
        "keeping all cost savings shades it all.",
    )
    social_org_residual_share: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Share of cost savings a social organisation's managers keep "
        "(non-distribution constraint; enterprises keep 1).",
    )
    contract_writing_cost: float = Field(
        0.02,
        ge=0.0,
        description="Cost per step of writing and renewing one active contract (money units).",
    )
    contract_monitoring_cost: float = Field(
        0.1,
        ge=0.0,
        description="Cost per step of monitoring one contract at monitoring intensity 1.",
    )
    overload_loss: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Share of a social organisation's funding beyond its capacity that is lost.",
    )
    capacity_adjustment: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="Per-step step of a social organisation's capacity toward what its funding, "
        "volunteers and ties sustain.",
    )
    volunteer_value: float = Field(
        0.1,
        ge=0.0,
        description="Capacity (money per step) one volunteer sustains.",
    )
    tie_value: float = Field(
        1.0,
        ge=0.0,
        description="Capacity (money per step) one unit of partnership-tie weight sustains.",
    )
    max_leakage: float = Field(
        0.25, ge=0.0, le=1.0, description="Share of service money lost at zero transparency."
    )

    @model_validator(mode="after")
    def _spillover_domains_exist(self) -> Self:
        for domain, share in self.spillover.items():
            if domain not in self.domains:
                raise ValueError(
                    f"spillover names domain {show(domain)}, which is not in domains "
                    f"{show(self.domains)}"
                )
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"spillover[{show(domain)}] must be in [0, 1] (got {share})")
        if len(set(self.domains)) != len(self.domains):
            raise ValueError("domains must be distinct")
        return self


class CoproductionParams(Block):
    """Public goods game with social neighbours (phase 5; Santos et al. 2008)."""

    synergy: float = Field(3.0, ge=0.0, description="Multiplication factor r of each group's pot.")
    contribution: float = Field(1.0, gt=0.0, description="Cost c of cooperating.")
    cost_rule: Literal["per_game", "per_individual"] = Field(
        "per_game",
        description="per_game: c to every game played; per_individual: c split over the k+1 games.",
    )
    social_org_synergy: float = Field(
        0.5, ge=0.0, description="Relative increase of r for members of a social organisation."
    )
    reward_scale: float = Field(
        40.0,
        ge=0.0,
        description="Payoff units per money unit of participation reward (a cooperator in a degree-4 neighbourhood pays 5 per step at c = 1).",
    )
    initial_cooperation: float = Field(
        0.5, ge=0.0, le=1.0, description="Initial share of co-producers."
    )
    trust_conditioning: float = Field(
        0.5,
        ge=0.0,
        description="Share of its contribution a co-producer gets back as a norm payoff at full "
        "trust with every neighbour co-producing (conditional cooperation); 0, or the trust "
        "phase off, is the plain public goods game.",
    )
    output_per_participant: float = Field(
        0.0,
        ge=0.0,
        description="Service output (provision units per step) each co-producing citizen adds "
        "to output_domain in its jurisdiction (sorted waste, care hours); 0: co-production "
        "produces no service output.",
    )
    output_domain: str = Field(
        "environment",
        description="Service domain that co-production adds output to (one of services.domains; "
        "checked when output_per_participant > 0).",
    )


class ComplianceParams(Block):
    """Enterprise compliance against deterrence (phase 6; Becker 1968)."""

    gain_low: float = Field(
        0.0, ge=0.0, description="Lower bound of the uniform violation gain per step."
    )
    gain_high: float = Field(
        2.0, gt=0.0, description="Upper bound of the uniform violation gain per step."
    )
    base_profit: float = Field(
        1.0, description="Profit per step before gains, contracts, fines, subsidies."
    )
    reputation_weight: float = Field(
        0.5,
        ge=0.0,
        description="Money value of full reputation lost when caught (scaled by transparency).",
    )
    reputation_recovery: float = Field(
        0.05, ge=0.0, le=1.0, description="Per-step recovery of reputation toward 1."
    )
    decision_noise: float = Field(
        0.0,
        ge=0.0,
        description="Logit noise of the violate decision; 0 is Becker's exact threshold.",
    )
    imitation_rate: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Probability per step of copying a regulated peer's choice instead.",
    )
    harm_per_violation: float = Field(
        0.3, ge=0.0, description="Harm to each citizen linked to a violator."
    )
    harm_spillover: float = Field(
        0.3,
        ge=0.0,
        description="Harm to every citizen of a jurisdiction per unit of its violation rate.",
    )


class TrustParams(Block):
    """Satisfaction, trust (legitimacy) and the behaviour trust feeds back on (phase 9)."""

    satisfaction_rate: float = Field(
        0.3, ge=0.0, le=1.0, description="Step of satisfaction toward its target."
    )
    disconfirmation_weight: float = Field(
        0.5,
        ge=0.0,
        description="Satisfaction gained per unit of experienced quality above expectation "
        "(expectation-disconfirmation).",
    )
    expectation_rate: float = Field(
        0.1, ge=0.0, le=1.0, description="Step of a citizen's expectation toward its experience."
    )
    trust_rate: float = Field(0.1, ge=0.0, le=1.0, description="Step of trust toward its target.")
    weight_satisfaction: float = Field(
        0.4, ge=0.0, description="Weight of own satisfaction in target trust."
    )
    weight_fairness: float = Field(
        0.1, ge=0.0, description="Weight of fairness between jurisdictions."
    )
    weight_integrity: float = Field(
        0.15, ge=0.0, description="Weight of perceived integrity of spending (no visible leakage)."
    )
    weight_procedural: float = Field(
        0.15,
        ge=0.0,
        description="Weight of procedural justice experienced (answered complaints, coercion).",
    )
    weight_neighbours: float = Field(
        0.2, ge=0.0, description="Weight of social neighbours' mean trust."
    )
    harm_weight: float = Field(1.0, ge=0.0, description="Satisfaction lost per unit of harm.")
    prior_integrity: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description="Belief about the integrity of spending that citizens hold without information.",
    )
    observation_rate: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Step of a citizen's integrity belief toward what it sees in a published report.",
    )
    belief_decay: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="Per-step drift of integrity beliefs back to the prior (forgetting, rumour).",
    )
    procedural_rate: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Step of perceived procedural justice toward 1 after a fair experience "
        "(answered complaint) and toward 0 after an unfair one (coercive contact, unanswered complaint).",
    )
    vicarious_weight: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Weight of a social neighbour's coercive contact relative to one's own.",
    )
    procedural_recovery: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="Per-step drift of perceived procedural justice back to its baseline.",
    )
    procedural_baseline: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="Perceived procedural justice without experiences (also its initial value).",
    )
    max_tax_evasion: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Share of income hidden by a citizen with no trust facing no enforcement "
        "power (slippery-slope framework).",
    )
    initial_trust: float = Field(0.6, ge=0.0, le=1.0, description="Initial trust of every citizen.")
    initial_satisfaction: float = Field(0.5, ge=0.0, le=1.0, description="Initial satisfaction.")


class VoiceParams(Block):
    """Complaints by dissatisfied citizens (phase 10)."""

    sensitivity: float = Field(
        1.0,
        ge=0.0,
        description="Complaint probability per unit of dissatisfaction above the voice cost.",
    )
    coercion_deterrence: float = Field(
        0.5, ge=0.0, le=1.0, description="Share of complaints suppressed at full coercion."
    )
    response_capacity: float = Field(
        0.1,
        ge=0.0,
        description="Complaints a local government can answer per step, per citizen it serves.",
    )
    response_cost: float = Field(
        0.05, ge=0.0, description="Cost of answering one complaint (money units)."
    )
    exit_sensitivity: float = Field(
        0.2,
        ge=0.0,
        description="Exit probability per unit of dissatisfaction above exit_threshold, at zero trust.",
    )
    exit_threshold: float = Field(
        0.5, ge=0.0, le=1.0, description="Dissatisfaction below which nobody exits."
    )


class UnrestParams(Block):
    """Civil violence (phase 11; Epstein 2002) on the social graph."""

    threshold: float = Field(0.1, ge=0.0, le=1.0, description="Activation threshold T.")
    arrest_constant: float = Field(2.3, gt=0.0, description="k in P = 1 - exp(-k C/A).")
    police_per_citizen: float = Field(
        0.3, ge=0.0, description="Enforcement capacity per citizen at full coercion."
    )
    enforcement_floor: float = Field(
        0.3, ge=0.0, le=1.0, description="Share of that capacity present at zero coercion."
    )
    max_jail_term: int = Field(
        15, ge=0, le=1_000_000, description="Jail terms are uniform on 0..max_jail_term steps."
    )
    stop_rate: float = Field(
        0.1,
        ge=0.0,
        description="Coercive contacts (stops, fines) per unit of police density per citizen and step.",
    )
    police_cost: float = Field(
        0.05, ge=0.0, description="Cost per step of one unit of police capacity (money units)."
    )


class RuleComplianceParams(Block):
    """Households' compliance with a rule such as waste sorting (phase 14).

    Inert until a rule is in force (``rule_in_force``), which a case or an event sets.
    """

    rule_in_force: bool = Field(
        False, description="Whether a household rule (e.g. waste sorting) is in force."
    )
    monitoring: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Probability per step that an inspector checks a household.",
    )
    fine: float = Field(
        0.0, ge=0.0, description="Fine paid by a household caught not complying (money units)."
    )
    reward: float = Field(
        0.0, ge=0.0, description="Payment per step to each complying household (money units)."
    )
    inspection_cost: float = Field(
        0.05, ge=0.0, description="Cost of one household inspection (money units)."
    )
    volunteer_detection: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Detection probability when every social neighbour is a volunteer (co-producer).",
    )
    effort_cost: float = Field(
        1.0,
        ge=0.0,
        description="Cost of complying for a citizen of mean income (opportunity cost of time).",
    )
    norm_weight: float = Field(
        0.5, ge=0.0, description="Value of complying when every social neighbour complies."
    )
    habit_weight: float = Field(
        1.0, ge=0.0, description="Value of complying at full habit strength (automaticity)."
    )
    legitimacy_weight: float = Field(
        0.3, ge=0.0, description="Value of complying at full trust in government."
    )
    habit_gain: float = Field(
        0.05, ge=0.0, le=1.0, description="Step of habit strength toward 1 per complying step."
    )
    habit_decay: float = Field(
        0.05, ge=0.0, le=1.0, description="Relative loss of habit strength per non-complying step."
    )


class NetworkEvolutionParams(Block):
    """Organisational ties strengthen with joint success and decay otherwise (phase 12)."""

    reinforcement: float = Field(
        0.1, ge=0.0, le=1.0, description="Step of a successful tie toward weight 1."
    )
    decay: float = Field(
        0.05, ge=0.0, le=1.0, description="Relative loss of an unsuccessful tie's weight."
    )
    removal_threshold: float = Field(
        0.05, ge=0.0, le=1.0, description="Ties lighter than this are cut."
    )
    formation_rate: float = Field(
        0.02,
        ge=0.0,
        le=1.0,
        description="Per-step probability that a missing organisational tie forms.",
    )
    initial_weight: float = Field(0.5, gt=0.0, le=1.0, description="Weight of a new tie.")


class AdaptationParams(Block):
    """Officials move policy toward what their evaluation rewards (phase 13)."""

    rate: float = Field(
        0.05, ge=0.0, le=1.0, description="Step of adaptive effort and emphasis per step."
    )
    enforcement_cost_weight: float = Field(
        1.0,
        ge=0.0,
        description="Weight officials give to enforcement's share of their spending against "
        "its evaluated benefit when they adapt enforcement effort.",
    )


class MetricsParams(Block):
    """How often the indicators that cost more than a pass over the actors are recomputed.

    Between refreshes their last values are carried forward; set 1 to recompute
    them every step.
    """

    network_metrics_every: int = Field(
        10,
        ge=1,
        le=1_000_000,
        description="Steps between recomputing clustering and betweenness of the organisational network.",
    )
    inequality_every: int = Field(
        10,
        ge=1,
        le=1_000_000,
        description="Steps between recomputing satisfaction_gini (it sorts the citizens); 1 = every step.",
    )
    jurisdictions_every: int = Field(
        1,
        ge=0,
        description="Steps between recording the indicators per jurisdiction (model.jurisdiction_frame, "
        "jurisdictions.parquet); 0 = never.",
    )


class ModelParams(StrictBlock):
    """All parameters of a :class:`sim.GovernanceModel`.

    ``regime`` picks a lever preset; ``levers`` overrides any of its levers, so a
    hybrid is a regime plus overrides. Use :meth:`resolved_levers` for the levers in
    force.
    """

    regime: RegimeName = Field(
        "service", description="Lever preset: top_down, regulatory or service."
    )
    levers: LeverOverrides = Field(default_factory=LeverOverrides)  # type: ignore[valid-type]
    decentralization: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Share of revenue and allocation authority held by local governments.",
    )
    citizens: int = Field(2000, ge=10, description="Number of citizens.")
    enterprises_per_1000: float = Field(
        50.0, ge=0.0, description="Enterprises per 1,000 citizens (rounded to a count)."
    )
    social_orgs_per_1000: float = Field(
        20.0, ge=0.0, description="Social organisations per 1,000 citizens (rounded to a count)."
    )
    enterprises: int | None = Field(
        None,
        ge=0,
        description="Number of enterprises; unset (null) uses enterprises_per_1000.",
    )
    social_orgs: int | None = Field(
        None,
        ge=0,
        description="Number of social organisations; unset (null) uses social_orgs_per_1000.",
    )
    jurisdictions: int = Field(
        5, ge=1, description="Number of local governments, one per jurisdiction."
    )
    network: NetworkParams = Field(default_factory=NetworkParams)
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)
    fiscal: FiscalParams = Field(default_factory=FiscalParams)
    information: InformationParams = Field(default_factory=InformationParams)
    services: ServiceParams = Field(default_factory=ServiceParams)
    coproduction: CoproductionParams = Field(default_factory=CoproductionParams)
    compliance: ComplianceParams = Field(default_factory=ComplianceParams)
    trust: TrustParams = Field(default_factory=TrustParams)
    voice: VoiceParams = Field(default_factory=VoiceParams)
    unrest: UnrestParams = Field(default_factory=UnrestParams)
    network_evolution: NetworkEvolutionParams = Field(default_factory=NetworkEvolutionParams)
    adaptation: AdaptationParams = Field(default_factory=AdaptationParams)
    rule_compliance: RuleComplianceParams = Field(default_factory=RuleComplianceParams)
    metrics: MetricsParams = Field(default_factory=MetricsParams)
    economy: EconomyParams = Field(default_factory=EconomyParams)
    incentives: IncentiveParams = Field(default_factory=IncentiveParams)
    # risk and incidents; departments and information islands (both off by default)
    risk: RiskParams = Field(default_factory=RiskParams)
    departments: DepartmentParams = Field(default_factory=DepartmentParams)
    # pollution stock and inter-governmental cooperation (sim/environment.py, sim/cooperation.py)
    environment: EnvironmentParams = Field(default_factory=EnvironmentParams)
    cooperation: CooperationParams = Field(default_factory=CooperationParams)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.citizens < 2 * self.jurisdictions:
            raise ValueError(
                f"citizens ({self.citizens}) must be at least twice jurisdictions ({self.jurisdictions})"
            )
        if self.network.kind == "barabasi_albert" and self.network.m >= self.citizens:
            raise ValueError("network.m must be smaller than citizens")
        if self.network.kind in ("ring", "watts_strogatz") and self.network.k % 2:
            raise ValueError(
                f"network.k must be even for {self.network.kind} (got {self.network.k})"
            )
        if self.network.kind in ("ring", "watts_strogatz") and self.network.k >= self.citizens:
            raise ValueError(
                f"network.k ({self.network.k}) must be smaller than citizens ({self.citizens}) "
                f"for {self.network.kind}"
            )
        missing = [d for d in self.economy.productive_domains if d not in self.services.domains]
        if missing and self.mechanisms.economy:  # unused otherwise: custom domains stay valid
            raise ValueError(
                f"economy.productive_domains names {show(missing)}, which are not in "
                f"services.domains {show(self.services.domains)}"
            )
        coproduction = self.coproduction
        if (
            coproduction.output_per_participant > 0
            and coproduction.output_domain not in self.services.domains
        ):
            raise ValueError(
                f"coproduction.output_domain {show(coproduction.output_domain)} is not one of "
                f"services.domains {show(self.services.domains)}"
            )
        self._check_memory()
        check_cooperation(
            self.cooperation, self.jurisdictions, self.services.domains, self.citizens
        )
        # overrides are checked one by one; the preset plus overrides must also fit together,
        # in every jurisdiction (a per-jurisdiction override applies to the named ones only)
        overrides = self.levers.model_dump(exclude_none=True)
        levers = REGIME_PRESETS[self.regime].model_dump()
        levers.update({k: v for k, v in overrides.items() if not isinstance(v, dict)})
        for name, value in overrides.items():
            if isinstance(value, dict) and value and max(value) >= self.jurisdictions:
                raise ValueError(
                    f"levers.{name}: jurisdiction index {max(value)} is out of range; "
                    f"jurisdictions are 0..{self.jurisdictions - 1}"
                )
        shares = ("enterprise_delivery_share", "social_org_delivery_share")
        for j in range(self.jurisdictions):
            local = [
                overrides[s].get(j, levers[s]) if isinstance(overrides.get(s), dict) else levers[s]
                for s in shares
            ]
            delivered = local[0] + local[1]
            if delivered > 1.0 + 1e-12:
                pilot = any(isinstance(overrides.get(s), dict) for s in shares)
                where = f" in jurisdiction {j}" if pilot else ""
                raise ValueError(
                    "levers.enterprise_delivery_share + levers.social_org_delivery_share must be "
                    f"<= 1 (got {delivered:.3g}{where} with regime {self.regime!r})"
                )
        return self

    @property
    def enterprise_count(self) -> int:
        """Enterprises in the model: ``enterprises`` if set, else per 1,000 citizens."""
        if self.enterprises is not None:
            return self.enterprises
        return _per_thousand(self.enterprises_per_1000, self.citizens)

    @property
    def social_org_count(self) -> int:
        """Social organisations: ``social_orgs`` if set, else per 1,000 citizens."""
        if self.social_orgs is not None:
            return self.social_orgs
        return _per_thousand(self.social_orgs_per_1000, self.citizens)

    def mean_degree(self) -> float:
        """Expected number of social neighbours per citizen of the chosen graph."""
        network = self.network
        match network.kind:
            case "barabasi_albert":
                return 2.0 * network.m
            case "ring" | "watts_strogatz":
                return float(network.k)
            case "erdos_renyi":
                return min(network.mean_degree, self.citizens - 1.0)
        return 4.0  # lattice

    def _check_memory(self) -> None:
        """Refuse a population no machine of this size could hold (see :mod:`sim.memory`)."""
        need = estimated_bytes(
            self.citizens,
            self.enterprise_count,
            self.social_org_count,
            self.jurisdictions,
            self.mean_degree(),
        )
        have = machine_memory_bytes()
        if need > have:
            sizes = {
                "citizens": self.citizens,
                "enterprises": self.enterprise_count,
                "social_orgs": self.social_org_count,
                "jurisdictions": self.jurisdictions,
            }
            given = ", ".join(f"{k} {show(v)}" for k, v in sizes.items())
            raise ValueError(
                f"too large for this machine: {given} would need about {format_bytes(need)} "
                f"of memory (about {format_bytes(estimated_bytes(1, 0, 0, 0, self.mean_degree()))} "
                f"per citizen, 1.1 kB per organisation), more than its {format_bytes(have)}"
            )

    def resolved_levers(self) -> Levers:
        """The national levers: the regime's preset with any scalar overrides applied.

        Per-jurisdiction (mapping) overrides are left out here; see
        :class:`sim.lever_table.LeverTable` for the values in force in each jurisdiction.
        """
        preset = REGIME_PRESETS[self.regime].model_dump()
        overrides = self.levers.model_dump(exclude_none=True)
        preset.update({k: v for k, v in overrides.items() if not isinstance(v, dict)})
        return Levers(**preset)


def _per_thousand(rate: float, citizens: int) -> int:
    """A population of ``rate`` per 1,000 citizens, rounded half up.

    >>> _per_thousand(50.0, 2000), _per_thousand(20.0, 500), _per_thousand(20.0, 25)
    (100, 10, 1)
    """
    # exact rational arithmetic: a float product overflows for absurd citizen counts,
    # which must reach the memory check with a message rather than a traceback
    return math.floor(Fraction(rate) * citizens / 1000 + Fraction(1, 2))
