"""Phase 4: service delivery through government agencies and contracts, and spill-overs.

Reads ``money`` and ``central_money`` (phase 3), the organisational ties, the
enterprises' violations, the social organisations' capacity and volunteers, and
the levers ``enterprise_delivery_share``, ``social_org_delivery_share``,
``inspection_probability`` (monitoring) and ``transparency``; writes output and
provision per jurisdiction and domain, contract revenue, funding and capacity of
the providers, citizens' coverage and service utility; pays contracting costs.

**Scale economies (Alesina & Spolaore 1997, 2003).** Every government that provides
a domain pays a fixed cost ``F = f N / J`` per step (``f`` the provider fixed cost
per citizen of an average jurisdiction). A local government pays it from its own
money in the domain, ``L_jd' = max(L_jd - F, 0)``; the centre pays it once per
domain for the whole country, ``C_jd' = C_jd max(1 - F / sum_k C_kd, 0)``. So
uniform central provision saves ``(J - 1) F`` per domain, against local
provision's better match of local needs (Oates 1972; phase 3).

**Channels.** The usable money ``m_jd = L_jd' + C_jd'`` is split by the delivery-mix
levers into a government, an enterprise and a social-organisation channel
(contracting out and purchase of services, 政府购买服务). No actor type has a
fixed productivity premium; every money unit buys one unit of output at unit
cost, and the channels differ by processes:

* government agencies lose ``lambda (1 - tau)`` to leakage that transparency
  ``tau`` curbs: ``out_g = m_g (1 - lambda (1 - tau))``;
* enterprises tied to government ``j`` bid for its contracts; with ``n_j``
  bidders whose unit costs are uniform on ``[1 - delta, 1 + delta]`` the price
  of a second-price procurement auction is the expected second-lowest cost,
  ``P(n) = 1 - delta + 4 delta / (n + 1)`` for ``n >= 2`` and ``1 + delta``
  for a sole supplier (Vickrey 1961; McAfee & McMillan 1987), so competition,
  not ownership, makes contracting cheap: ``out_e = m_e / P(n_j) (1 - q v_j)
  (1 - sh_e)``, with ``v_j`` the (weighted) violation rate and ``q`` the
  quality loss of a violation;
* social organisations focused on ``d`` and tied to ``j`` by a partnership tie
  share its money in proportion to ``weight * capacity``. An organisation with
  capacity ``K_s`` (money per step it can deliver) and funding ``F_s`` delivers
  ``(min(F_s, K_s) + (1 - omega) max(F_s - K_s, 0)) (1 + mu p_s) (1 - sh_s)``,
  where ``omega`` is the overload loss, ``p_s`` the share of its members who
  volunteer and ``mu`` the volunteer multiplier.

**Quality shading (Hart, Shleifer & Vishny 1997).** A contract cannot specify the
share ``Q`` of quality; a provider that keeps the share ``r`` of the cost it saves
shades it unless monitoring catches it, with monitoring intensity the inspection
probability ``p``: ``sh = Q r (1 - p)``, ``r = 1`` for enterprises and the
social-organisation residual share for social organisations (non-distribution
constraint: Hansmann 1980; Glaeser & Shleifer 2001). The reduced form is an
assumption. Government agencies keep no residual and do not shade.

**Transaction costs (Williamson 1985).** Each funded contract (an active tie that
received money) costs ``c_w + c_m p`` per step to write and to monitor, paid
on top of the service money and co-financed by the two levels.

**Social-organisation capacity** grows with funding, volunteers and ties and
decays without them (assumption):

    K_s <- K_s + gamma (F_s + nu V_s + t W_s - K_s)

with ``V_s`` the volunteers, ``W_s`` the summed weight of its partnership ties,
``nu`` and ``t`` their capacity value and ``gamma`` the adjustment rate.

A channel with no tied provider falls back to government delivery. Co-producing citizens add
their own output ``O_jd`` (:func:`sim.phases.coproduction.coproduced_output`; 0 by
default), so provision per capita is ``x_jd = (out_jd + O_jd) / N_j``; it then
spills over between jurisdictions:

    x_eff_jd = (1 - s_d) x_jd + s_d * mean_{k != j} x_kd

A citizen's need for domain ``d`` is ``n_id * M_jd``, its need share times the
jurisdiction's demand factor (event multipliers times the drift of phase 2).
With ``r_id = x_eff_jd / (standard n_id M_jd)`` the share of that need met and
``w_id = n_id M_jd / sum_k n_ik M_jk`` its weight, coverage is the need-weighted
geometric mean of the shares met, each capped at 1,

    coverage_i = exp(sum_d w_id log(min(1, max(r_id, 0.001))))

the uniform share of need met that gives the same Cobb-Douglas utility, so a
mix that does not match needs costs at any budget. Service utility is

    u_i = sum_d n_id M_jd log(max(x_eff_jd, 0.001 standard) / standard)

(the floors keep the logs finite where a domain gets nothing).

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.cooperate``, ``citizens.coverage``, ``citizens.jurisdiction``, ``citizens.need``,
``citizens.service_utility``, ``derived``, ``enterprises.capacity``,
``enterprises.contract_revenue``, ``enterprises.jurisdiction``,
``enterprises.violating``, ``governments.bidders``, ``governments.central_money``,
``governments.coproduced_output``, ``governments.demand_factor``,
``governments.demand_multiplier``, ``governments.money``,
``governments.need_drift``, ``governments.nongov_output``, ``governments.output``,
``governments.population``, ``governments.provision``, ``governments.service_budget``,
``governments.shaded_output``, ``governments.social_org_output``, ``ledger``,
``levers``, ``org_ties.active``, ``org_ties.government``, ``org_ties.kind``,
``org_ties.of_kind``, ``org_ties.partner``, ``org_ties.weight``, ``params.coproduction``,
``params.services``,
``social_orgs.capacity``, ``social_orgs.domain``, ``social_orgs.funding``,
``social_orgs.jurisdiction``, ``social_orgs.members``, ``social_orgs.output``,
``social_orgs.volunteers``, ``spillover``;

writes ``citizens.coverage``, ``citizens.service_utility``,
``enterprises.contract_revenue``, ``social_orgs.capacity``, ``social_orgs.funding``,
``social_orgs.output``, ``governments.output``, ``governments.nongov_output``,
``governments.provision``, ``governments.social_org_output``,
``governments.shaded_output``, ``governments.bidders``,
``governments.coproduced_output``, ``ledger``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import row_sum
from sim.lever_table import as_column
from sim.network import OrgTies
from sim.phases.coproduction import coproduced_output

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "READS",
    "WRITES",
    "citizen_need_tables",
    "contract_price",
    "deliver_services",
    "effective_provision",
    "score_citizens",
    "usable_money",
]

READS: tuple[str, ...] = (
    "citizens.cooperate",
    "citizens.coverage",
    "citizens.jurisdiction",
    "citizens.need",
    "citizens.service_utility",
    "derived",
    "enterprises.capacity",
    "enterprises.contract_revenue",
    "enterprises.jurisdiction",
    "enterprises.violating",
    "governments.bidders",
    "governments.central_money",
    "governments.coproduced_output",
    "governments.demand_factor",
    "governments.demand_multiplier",
    "governments.money",
    "governments.need_drift",
    "governments.nongov_output",
    "governments.output",
    "governments.population",
    "governments.provision",
    "governments.service_budget",
    "governments.shaded_output",
    "governments.social_org_output",
    "ledger",
    "levers",
    "org_ties.active",
    "org_ties.government",
    "org_ties.kind",
    "org_ties.of_kind",
    "org_ties.partner",
    "org_ties.weight",
    "params.coproduction",
    "params.services",
    "social_orgs.capacity",
    "social_orgs.domain",
    "social_orgs.funding",
    "social_orgs.jurisdiction",
    "social_orgs.members",
    "social_orgs.output",
    "social_orgs.volunteers",
    "spillover",
)
WRITES: tuple[str, ...] = (
    "citizens.coverage",
    "citizens.service_utility",
    "enterprises.contract_revenue",
    "social_orgs.capacity",
    "social_orgs.funding",
    "social_orgs.output",
    "governments.output",
    "governments.nongov_output",
    "governments.provision",
    "governments.social_org_output",
    "governments.shaded_output",
    "governments.bidders",
    "governments.coproduced_output",
    "ledger",
)

_FLOOR = 1e-3  # provision floor, as a share of the standard, inside the log


def usable_money(money: np.ndarray, central_money: np.ndarray, fixed_cost: float) -> np.ndarray:
    """Service money left after every provider's fixed cost per domain (J x D).

    >>> usable_money(np.array([[3.0], [5.0]]), np.array([[1.0], [3.0]]), 1.0).tolist()
    [[1.75], [3.25]]
    """
    if fixed_cost == 0.0:
        return money
    local = np.maximum(money - central_money - fixed_cost, 0.0)
    national = central_money.sum(axis=0, keepdims=True)
    keep = np.divide(
        np.maximum(national - fixed_cost, 0.0),
        national,
        out=np.zeros_like(national),
        where=national > 0,
    )
    return local + central_money * keep


def contract_price(bidders: np.ndarray, spread: float) -> np.ndarray:
    """Expected price per unit of output in a second-price procurement auction.

    >>> contract_price(np.array([1, 2, 3]), 0.2).round(4).tolist()
    [1.2, 1.0667, 1.0]
    """
    n = np.asarray(bidders, dtype=np.float64)
    competitive = 1.0 - spread + 4.0 * spread / (n + 1.0)
    return np.where(n >= 2, competitive, 1.0 + spread)


def deliver_services(model: GovernanceModel) -> None:
    """Spend the service budgets, pay providers and set provision per jurisdiction."""
    gov = model.governments
    table = model.lever_table  # each jurisdiction's own levers (pilot scope)
    svc = model.params.services
    n_j, n_d = gov.money.shape
    fixed_cost = svc.provider_fixed_cost * gov.population.sum() / n_j
    money = usable_money(gov.money, gov.central_money, fixed_cost)
    ent_money = as_column(table.local("enterprise_delivery_share")) * money
    so_money = as_column(table.local("social_org_delivery_share")) * money
    gov_money = money - ent_money - so_money
    ties = model.org_ties
    monitoring = table.local("inspection_probability")  # float, or one per jurisdiction
    contract_cost = svc.contract_writing_cost + svc.contract_monitoring_cost * monitoring
    contracts = np.zeros(n_j)

    ent_out = np.zeros((n_j, n_d))
    shaded = np.zeros((n_j, n_d))
    ent = model.enterprises
    ent.contract_revenue[:] = 0.0
    reg = ties.of_kind(OrgTies.REGULATION)
    gov.bidders[:] = np.bincount(ties.government[reg], minlength=n_j)
    if reg.any():
        g, e = ties.government[reg], ties.partner[reg]
        share = ties.weight[reg] * ent.capacity[e]
        total = np.bincount(g, weights=share, minlength=n_j)
        bad = np.bincount(g, weights=share * ent.violating[e], minlength=n_j)
        has = total > 0
        quality = 1.0 - svc.violation_quality_loss * np.divide(
            bad, total, out=np.zeros(n_j), where=has
        )
        shading = as_column(svc.noncontractible_quality * (1.0 - monitoring))
        bought = ent_money / contract_price(gov.bidders, svc.bid_cost_spread)[:, None]
        delivered = np.where(has[:, None], bought * quality[:, None], 0.0)
        ent_out = delivered * (1.0 - shading)
        shaded += delivered * shading
        per_j = ent_money.sum(axis=1)
        paid = per_j[g] * share / np.where(total[g] > 0, total[g], 1.0)
        ent.contract_revenue[:] = np.bincount(e, weights=paid, minlength=len(ent))
        contracts += np.bincount(g, weights=paid > 0, minlength=n_j)
        gov_money = gov_money + np.where(has[:, None], 0.0, ent_money)
    else:
        gov_money = gov_money + ent_money

    so_out = np.zeros((n_j, n_d))
    orgs = model.social_orgs
    orgs.funding[:] = 0.0
    orgs.output[:] = 0.0
    part = ties.of_kind(OrgTies.PARTNERSHIP)
    if part.any():
        g, s = ties.government[part], ties.partner[part]
        cell = g * n_d + orgs.domain[s]
        share = ties.weight[part] * orgs.capacity[s]
        total = np.bincount(cell, weights=share, minlength=n_j * n_d)
        has = (total > 0).reshape(n_j, n_d)
        paid = so_money.ravel()[cell] * share / np.where(total[cell] > 0, total[cell], 1.0)
        orgs.funding[:] = np.bincount(s, weights=paid, minlength=len(orgs))
        participation = np.divide(
            orgs.volunteers, orgs.members, out=np.zeros(len(orgs)), where=orgs.members > 0
        )
        boost = 1.0 + svc.volunteer_multiplier * participation
        within = np.minimum(orgs.funding, orgs.capacity)
        absorbed = within + (1.0 - svc.overload_loss) * (orgs.funding - within)
        efficiency = np.divide(
            absorbed, orgs.funding, out=np.ones(len(orgs)), where=orgs.funding > 0
        )
        shading = svc.noncontractible_quality * svc.social_org_residual_share * (1.0 - monitoring)
        if isinstance(shading, np.ndarray):
            shading = shading[g]  # the monitoring of each contract's government
        delivered = paid * efficiency[s] * boost[s]
        orgs.output[:] = np.bincount(s, weights=delivered * (1.0 - shading), minlength=len(orgs))
        so_out = np.bincount(
            cell, weights=delivered * (1.0 - shading), minlength=n_j * n_d
        ).reshape(n_j, n_d)
        shaded += np.bincount(cell, weights=delivered * shading, minlength=n_j * n_d).reshape(
            n_j, n_d
        )
        contracts += np.bincount(g, weights=paid > 0, minlength=n_j)
        gov_money = gov_money + np.where(has, 0.0, so_money)
        _grow_capacity(model, s)
    else:
        gov_money = gov_money + so_money
        _grow_capacity(model, np.zeros(0, dtype=np.int64))

    leakage = svc.max_leakage * (1.0 - table.local("transparency"))
    gov_out = gov_money * as_column(1.0 - leakage)
    gov.output[:] = gov_out + ent_out + so_out
    gov.nongov_output[:] = ent_out + so_out
    gov.social_org_output[:] = so_out
    gov.shaded_output[:] = shaded
    model.ledger.pay(gov.service_budget)
    model.ledger.pay_shared(
        contract_cost * contracts, model.params.decentralization, category="contracting"
    )
    # co-producing citizens' own output (sim.phases.coproduction.coproduced_output)
    produced = coproduced_output(model)
    gov.coproduced_output[:] = 0.0 if produced is None else produced
    total = gov.output if produced is None else gov.output + produced
    gov.provision[:] = effective_provision(total / gov.population[:, None], model.spillover)
    score_citizens(model)


def _grow_capacity(model: GovernanceModel, partner: np.ndarray) -> None:
    """Move social organisations' capacity toward what funding, volunteers and ties sustain."""
    orgs = model.social_orgs
    if not len(orgs):
        return
    svc = model.params.services
    ties = model.org_ties
    part = ties.of_kind(OrgTies.PARTNERSHIP)
    tie_weight = np.bincount(partner, weights=ties.weight[part], minlength=len(orgs))
    sustained = orgs.funding + svc.volunteer_value * orgs.volunteers + svc.tie_value * tie_weight
    orgs.capacity += svc.capacity_adjustment * (sustained - orgs.capacity)


