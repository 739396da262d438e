"""Phase 10: voice or exit - dissatisfied citizens complain, are answered, or disengage.

Hirschman's (1970) voice as a cost-benefit choice: a citizen complains with
probability

    P(complain_i) = clip(beta * ((1 - sat_i) - voice_cost), 0, 1) * (1 - d_c * coercion)

so lowering the voice cost ("at most one visit", 最多跑一次) lets milder
dissatisfaction be heard, and coercion silences some of it. A citizen who would
have complained but for the coercion (``u_i < P`` without the last factor, same
uniform ``u_i``) is recorded as ``silenced``: denied voice, an unfair experience in
phase 9 (voice is an element of procedural justice; Tyler 1990). The share of
complainers in each jurisdiction feeds the next information update (phase 2).

Answering is a process with a capacity: local government ``j`` can answer
``kappa N_j`` complaints a step, so each complaint is answered with probability
``min(1, kappa N_j / #complaints_j)`` (a flooded channel answers fewer), at a cost
per answer. Whether a citizen's complaint was answered is its procedural
experience (phase 9, Tyler).

Each complaint records its cause (:func:`record_complaint_causes`): the share of the
complainer's grievance that is pollution harm rather than missing service,

    c^pol_i = complained_i * h_i / (h_i + 1 - coverage_i)     (0 where both are 0)

which phase 13 reads to answer service and pollution complaints with different
efforts (an assumption: a grievance is voiced in proportion to its parts).

Exit: a dissatisfied citizen who did not complain withdraws from co-production
with a probability that rises with dissatisfaction and falls with trust
(Hirschman's loyalty holds exit back):

    P(exit_i | no complaint) = clip(e_s (1 - sat_i - e_0), 0, 1) (1 - trust_i)

An exiting citizen stops co-producing (``cooperate`` false, volunteers recounted);
imitation (phase 5) may bring it back later. With the co-production phase switched
off there is nothing to leave: nobody exits and no exit coins are drawn.

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.answered``, ``citizens.complained``, ``citizens.complaint_pollution``,
``citizens.cooperate``, ``citizens.coverage``, ``citizens.exited``, ``citizens.harm``,
``citizens.jurisdiction``, ``citizens.satisfaction``, ``citizens.silenced``,
``citizens.trust``, ``governments.complaint_rate``, ``governments.n_jurisdictions``,
``governments.population``, ``ledger``, ``levers``, ``params.voice``;

writes ``citizens.complained``, ``citizens.answered``, ``citizens.silenced``,
``citizens.complaint_pollution``, ``citizens.cooperate``, ``citizens.exited``,
``governments.complaint_rate``, ``ledger``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction
from sim.numeric import clip
from sim.phases.coproduction import update_volunteers

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.state import CitizenState

__all__ = ["READS", "WRITES", "answer_probability", "record_complaint_causes", "voice"]

READS: tuple[str, ...] = (
    "citizens.answered",
    "citizens.complained",
    "citizens.complaint_pollution",
    "citizens.cooperate",
    "citizens.coverage",
    "citizens.exited",
    "citizens.harm",
    "citizens.jurisdiction",
    "citizens.satisfaction",
    "citizens.silenced",
    "citizens.trust",
    "governments.complaint_rate",
    "governments.n_jurisdictions",
    "governments.population",
    "ledger",
    "levers",
    "params.voice",
)
WRITES: tuple[str, ...] = (
    "citizens.complained",
    "citizens.answered",
    "citizens.silenced",
    "citizens.complaint_pollution",
    "citizens.cooperate",
    "citizens.exited",
    "governments.complaint_rate",
    "ledger",
)


def answer_probability(
    complaints: np.ndarray, population: np.ndarray, capacity: float
) -> np.ndarray:
    """Probability that a complaint is answered in each jurisdiction.

    >>> answer_probability(np.array([0.0, 10.0, 40.0]), np.array([100.0, 100.0, 100.0]), 0.2).tolist()
    [1.0, 1.0, 0.5]
    """
    can = capacity * population
    return np.minimum(1.0, np.divide(can, complaints, out=np.ones_like(can), where=complaints > 0))


def record_complaint_causes(citizens: CitizenState) -> None:
    """Record the pollution share ``c^pol_i`` of each citizen's complaint (0 if none)."""
    grievance = citizens.harm + (1.0 - citizens.coverage)
    np.divide(
        citizens.harm,
        grievance,
        out=citizens.complaint_pollution,
        where=grievance > 0,
    )
    citizens.complaint_pollution[grievance <= 0] = 0.0
    citizens.complaint_pollution *= citizens.complained


def voice(model: GovernanceModel) -> None:
    """Draw complaints, answers and exits; record each jurisdiction's complaint rate."""
    cit = model.citizens
    p = model.params.voice
    table = model.lever_table  # the voice cost and coercion of each citizen's jurisdiction
    voice_cost = table.local("voice_cost", cit.jurisdiction)
    coercion = table.local("coercion", cit.jurisdiction)
    rng = model.rng
    n = len(cit)
    gov = model.governments
    n_j = gov.n_jurisdictions
    # beta ((1 - sat) - voice_cost) = beta (1 - voice_cost) - beta sat, in place
    propensity = np.multiply(-p.sensitivity, cit.satisfaction)
    propensity += p.sensitivity * (1.0 - voice_cost)
    clip(propensity, 0.0, 1.0, out=propensity)
    draw = rng.random(n)
    # those who would have complained but for fear of coercion are silenced
    cit.silenced[:] = draw < propensity
    propensity *= 1.0 - p.coercion_deterrence * coercion
    cit.complained[:] = draw < propensity
    cit.silenced &= ~cit.complained
    record_complaint_causes(cit)
    complaints = by_jurisdiction(cit.jurisdiction, cit.complained, n_j)
    # = mean_by_jurisdiction(cit.jurisdiction, cit.complained, gov.population), from one count
    np.divide(complaints, np.maximum(gov.population, 1.0), out=gov.complaint_rate)

    complainers = cit.complained.nonzero()[0]
    chance = answer_probability(complaints, gov.population, p.response_capacity)
    answered = rng.random(complainers.size) < chance[cit.jurisdiction[complainers]]
    cit.answered[:] = False
    cit.answered[complainers[answered]] = True
    if p.response_cost > 0 and answered.any():
        handled = by_jurisdiction(cit.jurisdiction, cit.answered, n_j)
        model.ledger.pay_shared(
            p.response_cost * handled, model.params.decentralization, category="administration"
        )

    # exit among the dissatisfied who did not complain; loyalty (trust) holds it back.
    # Exit is withdrawal from co-production: without that phase there is nothing to leave
    if not model.params.mechanisms.coproduction:
        cit.exited[:] = False
        return
    exit_chance = 1.0 - p.exit_threshold - cit.satisfaction
    exit_chance *= p.exit_sensitivity
    clip(exit_chance, 0.0, 1.0, out=exit_chance)
    exit_chance *= 1.0 - cit.trust
    exit_chance[cit.complained] = 0.0
    # the coin is drawn only where exit is possible (in citizen order)
    candidates = (exit_chance > 0).nonzero()[0]
    cit.exited[:] = False
    cit.exited[candidates] = rng.random(candidates.size) < exit_chance[candidates]
    if candidates.size and cit.exited.any():
        cit.cooperate[cit.exited] = False
        update_volunteers(model)
