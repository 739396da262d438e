"""`govsim cases`: case files, verdict logic on synthetic data, two small cases end to end."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.cases import (
    GOOD_DIRECTION,
    NOT_EXPRESSIBLE,
    NOT_REPRODUCED,
    OPPOSITE,
    REPRODUCED,
    PairedEffect,
    case_ids,
    judge,
    load_case,
    load_case_text,
    paired_differences,
    side_effects,
)
from experiments.cases.run import judge_case, results_table
from experiments.cli import main
from experiments.errors import UserError
from sim import INDICATORS

SHARED = Path(__file__).resolve().parents[2] / "configs" / "cases"

# a small rule-compliance case: a reward for complying households at step 30
REWARD_CASE = """
case:
  id: {id}
  title: Rewards for a household rule
  phrase: 积分兑换
  intervention: reward per complying household
  intervention_step: 30
  claims:
    - statement: compliance with the rule rises
      indicator: rule_compliance
      direction: increase
      window: [10, 50]
    - statement: resources are reused
      expressible: false
      missing: [a waste stream]
run: {{steps: 80, replicates: 4, seed: 5}}
model:
  regime: regulatory
  citizens: 200
  jurisdictions: 2
  rule_compliance: {{rule_in_force: true, monitoring: 0.05, fine: 0.5, effort_cost: 0.6}}
variants:
  control: {{}}
  treated:
    events:
      - step: 30
        set: {{rule_compliance.reward: 0.3}}
"""

# a change that touches nothing while no rule is in force: the arms stay identical
NULL_CASE = """
case:
  id: {id}
  title: An inert change
  phrase: 无
  intervention: the cost of inspecting a rule that is not in force
  intervention_step: 20
  claims:
    - statement: trust rises
      indicator: mean_trust
      direction: increase
      window: [0, 40]
run: {{steps: 60, replicates: 3, seed: 9}}
model: {{regime: service, citizens: 120, jurisdictions: 2}}
variants:
  control: {{}}
  treated:
    events:
      - step: 20
        set: {{rule_compliance.inspection_cost: 0.5}}
