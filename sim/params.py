"""Parameters of the governance model: one validated schema, one place for defaults.

Every default lives here and nowhere else; the experiment config, the config
reference (``docs/CONFIG_REFERENCE.md``) and the dashboard read it from this schema.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.levers import REGIME_PRESETS, LeverOverrides, Levers, RegimeName

__all__ = [
    "PHASE_NAMES",
    "AdaptationParams",
    "ComplianceParams",
    "CoproductionParams",
    "FiscalParams",
    "InformationParams",
    "Mechanisms",
    "MetricsParams",
    "ModelParams",
    "NetworkEvolutionParams",
    "NetworkParams",
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
    "trust",
    "voice",
    "unrest",
    "network_evolution",
    "adaptation",
)

_STRICT = ConfigDict(extra="forbid", validate_assignment=True)


class Block(BaseModel):
    """Base of every parameter block: unknown keys are errors, assignment is checked."""

    model_config = _STRICT


class Mechanisms(Block):
    """Switches for the eleven phases of a step; a phase switched off leaves its state as is."""

    revenue: bool = True
    information: bool = True
    allocation: bool = True
    services: bool = True
    coproduction: bool = True
    compliance: bool = True
    trust: bool = True
    voice: bool = True
    unrest: bool = True
    network_evolution: bool = True
    adaptation: bool = True


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
    """Revenue, spending and the money scale (phase 1)."""

    tax_rate: float = Field(
        0.2, ge=0.0, le=1.0, description="Share of income and positive profit taxed each step."
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
    spending_rate: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description="Share of a government's reserves (after this step's revenue) it spends in a step.",
    )
    initial_reserves_per_capita: float | None = Field(
        None,
        ge=0.0,
        description="Reserves each government starts with, per citizen it serves; unset (null) starts "
        "in the fiscal steady state, where spending_rate x reserves equals one step's revenue.",
    )
    inspection_cost: float = Field(
        0.5, ge=0.0, description="Cost of one enterprise inspection to the local government."
    )


class InformationParams(Block):
    """How governments learn demand (phase 2)."""

    voice_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="How much a fully complaining jurisdiction speeds up and de-noises learning.",
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
    government_efficiency: float = Field(
        1.0, gt=0.0, description="Output per money unit of government agencies."
    )
    enterprise_efficiency: float = Field(
        1.15, gt=0.0, description="Output per money unit of contracted enterprises."
    )
    social_org_efficiency: float = Field(
        1.05, gt=0.0, description="Output per money unit of social organisations."
    )
    violation_quality_loss: float = Field(
        0.5, ge=0.0, le=1.0, description="Share of enterprise output lost at a 100% violation rate."
    )
    volunteer_multiplier: float = Field(
        0.6, ge=0.0, description="Extra social-organisation output at 100% citizen participation."
    )
    max_leakage: float = Field(
        0.25, ge=0.0, le=1.0, description="Share of service money lost at zero transparency."
    )

    @model_validator(mode="after")
    def _spillover_domains_exist(self) -> Self:
        for domain, share in self.spillover.items():
            if domain not in self.domains:
                raise ValueError(
                    f"spillover names domain {domain!r}, which is not in domains {self.domains}"
                )
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"spillover[{domain!r}] must be in [0, 1] (got {share})")
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
    """Satisfaction and trust (legitimacy) dynamics (phase 7)."""

    satisfaction_rate: float = Field(
        0.3, ge=0.0, le=1.0, description="Step of satisfaction toward its target."
    )
    trust_rate: float = Field(0.1, ge=0.0, le=1.0, description="Step of trust toward its target.")
    weight_satisfaction: float = Field(
        0.45, ge=0.0, description="Weight of own satisfaction in target trust."
    )
    weight_fairness: float = Field(
        0.15, ge=0.0, description="Weight of fairness between jurisdictions."
    )
    weight_transparency: float = Field(0.15, ge=0.0, description="Weight of transparency.")
    weight_neighbours: float = Field(
        0.25, ge=0.0, description="Weight of social neighbours' mean trust."
    )
    coercion_penalty: float = Field(0.3, ge=0.0, le=1.0, description="Trust lost at full coercion.")
    harm_weight: float = Field(1.0, ge=0.0, description="Satisfaction lost per unit of harm.")
    initial_trust: float = Field(0.6, ge=0.0, le=1.0, description="Initial trust of every citizen.")
    initial_satisfaction: float = Field(0.5, ge=0.0, le=1.0, description="Initial satisfaction.")


class VoiceParams(Block):
    """Complaints by dissatisfied citizens (phase 8)."""

    sensitivity: float = Field(
        1.0,
        ge=0.0,
        description="Complaint probability per unit of dissatisfaction above the voice cost.",
    )
    coercion_deterrence: float = Field(
        0.5, ge=0.0, le=1.0, description="Share of complaints suppressed at full coercion."
    )


class UnrestParams(Block):
    """Civil violence (phase 9; Epstein 2002) on the social graph."""

    threshold: float = Field(0.1, ge=0.0, le=1.0, description="Activation threshold T.")
    arrest_constant: float = Field(2.3, gt=0.0, description="k in P = 1 - exp(-k C/A).")
    police_per_citizen: float = Field(
        0.3, ge=0.0, description="Enforcement capacity per citizen at full coercion."
    )
    enforcement_floor: float = Field(
        0.3, ge=0.0, le=1.0, description="Share of that capacity present at zero coercion."
    )
    max_jail_term: int = Field(
        15, ge=0, description="Jail terms are uniform on 0..max_jail_term steps."
    )


class NetworkEvolutionParams(Block):
    """Organisational ties strengthen with joint success and decay otherwise (phase 10)."""

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
    """Officials move policy toward what their evaluation rewards (phase 11)."""

    rate: float = Field(
        0.05, ge=0.0, le=1.0, description="Step of adaptive effort and emphasis per step."
    )


class MetricsParams(Block):
    """How often the indicators that cost more than a pass over the actors are recomputed.

    Between refreshes their last values are carried forward; set 1 to recompute
    them every step.
    """

    network_metrics_every: int = Field(
        10,
        ge=1,
        description="Steps between recomputing clustering and betweenness of the organisational network.",
    )
    inequality_every: int = Field(
        10,
        ge=1,
        description="Steps between recomputing satisfaction_gini (it sorts the citizens); 1 = every step.",
    )
    jurisdictions_every: int = Field(
        1,
        ge=0,
        description="Steps between recording the indicators per jurisdiction (model.jurisdiction_frame, "
        "jurisdictions.parquet); 0 = never.",
    )


class ModelParams(BaseModel):
    """All parameters of a :class:`sim.GovernanceModel`.

    ``regime`` picks a lever preset; ``levers`` overrides any of its levers, so a
    hybrid is a regime plus overrides. Use :meth:`resolved_levers` for the levers in
    force.
    """

    model_config = _STRICT

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
    enterprises: int = Field(100, ge=0, description="Number of enterprises.")
    social_orgs: int = Field(40, ge=0, description="Number of social organisations.")
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
    metrics: MetricsParams = Field(default_factory=MetricsParams)

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

    def resolved_levers(self) -> Levers:
        """The national levers: the regime's preset with any scalar overrides applied.

        Per-jurisdiction (mapping) overrides are left out here; see
        :class:`sim.lever_table.LeverTable` for the values in force in each jurisdiction.
        """
        preset = REGIME_PRESETS[self.regime].model_dump()
        overrides = self.levers.model_dump(exclude_none=True)
        preset.update({k: v for k, v in overrides.items() if not isinstance(v, dict)})
        return Levers(**preset)