def effective_provision(per_capita: np.ndarray, spillover: np.ndarray) -> np.ndarray:
    """Provision each jurisdiction enjoys after spill-overs (J x D).

    >>> effective_provision(np.array([[1.0], [0.0]]), np.array([0.5])).tolist()
    [[0.5], [0.5]]
    """
    n_j = per_capita.shape[0]
    if n_j < 2:
        return per_capita.copy()
    others = (per_capita.sum(axis=0, keepdims=True) - per_capita) / (n_j - 1)
    return (1.0 - spillover)[None, :] * per_capita + spillover[None, :] * others


def score_citizens(model: GovernanceModel) -> None:
    """Coverage and service utility of every citizen from provision in its jurisdiction.

    In units of the standard, with ``L_jd = log(max(x_jd, 0.001 standard) / standard)``,
    coverage is ``exp(sum_d w_id min(0, L_jd - log(n_id M_jd)))`` and utility
    ``sum_d n_id M_jd L_jd``; logs are taken once per jurisdiction and domain (and
    once per run for the needs), not once per citizen and step.
    """
    cit = model.citizens
    gov = model.governments
    standard = model.params.services.service_standard
    need, scratch, need_total, log_need = citizen_need_tables(model)
    factor = gov.demand_factor()
    log_factor = np.zeros(factor.shape)
    if (factor != 1.0).any():
        need = need * factor.take(cit.jurisdiction, axis=0)
        need_total = row_sum(need)
        with np.errstate(divide="ignore"):
            log_factor = np.log(factor)
    log_ratio = np.log(np.maximum(gov.provision, _FLOOR * standard) / standard)
    # np.take gathers rows of a J x D table per citizen much faster than fancy
    # indexing ("clip" mode writes straight into the scratch array)
    met = (log_ratio - log_factor).take(cit.jurisdiction, axis=0, out=scratch, mode="clip")
    np.subtract(met, log_need, out=met)
    np.minimum(met, 0.0, out=met)
    np.multiply(met, need, out=met)
    np.divide(row_sum(met), need_total, out=cit.coverage)
    np.exp(cit.coverage, out=cit.coverage)
    weighted = log_ratio.take(cit.jurisdiction, axis=0, out=scratch, mode="clip")
    np.multiply(need, weighted, out=weighted)
    cit.service_utility[:] = row_sum(weighted)


def citizen_need_tables(
    model: GovernanceModel,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Citizens' needs, an N x D scratch array, each citizen's total need and log needs.

    Needs are fixed during a run (shocks and drift change the demand factors), so
    the total and the logs are computed once; the scratch array is reused every
    step. A zero need has log ``-inf``: that domain then counts as met, with weight 0.
    """
    need = model.citizens.need
    tables = model.derived.citizen_need
    if tables is None or tables[0] is not need:
        with np.errstate(divide="ignore"):
            log_need = np.log(need)
        tables = (need, np.empty_like(need), row_sum(need), log_need)
        model.derived.citizen_need = tables
    return tables
