"""sim.phases.trust and sim.phases.voice: satisfaction, legitimacy and complaints."""

from __future__ import annotations

import numpy as np
import pytest

from sim import PHASE_NAMES, GovernanceModel
from sim.phases.trust import fairness, value_for_money
from sim.phases.voice import answer_probability


def _only(*names: str) -> dict[str, bool]:
    return {name: name in names for name in PHASE_NAMES}


def _model(small_params, overrides: dict, seed: int = 4) -> GovernanceModel:
    return GovernanceModel(small_params(overrides), rng=seed, agent_views=False)


@pytest.mark.parametrize("prior", [0.2, 0.8])
def test_trust_target_with_integrity_weight_only(small_params, prior) -> None:
    # only the integrity weight counts and trust moves all the way in one step; nobody
    # sees a report (transparency 0) and beliefs start at the prior, so trust = prior
    trust = {
        "weight_satisfaction": 0.0,
        "weight_fairness": 0.0,
        "weight_neighbours": 0.0,
        "weight_procedural": 0.0,
        "weight_integrity": 1.0,
        "trust_rate": 1.0,
        "prior_integrity": prior,
    }
    model = _model(
        small_params,
        {"mechanisms": _only("trust"), "trust": trust, "levers": {"transparency": 0.0}},
    )
    model.step()
    assert model.citizens.trust == pytest.approx(np.full(300, prior), abs=1e-12)


def test_trust_ignores_coercion_and_transparency_levers_without_experience(small_params) -> None:
    # the design rule: a lever moves trust only through what happens to citizens
    def run(levers: dict) -> np.ndarray:
        model = _model(
            small_params,
            {"mechanisms": _only("trust"), "levers": levers, "trust": {"observation_rate": 0.0}},
        )
        model.run(3)
        return model.citizens.trust.copy()

    base = run({"coercion": 0.0, "transparency": 0.0})
    assert np.array_equal(run({"coercion": 1.0, "transparency": 0.0}), base)
    assert np.array_equal(run({"coercion": 0.0, "transparency": 1.0}), base)


def test_citizens_who_see_the_report_learn_value_for_money(small_params) -> None:
    model = _model(
        small_params,
        {
            "mechanisms": _only("revenue", "allocation", "services", "trust"),
            "levers": {"transparency": 1.0},
            "trust": {"observation_rate": 1.0, "belief_decay": 0.0},
        },
    )
    model.step()
    report, has = value_for_money(model)  # this step's report: nothing after phase 7 spends
    assert has.all() and (report > 0.5).all()
    cit = model.citizens
    assert cit.perceived_integrity == pytest.approx(report[cit.jurisdiction], abs=1e-12)


def test_satisfaction_follows_expectation_disconfirmation(small_params) -> None:
    p = {"satisfaction_rate": 0.3, "disconfirmation_weight": 0.5, "expectation_rate": 0.1}
    model = _model(small_params, {"mechanisms": _only("trust"), "trust": p})
    cit = model.citizens
    cit.harm[:] = np.linspace(0.0, 0.5, len(cit))
    cit.expectation[:] = np.linspace(1.0, 0.0, len(cit))
    before, expected_before = cit.satisfaction.copy(), cit.expectation.copy()
    model.step()
    quality = np.clip(cit.coverage - cit.harm, 0.0, 1.0)
    target = np.clip(quality + 0.5 * (quality - expected_before), 0.0, 1.0)
    assert cit.satisfaction == pytest.approx(before + 0.3 * (target - before), abs=1e-12)
    assert cit.expectation == pytest.approx(
        expected_before + 0.1 * (quality - expected_before), abs=1e-12
    )


def test_procedural_justice_from_answers_and_coercive_contacts(small_params) -> None:
    p = {"procedural_rate": 0.3, "vicarious_weight": 0.3, "procedural_recovery": 0.02}
    model = _model(small_params, {"mechanisms": _only("trust"), "trust": p})
    cit, social = model.citizens, model.social
    n = len(cit)
    cit.coerced[:] = np.arange(n) % 7 == 0
    cit.complained[:] = np.arange(n) % 3 == 0
    cit.answered[:] = cit.complained & (np.arange(n) % 2 == 0)
    cit.silenced[:] = np.arange(n) % 11 == 1
    pj = cit.procedural.copy()
    around = (social.matrix @ cit.coerced.astype(float)) / np.maximum(social.degree, 1)
    unfair = cit.coerced + (cit.complained & ~cit.answered) + cit.silenced + 0.3 * around
    unfair = np.minimum(unfair, 1.0)
    expected = pj + 0.3 * (cit.answered * (1 - pj) - unfair * pj) + 0.02 * (0.6 - pj)
    model.step()
    assert cit.procedural == pytest.approx(expected, abs=1e-12)
    assert cit.procedural[cit.coerced].mean() < 0.6 < cit.procedural[cit.answered].mean()


def test_tax_compliance_is_voluntary_or_enforced(small_params) -> None:
    model = _model(
        small_params,
        {
            "mechanisms": _only("trust"),
            "levers": {"inspection_probability": 0.25},
            "trust": {"max_tax_evasion": 0.4},
        },
    )
    model.step()
    cit = model.citizens
    power = np.minimum(1.0, 0.25 * model.governments.enforcement_effort)[cit.jurisdiction]
    expected = 1.0 - 0.4 * (1.0 - cit.trust) * (1.0 - power)
    assert cit.tax_compliance == pytest.approx(expected, abs=1e-12)


def test_tax_compliance_scales_the_tax_base(small_params) -> None:
    model = _model(small_params, {"mechanisms": _only("revenue"), "enterprises": 0})
    model.citizens.tax_compliance[:] = 0.5
    model.step()
    # the tax rate is read from the parameters (v2fiscal changed its default 0.2 -> 0.3)
    expected = model.params.fiscal.tax_rate * 0.5 * model.citizens.income.sum()
    assert model.ledger.revenue.sum() == pytest.approx(expected, rel=1e-12)


