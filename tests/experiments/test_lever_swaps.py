"""Lever swaps: known answers by construction, grouping of the delivery shares, CLI input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main
from experiments.errors import UserError
from experiments.lever_swaps import (
    DELIVERY_MIX,
    SwapItem,
    lever_swaps,
    steady_state,
    swap_effects,
    swap_items,
)
from sim.levers import REGIME_PRESETS

TINY_MODEL = {"citizens": 100, "jurisdictions": 2, "enterprises": 8, "social_orgs": 4}


def _preset(name: str) -> dict[str, float]:
    return REGIME_PRESETS[name].model_dump()


def test_a_single_differing_lever_explains_the_whole_gap() -> None:
    # A and B differ only in the fine: the swap arm is B itself, so on the same
    # seeds the effect equals the gap seed by seed
    table = lever_swaps(
        TINY_MODEL,
        "regulatory",
        "regulatory",
        indicators=["compliance_rate", "mean_trust"],
        replicates=2,
        steps=12,
        window=4,
        overrides_b={"fine": 40.0},
    )
    swaps = table[table["kind"] == "swap"]
    assert list(swaps["item"].unique()) == ["fine"]
    gap = table[table["kind"] == "gap"].set_index("indicator")["mean"]
    assert abs(gap["compliance_rate"]) > 0  # the fine matters, so the share is defined
    fine = swaps.set_index("indicator")
    assert fine.loc["compliance_rate", "share"] == pytest.approx(1.0, abs=1e-12)
    remainder = table[table["kind"] == "remainder"].set_index("indicator")
    np.testing.assert_allclose(remainder[["mean", "low", "high"]].to_numpy(), 0.0, atol=1e-12)
    assert fine.loc["compliance_rate", "value_a"] == "5"
    assert fine.loc["compliance_rate", "value_b"] == "40"


def test_levers_with_equal_values_are_skipped() -> None:
    a = _preset("top_down")
    b = dict(a, fine=a["fine"] + 1.0, coercion=0.1)
    assert [item.name for item in swap_items(a, b)] == ["fine", "coercion"]
    differing = {n for n in a if a[n] != _preset("service")[n]}
    names = {n for item in swap_items(a, _preset("service")) for n in item.levers}
    assert names == differing
    # regulatory and top_down share the fine: it is not an arm
    assert "fine" not in {i.name for i in swap_items(_preset("regulatory"), a)}


def test_delivery_shares_are_swapped_together_only_when_one_alone_breaks_the_bound() -> None:
    a = dict(_preset("top_down"), enterprise_delivery_share=0.8, social_org_delivery_share=0.1)
    b = dict(a, enterprise_delivery_share=0.1, social_org_delivery_share=0.8)
    # social_org 0.8 beside enterprise 0.8 would sum to 1.6
    assert swap_items(a, b) == [
        SwapItem(DELIVERY_MIX, ("enterprise_delivery_share", "social_org_delivery_share"))
    ]
    # top_down -> service: either share alone stays <= 1, so they stay apart
    names = [i.name for i in swap_items(_preset("top_down"), _preset("service"))]
    assert "enterprise_delivery_share" in names and "social_org_delivery_share" in names
    assert DELIVERY_MIX not in names
    grouped = swap_items(_preset("top_down"), _preset("service"), group_delivery=True)
    assert DELIVERY_MIX in [i.name for i in grouped]
    assert "enterprise_delivery_share" not in [i.name for i in grouped]


def test_the_delivery_mix_arm_runs_and_forcing_single_swaps_is_refused() -> None:
    mix = {"enterprise_delivery_share": 0.1, "social_org_delivery_share": 0.8}
    table = lever_swaps(
        TINY_MODEL,
        "regulatory",
        "regulatory",
        indicators=["polycentricity"],
        replicates=2,
        steps=4,
        window=2,
        overrides_a={"enterprise_delivery_share": 0.8, "social_org_delivery_share": 0.1},
        overrides_b=mix,
    )
    swaps = table[table["kind"] == "swap"]
    assert list(swaps["item"]) == [DELIVERY_MIX]
    assert swaps["share"].iloc[0] == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(UserError, match="delivery shares together"):
        lever_swaps(
            TINY_MODEL,
            "regulatory",
            "regulatory",
            indicators=["polycentricity"],
            replicates=2,
            steps=4,
            window=2,
            overrides_a={"enterprise_delivery_share": 0.8, "social_org_delivery_share": 0.1},
            overrides_b=mix,
            group_delivery=False,
        )


def test_steady_state_is_the_mean_of_the_last_window_steps() -> None:
    frame = pd.DataFrame(
        {
            "variant": ["A"] * 5,
            "replicate": [0] * 5,
            "seed": [1] * 5,
            "step": [1, 2, 3, 4, 5],
            "x": [0.0, 10.0, 1.0, 2.0, 6.0],
        }
    )
    assert steady_state(frame, ["x"], window=3)["x"].iloc[0] == pytest.approx(3.0)
    assert steady_state(frame, ["x"], window=1)["x"].iloc[0] == pytest.approx(6.0)


def test_shares_sum_and_remainder_follow_from_paired_levels() -> None:
    # y = 1 + 2 u + 3 v + 4 u v on three seeds with a seed offset: A (0,0), B (1,1);
    # swaps explain 2 and 3 of a gap of 9, so the remainder is the interaction 4
    rows = []
    for replicate, offset in enumerate([0.0, 0.5, -0.2]):
        for arm, (u, v) in {"A": (0, 0), "B": (1, 1), "u": (1, 0), "v": (0, 1)}.items():
            y = 1 + 2 * u + 3 * v + 4 * u * v + offset
            rows.append({"variant": arm, "replicate": replicate, "seed": replicate, "y": y})
    levels = pd.DataFrame(rows)
    items = [SwapItem("u", ("u",)), SwapItem("v", ("v",))]
    table = swap_effects(levels, items, ["y"], {"u": 0.0, "v": 0.0}, {"u": 1.0, "v": 1.0})
    by = table.set_index("item")
    assert by.loc["B - A", "mean"] == pytest.approx(9.0)
    assert by.loc["u", "share"] == pytest.approx(2 / 9)
    assert by.loc["v", "share"] == pytest.approx(3 / 9)
    assert by.loc["sum of swaps", "mean"] == pytest.approx(5.0)
    assert by.loc["interaction remainder", "mean"] == pytest.approx(4.0)
    # paired by seed: the offset cancels, so the intervals have no width
    assert by.loc["u", "low"] == pytest.approx(by.loc["u", "high"])


TINY_YAML = """
run: {steps: 6, replicates: 2, seed: 3}
model: {citizens: 100, jurisdictions: 2, enterprises: 8, social_orgs: 4}
"""


@pytest.fixture
def swap_config(tmp_path: Path) -> Path:
    path = tmp_path / "swap.yaml"
    path.write_text(TINY_YAML, encoding="utf-8")
    return path


def test_cli_prints_a_table_and_writes_the_csv(swap_config: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "swaps.csv"
    args = ["swaps", str(swap_config), "--from", "top_down", "--to", "service"]
    code = main([*args, "-i", "mean_trust", "--window", "3", "--workers", "1", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "gap B - A" in printed and "remainder" in printed
    assert max(len(line) for line in printed.splitlines()) <= 80
    table = pd.read_csv(out)
    assert set(table["kind"]) == {"gap", "swap", "sum", "remainder"}
    assert (table["seeds"] == 2).all()


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--from", "anarchy"], "--from"),
        (["--to", "top_down"], "--from and --to"),
        (["--window", "50"], "--window"),
        (["--indicator", "happiness"], "--indicator"),
        (["--replicates", "1"], "--replicates"),
        (["--steps", "0"], "--steps"),
        (["--set", "model.citizens=-5"], "citizens"),
        (["--dask-local", "2", "--scheduler", "tcp://x:1"], "--scheduler and --dask-local"),
    ],
)
def test_cli_bad_input_exits_2_naming_the_option(
    swap_config: Path, capsys, extra: list[str], named: str
) -> None:
    code = main(["swaps", str(swap_config), "--from", "top_down", "--workers", "1", *extra])
    assert code == 2
    assert named in capsys.readouterr().err


def test_cli_keeps_an_existing_out_file(swap_config: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "kept.csv"
    out.write_text("precious\n", encoding="utf-8")
    code = main(["swaps", str(swap_config), "--workers", "1", "--out", str(out)])
    assert code == 2
    assert "--out" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "precious\n"
