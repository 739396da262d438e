"""Figures: final-state error bars, the network snapshot and its rebuild, `govsim plot`."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from PIL import Image

from experiments.analysis import final_state_summary
from experiments.cli import main
from experiments.present.final_state import final_state_figure
from experiments.present.folder import plot_network_snapshot, rebuild_model, run_task_from_manifest
from experiments.present.network import KIND_STYLES, draw_collaboration_graph, network_figure
from experiments.present.network_layout import layout_collaboration_graph
from experiments.present.style import style_cycle
from sim import GovernanceModel, ModelParams

SMALL = {"citizens": 400, "enterprises": 20, "social_orgs": 8, "jurisdictions": 4}


def test_series_differ_in_line_style_and_marker_not_only_colour() -> None:
    styles = [style_cycle(k) for k in range(7)]
    assert len({s["marker"] for s in styles}) == 7
    assert len({str(s["linestyle"]) for s in styles}) == 7
    assert len({k.marker for k in KIND_STYLES.values()}) == len(KIND_STYLES)


def test_final_state_error_bars_are_the_t_intervals() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for variant, centre in (("a", 0.2), ("b", 0.6)):
        for replicate in range(5):
            for step in range(3):
                rows.append(
                    {
                        "variant": variant,
                        "replicate": replicate,
                        "step": step,
                        "mean_trust": centre + rng.normal(0, 0.05),
                    }
                )
    frame = pd.DataFrame(rows)
    fig = final_state_figure(frame, ["mean_trust"])
    ax = fig.axes[0]
    expected = final_state_summary(frame, ["mean_trust"]).set_index("variant")
    bars = [c for c in ax.containers]  # one ErrorbarContainer per variant, in order
    assert len(bars) == 2
    for container, name in zip(bars, ["a", "b"], strict=True):
        point, _caps, (segments,) = container.lines[0], container.lines[1], container.lines[2]
        assert point.get_ydata()[0] == pytest.approx(expected.loc[name, "mean"], abs=1e-12)
        (low, high) = segments.get_segments()[0][:, 1]
        assert (low, high) == pytest.approx(
            (expected.loc[name, "ci_low"], expected.loc[name, "ci_high"]), abs=1e-12
        )
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert "Trust" in ax.get_title()


def test_layout_samples_citizens_by_jurisdiction_and_leaves_the_run_alone() -> None:
    drawn = GovernanceModel(ModelParams(**SMALL), rng=5)
    plain = GovernanceModel(ModelParams(**SMALL), rng=5)
    layout = layout_collaboration_graph(drawn, max_citizens=100, seed=1)
    assert layout.citizens_shown == 100
    assert (layout.kinds == "enterprise").sum() == 20 and (layout.kinds == "social_org").sum() == 8
    assert (layout.kinds == "government").sum() == 4 + 1
    citizens = layout.rows[layout.kinds == "citizen"]
    share = np.bincount(drawn.citizens.jurisdiction[citizens], minlength=4) / 100
    population = np.bincount(drawn.citizens.jurisdiction, minlength=4) / 400
    assert np.all(np.abs(share - population) <= 0.01 + 1e-12)  # quota rounding: at most one citizen
    assert len(set(map(tuple, layout.positions.round(9)))) == len(
        layout.nodes
    )  # no two nodes on one spot
    # drawing uses its own generator: the drawn model runs exactly like an undrawn twin
    from matplotlib.figure import Figure

    draw_collaboration_graph(Figure().subplots(), drawn, layout)
    drawn.run(5)
    plain.run(5)
    pd.testing.assert_frame_equal(drawn.indicator_frame(), plain.indicator_frame())


def test_network_figure_draws_every_organisation_and_the_sample() -> None:
    model = GovernanceModel(ModelParams(**SMALL), rng=2)
    model.run(3)
    fig = network_figure(model, max_citizens=50)
    ax = fig.axes[0]
    markers = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert markers == 50 + 20 + 8 + 5  # sampled citizens, enterprises, social orgs, governments
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"Government", "Enterprise", "Social organisation"} <= set(labels)
    assert any("50 of 400 citizens" in t.get_text() for t in fig.texts)


def test_rebuilt_run_is_the_stored_run(run_folder: Path) -> None:
    manifest = json.loads((run_folder / "manifest.json").read_text())
    frame = pd.read_parquet(run_folder / "timeseries.parquet")
    task = run_task_from_manifest(manifest, "service", replicate=1)
    stored = frame[(frame["variant"] == "service") & (frame["replicate"] == 1)]
    rebuilt = rebuild_model(task).indicator_frame().reset_index()
    pd.testing.assert_frame_equal(
        rebuilt,
        stored[list(rebuilt.columns)].reset_index(drop=True),  # without parameter columns
        check_exact=True,
    )


def test_govsim_plot_writes_png_and_pdf(run_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "figs"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a rebuilt run that differs from the stored one warns
        assert main(["plot", str(run_folder), "--out", str(out), "--format", "png,pdf"]) == 0
    for name in ("indicators", "final_state", "network"):
        png, pdf = out / f"{name}.png", out / f"{name}.pdf"
        assert pdf.read_bytes()[:5] == b"%PDF-"
        with Image.open(png) as image:
            assert min(image.size) > 400
            assert (
                len(image.convert("L").getcolors(maxcolors=1 << 16) or []) > 20
            )  # greys, not blank


def test_network_snapshot_warns_when_the_rebuild_differs(run_folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tampered"
    copy.mkdir()
    for name in ("timeseries.parquet", "manifest.json"):
        (copy / name).write_bytes((run_folder / name).read_bytes())
    manifest = json.loads((copy / "manifest.json").read_text())
    for run in manifest["seeds"]["runs"]:
        run["seed"] += 1
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.warns(UserWarning, match="differs from the stored one"):
        plot_network_snapshot(copy, tmp_path / "figs", formats=["png"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plot", "{tmp}/missing"], "no such folder"),
        (["plot", "{tmp}"], "not a results folder"),
        (["plot", "{run}", "--format", "gif"], "--format gif"),
        (["plot", "{run}", "--variant", "nope", "--format", "png"], "--variant nope"),
    ],
)
def test_govsim_plot_bad_input(
    args: list[str],
    message: str,
    run_folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [a.format(tmp=tmp_path, run=run_folder) for a in args]
    assert main([*argv, "--out", str(tmp_path / "figs")]) == 2
    assert message in capsys.readouterr().err


def test_govsim_plot_on_a_sweep_folder(sweep_folder: Path, tmp_path: Path) -> None:
    out = sweep_folder
    figures = tmp_path / "figs"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the rebuilt sweep run matches the stored one
        assert (
            main(
                ["plot", str(out), "--out", str(figures), "--format", "png", "--variant", "service"]
            )
            == 0
        )
    names = {p.name for p in figures.iterdir()}
    # heatmaps over the two swept keys for every key indicator, and the network of a service run
    assert {"heatmap_mean_trust.png", "heatmap_participation_rate.png", "network.png"} <= names
    assert not any(name.startswith(("indicators", "final_state")) for name in names)
