"""Robust regime comparison: ordered draws, Shapley attribution, the table design, the command."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from experiments.config import load_config_text
from experiments.robust.attribution import shapley_table
from experiments.robust.plan import attribution_config, draws_config
from experiments.robust.shapley import (
    coalitions_permutations,
    draw_orders,
    exact_shapley,
    permutation_shapley,
)
from sim.lever_orders import (
    LEVER_BLOCKS,
    LEVER_ORDERS,
    STRUCTURAL_RANGES,
    TRUST_WEIGHTS,
    draw_levers,
    draw_structural,
    order_text,
    satisfies_orders,
)
from sim.levers import REGIME_NAMES, REGIME_PRESETS, Levers


def _presets() -> dict[str, dict[str, float]]:
    return {r: REGIME_PRESETS[r].model_dump() for r in REGIME_NAMES}


# -- ordinal constraints as data ---------------------------------------------------------


def test_every_lever_declares_an_order_range_and_block() -> None:
    assert set(LEVER_ORDERS) == set(Levers.model_fields)
    assert {lever for members in LEVER_BLOCKS.values() for lever in members} == set(LEVER_ORDERS)
    assert len(LEVER_BLOCKS) == 9
    for name, spec in LEVER_ORDERS.items():
        assert spec.low < spec.high, name
        for regime in REGIME_NAMES:
            assert spec.low <= REGIME_PRESETS[regime].model_dump()[name] <= spec.high, name
        if spec.order is not None:
            assert sorted(r for tier in spec.order for r in tier) == sorted(REGIME_NAMES)
    assert order_text("information_lag") == "top_down >= regulatory >= service"


def test_presets_respect_the_declared_orders() -> None:
    assert satisfies_orders(_presets())


def test_satisfies_orders_catches_a_violation() -> None:
    levers = _presets()
    levers["service"]["information_lag"] = 9.0  # above top_down's 8
    assert not satisfies_orders(levers)
    levers = _presets()
    levers["top_down"]["participation_reward"] = 0.01  # fixed at 0 by the source
    assert not satisfies_orders(levers)
    levers = _presets()
    levers["regulatory"]["fine"] = 11.0  # out of range
    assert not satisfies_orders(levers)


def test_no_draw_violates_an_order_and_unordered_tiers_take_both_orders() -> None:
    draws = draw_levers(np.random.default_rng(7), 2000)
    assert all(satisfies_orders(d) for d in draws)
    # fine: top_down and regulatory share a tier, so either may be higher
    higher = [d["top_down"]["fine"] > d["regulatory"]["fine"] for d in draws]
    assert 0.4 < np.mean(higher) < 0.6
    # silent levers: each order of the three regimes occurs
    orders = {
        tuple(np.argsort([d[r]["intergovernmental_cooperation"] for r in REGIME_NAMES]))
        for d in draws
    }
    assert len(orders) == 6
    # a total order: its draws fill the range (uniform on the ordered region)
    lags = np.array([[d[r]["information_lag"] for r in REGIME_NAMES] for d in draws])
    assert lags[:, 0].mean() == pytest.approx(0.75 * 12.0, abs=0.3)  # E[max of 3 uniforms]
    assert lags[:, 2].mean() == pytest.approx(0.25 * 12.0, abs=0.3)


def test_draws_are_reproducible_from_the_generator() -> None:
    a = draw_levers(np.random.default_rng(3), 5)
    b = draw_levers(np.random.default_rng(3), 5)
    assert a == b
    assert draw_levers(np.random.default_rng(4), 5) != a


def test_structural_draws_are_in_range_and_trust_weights_sum_to_one() -> None:
    draws = draw_structural(np.random.default_rng(1), 200)
    for draw in draws:
        assert sum(draw[k] for k in TRUST_WEIGHTS) == pytest.approx(1.0)
        for key, spec in STRUCTURAL_RANGES.items():
            if key not in TRUST_WEIGHTS:
                assert spec.low <= draw[key] <= spec.high


# -- Shapley values ----------------------------------------------------------------------


def test_a_block_that_alone_decides_gets_all_the_attribution() -> None:
    def value(mask: int) -> float:
        return 2.5 if mask >> 3 & 1 else -1.0

    phi = exact_shapley(value, 6)
    assert phi[3] == pytest.approx(3.5)
    assert np.delete(phi, 3) == pytest.approx(np.zeros(5))
    orders = draw_orders(np.random.default_rng(0), 6, 3)
    phi = permutation_shapley(value, 6, orders)
    assert phi[3] == pytest.approx(3.5)
    assert np.delete(phi, 3) == pytest.approx(np.zeros(5))


def test_shapley_shares_an_interaction_and_sums_to_the_gap() -> None:
    def both(mask: int) -> float:  # needs blocks 0 and 1 together
        return float(mask & 0b11 == 0b11)

    assert exact_shapley(both, 3).tolist() == pytest.approx([0.5, 0.5, 0.0])
    rng = np.random.default_rng(5)
    table = rng.normal(size=2**5)
    phi = permutation_shapley(table.__getitem__, 5, draw_orders(rng, 5, 4))
    assert phi.sum() == pytest.approx(table[-1] - table[0])  # efficiency, exactly
    exact = exact_shapley(table.__getitem__, 5)
    many = permutation_shapley(
        table.__getitem__, 5, [list(p) for p in itertools.permutations(range(5))]
    )
    assert many == pytest.approx(exact)  # every order: the estimator is the exact value


def test_permutation_coalitions_are_the_prefixes() -> None:
    masks = coalitions_permutations(3, [[2, 0, 1]])
    assert masks == [0, 7, 0b100, 0b101]


@pytest.mark.parametrize("permutations", [0, 3])
def test_pipeline_attribution_on_a_model_known_by_construction(permutations: int) -> None:
    """Coalition points -> attribution table, with an indicator only voice_cost decides."""
    config = load_config_text("run: {seed: 11}\nmodel: {citizens: 100}")
    sweep, plans = attribution_config(
        config, [("top_down", "service")], 3, 10, ["mean_trust"], permutations=permutations
    )
    points = pd.DataFrame(sweep.sweep.points)
    rows = []
    for point, row in points.iterrows():
        for replicate in range(3):  # y = 2 voice_cost + seed noise shared by all points
            noise = [0.3, -0.1, 0.05][replicate]
            y = 2.0 * row["model.levers.voice_cost"] + noise
            rows.append({"point": point, "replicate": replicate, "mean_trust": y})
    table = shapley_table(pd.DataFrame(rows), plans, ["mean_trust"])
    gap = 2.0 * (0.1 - 0.6)
    blocks = table[table["kind"] == "block"].set_index("block")
    assert table.loc[table["kind"] == "gap", "mean"].item() == pytest.approx(gap)
    assert blocks.loc["voice", "mean"] == pytest.approx(gap)
    assert blocks.loc["voice", "share"] == pytest.approx(1.0)
    assert blocks.drop(index="voice")["mean"].abs().max() == pytest.approx(0.0, abs=1e-12)
    assert plans[0].method == ("exact" if permutations == 0 else "3 permutations")


# -- the draws sweep and the table design ------------------------------------------------


def test_draws_config_points_respect_orders_and_share_seeds_within_a_draw() -> None:
    from experiments.sweep.designs import build_design, design_generator
    from experiments.sweep.plan import SweepPlan

    config = load_config_text("run: {seed: 3}\nmodel: {citizens: 100, jurisdictions: 2}")
    sweep = draws_config(config, 4, 2, 10, ["mean_trust"])
    assert len(sweep.sweep.points) == 15
    points = pd.DataFrame(sweep.sweep.points)
    for d in range(5):
        block = points.iloc[3 * d : 3 * d + 3].set_index("model.regime")
        levers = {
            r: {
                k.removeprefix("model.levers."): v for k, v in block.loc[r].items() if "levers" in k
            }
            for r in REGIME_NAMES
        }
        assert satisfies_orders(levers)
    # draw 0 is the presets and the config's structural values
    assert points.loc[0, "model.levers.information_lag"] == 8.0
    assert points.loc[0, "model.trust.harm_weight"] == 1.0
    plan = SweepPlan(sweep, build_design(sweep.sweep, design_generator(3)))
    seeds = pd.DataFrame(
        [(run.point, run.task.replicate, run.task.seed) for run in map(plan.run, plan.run_ids())],
        columns=["point", "replicate", "seed"],
    ).assign(draw=lambda f: f["point"] // 3)
    assert (seeds.groupby(["draw", "replicate"])["seed"].nunique() == 1).all()
    assert seeds.groupby("replicate")["seed"].nunique().eq(5).all()


def test_table_design_is_checked() -> None:
    from experiments.errors import UserError

    bad = [
        "sweep: {design: table}",
        "sweep: {design: table, points: [{model.citizens: 100}, {model.jurisdictions: 2}]}",
        "sweep: {design: table, points: [{model.nope: 1}]}",
        "sweep: {design: lhs, samples: 2, parameters: {model.citizens: [100, 200]}, "
        "points: [{model.citizens: 100}]}",
    ]
    for text in bad:
        with pytest.raises(UserError):
            load_config_text(text)


@pytest.mark.slow
def test_robust_compare_runs_resumes_and_summarises(tmp_path) -> None:
    from experiments.robust.compare import robust_compare

    config = load_config_text(
        "run: {seed: 5}\nmodel: {citizens: 100, jurisdictions: 2, enterprises: 6, social_orgs: 3}"
    )
    kwargs = dict(
        draws=3,
        seeds=1,
        steps=12,
        window=4,
        indicators=["mean_trust", "compliance_rate"],
        pairs=[("top_down", "service")],
        attribution_seeds=2,
        permutations=1,
        workers=1,
        progress=False,
        figures=False,
    )
    result = robust_compare(config, tmp_path / "out", **kwargs)
    assert result.complete
    assert result.sweeps["draws"].ran == 12
    orderings = result.orderings.groupby("indicator")["probability"].sum()
    assert orderings.to_numpy() == pytest.approx([1.0, 1.0])
    assert result.pairs["p_a_gt_b"].between(0, 1).all()
    assert set(result.headline["indicator"]) == {"mean_trust", "compliance_rate"}
    blocks = result.attribution[result.attribution["kind"] == "block"]
    sums = blocks.groupby("indicator")["mean"].sum()
    gaps = result.attribution[result.attribution["kind"] == "gap"].set_index("indicator")["mean"]
    assert sums.to_numpy() == pytest.approx(gaps.reindex(sums.index).to_numpy())
    # the drift check treats the draws (and the presets) of a regime as its replicates
    assert set(result.drift["regime"]) == {"top_down", "regulatory", "service"}
    assert len(result.drift) == 3 * 2 and (result.drift["n"] == 3 + 1).all()
    assert (result.drift["window_end"] == 12).all() and (result.drift["window_start"] == 8).all()
    assert "steady state" in (tmp_path / "out" / "summary.md").read_text().lower()
    for name in ("headline", "orderings", "pairs", "attribution", "boxes", "drift"):
        assert (tmp_path / "out" / f"{name}.csv").is_file()
    assert "| `mean_trust` |" in (tmp_path / "out" / "summary.md").read_text()
    again = robust_compare(config, tmp_path / "out", **kwargs)  # resumes: nothing to run
    assert again.sweeps["draws"].ran == 0 and again.sweeps["attribution"].ran == 0
    pd.testing.assert_frame_equal(again.pairs, result.pairs)


def test_compare_cli_rejects_a_bad_pair(tmp_path, capsys) -> None:
    from experiments.cli import main

    path = tmp_path / "c.yaml"
    path.write_text("model: {citizens: 100}\n")
    code = main(["compare", str(path), "--out", str(tmp_path / "o"), "--pair", "service:nope"])
    assert code == 2
    assert "--pair" in capsys.readouterr().err


@pytest.mark.slow
def test_prim_finds_the_box_where_a_ranking_reverses_by_construction() -> None:
    from experiments.robust.discovery import scenario_boxes

    rng = np.random.default_rng(2)
    n = 300
    inputs = pd.DataFrame(
        {
            "service.transparency": rng.uniform(0, 1, n),
            "top_down.coercion": rng.uniform(0, 1, n),
            "trust.harm_weight": rng.uniform(0.5, 1.5, n),
        },
        index=pd.RangeIndex(1, n + 1, name="draw"),
    )
    columns = pd.MultiIndex.from_product([["welfare"], list(REGIME_NAMES)])
    wide = pd.DataFrame(0.0, index=pd.RangeIndex(0, n + 1, name="draw"), columns=columns)
    wide.loc[0, ("welfare", "service")] = 1.0  # presets: service > regulatory
    reverses = inputs["service.transparency"] < 0.3
    wide.loc[1:, ("welfare", "service")] = np.where(reverses, -1.0, 1.0)
    boxes = scenario_boxes(wide, inputs, ["welfare"], pairs=[("regulatory", "service")])
    assert boxes["reversals"].iloc[0] == int(reverses.sum())
    assert boxes["input"].tolist() == ["service.transparency"]
    row = boxes.iloc[0]
    assert row["high"] == pytest.approx(0.3, abs=0.03)
    assert row["density"] == pytest.approx(1.0) and row["coverage"] >= 0.9


def test_ties_count_in_no_ordering_and_in_neither_side_of_a_pair() -> None:
    from experiments.robust.summary import ordering_tables

    regimes = ["top_down", "regulatory", "service"]
    # draw 0 (presets) and four draws; in draws 1 and 2 top_down and regulatory tie at 0
    rows = [[0.0, 0.5, 0.9], [0.0, 0.0, 0.4], [0.0, 0.0, 0.7], [0.1, 0.6, 0.8], [0.2, 0.3, 0.1]]
    wide = pd.DataFrame(rows, columns=pd.MultiIndex.from_product([["participation"], regimes]))
    tables = ordering_tables(wide, ["participation"])
    orderings = tables["orderings"].set_index("ordering")["count"]
    assert orderings["tie"] == 2
    assert orderings["service > regulatory > top_down"] == 1
    assert orderings["regulatory > top_down > service"] == 1
    assert orderings.sum() == 4
    assert tables["headline"]["p_holds"].iloc[0] == pytest.approx(1 / 4)
    pair = tables["pairs"].set_index(["a", "b"]).loc[("top_down", "regulatory")]
    assert pair["p_a_gt_b"] == 0 and pair["p_b_gt_a"] == pytest.approx(2 / 4)
    assert pair["p_tie"] == pytest.approx(2 / 4)
