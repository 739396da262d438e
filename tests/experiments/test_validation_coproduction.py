"""The Santos case: model.step() harness, reference values, tolerances that can fail.

Verification tests check that the harness plays the model's own step and that the
checks built from ``configs/validation/reference_santos2008.yaml`` fail when the
model's curves move; the slow test breaks the model's cost rule and shows the quick
variant's checks catch it.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

from experiments.validation import coproduction as case
from experiments.validation.coproduction import (
    CURVES,
    CoproductionSettings,
    Curve,
    interface_drift,
    load_reference,
    play_population,
    population_params,
    reference_checks,
    run_case,
)
from experiments.validation.core import load_case_config


def _base():
    return load_case_config("coproduction").params()


def _curve_through_reference(name: str, shift: float = 0.0, top: float = 1.0) -> Curve:
    """A synthetic curve that passes through the reference's crossings, shifted in eta."""
    reference = load_reference()
    etas = np.round(np.arange(0.2, 1.0001, 0.05), 3)
    crossings = sorted((c.level, c.eta) for c in reference.crossings if c.curve == name)
    # piecewise linear through (onset, 0), the reference crossings and (last + 0.1, top)
    xs = [crossings[0][1] - 0.05, *(eta for _, eta in crossings), crossings[-1][1] + 0.1]
    ys = [0.0, *(level for level, _ in crossings), top]
    mean = np.interp(etas - shift, xs, ys)
    runs = np.repeat(mean[:, None], 4, axis=1)
    return Curve(name, CURVES[name][0], etas, runs, 100, 10)


def test_harness_never_calls_phase_functions() -> None:
    source = inspect.getsource(case)
    assert "from sim.phases" not in source and "import sim.phases" not in source
    assert "model.step()" in source


def test_play_population_is_model_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness's number is what stepping the model itself gives, bit for bit."""
    from experiments.validation.core import with_settings
    from sim import GovernanceModel

    seed = np.random.SeedSequence(11)
    params, z = population_params(_base(), "barabasi_albert", "per_game", seed)
    synergy = 0.7 * (z + 1.0)
    measured = play_population(params, synergy, transient=40, average=20, seed=seed)
    model = GovernanceModel(
        with_settings(params, {"coproduction.synergy": synergy}),
        rng=np.random.default_rng(seed),
        agent_views=False,
    )
    shares = []
    for _ in range(60):
        model.step()
        shares.append(model.citizens.cooperate.mean())
    assert 0.0 < shares[-1] < 1.0  # not absorbed: every step counted
    assert measured == pytest.approx(np.mean(shares[40:]), abs=1e-12)


def test_absorbed_population_keeps_its_share() -> None:
    """Stopping an absorbed run early gives what stepping on would give."""
    from experiments.validation.core import with_settings
    from sim import GovernanceModel

    # 40 citizens at eta = 1.3: this seed's population turns all-C at step 131,
    # inside the averaging window, so the shortcut's share * remaining steps counts
    base = with_settings(_base(), {"citizens": 40})
    seed = np.random.SeedSequence(4)
    params, z = population_params(base, "barabasi_albert", "per_game", seed)
    synergy = 1.3 * (z + 1.0)
    measured = play_population(params, synergy, transient=50, average=300, seed=seed)
    model = GovernanceModel(
        with_settings(params, {"coproduction.synergy": synergy}),
        rng=np.random.default_rng(seed),
        agent_views=False,
    )
    shares = []
    for _ in range(350):
        model.step()
        shares.append(model.citizens.cooperate.mean())
    absorbed_at = shares.index(1.0)
    assert 50 < absorbed_at < 300 and shares[-1] == 1.0
    assert measured == pytest.approx(np.mean(shares[50:]), abs=1e-12)


def test_reference_values_are_on_the_variants_grids() -> None:
    reference = load_reference()
    config = load_case_config("coproduction")
    assert reference.crossings and reference.points
    for variant in ("quick", "full"):
        settings = config.settings(variant, CoproductionSettings)
        for point in reference.points:
            assert point.curve in settings.curves, (variant, point.curve)
            assert np.isclose(settings.curves[point.curve].etas, point.eta).any()
        for ref in reference.crossings:
            assert ref.curve in settings.curves
    # the documented disagreement is the ring's rise, and nothing else
    disagree = [p.curve for p in (*reference.crossings, *reference.points) if p.disagreement]
    assert set(disagree) == {"ring_per_game"}


