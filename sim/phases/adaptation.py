"""Phase 13: officials move policy toward what their performance evaluation rewards.

Local officials are evaluated (绩效考核) with normalised weights ``w_g`` on growth,
``w_s`` on citizen satisfaction and ``w_e`` on the environment. They adapt two
things they control, at rate ``a``:

* enforcement effort ``f_j`` (multiplies the inspection probability), pushed up
  by visible violations when the environment counts and by complaints about
  pollution when satisfaction counts, and down by the fines that weigh on
  enterprises' profits when growth counts (growth-first distortion, the source's
  增长优先) and by what enforcement costs:

      f_j += a * (m_j (w_e v_j + w_s q^pol_j) - w_g phi_j - k sigma_j),   f_j >= 0
      m_j  = [inspection_probability * f_j < 1]
      sigma_j = enforcement spending_j / governance spending_j     (local government j, this step)

  with ``v_j`` the violation rate, ``q^pol_j`` the rate of complaints about
  pollution, ``phi_j`` the share of enterprise profit lost to fines and ``k`` the
  cost weight. Effort is paid through its inspections (phase 6, category
  ``enforcement``), so it is bounded by its cost and by its marginal product
  ``m_j`` (once every enterprise is inspected, more effort deters no one), not by
  a cap. Equating marginal benefit and cost is Becker's (1968) optimal
  enforcement; the linear adjustment toward it is an assumption.
* a domain tilt of their allocation (phase 3), toward unmet perceived need when
  satisfaction counts and toward the environment when harm is visible and the
  environment counts:

      tilt_jd += a * (w_s (n_jd - m_jd) + w_e h_j [d = environment]),  tilt in [-1, 1]

  with ``n_jd`` perceived need shares, ``m_jd`` the allocation shares and ``h_j``
  the jurisdiction's mean harm.

Complaints are split by cause (:func:`complaints_by_cause`): a complaining
citizen's grievance is attributed to pollution in the proportion of harm in its
two sources of dissatisfaction, harm ``h_i`` and unmet service need
``1 - coverage_i`` (an assumption; phase 10 records no cause). Complaints about
services move the service budget instead (:mod:`sim.phases.budget`).

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.complained``, ``citizens.complaint_pollution``, ``citizens.harm``,
``citizens.jurisdiction``, ``domain_index``, ``enterprises.fine_paid``,
``enterprises.jurisdiction``, ``enterprises.profit``, ``enterprises.violating``,
``governments.domain_tilt``, ``governments.enforcement_effort``, ``governments.money``,
``governments.n_jurisdictions``, ``governments.perceived_local``,
``governments.pollution_complaint_rate``, ``governments.population``,
``governments.service_complaint_rate``, ``economy``, ``ledger``, ``levers``,
``params.adaptation``;

writes ``governments.enforcement_effort``, ``governments.domain_tilt``,
``governments.pollution_complaint_rate``, ``governments.service_complaint_rate``,
``economy``.

**Multitask officials (only with ``mechanisms.economy``).** Officials split a fixed
attention budget over growth promotion, service quality and environmental
enforcement, ``e_j = (e^g, e^s, e^env)``, summing to 1. Rewarded linearly on
measured performance ``log e_k`` in each task with the evaluation weights, their
optimum is ``e*_k = w_k`` (Holmström & Milgrom 1991: effort follows the relative
marginal rewards; the promotion tournament on growth, Li & Zhou 2005); they move
toward it at rate ``a``, ``e_j += a (w - e_j)``. Growth attention speeds firms'
permits and buys promotion subsidies (:mod:`sim.economy`); service attention
speeds citizens' procedures; enforcement effort becomes the Becker effort above
times environmental attention relative to a balanced split:

      b_j += a * (m_j (w_e v_j + w_s q^pol_j) - w_g phi_j - k sigma_j),   b_j >= 0
      f_j  = b_j * 3 e^env_j

With the economy off this block does not run and ``f_j`` follows the first rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction, mean_by_jurisdiction
from sim.economy import attention_target
from sim.lever_table import as_column
from sim.numeric import clip
from sim.phases.compliance import violation_rates

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["READS", "WRITES", "adapt", "complaints_by_cause", "evaluation_weights"]

READS: tuple[str, ...] = (
    "citizens.complained",
    "citizens.complaint_pollution",
    "citizens.harm",
    "citizens.jurisdiction",
    "domain_index",
    "economy",
    "enterprises.fine_paid",
    "enterprises.jurisdiction",
    "enterprises.profit",
    "enterprises.violating",
    "governments.domain_tilt",
    "governments.enforcement_effort",
    "governments.money",
    "governments.n_jurisdictions",
    "governments.perceived_local",
    "governments.pollution_complaint_rate",
    "governments.population",
    "governments.service_complaint_rate",
    "ledger",
    "levers",
    "params.adaptation",
)
WRITES: tuple[str, ...] = (
    "governments.enforcement_effort",
    "governments.domain_tilt",
    "governments.pollution_complaint_rate",
    "governments.service_complaint_rate",
    "economy",
)


def evaluation_weights(
    model: GovernanceModel,
) -> tuple[float, float, float] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Growth, satisfaction and environment weights, normalised to sum to one.

    Floats when the weights are the same everywhere; with a pilot (any weight set
    per jurisdiction) three arrays with one value per local government.
    """
    table = model.lever_table
    names = ("evaluation_growth", "evaluation_satisfaction", "evaluation_environment")
    if all(name in table.uniform for name in names):
        raw = np.array([table.local(name) for name in names])
        total = raw.sum()
        growth, satisfaction, environment = (raw / total) if total > 0 else (0.0, 0.0, 0.0)
        return float(growth), float(satisfaction), float(environment)
    raw = np.array([table.values[name] for name in names])  # 3 x J
    total = raw.sum(axis=0)
    shares = np.divide(raw, total, out=np.zeros_like(raw), where=total > 0)
    return shares[0], shares[1], shares[2]


