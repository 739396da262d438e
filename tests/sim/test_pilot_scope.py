"""Pilot scope: levers set per jurisdiction, events that target one, indicators per jurisdiction.

Verification tests (the code follows its own rule): a lever set for one
jurisdiction changes what the actors of that jurisdiction decide and nothing
elsewhere; the per-jurisdiction path does the scalar path's arithmetic.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import GovernanceModel, ModelParams
from sim.events import Event, check_events
from sim.jurisdiction_frame import JURISDICTION_INDICATORS
from sim.lever_table import LeverTable
from sim.levers import NATIONAL_LEVERS, REGIME_PRESETS
from sim.phases.compliance import deterrence
from sim.phases.information import platform_capability, true_demand

ONLY = {name: False for name in ModelParams().mechanisms.model_dump()}


def _small(**changes: object) -> ModelParams:
    base = {"citizens": 300, "enterprises": 40, "social_orgs": 10, "jurisdictions": 4}
    return ModelParams.model_validate(base | changes)


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levers", "expected"),
    [
        ({"fine": {4: 1.0}}, "jurisdiction index 4 is out of range; jurisdictions are 0..3"),
        ({"fine": {-1: 1.0}}, "jurisdiction index -1 must be >= 0"),
        ({"voice_cost": {0: 1.5}}, "less than or equal to 1 (jurisdiction 0)"),
        ({"fine": {2: -1.0}}, "greater than or equal to 0 (jurisdiction 2)"),
        (
            {"enterprise_delivery_share": {1: 0.9}},  # service preset: social orgs 0.3
            "must be <= 1 (got 1.2 in jurisdiction 1",
        ),
        (
            {"enterprise_delivery_share": {1: 0.5}, "social_org_delivery_share": {1: 0.6}},
            "in jurisdiction 1",
        ),
        ({"allocation_centralization": {0: 0.5}}, "national by nature"),
    ],
)
def test_bad_mapping_is_refused_with_a_clear_message(levers: dict, expected: str) -> None:
    with pytest.raises(ValueError, match="levers") as caught:
        _small(regime="service", levers=levers)
    assert expected in str(caught.value)


def test_delivery_shares_are_checked_per_jurisdiction_not_only_nationally() -> None:
    # 0.7 + 0.3 fits in jurisdiction 0; the others keep the preset
    params = _small(regime="service", levers={"enterprise_delivery_share": {0: 0.7}})
    table = LeverTable.build(params)
    total = table.values["enterprise_delivery_share"] + table.values["social_org_delivery_share"]
    assert total.tolist() == [1.0, 0.6, 0.6, 0.6]


def test_every_national_lever_is_a_lever() -> None:
    assert NATIONAL_LEVERS <= set(REGIME_PRESETS["service"].model_dump())


def test_lever_table_combines_preset_scalars_and_mappings() -> None:
    params = _small(regime="top_down", levers={"fine": 7.0, "voice_cost": {2: 0.05}})
    table = LeverTable.build(params)
    assert table.national.fine == 7.0 and table.national.voice_cost == 0.6
    assert table.values["voice_cost"].tolist() == [0.6, 0.6, 0.05, 0.6]
    assert table.local("fine") == 7.0  # the same everywhere: a plain float
    where = np.array([2, 0, 2])
    assert table.local("voice_cost", where).tolist() == [0.05, 0.6, 0.05]
    model = GovernanceModel(params, rng=1, agent_views=False)
    assert model.levers == table.national  # backwards compatible: the national levers


# --- a pilot acts where it is set, and only there ---------------------------------------


def test_fine_raised_in_one_jurisdiction_deters_only_its_enterprises() -> None:
    switches = ONLY | {"compliance": True}  # no spill-over through other phases
    control = GovernanceModel(_small(mechanisms=switches), rng=5, agent_views=False)
    pilot = GovernanceModel(
        _small(mechanisms=switches, levers={"fine": {0: 50.0}}), rng=5, agent_views=False
    )
    ent = pilot.enterprises
    inside = ent.jurisdiction == 0
    assert inside.any() and (~inside).any()
    for _ in range(5):
        expected_cost = deterrence(pilot)
        assert np.array_equal(expected_cost[~inside], deterrence(control)[~inside])
        assert (expected_cost[inside] > deterrence(control)[inside]).all()
        pilot.step()
        control.step()
        assert np.array_equal(
            pilot.enterprises.violating[~inside], control.enterprises.violating[~inside]
        )
    assert control.enterprises.violating[inside].sum() > pilot.enterprises.violating[inside].sum()


def test_voice_cost_set_in_one_jurisdiction_changes_complaints_there_only() -> None:
    switches = ONLY | {"voice": True}
    control = GovernanceModel(_small(mechanisms=switches), rng=2, agent_views=False)
    pilot = GovernanceModel(
        _small(mechanisms=switches, levers={"voice_cost": {1: 1.0}}), rng=2, agent_views=False
    )
    control.step()
    pilot.step()
    inside = pilot.citizens.jurisdiction == 1
    # at a voice cost of 1 no dissatisfaction is worth a complaint
    assert not pilot.citizens.complained[inside].any()
    assert control.citizens.complained[inside].any()
    assert np.array_equal(pilot.citizens.complained[~inside], control.citizens.complained[~inside])


def test_participation_reward_in_one_jurisdiction_pays_its_cooperators_only() -> None:
    switches = ONLY | {"coproduction": True}
    reward = 0.05  # the regulatory preset pays no reward
    control = GovernanceModel(
        _small(regime="regulatory", mechanisms=switches), rng=3, agent_views=False
    )
    pilot = GovernanceModel(
        _small(
            regime="regulatory",
            mechanisms=switches,
            levers={"participation_reward": {3: reward}},
        ),
        rng=3,
        agent_views=False,
    )
    cooperating = pilot.citizens.cooperate.copy()  # the strategies the payoffs are for
    assert np.array_equal(cooperating, control.citizens.cooperate)
    control.step()
    pilot.step()
    paid = cooperating & (pilot.citizens.jurisdiction == 3)
    scale = pilot.params.coproduction.reward_scale
    gain = pilot.citizens.payoff - control.citizens.payoff
    np.testing.assert_allclose(gain, np.where(paid, scale * reward, 0.0), atol=1e-12)


def test_in_house_delivery_in_one_jurisdiction_leaves_its_output_to_government() -> None:
    shares = {"enterprise_delivery_share": {2: 0.0}, "social_org_delivery_share": {2: 0.0}}
    model = GovernanceModel(_small(regime="service", levers=shares), rng=7, agent_views=False)
    model.run(2)
    nongov = model.governments.nongov_output
    assert (nongov[2] == 0.0).all()
    assert (np.delete(nongov, 2, axis=0).sum(axis=1) > 0).all()


def test_platform_in_one_jurisdiction_lets_its_governments_see_true_demand() -> None:
    platform = {
        "information_lag": {1: 0.0},
        "information_noise": {1: 0.0},
        "transparency": {1: 1.0},
    }
    switches = ONLY | {"information": True}
    model = GovernanceModel(
        _small(regime="top_down", mechanisms=switches, levers=platform), rng=8, agent_views=False
    )
    model.governments.demand_multiplier[1, 0] = 3.0  # the need moves; who notices at once?
    model.governments.demand_multiplier[2, 0] = 3.0
    model.step()
    truth = true_demand(model)
    gov = model.governments
    np.testing.assert_allclose(gov.perceived_local[1], truth[1], atol=1e-12)
    np.testing.assert_allclose(gov.perceived_central[1], truth[1], atol=1e-12)
    assert np.abs(gov.perceived_local[2] - truth[2]).max() > 0.01  # the others lag
    assert np.abs(gov.perceived_central[2] - truth[2]).max() > 0.01


@pytest.mark.parametrize(
    ("regime", "levers"),
    [
        ("top_down", {}),
        ("regulatory", {}),
        ("service", {}),
        ("regulatory", {"information_lag": 2.5}),  # a fractional lag interpolates reports
    ],
)
def test_per_jurisdiction_path_does_the_scalar_arithmetic(regime: str, levers: dict) -> None:
    """With every lever handled as an array (no collapse to a float), a run is bit-identical."""
    params = _small(regime=regime, levers=levers)
    scalar = GovernanceModel(params, rng=9, agent_views=False)
    arrays = GovernanceModel(params, rng=9, agent_views=False)
    arrays.lever_table = LeverTable.build(arrays.params, collapse=False)
    assert not arrays.lever_table.uniform
    scalar.run(15)
    arrays.run(15)
    assert scalar.indicators == arrays.indicators
    assert scalar.jurisdiction_frame().equals(arrays.jurisdiction_frame())
    assert np.array_equal(scalar.citizens.trust, arrays.citizens.trust)


def test_platform_and_policing_are_paid_per_jurisdiction_from_its_own_levers() -> None:
    # jurisdiction 0 keeps top-down information and coercion inside a service country:
    # its platform is cheaper (less capability) and its policing dearer, per citizen
    pilot = {"information_lag": {0: 8.0}, "information_noise": {0: 0.15}, "coercion": {0: 0.7}}
    switches = ONLY | {"information": True, "unrest": True}
    model = GovernanceModel(
        _small(regime="service", mechanisms=switches, levers=pilot), rng=6, agent_views=False
    )
    model.step()
    p, gov = model.params, model.governments
    n_j, local = gov.n_jurisdictions, p.decentralization * gov.population
    capability = platform_capability(
        model.lever_table.values["information_lag"],
        model.lever_table.values["information_noise"],
        p.information.noise_reference,
    )
    assert capability[0] < capability[1] == capability[2] == capability[3]
    platform = model.ledger.category("platform")[:n_j] / local
    np.testing.assert_allclose(platform, p.information.platform_running_cost * capability)
    coercion = model.lever_table.values["coercion"]
    floor = p.unrest.enforcement_floor
    rho = p.unrest.police_per_citizen * (floor + (1.0 - floor) * coercion)
    policing = model.ledger.category("policing")[:n_j] / local
    np.testing.assert_allclose(policing, p.unrest.police_cost * rho)
    assert policing[0] > policing[1]


# --- events -----------------------------------------------------------------------------


def test_event_sets_a_lever_in_one_jurisdiction() -> None:
    events = [{"step": 2, "set": {"levers.fine": {0: 9.0}}}]
    model = GovernanceModel(_small(regime="service"), rng=4, events=events, agent_views=False)
    assert model.lever_table.values["fine"].tolist() == [4.0] * 4
    model.run(2)
    assert model.lever_table.values["fine"].tolist() == [9.0, 4.0, 4.0, 4.0]
    assert model.levers.fine == 4.0  # the national value is untouched
    # a later scalar setting replaces the mapping everywhere
    model.events.append(Event(step=3, set={"levers.fine": 6.0}))
    model.step()
    assert model.lever_table.values["fine"].tolist() == [6.0] * 4


def test_event_with_a_jurisdiction_out_of_range_is_refused_up_front() -> None:
    bad = [Event(step=5, set={"levers.voice_cost": {9: 0.1}})]
    with pytest.raises(ValueError, match=r"events\[0\] \(step 5\).*jurisdiction index 9"):
        check_events(_small(), bad)


# --- indicators per jurisdiction --------------------------------------------------------


def test_jurisdiction_frame_has_a_row_per_step_and_jurisdiction_consistent_with_national() -> None:
    model = GovernanceModel(_small(), rng=6, agent_views=False)
    model.run(4)
    frame = model.jurisdiction_frame()
    assert list(frame.columns) == ["step", "jurisdiction", *JURISDICTION_INDICATORS]
    assert len(frame) == 5 * 4
    assert frame.groupby("step")["jurisdiction"].apply(list).tolist() == [[0, 1, 2, 3]] * 5
    national = model.indicator_frame()
    for step, rows in frame.groupby("step"):
        weight = rows["population"] / rows["population"].sum()
        for name in (
            "mean_trust",
            "service_coverage",
            "participation_rate",
            "welfare",
            "unrest_rate",
            "complaint_rate",
            "mean_harm",
            "governance_cost",
            "responsiveness",
        ):
            value = float((rows[name] * weight).sum())
            assert math.isclose(value, national.loc[step, name], rel_tol=1e-9, abs_tol=1e-12), name


def test_jurisdiction_frame_sees_a_pilot_in_its_jurisdiction() -> None:
    switches = ONLY | {"voice": True}
    model = GovernanceModel(
        _small(mechanisms=switches, levers={"voice_cost": {1: 1.0}}), rng=2, agent_views=False
    )
    model.run(3)
    last = model.jurisdiction_frame().query("step == 3").set_index("jurisdiction")
    assert last.loc[1, "complaint_rate"] == 0.0
    assert (last.drop(index=1)["complaint_rate"] > 0).all()


_LOCAL_LEVERS = sorted(
    set(REGIME_PRESETS["service"].model_dump())
    - NATIONAL_LEVERS
    - {
        "enterprise_delivery_share",
        "social_org_delivery_share",  # their sum is bounded too
    }
)


@given(
    lever=st.sampled_from(_LOCAL_LEVERS),
    regime=st.sampled_from(sorted(REGIME_PRESETS)),
    mapping=st.dictionaries(st.integers(0, 3), st.floats(0.0, 1.0), max_size=4),
)
@settings(max_examples=60, deadline=None)
def test_lever_table_holds_the_mapping_where_named_and_the_preset_elsewhere(
    lever: str, regime: str, mapping: dict[int, float]
) -> None:
    params = _small(regime=regime, levers={lever: mapping})
    table = LeverTable.build(params)
    preset = getattr(REGIME_PRESETS[regime], lever)
    assert table.values[lever].tolist() == [mapping.get(j, preset) for j in range(4)]
    assert getattr(table.national, lever) == preset
    uniform = len(set(table.values[lever].tolist())) == 1
    assert (lever in table.uniform) == uniform
    assert isinstance(table.local(lever), float) == uniform


@pytest.mark.parametrize(("every", "steps"), [(3, [0, 3, 6]), (0, [])])
def test_jurisdiction_indicators_are_recorded_every_k_steps(every: int, steps: list[int]) -> None:
    model = GovernanceModel(
        _small(metrics={"jurisdictions_every": every}), rng=1, agent_views=False
    )
    model.run(7)
    frame = model.jurisdiction_frame()
    assert sorted(set(frame["step"])) == steps
    assert list(frame.columns) == ["step", "jurisdiction", *JURISDICTION_INDICATORS]
    if steps:  # a recorded step holds that step's state
        full = GovernanceModel(_small(), rng=1, agent_views=False)
        full.run(7)
        expected = full.jurisdiction_frame().query("step in @steps").reset_index(drop=True)
        pd.testing.assert_frame_equal(frame, expected)