"""


def _write(tmp_path: Path, template: str, name: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(template.format(id=name), encoding="utf-8")
    return path


# ---------------------------------------------------------------- verdict logic


@pytest.mark.parametrize(
    ("effect", "direction", "minimum", "verdict"),
    [
        ((0.2, 0.1, 0.3), "increase", 0.0, REPRODUCED),
        ((-0.2, -0.3, -0.1), "decrease", 0.0, REPRODUCED),
        ((0.2, 0.1, 0.3), "decrease", 0.0, OPPOSITE),
        ((-0.2, -0.3, -0.1), "increase", 0.0, OPPOSITE),
        ((0.1, -0.05, 0.25), "increase", 0.0, NOT_REPRODUCED),
        ((0.1, -0.05, 0.25), "decrease", 0.0, NOT_REPRODUCED),
        ((0.2, 0.1, 0.3), "increase", 0.15, NOT_REPRODUCED),  # clears 0, not the minimum
        ((-0.2, -0.3, -0.12), "decrease", 0.1, REPRODUCED),
        ((0.0, 0.0, 0.0), "increase", 0.0, NOT_REPRODUCED),
    ],
)
def test_judge(
    effect: tuple[float, float, float], direction: str, minimum: float, verdict: str
) -> None:
    assert judge(PairedEffect(*effect, n=10), direction, minimum) == verdict


def _synthetic(effect: float, drift: float, noise: float, seed: int = 0) -> pd.DataFrame:
    """Two arms of 8 replicates: shared seed noise and a drift, plus ``effect`` from step 50."""
    rng = np.random.default_rng(seed)
    steps = np.arange(100)
    rows = []
    for replicate in range(8):
        level = rng.normal(0.5, 0.2)  # what the seed does: shared by both arms
        common = level + drift * steps + rng.normal(0, noise, steps.size)
        for variant in ("control", "treated"):
            own = rng.normal(0, noise, steps.size)
            y = common + own + (effect * (steps >= 50) if variant == "treated" else 0.0)
            rows.append(
                pd.DataFrame(
                    {
                        "variant": variant,
                        "replicate": replicate,
                        "seed": 100 + replicate,
                        "step": steps,
                        "mean_trust": y,
                        "unrest_rate": common
                        + own
                        - (0.05 * (steps >= 50) if variant == "treated" else 0.0),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def test_paired_differences_pair_by_seed_and_cancel_the_drift() -> None:
    frame = _synthetic(effect=0.1, drift=0.01, noise=0.01)
    diffs = paired_differences(frame, ["mean_trust"], 60, 99)
    assert list(diffs["replicate"]) == list(range(8))
    assert diffs["mean_trust"].mean() == pytest.approx(0.1, abs=0.01)
    # a before/after comparison of the treated arm alone would add the drift (0.01 x ~50 steps)
    treated = frame[frame["variant"] == "treated"]
    before_after = (
        treated[treated["step"] >= 60].groupby("replicate")["mean_trust"].mean()
        - treated[treated["step"] < 50].groupby("replicate")["mean_trust"].mean()
    ).mean()
    assert before_after > 0.5


def test_paired_differences_refuse_unpaired_arms() -> None:
    frame = _synthetic(effect=0.1, drift=0.0, noise=0.01)
    frame = frame[~((frame["variant"] == "treated") & (frame["replicate"] == 3))]
    with pytest.raises(ValueError, match="same replicates and seeds"):
        paired_differences(frame, ["mean_trust"], 60, 99)


def test_side_effects_flag_only_significant_moves_to_the_bad_side() -> None:
    frame = _synthetic(effect=0.1, drift=0.0, noise=0.01)
    diffs = paired_differences(frame, ["mean_trust", "unrest_rate"], 60, 99)
    # unrest falls (good for unrest), trust rises (good): no side effect
    table = side_effects(diffs, [], good={"mean_trust": 1, "unrest_rate": -1})
    assert not table["worse"].any() and table["better"].all()
    # declared the other way round, both become side effects
    table = side_effects(diffs, [], good={"mean_trust": -1, "unrest_rate": 1})
    assert table["worse"].all()
    # Bonferroni: two indicators, each at 97.5%
    assert table["level"].iloc[0] == pytest.approx(0.975)
    # a claimed indicator is not a side effect of its own case
    table = side_effects(diffs, ["mean_trust"], good={"mean_trust": -1, "unrest_rate": 1})
    assert table["indicator"].tolist() == ["unrest_rate"]


def test_side_effects_ignore_noise() -> None:
    frame = _synthetic(effect=0.0, drift=0.0, noise=0.05, seed=3)
    diffs = paired_differences(frame, ["mean_trust"], 60, 99)
    table = side_effects(diffs, [], good={"mean_trust": 1})
    assert not table["worse"].any()


def test_judge_case_on_synthetic_runs(tmp_path: Path) -> None:
    text = NULL_CASE.format(id="synthetic").replace(
        "intervention_step: 20", "intervention_step: 50"
    )
    text = text.replace("window: [0, 40]", "window: [10, 49]").replace("steps: 60", "steps: 100")
    text = text.replace("step: 20", "step: 50")
    case = load_case_text(text)
    for effect, verdict in ((0.1, REPRODUCED), (-0.1, OPPOSITE), (0.0, NOT_REPRODUCED)):
        result = judge_case(case, _synthetic(effect=effect, drift=0.01, noise=0.01))
        assert result.claims[0].verdict == verdict
        assert result.claims[0].window == (60, 99)
        assert result.claims[0].mean == pytest.approx(effect, abs=0.01)


def test_good_directions_name_indicators() -> None:
    assert set(GOOD_DIRECTION) <= set(INDICATORS)
    assert set(GOOD_DIRECTION.values()) == {1, -1}


# ---------------------------------------------------------------- the case files


def test_every_case_of_the_source_has_a_file() -> None:
    ids = case_ids()
    expected = {
        "smart_community", "waste_sorting", "rural_tourism", "mutual_aid_care",
        "internet_medical", "food_safety", "green_mobility", "social_work", "employment",
        "one_visit", "growth_coalition", "decentralisation_2013", "open_government",
        "joined_up_platform", "support_social_orgs", "smart_city", "evaluation_innovation",
    }  # fmt: skip
    assert expected <= set(ids)
    cases = [load_case(SHARED / f"{name}.yaml") for name in ids]
    assert sum(case.block.expressible for case in cases) >= 12
    for case in cases:
        assert case.block.kind == "case"
        if case.block.expressible:
            assert case.config is not None and case.block.intervention_step > 0
            for claim in case.block.checked:
                assert claim.window is not None
                assert case.block.intervention_step + claim.window[1] <= case.config.run.steps
        else:
            assert case.block.missing


def test_every_general_claim_has_a_file() -> None:
    ids = case_ids(claims=True)
    numbers = {int(m.group(1)) for name in ids if (m := re.match(r"claim(\d)_", name))}
    assert numbers == set(range(1, 9))
    for name in ids:
        case = load_case(SHARED / "claims" / f"{name}.yaml")
        assert case.block.kind == "claim" and case.config is not None


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("indicator: rule_compliance", "indicator: rule_complance"), "case.claims.0.indicator"),
        (("direction: increase", "direction: up"), "case.claims.0.direction"),
        (("window: [10, 50]", "window: [10, 60]"), "case.claims.0.window"),
        (("window: [10, 50]", "window: [20, 10]"), "case.claims.0.window"),
        (("  treated:\n", "  other:\n"), "variants"),
        (("- step: 30\n", "- step: 40\n"), "variants.treated.events"),
        (("intervention_step: 30", "intervention_step: 90"), "case.intervention_step"),
        (("  title: Rewards for a household rule\n", ""), "case.title"),
        (("      missing: [a waste stream]\n", ""), "case.claims.1"),
        (("rule_compliance.reward: 0.3", "rule_compliance.rewrd: 0.3"), "rewrd"),
    ],
)
def test_bad_case_files_name_the_field(
    tmp_path: Path, edit: tuple[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = REWARD_CASE.format(id="bad")
    assert edit[0] in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(*edit), encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(message)):
        load_case(path)
    assert main(["cases", str(path), "--workers", "1"]) == 2
    assert message in capsys.readouterr().err


def test_identical_arms_and_unknown_ids_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    treated = (
        "  treated:\n    events:\n      - step: 30\n        set: {rule_compliance.reward: 0.3}\n"
    )
    same = REWARD_CASE.format(id="same")
    assert treated in same
    same = same.replace(treated, "  treated: {}\n")
    path = tmp_path / "same.yaml"
    path.write_text(same, encoding="utf-8")
    with pytest.raises(UserError, match="are the same"):
        load_case(path)
    assert main(["cases", "waste_sortng"]) == 2
    assert "did you mean 'waste_sorting'" in capsys.readouterr().err
    assert main(["cases", "--replicates", "1"]) == 2


# ---------------------------------------------------------------- end to end


@pytest.mark.slow
def test_two_small_cases_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reward = _write(tmp_path, REWARD_CASE, "reward")
    null = _write(tmp_path, NULL_CASE, "inert")
    out = tmp_path / "out"
    code = main(["cases", str(reward), str(null), "--workers", "1", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "reward" in printed and "inert" in printed
    table = pd.read_csv(out / "cases.csv")
    assert {p.name for p in out.iterdir()} == {
        "cases.csv", "cases.md", "side_effects.csv", "paired.csv", "effects.csv", "manifest.json"
    }  # fmt: skip
    rows = table.set_index(["case", "claim"])
    rewarded = rows.loc[("reward", "compliance with the rule rises")]
    assert rewarded["verdict"] == REPRODUCED and rewarded["ci_low"] > 0
    assert rewarded["first_step"] == 40 and rewarded["last_step"] == 80
    assert rows.loc[("reward", "resources are reused"), "verdict"] == NOT_EXPRESSIBLE
    inert = rows.loc[("inert", "trust rises")]
    assert inert["verdict"] == NOT_REPRODUCED
    assert inert["mean"] == 0.0 and inert["ci_low"] == 0.0  # identical arms: no difference at all
    assert bool(inert["identical_before"]) and bool(rewarded["identical_before"])
    report = (out / "cases.md").read_text(encoding="utf-8")
    assert "### `reward`" in report and "**reproduced**" in report
    effects = pd.read_csv(out / "effects.csv").set_index(["case", "indicator"])
    assert effects.loc[("reward", "rule_compliance"), "mean"] == pytest.approx(rewarded["mean"])
    assert effects.loc[("inert", "mean_trust"), "mean"] == 0.0
    paired = pd.read_csv(out / "paired.csv")
    assert len(paired[paired["case"] == "reward"]) == 4  # one paired difference per seed
    # run again with fewer seeds: the same seeds give the same paired differences
    again = tmp_path / "again"
    assert (
        main(["cases", str(reward), "--replicates", "2", "--workers", "1", "--out", str(again)])
        == 0
    )
    repeated = pd.read_csv(again / "paired.csv")
    first = paired[paired["case"] == "reward"].head(2)
    assert repeated["seed"].tolist() == first["seed"].tolist()
    assert repeated["difference"].tolist() == first["difference"].tolist()


def test_overrides_cut_runs_and_windows(tmp_path: Path) -> None:
    from experiments.cases.run import adjust, run_cases

    case = adjust(load_case(_write(tmp_path, REWARD_CASE, "reward")), replicates=2, steps=50)
    assert case.config is not None and case.config.run.steps == 50
    assert case.block.claims[0].window == (10, 20)
    results, _ = run_cases([case], workers=1)
    table = results_table(results)
    assert table["replicates"].iloc[0] == 2 and table["last_step"].iloc[0] == 50
    with pytest.raises(UserError, match="--steps 30"):
        adjust(case, replicates=None, steps=30)


def test_table_cells_fit_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from rich.cells import cell_len

    from experiments.present.cases import _wrap

    text = "城市空气质量得到显著改善 (air quality improves markedly)"
    lines = _wrap(text, 12).splitlines()
    assert all(cell_len(line) <= 12 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert main(["cases", "--list"]) == 0
    assert "not expressible" in capsys.readouterr().out