def complaints_by_cause(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray]:
    """Per jurisdiction, the rates of complaints about services and about pollution.

    ``q^pol_j = mean_{i in j} c^pol_i`` with ``c^pol_i`` the pollution share each
    complaint recorded in phase 10 (:func:`sim.phases.voice.record_complaint_causes`),
    and ``q^svc_j = q_j - q^pol_j``; the two sum to the complaint rate.
    """
    cit = model.citizens
    gov = model.governments
    q_pol = mean_by_jurisdiction(cit.jurisdiction, cit.complaint_pollution, gov.population)
    q_svc = mean_by_jurisdiction(cit.jurisdiction, cit.complained, gov.population) - q_pol
    return np.maximum(q_svc, 0.0), q_pol


def _multitask(model: GovernanceModel, pressure: np.ndarray, weights: tuple) -> None:
    """With the economy on: move attention toward the evaluation weights; scale enforcement.

    ``e_j += a (w - e_j)`` (the Holmström-Milgrom optimum of
    :func:`sim.economy.attention_target`), then ``f_j = b_j * 3 e^env_j`` with ``b_j``
    the enforcement effort of the Becker rule above.
    """
    econ = model.economy
    rate = model.params.adaptation.rate
    target = attention_target(weights, model.governments.n_jurisdictions)
    econ.attention += rate * (target - econ.attention)
    econ.enforcement_base[:] = np.maximum(econ.enforcement_base + rate * pressure, 0.0)
    model.governments.enforcement_effort[:] = econ.enforcement_base * 3.0 * econ.attention[:, 2]


def adapt(model: GovernanceModel) -> None:
    """Update enforcement effort and allocation tilt of every local government."""
    gov = model.governments
    params = model.params.adaptation
    rate = params.rate
    w_g, w_s, w_e = evaluation_weights(model)
    n_j = gov.n_jurisdictions
    q_svc, q_pol = complaints_by_cause(model)
    gov.service_complaint_rate[:] = q_svc
    gov.pollution_complaint_rate[:] = q_pol
    ent = model.enterprises
    if len(ent):
        fines = by_jurisdiction(ent.jurisdiction, ent.fine_paid, n_j)
        gross = by_jurisdiction(ent.jurisdiction, np.abs(ent.profit) + ent.fine_paid, n_j)
        fine_burden = np.divide(fines, gross, out=np.zeros(n_j), where=gross > 0)
        ledger = model.ledger
        cost = ledger.category("enforcement")[:n_j]
        spent = ledger.governance_cost[:n_j]
        cost_share = np.divide(cost, spent, out=np.zeros(n_j), where=spent > 0)
        # effort beyond certain inspection deters no one: its marginal product is 0
        inspection = model.lever_table.local("inspection_probability")  # (J,) with a pilot
        productive = inspection * gov.enforcement_effort < 1.0
        benefit = productive * (w_e * violation_rates(model) + w_s * q_pol)
        pressure = benefit - w_g * fine_burden - params.enforcement_cost_weight * cost_share
        econ = getattr(model, "economy", None)
        if econ is None:
            gov.enforcement_effort[:] = np.maximum(gov.enforcement_effort + rate * pressure, 0.0)
        else:
            _multitask(model, pressure, (w_g, w_s, w_e))

    money = gov.money.sum(axis=1, keepdims=True)
    shares = np.divide(gov.money, money, out=np.zeros(gov.money.shape), where=money > 0)
    push = as_column(w_s) * (gov.perceived_local - shares)
    env = model.domain_index.get("environment")
    if env is not None:
        harm = mean_by_jurisdiction(
            model.citizens.jurisdiction, model.citizens.harm, gov.population
        )
        push[:, env] += w_e * harm
    gov.domain_tilt[:] = clip(gov.domain_tilt + rate * push, -1.0, 1.0)
