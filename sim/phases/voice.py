"""Phase 8: voice - dissatisfied citizens complain when the channel is cheap enough.

Hirschman's voice as a cost-benefit choice: a citizen complains with probability

    P(complain_i) = clip(beta * ((1 - sat_i) - voice_cost), 0, 1) * (1 - d_c * coercion)

so lowering the voice cost ("at most one visit", 最多跑一次) lets milder
dissatisfaction be heard, and coercion silences some of it. The share of
complainers in each jurisdiction feeds the next information update (phase 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import mean_by_jurisdiction

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["voice"]


def voice(model: GovernanceModel) -> None:
    """Draw complaints and record each jurisdiction's complaint rate."""
    cit = model.citizens
    p = model.params.voice
    table = model.lever_table
    voice_cost = table.local("voice_cost", cit.jurisdiction)
    coercion = table.local("coercion", cit.jurisdiction)
    # beta ((1 - sat) - voice_cost) = beta (1 - voice_cost) - beta sat, in place
    propensity = np.multiply(-p.sensitivity, cit.satisfaction)
    propensity += p.sensitivity * (1.0 - voice_cost)
    np.clip(propensity, 0.0, 1.0, out=propensity)
    propensity *= 1.0 - p.coercion_deterrence * coercion
    cit.complained[:] = model.rng.random(len(cit)) < propensity
    gov = model.governments
    gov.complaint_rate[:] = mean_by_jurisdiction(cit.jurisdiction, cit.complained, gov.population)
