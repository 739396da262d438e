"""Every national indicator, declared once: its group, unit, formula and how it is computed.

The indicators of good governance (善治) are grouped by what they are about:

* ``citizens`` - what citizens experience and do (attitudes, voice, unrest, harm);
* ``services`` - how well provision meets need, and who delivers it how well;
* ``fiscal`` - what governing costs and how it is paid for (the ledger);
* ``enforcement`` - enterprises' compliance and officials' enforcement effort;
* ``network`` - realised polycentricity and the organisational graph;
* ``economy`` - output, jobs, incomes and the cost of procedures (sim/economy.py);
* ``environment`` - the pollution stock (sim/environment.py).

Each :class:`Indicator` is computed in one place: ``batched`` ones by
:func:`sim.jurisdiction_indicators.jurisdiction_indicators` (they read small
arrays and are computed for many steps at once), the others by their group's
measuring function in :mod:`sim.indicators` when a step's snapshot is taken.
Units are in the same entry, so the codebook of every output reads them here.
Per-jurisdiction indicators are declared in :mod:`sim.jurisdiction_frame`.

>>> INDICATORS["mean_trust"]
'Mean trust in government (legitimacy).'
>>> INDICATOR_GROUPS["polycentricity"]
'network'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BATCHED",
    "GROUPS",
    "INDICATORS",
    "INDICATOR_GROUPS",
    "INDICATOR_UNITS",
    "REGISTRY",
    "Indicator",
]

GROUPS: dict[str, str] = {
    "citizens": "What citizens experience and do.",
    "services": "How well provision meets need; who delivers it, how well.",
    "fiscal": "What governing costs and how it is paid for.",
    "enforcement": "Enterprises' compliance and officials' enforcement effort.",
    "network": "Realised polycentricity and the organisational graph.",
    "economy": "Output, jobs, incomes and the cost of procedures (0 with mechanisms.economy off).",
    "environment": "The pollution stock (0 with mechanisms.environment off).",
}


@dataclass(frozen=True)
class Indicator:
    """One national indicator.

    Attributes
    ----------
    name
        Column name in every output.
    group
        One of :data:`GROUPS`.
    unit
        Unit; ``(0-1)`` at the end marks a share, whose intervals are Wilson's.
    formula
        What it measures, with its formula where it has one.
    batched
        Computed for many steps at once from small arrays (else measured when the
        step's snapshot is taken).
    """

    name: str
    group: str
    unit: str
    formula: str
    batched: bool = False


REGISTRY: tuple[Indicator, ...] = (
    # citizens
    Indicator(
        "participation_rate",
        "citizens",
        "share of citizens (0-1)",
        "Share of citizens who co-produce (participation).",
        batched=False,
    ),
    Indicator(
        "mean_trust",
        "citizens",
        "score (0-1)",
        "Mean trust in government (legitimacy).",
        batched=False,
    ),
    Indicator(
        "mean_satisfaction",
        "citizens",
        "score (0-1)",
        "Mean citizen satisfaction.",
        batched=False,
    ),
    Indicator(
        "satisfaction_gini",
        "citizens",
        "Gini coefficient (0-1)",
        "Gini coefficient of satisfaction (fairness between citizens; every k steps).",
        batched=False,
    ),
    Indicator(
        "unrest_rate",
        "citizens",
        "share of citizens (0-1)",
        "Share of citizens actively rebelling (stability).",
        batched=False,
    ),
    Indicator(
        "jailed_rate",
        "citizens",
        "share of citizens (0-1)",
        "Share of citizens in jail.",
        batched=False,
    ),
    Indicator(
        "complaint_rate",
        "citizens",
        "share of citizens (0-1)",
        "Share of citizens who complained this step (voice).",
        batched=False,
    ),
    Indicator(
        "mean_harm",
        "citizens",
        "log-utility units per citizen",
        "Mean harm to citizens from enterprise violations.",
        batched=False,
    ),
    Indicator(
        "welfare",
        "citizens",
        "log-utility units per citizen",
        "Mean service utility sum_d n_d log(x_d / standard) minus harm.",
        batched=False,
    ),
    Indicator(
        "rule_compliance",
        "citizens",
        "share of households (0-1)",
        "Share of households complying with the household rule in force (0 without one).",
        batched=False,
    ),
    Indicator(
        "intrinsic_motivation",
        "citizens",
        "share of uncrowded intrinsic motivation (0-1)",
        "Mean intrinsic motivation of citizens relative to its uncrowded level (1 = intact; rewards crowd it out when incentives.crowding_out > 0).",
    ),
    # services
    Indicator(
        "service_coverage",
        "services",
        "share of need met (0-1)",
        "Mean over citizens of exp(sum_d w_id min(0, log(x_jd / (standard n_id M_jd)))): need-weighted geometric mean of the share of need met per domain, each capped at 1 (a mix that misses needs costs at any budget).",
        batched=False,
    ),
    Indicator(
        "service_match",
        "services",
        "overlap of shares (0-1)",
        "Mean overlap of citizens' need shares with their jurisdiction's allocation shares.",
        batched=True,
    ),
    Indicator(
        "responsiveness",
        "services",
        "score (0-1)",
        "1 - population-weighted mean of 0.5 sum_d |a_jd - true_jd|: allocation shares against true (drifting, shocked) demand shares.",
        batched=True,
    ),
    Indicator(
        "jurisdiction_equity",
        "services",
        "1 - Gini (0-1)",
        "1 minus the Gini of provision per capita across jurisdictions.",
        batched=True,
    ),
    Indicator(
        "nongov_provision_share",
        "services",
        "share (0-1)",
        "Share of service output delivered by enterprises and social organisations.",
        batched=True,
    ),
    Indicator(
        "delivery_productivity",
        "services",
        "output units per money unit",
        "Service output per money unit allocated to services: sum output / sum money (after fixed costs, leakage, contract prices, shading, overload and volunteers).",
        batched=True,
    ),
    Indicator(
        "quality_shading",
        "services",
        "share (0-1)",
        "Output lost to quality shading / contracted output before shading (enterprises and social orgs).",
        batched=True,
    ),
    Indicator(
        "coproduced_output_per_capita",
        "services",
        "provision units per citizen per step",
        "Service output added by co-producing citizens per citizen this step (provision units; counted in provision and coverage).",
    ),
    Indicator(
        "basic_service_equalisation",
        "services",
        "1 - Gini (0-1)",
        "1 - population-weighted Gini, across jurisdictions, of their citizens mean service coverage (share of need met at the standard, capped at 1).",
    ),
    # fiscal
    Indicator(
        "governance_cost",
        "fiscal",
        "money units per citizen per step",
        "Cost of governing per citizen this step: spending other than refunds (money units).",
        batched=True,
    ),
    Indicator(
        "cost_services",
        "fiscal",
        "money units per citizen per step",
        "Service delivery spending per citizen this step.",
        batched=True,
    ),
    Indicator(
        "cost_administration",
        "fiscal",
        "money units per citizen per step",
        "Administration spending per citizen this step.",
        batched=True,
    ),
    Indicator(
        "cost_programmes",
        "fiscal",
        "money units per citizen per step",
        "Programme spending (rewards, subsidies) per citizen this step.",
        batched=True,
    ),
    Indicator(
        "cost_enforcement",
        "fiscal",
        "money units per citizen per step",
        "Enforcement spending (inspections) per citizen this step.",
        batched=True,
    ),
    Indicator(
        "cost_policing",
        "fiscal",
        "money units per citizen per step",
        "Policing spending per citizen this step.",
        batched=True,
    ),
    Indicator(
        "cost_platform",
        "fiscal",
        "money units per citizen per step",
        "Information platform spending per citizen this step.",
        batched=True,
    ),
    Indicator(
        "cost_contracting",
        "fiscal",
        "money units per citizen per step",
        "Contracting (transaction) spending per citizen this step.",
        batched=True,
    ),
    Indicator(
        "cost_monitoring",
        "fiscal",
        "money units per citizen per step",
        "Contract monitoring spending per citizen this step.",
        batched=True,
    ),
    Indicator(
        "cost_coordination",
        "fiscal",
        "money units per citizen per step",
        "Coordination spending (joint committees, joint enforcement, shared infrastructure) per citizen this step.",
        batched=True,
    ),
    Indicator(
        "refunds_per_capita",
        "fiscal",
        "money units per citizen per step",
        "Revenue refunded to taxpayers above the reserve ceiling, per citizen this step.",
        batched=True,
    ),
    Indicator(
        "cost_effectiveness",
        "fiscal",
        "coverage share per money unit per citizen",
        "Service coverage per unit of governance cost (efficiency); 0 when nothing is spent.",
        batched=True,
    ),
    Indicator(
        "revenue_per_capita",
        "fiscal",
        "money units per citizen per step",
        "Government revenue per citizen this step.",
        batched=True,
    ),
    Indicator(
        "reserves_per_capita",
        "fiscal",
        "money units per citizen",
        "Government reserves per citizen after the step.",
        batched=True,
    ),
    # enforcement
    Indicator(
        "compliance_rate",
        "enforcement",
        "share of enterprises (0-1)",
        "Share of enterprises that comply (rule of law).",
        batched=False,
    ),
    Indicator(
        "mean_enforcement_effort",
        "enforcement",
        "multiplier of the inspection probability (1 = as set; >= 0)",
        "Local governments' mean enforcement effort (adaptation).",
        batched=True,
    ),
    Indicator(
        "incident_rate",
        "enforcement",
        "share of enterprises with an incident this step (0-1)",
        "Share of enterprises with an incident this step (risk; 0 without risk).",
    ),
    Indicator(
        "detection_lag",
        "enforcement",
        "steps",
        "Mean steps from a violation spell start to its detection (by inspection or incident), over the detections of the last risk.lag_window steps; 0 when there were none.",
    ),
    Indicator(
        "inspection_hit_rate",
        "enforcement",
        "violators found per inspection (0-1)",
        "Violators found per inspection this step (risk; 0 without risk or inspections).",
    ),
    # network
    Indicator(
        "provider_diversity",
        "network",
        "normalised entropy (0-1)",
        "Entropy of realised output shares of agencies, enterprises and social orgs / log 3.",
        batched=True,
    ),
    Indicator(
        "decision_dispersion",
        "network",
        "normalised entropy (0-1)",
        "Entropy of the shares of service money allocated by each local government and the centre / log(J + 1).",
        batched=True,
    ),
    Indicator(
        "org_centralization",
        "network",
        "centralisation index (0-1)",
        "Strength centralisation of the organisational collaboration network.",
        batched=True,
    ),
    Indicator(
        "polycentricity",
        "network",
        "score (0-1)",
        "(provider_diversity + decision_dispersion + 1 - org_centralization) / 3: who provides, who decides, who shares information, all realised.",
        batched=True,
    ),
    Indicator(
        "org_ties",
        "network",
        "count of ties",
        "Number of active organisational ties.",
        batched=True,
    ),
    Indicator(
        "network_density",
        "network",
        "share of possible ties (0-1)",
        "Density of the organisational collaboration network.",
        batched=True,
    ),
    Indicator(
        "org_clustering",
        "network",
        "clustering coefficient (0-1)",
        "Average clustering of the organisational network (every k steps).",
        batched=False,
    ),
    Indicator(
        "org_betweenness_centralization",
        "network",
        "centralisation index (0-1)",
        "Betweenness centralisation of the organisational network (every k steps).",
        batched=False,
    ),
    # economy
    Indicator(
        "output_per_capita",
        "economy",
        "output units per citizen per step",
        "Real output of active enterprises per citizen this step (economy).",
    ),
    Indicator(
        "output_growth",
        "economy",
        "relative change per step",
        "Relative change of total real output from the previous step (economy).",
    ),
    Indicator(
        "employment_rate",
        "economy",
        "share of citizens (0-1)",
        "Share of citizens employed by an enterprise (economy).",
    ),
    Indicator(
        "poverty_rate",
        "economy",
        "share of citizens (0-1)",
        "Share of citizens with income below the poverty line, 60% of the initial median (economy).",
    ),
    Indicator(
        "access_cost",
        "economy",
        "money units per procedure",
        "Mean cost to a citizen of one administrative procedure: visits x cost per visit (economy).",
    ),
    Indicator(
        "firm_entry_rate",
        "economy",
        "share of the enterprise pool per step (0-1)",
        "Enterprises entering the market this step per enterprise of the pool (economy).",
    ),
    Indicator(
        "active_firm_share",
        "economy",
        "share of the enterprise pool (0-1)",
        "Share of the pool of potential enterprises active in the market (economy).",
    ),
    # environment
    Indicator(
        "pollution_stock",
        "environment",
        "pollution units (1 = one step of emissions of an average-sized jurisdiction whose every enterprise emits 1)",
        "Population-weighted mean pollution stock of the jurisdictions (0 with the environment phase off).",
    ),
)

INDICATORS: dict[str, str] = {entry.name: entry.formula for entry in REGISTRY}
INDICATOR_GROUPS: dict[str, str] = {entry.name: entry.group for entry in REGISTRY}
INDICATOR_UNITS: dict[str, str] = {entry.name: entry.unit for entry in REGISTRY}
# computed by sim.jurisdiction_indicators, in registry order
BATCHED: tuple[str, ...] = tuple(entry.name for entry in REGISTRY if entry.batched)
