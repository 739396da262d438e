"""Phase 14: households' compliance with a rule (waste sorting and the like).

Inert until a rule is in force (``rule_compliance.rule_in_force``, set by a case
or an event); then every household decides each step whether to comply. It
complies iff what complying brings exceeds its effort cost:

    U_i = reward + p_i F + w_n m_i n_i + w_h h_i + w_l m_i trust_i - c_i,   comply_i = [U_i > 0]

* deterrence ``p_i F`` (Becker 1968): the fine times the detection probability,
  which combines inspectors and volunteers among the social neighbours
  (co-producers report what they see):
  ``p_i = 1 - (1 - monitoring)(1 - v_det * vol_i)``, ``vol_i`` the share of
  ``i``'s neighbours who co-produce;
* the reward for complying (points and cash);
* the social norm ``w_n n_i``, ``n_i`` the share of neighbours who complied last
  step: with heterogeneous costs each household has its own threshold share of
  complying neighbours above which it complies (Granovetter 1978);
* habit ``w_h h_i``: habit strength grows with each repetition and decays
  otherwise, ``h_i += g (1 - h_i)`` when complying, ``h_i -= d h_i`` when not
  (asymptotic automaticity; Lally et al. 2010, median 66 days to 95% of the
  asymptote; Verplanken & Aarts 1999), so compliance can outlast monitoring once
  the habit has formed and collapses if monitoring is withdrawn too early;
* legitimacy ``w_l trust_i``: voluntary compliance rises with trust (Kirchler,
  Hoelzl & Wahl 2008; Tyler 2006);
* intrinsic motivation ``m_i`` (:mod:`sim.incentives`) scales the two intrinsic
  motives, the norm and legitimacy terms: ``w_n m_i n_i + w_l m_i trust_i``. A
  household paid the rule's reward this step moves ``m_i`` toward its crowded-out
  floor (Frey & Jegen 2001; Gneezy & Rustichini 2000), so a reward raises
  compliance now and lowers it after it is withdrawn; with
  ``incentives.crowding_out = 0`` ``m_i`` stays 1 and the rule is today's;
* the effort cost ``c_i = effort_cost * y_i / mean_income`` is the opportunity cost
  of time, proportional to income (an assumption that gives each household its own
  threshold without extra draws).

Detection is drawn (one uniform per citizen): a caught non-complier pays ``F`` to
its local government. Inspections cost ``inspection_cost`` each
(``monitoring * N_j`` a step) and rewards are paid to every complier; both are
shared between the levels. The phase reads no lever: the rule's monitoring, fine
and reward are its own parameters, which events set.

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.cooperate``, ``citizens.habit``, ``citizens.income``,
``citizens.intrinsic_motivation``, ``citizens.jurisdiction``,
``citizens.rule_complying``, ``citizens.trust``, ``derived``, ``governments.n_jurisdictions``,
``governments.population``, ``ledger``, ``params.incentives``,
``params.rule_compliance``, ``social``;

writes ``citizens.rule_complying``, ``citizens.habit``,
``citizens.intrinsic_motivation``, ``ledger``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction
from sim.incentives import crowd_out

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["READS", "WRITES", "detection_probability", "follow_rule"]

READS: tuple[str, ...] = (
    "citizens.cooperate",
    "citizens.habit",
    "citizens.income",
    "citizens.intrinsic_motivation",
    "citizens.jurisdiction",
    "citizens.rule_complying",
    "citizens.trust",
    "derived",
    "governments.n_jurisdictions",
    "governments.population",
    "ledger",
    "params.incentives",
    "params.rule_compliance",
    "social",
)
WRITES: tuple[str, ...] = (
    "citizens.rule_complying",
    "citizens.habit",
    "citizens.intrinsic_motivation",
    "ledger",
)


def detection_probability(
    monitoring: float, volunteer_detection: float, volunteer_share: np.ndarray
) -> np.ndarray:
    """Probability that a non-complying household is detected in a step.

    >>> detection_probability(0.5, 0.4, np.array([0.0, 1.0])).tolist()
    [0.5, 0.7]
    """
    return 1.0 - (1.0 - monitoring) * (1.0 - volunteer_detection * volunteer_share)


def follow_rule(model: GovernanceModel) -> None:
    """Decide, detect, fine, reward, update habits (nothing while no rule is in force)."""
    cit = model.citizens
    p = model.params.rule_compliance
    if not p.rule_in_force:
        if cit.rule_complying.any():
            cit.rule_complying[:] = False  # a repealed rule: nobody complies with it
        return
    social = model.social
    n_j = model.governments.n_jurisdictions
    # neighbour means of flags, kept up to date from who changed (= social.neighbour_mean)
    volunteers = model.derived.neighbour_mean_of_flags(social, "cooperate", cit.cooperate)
    detect = detection_probability(p.monitoring, p.volunteer_detection, volunteers)
    norm = model.derived.neighbour_mean_of_flags(social, "rule_complying", cit.rule_complying)

    motivation = cit.intrinsic_motivation  # exactly 1 without crowding-out
    value = detect * p.fine
    value += p.reward
    value += p.norm_weight * norm * motivation
    value += p.habit_weight * cit.habit
    value += p.legitimacy_weight * cit.trust * motivation
    value -= (p.effort_cost / model.params.fiscal.mean_income) * cit.income
    comply = value > 0
    cit.rule_complying[:] = comply

    habit = cit.habit
    habit += np.where(comply, p.habit_gain * (1.0 - habit), -p.habit_decay * habit)
    if p.reward > 0:
        crowd_out(motivation, comply, model.params.incentives)

    caught = (model.rng.random(len(cit)) < detect) & ~comply
    d = model.params.decentralization
    if p.fine > 0 and caught.any():
        fines = p.fine * by_jurisdiction(cit.jurisdiction, caught, n_j)
        model.ledger.receive(np.concatenate([fines, [0.0]]))
    if p.monitoring > 0:  # household inspections
        inspections = p.inspection_cost * p.monitoring * model.governments.population
        model.ledger.pay_shared(inspections, d, category="enforcement")
    if p.reward > 0:  # rewards for compliance
        rewards = p.reward * by_jurisdiction(cit.jurisdiction, comply, n_j)
        model.ledger.pay_shared(rewards, d, category="programmes")