@pytest.mark.parametrize("name", ["sf_per_game", "sf_per_individual", "ring_per_game"])
def test_reference_checks_pass_on_the_reference_and_fail_when_shifted(name: str) -> None:
    reference = load_reference()
    on_curve = reference_checks([_curve_through_reference(name)], reference)
    crossing_checks = [c for c in on_curve if "first reaches" in c.name]
    assert crossing_checks and all(c.passed for c in crossing_checks)
    # shifted by 0.15 in eta (e.g. r normalised by z instead of z + 1 near eta = 0.6):
    # every crossing check fails, in the full tolerance and in the quick one
    for allowance in (0.0, 0.1):
        later = reference_checks([_curve_through_reference(name, 0.2)], reference, allowance)
        earlier = reference_checks([_curve_through_reference(name, -0.15)], reference, allowance)
        assert not any(c.passed for c in later if "first reaches" in c.name)
        assert not any(c.passed for c in earlier if "first reaches" in c.name)


def test_plateau_checks_fail_when_cooperators_do_not_take_over() -> None:
    reference = load_reference()
    high = [p for p in reference.points if p.fraction == 1.0 and p.curve == "sf_per_game"]
    assert high
    ok = reference_checks([_curve_through_reference("sf_per_game")], reference)
    low = reference_checks([_curve_through_reference("sf_per_game", top=0.8)], reference)
    plateau = f"f_C at eta = {high[0].eta:g}"
    assert [c.passed for c in ok if plateau in c.name] == [True]
    assert [c.passed for c in low if plateau in c.name] == [False]


def test_ring_interface_recedes_below_and_advances_above_the_balance() -> None:
    """Why the ring disagrees with Fig. 2: below eta ~0.735 co-operator blocks shrink."""
    below = interface_drift(_base(), 0.70, runs=4, steps=1500, seed=3)
    above = interface_drift(_base(), 0.80, runs=4, steps=1500, seed=3)
    assert below.mean() < 0.0 < above.mean()
    assert (below < 0).sum() >= 3 and (above > 0).all()


@pytest.mark.slow
def test_quick_checks_catch_a_wrong_cost_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Perturb the model (every co-operator pays per game) and the check fails."""
    import sim.phases.coproduction as phase

    config = load_case_config("coproduction")
    small = {
        "workers": 1,
        "crossing_allowance": config.quick["crossing_allowance"],
        "curves": {
            "sf_per_individual": {
                "etas": [0.2, 0.3, 0.4, 0.5, 0.6],
                "runs": 3,
                "transient": 1000,
                "average": 200,
            }
        },
    }
    config = config.model_copy(update={"quick": small})

    def crossing_passed() -> bool:
        result = run_case("quick", tmp_path, config)
        (check,) = [c for c in result.checks if "reaches 0.5" in c.name]
        return check.passed

    assert crossing_passed()
    original = phase.contribution_per_game
    monkeypatch.setattr(
        phase,
        "contribution_per_game",
        lambda degree, cost, cost_rule: original(degree, cost, "per_game"),
    )
    assert not crossing_passed()


def test_bad_reference_file_names_the_file_and_field(tmp_path: Path) -> None:
    from experiments.errors import UserError

    bad = tmp_path / "ref.yaml"
    bad.write_text(
        "source: x\nreading: y\ncrossings: []\n"
        "points:\n  - {curve: sf_per_game, eta: 0.3, fraction: 1.5, uncertainty: 0.05}\n"
    )
    with pytest.raises(UserError, match=r"(?s)ref\.yaml.*points\.0\.fraction"):
        load_reference(bad)


def test_reference_point_off_the_grid_is_a_clear_error() -> None:
    from experiments.errors import UserError

    curve = _curve_through_reference("sf_per_game")
    off_grid = curve.__class__(curve.name, curve.label, curve.etas[1::2], curve.runs[1::2], 1, 1)
    with pytest.raises(UserError, match="not on the variant's eta grid"):
        reference_checks([off_grid], load_reference())
