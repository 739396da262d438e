"""Phase 7: satisfaction and trust in government (legitimacy).

Satisfaction moves toward what citizens get, net of harm:

    sat_i += a_s * (clip(coverage_i - w_h h_i, 0, 1) - sat_i)

Trust (legitimacy, the source's first yardstick of good governance) moves toward
a weighted mix of own satisfaction, fairness between jurisdictions, transparency
and social neighbours' mean trust, less a penalty for coercion:

    target_i = (w_s sat_i + w_f F_j + w_t tau + w_n mean_{N(i)} trust) / sum(w)
               - c_pen * coercion
    trust_i += a_t * (clip(target_i, 0, 1) - trust_i)

``F_j = 1 - |x_j - mean x| / mean x`` compares total provision per capita in the
citizen's jurisdiction with the national mean (fair budget allocation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["fairness", "update_trust"]


def fairness(model: GovernanceModel) -> np.ndarray:
    """Per-jurisdiction fairness of provision per capita, in [0, 1]."""
    gov = model.governments
    per_capita = gov.provision.sum(axis=1)
    mean = float(gov.population @ per_capita / gov.population.sum())
    if mean <= 0:
        return np.ones_like(per_capita)
    return np.clip(1.0 - np.abs(per_capita - mean) / mean, 0.0, 1.0)


def update_trust(model: GovernanceModel) -> None:
    """Update satisfaction, then trust."""
    cit = model.citizens
    p = model.params.trust
    table = model.lever_table
    coercion = table.local("coercion")
    # sat += a_s (clip(coverage - w_h h, 0, 1) - sat), in place
    step = np.multiply(p.harm_weight, cit.harm)
    np.subtract(cit.coverage, step, out=step)
    np.clip(step, 0.0, 1.0, out=step)
    step -= cit.satisfaction
    step *= p.satisfaction_rate
    cit.satisfaction += step

    weights = (
        p.weight_satisfaction + p.weight_fairness + p.weight_transparency + p.weight_neighbours
    )
    penalty = p.coercion_penalty * coercion
    if weights > 0:
        # the terms that are the same for everyone in a jurisdiction are added once per
        # jurisdiction: (w_f F_j + w_t tau) / sum(w) - c_pen * coercion
        local = (
            p.weight_fairness * fairness(model)
            + p.weight_transparency * table.local("transparency")
        ) / weights - penalty
        target = model.social.neighbour_mean(cit.trust)
        target *= p.weight_neighbours / weights
        target += np.multiply(p.weight_satisfaction / weights, cit.satisfaction, out=step)
        target += np.take(local, cit.jurisdiction)
    else:
        target = cit.trust - (
            penalty if isinstance(penalty, float) else np.take(penalty, cit.jurisdiction)
        )
    np.clip(target, 0.0, 1.0, out=target)
    target -= cit.trust
    target *= p.trust_rate
    cit.trust += target
    np.clip(cit.trust, 0.0, 1.0, out=cit.trust)
    np.clip(cit.satisfaction, 0.0, 1.0, out=cit.satisfaction)
