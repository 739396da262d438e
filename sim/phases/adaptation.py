"""Phase 11: officials move policy toward what their performance evaluation rewards.

Local officials are evaluated (绩效考核) with normalised weights ``w_g`` on growth,
``w_s`` on citizen satisfaction and ``w_e`` on the environment. They adapt two
things they control, at rate ``a``:

* enforcement effort ``f_j`` (multiplies the inspection probability), pushed up
  by visible violations and complaints when the environment and satisfaction
  count, and down by the fines that weigh on enterprises' profits when growth
  counts (growth-first distortion, the source's 增长优先):

      f_j += a * (w_e v_j + w_s q_j - w_g phi_j),   f_j in [0, 2]

  with ``v_j`` the violation rate, ``q_j`` the complaint rate and ``phi_j`` the
  share of enterprise profit lost to fines;
* a domain tilt of their allocation (phase 3), toward unmet perceived need when
  satisfaction counts and toward the environment when harm is visible and the
  environment counts:

      tilt_jd += a * (w_s (n_jd - m_jd) + w_e h_j [d = environment]),  tilt in [-1, 1]

  with ``n_jd`` perceived need shares, ``m_jd`` the allocation shares and ``h_j``
  the jurisdiction's mean harm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction, mean_by_jurisdiction
from sim.lever_table import as_column
from sim.phases.compliance import violation_rates

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["adapt", "evaluation_weights"]


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


def adapt(model: GovernanceModel) -> None:
    """Update enforcement effort and allocation tilt of every local government."""
    gov = model.governments
    rate = model.params.adaptation.rate
    w_g, w_s, w_e = evaluation_weights(model)
    n_j = gov.n_jurisdictions
    ent = model.enterprises
    if len(ent):
        fines = by_jurisdiction(ent.jurisdiction, ent.fine_paid, n_j)
        gross = by_jurisdiction(ent.jurisdiction, np.abs(ent.profit) + ent.fine_paid, n_j)
        fine_burden = np.divide(fines, gross, out=np.zeros(n_j), where=gross > 0)
        pressure = w_e * violation_rates(model) + w_s * gov.complaint_rate - w_g * fine_burden
        gov.enforcement_effort[:] = np.clip(gov.enforcement_effort + rate * pressure, 0.0, 2.0)

    money = gov.money.sum(axis=1, keepdims=True)
    shares = np.divide(gov.money, money, out=np.zeros_like(gov.money), where=money > 0)
    push = as_column(w_s) * (gov.perceived_local - shares)
    env = model.domain_index.get("environment")
    if env is not None:
        harm = mean_by_jurisdiction(
            model.citizens.jurisdiction, model.citizens.harm, gov.population
        )
        push[:, env] += w_e * harm
    gov.domain_tilt[:] = np.clip(gov.domain_tilt + rate * push, -1.0, 1.0)
