"""Phase 9: satisfaction and trust from experience, and the behaviour trust feeds.

The phase runs three steps (:func:`assess`): an information process, the
attitudes, and a decision.

1. **Seeing how money is spent** (:func:`observe_integrity`). Transparency is
   information, not a bonus on trust: it is the probability that a citizen sees
   its jurisdiction's published spending report in a step. The report shows the
   value delivered per money unit relative to an honest agency, ``V_j`` (what
   leakage, shaded quality and volunteers make of the money, phase 4). A citizen's
   belief ``b_i`` about the integrity of spending moves toward what it sees and
   drifts back to a prior without information (constant-gain learning):

       seen_i ~ Bernoulli(transparency)
       b_i += observation_rate * seen_i * (V_j - b_i) + belief_decay * (prior - b_i)

   so at a steady state ``b`` is a mix of ``V_j`` and the prior whose weight on
   ``V_j`` rises with transparency: transparency amplifies whatever the
   performance is (Grimmelikhuijsen & Meijer 2014 on transparency and perceived
   trustworthiness; the direction test checks the sign flip).

2. **Attitudes** (:func:`update_trust`, which reads no lever). Performance:
   satisfaction follows the quality a citizen experiences against an expectation
   that adapts (expectation-disconfirmation; Van Ryzin 2004 JPAM, 2006 JPART):

       q_i   = clip(coverage_i - w_h h_i, 0, 1)
       sat_i += a_s (clip(q_i + delta (q_i - e_i), 0, 1) - sat_i)
       e_i  += a_e (q_i - e_i)

   Process: perceived procedural justice ``pj_i`` (Tyler 1990, 2006) rises with a
   fair experience (its complaint was answered) and falls with an unfair one (a
   coercive contact - stop, fine, arrest -, an unanswered complaint, being silenced
   by fear of coercion, and a neighbour's coercive contact at weight ``nu``), and
   recovers toward a baseline:

       fair_i   = answered_i
       unfair_i = min(1, coerced_i + complained_i (1 - answered_i) + silenced_i + nu * c_N(i))
       pj_i    += r_p (fair_i (1 - pj_i) - unfair_i pj_i) + r_0 (pj_0 - pj_i)

   ``c_N(i)`` is the share of the citizen's social neighbours coerced. Trust moves
   toward a weighted mix of satisfaction, fairness between jurisdictions (``F_j``,
   provision per capita against the national mean), integrity belief, procedural
   justice and neighbours' mean trust:

       target_i = (w_s sat_i + w_f F_j + w_i b_i + w_p pj_i + w_n mean_{N(i)} trust) / W
       trust_i += a_t (clip(target_i, 0, 1) - trust_i)

3. **Tax compliance** (:func:`decide_tax_compliance`), the slippery-slope framework
   (Kirchler, Hoelzl & Wahl 2008): compliance is voluntary where trust is high and
   enforced where the authorities' power is high, so the share of income a citizen
   declares is

       d_i = 1 - x_max (1 - trust_i)(1 - power_j),
       power_j = min(1, inspection_probability * enforcement_effort_j)

   (the audit power of the inspection apparatus, phase 6 / 11; an assumption).
   Phase 1 taxes ``d_i y_i``.

Complaints, answers and coercive contacts are those of the previous step's voice
and unrest phases (which run after this one).

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.answered``, ``citizens.coerced``, ``citizens.complained``,
``citizens.coverage``, ``citizens.expectation``, ``citizens.harm``,
``citizens.jurisdiction``, ``citizens.perceived_integrity``, ``citizens.procedural``,
``citizens.satisfaction``, ``citizens.silenced``, ``citizens.tax_compliance``,
``citizens.trust``, ``governments.enforcement_effort``, ``governments.money``,
``governments.output``, ``governments.population``, ``governments.provision``,
``levers``, ``params.trust``, ``social``;

writes ``citizens.satisfaction``, ``citizens.trust``, ``citizens.expectation``,
``citizens.perceived_integrity``, ``citizens.procedural``, ``citizens.tax_compliance``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.numeric import clip

if TYPE_CHECKING:
    from sim.model import GovernanceModel
    from sim.params import TrustParams
    from sim.state import CitizenState

__all__ = [
    "READS",
    "WRITES",
    "assess",
    "decide_tax_compliance",
    "fairness",
    "initial_beliefs",
    "observe_integrity",
    "update_trust",
    "value_for_money",
]

READS: tuple[str, ...] = (
    "citizens.answered",
    "citizens.coerced",
    "citizens.complained",
    "citizens.coverage",
    "citizens.expectation",
    "citizens.harm",
    "citizens.jurisdiction",
    "citizens.perceived_integrity",
    "citizens.procedural",
    "citizens.satisfaction",
    "citizens.silenced",
    "citizens.tax_compliance",
    "citizens.trust",
    "governments.enforcement_effort",
    "governments.money",
    "governments.output",
    "governments.population",
    "governments.provision",
    "levers",
    "params.trust",
    "social",
)
WRITES: tuple[str, ...] = (
    "citizens.satisfaction",
    "citizens.trust",
    "citizens.expectation",
    "citizens.perceived_integrity",
    "citizens.procedural",
    "citizens.tax_compliance",
)


def initial_beliefs(citizens: CitizenState, params: TrustParams) -> None:
    """Set the priors: integrity belief, procedural justice, expectation = satisfaction."""
    citizens.perceived_integrity[:] = params.prior_integrity
    citizens.procedural[:] = params.procedural_baseline
    citizens.expectation[:] = citizens.satisfaction


def fairness(model: GovernanceModel) -> np.ndarray:
    """Per-jurisdiction fairness of provision per capita, in [0, 1]."""
    gov = model.governments
    per_capita = gov.provision.sum(axis=1)
    mean = float(gov.population @ per_capita / gov.population.sum())
    if mean <= 0:
        return np.ones_like(per_capita)
    return clip(1.0 - np.abs(per_capita - mean) / mean, 0.0, 1.0)


def value_for_money(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray]:
    """What a jurisdiction's spending report shows: output per money unit, clipped to [0, 1].

    ``V_j = clip(sum_d output_jd / sum_d money_jd, 0, 1)``: 1 where every money unit
    buys its unit of output (an honest agency, no shading), less where money
    leaks or quality is shaded. Returns ``(V, has_report)``; a jurisdiction that
    spent nothing publishes nothing.
    """
    gov = model.governments
    money = gov.money.sum(axis=1)
    output = gov.output.sum(axis=1)
    has = money > 0
    return clip(output / np.where(has, money, 1.0), 0.0, 1.0), has


def observe_integrity(model: GovernanceModel) -> None:
    """Citizens who see the published report move their integrity belief toward it.

    The only lever read is ``transparency``, as the probability of seeing the report
    (that of the citizen's own jurisdiction: pilot scope).
    """
    cit = model.citizens
    p = model.params.trust
    report, has = value_for_money(model)
    transparency = model.lever_table.local("transparency", cit.jurisdiction)
    seen = model.rng.random(len(cit)) < transparency
    if not has.all():
        seen &= has.take(cit.jurisdiction)
    belief = cit.perceived_integrity
    step = report.take(cit.jurisdiction)
    step -= belief
    step *= p.observation_rate * seen
    step += p.belief_decay * (p.prior_integrity - belief)
    belief += step
    clip(belief, 0.0, 1.0, out=belief)


def update_trust(model: GovernanceModel) -> None:
    """Update expectation, satisfaction, procedural justice, then trust (no lever is read)."""
    cit = model.citizens
    p = model.params.trust
    # experienced quality q = clip(coverage - w_h h, 0, 1)
    quality = np.multiply(p.harm_weight, cit.harm)
    np.subtract(cit.coverage, quality, out=quality)
    clip(quality, 0.0, 1.0, out=quality)
    # sat += a_s (clip(q + delta (q - e), 0, 1) - sat), then e += a_e (q - e)
    surprise = quality - cit.expectation
    target = quality + p.disconfirmation_weight * surprise
    clip(target, 0.0, 1.0, out=target)
    target -= cit.satisfaction
    target *= p.satisfaction_rate
    cit.satisfaction += target
    clip(cit.satisfaction, 0.0, 1.0, out=cit.satisfaction)
    surprise *= p.expectation_rate
    cit.expectation += surprise

    _update_procedural(model)

    weights = (
        p.weight_satisfaction
        + p.weight_fairness
        + p.weight_integrity
        + p.weight_procedural
        + p.weight_neighbours
    )
    if weights > 0:
        target = model.social.neighbour_mean(cit.trust)
        target *= p.weight_neighbours
        target += p.weight_satisfaction * cit.satisfaction
        target += p.weight_integrity * cit.perceived_integrity
        target += p.weight_procedural * cit.procedural
        target += (p.weight_fairness * fairness(model)).take(cit.jurisdiction)
        target /= weights
    else:
        target = cit.trust.copy()
    clip(target, 0.0, 1.0, out=target)
    target -= cit.trust
    target *= p.trust_rate
    cit.trust += target
    clip(cit.trust, 0.0, 1.0, out=cit.trust)


def _update_procedural(model: GovernanceModel) -> None:
    """Procedural justice from answered complaints and own or neighbours' coercive contacts."""
    cit = model.citizens
    p = model.params.trust
    social = model.social
    coerced_around = social.neighbour_count(cit.coerced)
    np.divide(coerced_around, np.maximum(social.degree, 1), out=coerced_around)
    unfair = coerced_around
    unfair *= p.vicarious_weight
    unfair += cit.coerced
    unfair += cit.complained & ~cit.answered
    unfair += cit.silenced
    np.minimum(unfair, 1.0, out=unfair)
    pj = cit.procedural
    step = np.multiply(cit.answered, 1.0 - pj)
    step -= unfair * pj
    step *= p.procedural_rate
    step += p.procedural_recovery * (p.procedural_baseline - pj)
    pj += step
    clip(pj, 0.0, 1.0, out=pj)


def decide_tax_compliance(model: GovernanceModel) -> None:
    """Share of income each citizen declares: voluntary (trust) or enforced (power)."""
    cit = model.citizens
    p = model.params.trust
    inspection = model.lever_table.local("inspection_probability")  # (J,) with a pilot
    audit = inspection * model.governments.enforcement_effort
    leeway = 1.0 - np.minimum(1.0, audit)  # 1 - power_j
    hidden = (p.max_tax_evasion * leeway).take(cit.jurisdiction)
    hidden *= 1.0 - cit.trust
    np.subtract(1.0, hidden, out=cit.tax_compliance)


def assess(model: GovernanceModel) -> None:
    """Phase 9: observe spending, update attitudes, decide tax compliance."""
    observe_integrity(model)
    update_trust(model)
    decide_tax_compliance(model)