def test_fairness_is_one_when_provision_is_equal(small_params) -> None:
    model = _model(small_params, {})
    model.governments.provision[:] = 2.0
    assert fairness(model) == pytest.approx(np.ones(3), abs=1e-12)
    model.governments.provision[0] *= 3.0  # 6 vs 2, 2: mean 10/3
    assert fairness(model)[0] == pytest.approx(1.0 - (6.0 - 10.0 / 3.0) / (10.0 / 3.0))


@pytest.mark.parametrize(
    ("levers", "satisfaction", "expected"),
    [
        ({"voice_cost": 1.0, "coercion": 0.0}, 0.0, 0.0),  # too costly for anyone
        ({"voice_cost": 0.0, "coercion": 0.0}, 0.0, 1.0),  # fully dissatisfied, free voice
        ({"voice_cost": 0.0, "coercion": 0.0}, 1.0, 0.0),  # nobody is dissatisfied
    ],
)
def test_complaints_at_the_extremes(small_params, levers, satisfaction, expected) -> None:
    model = _model(
        small_params,
        {
            "mechanisms": _only("voice"),
            "levers": levers,
            "trust": {"initial_satisfaction": satisfaction},
        },
    )
    model.step()
    assert model.indicators["complaint_rate"] == expected
    assert model.governments.complaint_rate == pytest.approx(np.full(3, expected))


def test_complaint_probability_formula(small_params) -> None:
    # P = clip(beta ((1 - sat) - cost), 0, 1) (1 - d_c coercion) = (0.8 - 0.2) * (1 - 0.5 * 0.6)
    model = _model(
        small_params,
        {
            "citizens": 4000,
            "mechanisms": _only("voice"),
            "levers": {"voice_cost": 0.2, "coercion": 0.6},
            "trust": {"initial_satisfaction": 0.2},
            "voice": {"sensitivity": 1.0, "coercion_deterrence": 0.5},
        },
    )
    model.step()
    # sd of the share over 4000 citizens ~0.008; allow 0.03
    assert model.indicators["complaint_rate"] == pytest.approx(0.6 * 0.7, abs=0.03)


def test_complaints_beyond_capacity_are_answered_in_proportion(small_params) -> None:
    # everybody complains (free voice, no satisfaction); capacity 0.25 per citizen
    model = _model(
        small_params,
        {
            "citizens": 4000,
            "mechanisms": _only("voice"),
            "levers": {"voice_cost": 0.0, "coercion": 0.0},
            "trust": {"initial_satisfaction": 0.0},
            "voice": {"response_capacity": 0.25},
        },
    )
    model.step()
    cit = model.citizens
    assert cit.complained.all()
    assert cit.answered.mean() == pytest.approx(0.25, abs=0.03)
    assert answer_probability(np.array([50.0]), np.array([100.0]), 0.25)[0] == 0.5


def test_exit_only_among_dissatisfied_non_complainers(small_params) -> None:
    model = _model(
        small_params,
        {
            "citizens": 4000,
            "mechanisms": _only("voice", "coproduction"),
            "levers": {"voice_cost": 0.5, "coercion": 0.0},
            "trust": {"initial_satisfaction": 0.1, "initial_trust": 0.0},
            "voice": {"exit_sensitivity": 1.0, "exit_threshold": 0.5},
            "coproduction": {"initial_cooperation": 1.0},
        },
    )
    model.step()
    cit = model.citizens
    assert not (cit.exited & cit.complained).any()
    # P(exit | silent) = clip(1.0 * (1 - 0.5 - 0.1), 0, 1) * (1 - 0) = 0.4
    assert cit.exited[~cit.complained].mean() == pytest.approx(0.4, abs=0.04)
    assert not cit.cooperate[cit.exited].any()


def test_loyal_citizens_do_not_exit(small_params) -> None:
    # fully dissatisfied and silent (voice too costly), exit as likely as it gets
    model = _model(
        small_params,
        {
            "mechanisms": _only("voice", "coproduction"),
            "levers": {"voice_cost": 1.0},
            "trust": {"initial_satisfaction": 0.0, "initial_trust": 1.0},
            "voice": {"exit_sensitivity": 1.0, "exit_threshold": 0.0},
        },
    )
    model.step()
    assert not model.citizens.exited.any()


def test_coercion_silences_would_be_complainers(small_params) -> None:
    # P0 = 0.8 - 0.2 = 0.6; complain with 0.6 * (1 - 0.5 * 1) = 0.3; silenced 0.3
    model = _model(
        small_params,
        {
            "citizens": 4000,
            "mechanisms": _only("voice"),
            "levers": {"voice_cost": 0.2, "coercion": 1.0},
            "trust": {"initial_satisfaction": 0.2},
            "voice": {"coercion_deterrence": 0.5},
        },
    )
    model.step()
    cit = model.citizens
    assert not (cit.silenced & cit.complained).any()
    assert cit.silenced.mean() == pytest.approx(0.3, abs=0.03)
    assert cit.complained.mean() == pytest.approx(0.3, abs=0.03)


def test_no_exit_without_coproduction(small_params) -> None:
    model = _model(
        small_params,
        {
            "mechanisms": _only("voice"),
            "trust": {"initial_satisfaction": 0.0, "initial_trust": 0.0},
            "voice": {"exit_sensitivity": 1.0},
        },
    )
    cooperate = model.citizens.cooperate.copy()
    model.step()
    assert not model.citizens.exited.any()
    assert np.array_equal(model.citizens.cooperate, cooperate)
