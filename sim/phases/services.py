"""Phase 4: service delivery through three channels, and spill-overs.

The money ``m_jd`` allocated to domain ``d`` in jurisdiction ``j`` is split by
the delivery-mix levers into a government, an enterprise and a social
organisation channel (contracting out and purchase of services, 政府购买服务):

* government agencies deliver ``eta_g (1 - lambda (1 - tau))`` per money unit,
  where ``lambda (1 - tau)`` is leakage that transparency ``tau`` curbs;
* enterprises tied to government ``j`` by a regulation tie share its enterprise
  money in proportion to ``weight * capacity`` and deliver ``eta_e (1 - q v_j)``,
  ``v_j`` their (weighted) violation rate and ``q`` the quality loss;
* social organisations focused on ``d`` and tied to ``j`` by a partnership tie
  share its money the same way and deliver ``eta_s (1 + mu p_s)``, where ``p_s``
  is the share of the organisation's members who co-produce (volunteers).

A channel with no tied provider falls back to government delivery. Provision per
capita ``x_jd`` then spills over between jurisdictions:

    x_eff_jd = (1 - s_d) x_jd + s_d * mean_{k != j} x_kd

A citizen's need for domain ``d`` is ``n_id * M_jd``, its need share times the
jurisdiction's demand multiplier (1 unless a demand shock changed it). Its
coverage is the share of its requirement ``n_id M_jd standard`` met, summed over
domains, and its service utility is

    u_i = sum_d n_id M_jd log(max(x_eff_jd, 0.001 standard) / standard)

(the floor keeps the log finite where a domain gets nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import row_sum
from sim.lever_table import as_column
from sim.network import OrgTies

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["citizen_need_tables", "deliver_services", "effective_provision", "score_citizens"]

_FLOOR = 1e-3  # provision floor, as a share of the standard, inside the log


def deliver_services(model: GovernanceModel) -> None:
    """Spend the service budgets, pay providers and set provision per jurisdiction."""
    gov = model.governments
    table = model.lever_table
    svc = model.params.services
    n_j, n_d = gov.money.shape
    money = gov.money
    ent_money = as_column(table.local("enterprise_delivery_share")) * money
    so_money = as_column(table.local("social_org_delivery_share")) * money
    gov_money = money - ent_money - so_money
    ties = model.org_ties

    ent_out = np.zeros((n_j, n_d))
    ent = model.enterprises
    ent.contract_revenue[:] = 0.0
    reg = ties.of_kind(OrgTies.REGULATION)
    if reg.any():
        g, e = ties.government[reg], ties.partner[reg]
        share = ties.weight[reg] * ent.capacity[e]
        total = np.bincount(g, weights=share, minlength=n_j)
        bad = np.bincount(g, weights=share * ent.violating[e], minlength=n_j)
        has = total > 0
        quality = 1.0 - svc.violation_quality_loss * np.divide(
            bad, total, out=np.zeros(n_j), where=has
        )
        ent_out[has] = ent_money[has] * (svc.enterprise_efficiency * quality[has])[:, None]
        per_j = ent_money.sum(axis=1)
        paid = per_j[g] * share / np.where(total[g] > 0, total[g], 1.0)
        ent.contract_revenue[:] = np.bincount(e, weights=paid, minlength=len(ent))
        gov_money = gov_money + np.where(has[:, None], 0.0, ent_money)
    else:
        gov_money = gov_money + ent_money

    so_out = np.zeros((n_j, n_d))
    orgs = model.social_orgs
    orgs.funding[:] = 0.0
    part = ties.of_kind(OrgTies.PARTNERSHIP)
    if part.any():
        g, s = ties.government[part], ties.partner[part]
        dom = orgs.domain[s]
        cell = g * n_d + dom
        share = ties.weight[part] * orgs.capacity[s]
        participation = np.divide(
            orgs.volunteers, orgs.members, out=np.zeros(len(orgs)), where=orgs.members > 0
        )
        boost = 1.0 + svc.volunteer_multiplier * participation[s]
        total = np.bincount(cell, weights=share, minlength=n_j * n_d).reshape(n_j, n_d)
        boosted = np.bincount(cell, weights=share * boost, minlength=n_j * n_d).reshape(n_j, n_d)
        has = total > 0
        mult = np.divide(boosted, total, out=np.zeros_like(total), where=has)
        so_out = so_money * svc.social_org_efficiency * mult
        flat = so_money.ravel()
        paid = flat[cell] * share / np.where(total.ravel()[cell] > 0, total.ravel()[cell], 1.0)
        orgs.funding[:] = np.bincount(s, weights=paid, minlength=len(orgs))
        orgs.output[:] = (
            np.bincount(s, weights=paid * boost, minlength=len(orgs)) * svc.social_org_efficiency
        )
        gov_money = gov_money + np.where(has, 0.0, so_money)
    else:
        orgs.output[:] = 0.0
        gov_money = gov_money + so_money

    leakage = svc.max_leakage * (1.0 - table.local("transparency"))
    gov_out = gov_money * svc.government_efficiency * as_column(1.0 - leakage)
    gov.output[:] = gov_out + ent_out + so_out
    gov.nongov_output[:] = ent_out + so_out
    model.ledger.pay(gov.service_budget)
    gov.provision[:] = effective_provision(gov.output / gov.population[:, None], model.spillover)
    score_citizens(model)


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

    Coverage is computed in units of the standard,
    ``sum_d min(n_id M_jd, x_jd / standard) / sum_d n_id M_jd``, the same share.
    """
    cit = model.citizens
    gov = model.governments
    standard = model.params.services.service_standard
    need, scratch, need_total = citizen_need_tables(model)
    if np.any(gov.demand_multiplier != 1.0):
        need = need * np.take(gov.demand_multiplier, cit.jurisdiction, axis=0)
        need_total = row_sum(need)
    # np.take gathers rows of a J x D table per citizen much faster than fancy
    # indexing ("clip" mode writes straight into the scratch array)
    covered = np.take(gov.provision / standard, cit.jurisdiction, axis=0, out=scratch, mode="clip")
    np.minimum(need, covered, out=covered)
    np.divide(row_sum(covered), need_total, out=cit.coverage)
    # the log is taken once per jurisdiction and domain, not once per citizen
    log_ratio = np.log(np.maximum(gov.provision, _FLOOR * standard) / standard)
    weighted = np.take(log_ratio, cit.jurisdiction, axis=0, out=scratch, mode="clip")
    np.multiply(need, weighted, out=weighted)
    cit.service_utility[:] = row_sum(weighted)


def citizen_need_tables(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Citizens' needs, an N x D scratch array and each citizen's total need.

    Needs are fixed during a run (shocks change the demand multipliers), so the
    total is summed once; the scratch array is reused every step.
    """
    need = model.citizens.need
    tables = model.phase_cache.get("citizen_need")
    if tables is None or tables[0] is not need:
        tables = (need, np.empty_like(need), row_sum(need))
        model.phase_cache["citizen_need"] = tables
    return tables
