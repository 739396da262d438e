"""Outputs like BehaviorSpace and the EMA Workbench: tidy rows, codebook, exports, intervals, tables.

Verification tests: each checks one rule the outputs state (docs/MESA.md, the
codebook, experiments.analysis), on tiny runs and sweeps.
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from experiments.analysis import final_state_summary, mean_ci, timeseries_bands
from experiments.cli import main
from experiments.codebook import (
    CODEBOOK_KEY,
    INDICATOR_UNITS,
    SHARE_INDICATORS,
    column_info,
    undocumented,
)
from experiments.config import load_config_text
from experiments.experiment import run_experiment
from experiments.sweep.results import load_results
from sim import INDICATORS, GovernanceModel, ModelParams

RUN = """
run: {steps: 5, replicates: 3, seed: 11}
model: {citizens: 60, enterprises: 6, social_orgs: 4, jurisdictions: 2}
variants:
  top_down: {model.regime: top_down}
  service: {model.regime: service, model.levers.fine: 4.0}
"""


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs") / "run"
    run_experiment(load_config_text(RUN), out, workers=1, progress=False)
    return out


# -- tidy rows -----------------------------------------------------------------


def test_run_rows_carry_the_values_that_vary(run_folder: Path) -> None:
    frame = pd.read_parquet(run_folder / "timeseries.parquet")
    assert list(frame.columns[:4]) == ["variant", "replicate", "seed", "step"]
    regime = frame.groupby("variant")["model.regime"].unique()
    assert regime.to_dict() == {"service": ["service"], "top_down": ["top_down"]}
    fine = frame.groupby("variant")["model.levers.fine"].unique()
    top_down_fine = ModelParams(regime="top_down").resolved_levers().fine
    assert fine["service"].tolist() == [4.0] and fine["top_down"].tolist() == [top_down_fine]
    assert "model.citizens" not in frame.columns  # the same in every variant
    # parameters sit between the identifiers and the indicators
    assert list(frame.columns[-len(INDICATORS) :]) == list(INDICATORS)


def test_sweep_rows_carry_their_design_point_and_variant(sweep_folder: Path) -> None:
    results = load_results(sweep_folder)
    series = results.timeseries()
    points = results.design.points
    for name in results.parameters:
        expected = points[name].to_numpy()[series["point"].to_numpy()]
        np.testing.assert_array_equal(series[name].to_numpy(), expected)
        assert name in results.runs.columns
    assert (series["model.regime"] == series["variant"]).all()
    assert (results.runs["model.regime"] == results.runs["variant"]).all()


# -- codebook ------------------------------------------------------------------


def test_every_indicator_has_a_unit() -> None:
    assert set(INDICATOR_UNITS) == set(INDICATORS)
    assert undocumented(INDICATORS) == []


def test_every_stored_column_is_in_the_codebook(run_folder: Path, sweep_folder: Path) -> None:
    files = [
        run_folder / "timeseries.parquet",
        sweep_folder / "runs.parquet",
        sweep_folder / "design.parquet",
        *sorted((sweep_folder / "timeseries").glob("part-*.parquet")),
    ]
    for path in files:
        schema = pq.read_schema(path)
        assert undocumented(schema.names) == [], path
        for field in schema:
            assert field.metadata[b"description"] and field.metadata[b"unit"], (path, field.name)
        stored = json.loads(schema.metadata[CODEBOOK_KEY.encode()])
        assert list(stored) == schema.names
    summary = pd.read_csv(run_folder / "summary.csv")
    assert undocumented(summary.columns) == []


def test_codebook_json_describes_each_file(run_folder: Path, sweep_folder: Path) -> None:
    book = json.loads((run_folder / "codebook.json").read_text())
    columns = pq.read_schema(run_folder / "timeseries.parquet").names
    assert book["files"]["timeseries.parquet"] == columns
    assert book["columns"]["mean_trust"]["unit"] == INDICATOR_UNITS["mean_trust"]
    assert book["columns"]["model.levers.fine"]["kind"] == "parameter"
    sweep_book = json.loads((sweep_folder / "codebook.json").read_text())
    assert {"runs.parquet", "design.parquet", "timeseries/part-*.parquet"} <= set(
        sweep_book["files"]
    )
    assert column_info("model.bogus") is None


# -- intervals for shares --------------------------------------------------------


def test_share_indicators_lie_in_the_unit_interval() -> None:
    for regime in ("top_down", "regulatory", "service"):
        model = GovernanceModel(
            citizens=80, enterprises=6, social_orgs=4, jurisdictions=2, regime=regime, rng=3
        )
        model.run(12)
        frame = model.indicator_frame()
        for name in SHARE_INDICATORS:
            assert frame[name].between(0.0, 1.0).all(), (regime, name)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=2, max_size=12),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_share_intervals_stay_in_the_unit_interval(values: list[float], level: float) -> None:
    mean, low, high = mean_ci(np.array(values), level, share=True)
    assert 0.0 <= low <= mean + 1e-12 and mean - 1e-12 <= high <= 1.0


def test_share_intervals_where_t_intervals_leave_the_bounds() -> None:
    rare = np.array([0.0, 0.0, 0.02])
    _, t_low, _ = mean_ci(rare)
    _, low, high = mean_ci(rare, share=True)
    assert t_low < 0.0 <= low < high <= 1.0
    # away from the bounds the Wilson interval is the t interval
    middle = np.array([0.48, 0.5, 0.52, 0.51, 0.49])
    np.testing.assert_allclose(mean_ci(middle, share=True), mean_ci(middle), atol=2e-4)


def test_tables_and_bands_keep_shares_in_bounds() -> None:
    rows = []
    for replicate, share in enumerate([0.0, 0.0, 0.0, 0.05]):
        for step in (0, 1):
            rows.append(
                {
                    "variant": "a",
                    "replicate": replicate,
                    "step": step,
                    "unrest_rate": share,
                    "welfare": share - 0.5,
                }
            )
    frame = pd.DataFrame(rows)
    summary = final_state_summary(frame, ["unrest_rate", "welfare"])
    unrest = summary.set_index("indicator").loc["unrest_rate"]
    assert 0.0 <= unrest["ci_low"] <= unrest["ci_high"] <= 1.0
    welfare = summary.set_index("indicator").loc["welfare"]
    assert welfare["ci_low"] < -0.5  # not a share: a t interval, free to cross any bound
    bands = timeseries_bands(frame, "unrest_rate")
    assert (bands["ci_low"] >= 0.0).all() and (bands["ci_high"] <= 1.0).all()


def test_sweep_aggregates_keep_shares_in_bounds(sweep_folder: Path) -> None:
    from experiments.sweep.aggregate import aggregate_by_point

    table = aggregate_by_point(load_results(sweep_folder), ["participation_rate", "mean_trust"])
    assert table["ci_low"].between(0.0, 1.0).all() and table["ci_high"].between(0.0, 1.0).all()


# -- export and --version ----------------------------------------------------------


def test_export_csv_of_a_run(run_folder: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "csv"
    assert main(["export", str(run_folder), "--format", "csv", "--out", str(out)]) == 0
    exported = pd.read_csv(out / "timeseries.csv")
    stored = pd.read_parquet(run_folder / "timeseries.parquet")
    pd.testing.assert_frame_equal(exported, stored, check_dtype=False)
    book = json.loads((out / "codebook.json").read_text())
    assert book["files"]["timeseries.csv"] == list(stored.columns)


def test_export_csv_of_a_sweep(sweep_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    assert main(["export", str(sweep_folder), "--format", "csv", "--out", str(out)]) == 0
    results = load_results(sweep_folder)
    assert len(pd.read_csv(out / "runs.csv")) == len(results.runs)
    assert len(pd.read_csv(out / "timeseries.csv")) == len(results.timeseries())


def test_export_netcdf_without_xarray_says_what_to_install(
    run_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "xarray", None)  # import xarray raises ImportError
    out = tmp_path / "nc"
    assert main(["export", str(run_folder), "--format", "netcdf", "--out", str(out)]) == 2
    assert "pip install govsim[export]" in capsys.readouterr().err
    assert not out.exists()  # nothing half-written


def test_export_netcdf(run_folder: Path, tmp_path: Path) -> None:
    xr = pytest.importorskip("xarray")
    out = tmp_path / "nc"
    assert main(["export", str(run_folder), "--format", "netcdf", "--out", str(out)]) == 0
    stored = pd.read_parquet(run_folder / "timeseries.parquet")
    with xr.open_dataset(out / "timeseries.nc") as dataset:
        assert dataset["mean_trust"].dims == ("run", "step")
        assert dataset["mean_trust"].attrs["units"] == INDICATOR_UNITS["mean_trust"]
        assert sorted(set(dataset["model.regime"].values.tolist())) == ["service", "top_down"]
        first = stored[(stored["variant"] == "top_down") & (stored["replicate"] == 0)]
        np.testing.assert_array_equal(
            dataset["mean_trust"].isel(run=0).values, first["mean_trust"].to_numpy()
        )


def test_export_rejects_an_unknown_format(run_folder: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["export", str(run_folder), "--format", "xlsx"]) == 2
    assert "allowed: csv, netcdf" in capsys.readouterr().err


def test_version_flag(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"govsim {metadata.version('govsim')}"


# -- tables at 80 columns -----------------------------------------------------------


def _render(tables: list, width: int = 80) -> str:  # type: ignore[type-arg]
    console = Console(width=width, record=True, file=open("/dev/null", "w"))
    for table in tables:
        console.print(table)
    return console.export_text()


def _readable(text: str, cells: list[str], width: int = 80) -> None:
    assert "…" not in text and "..." not in text
    assert max(len(line) for line in text.splitlines()) <= width
    flat = " ".join(text.split())
    for cell in cells:  # every value appears whole (not cut, not split mid-number)
        for word in cell.split():
            assert word.strip("[],") in flat, word


def test_run_summary_table_fits_80_columns() -> None:
    from experiments.present.tables import summary_tables

    names = ["top_down", "regulatory", "service", "hybrid_local", "hybrid_central"]
    rows = [
        {"variant": v, "indicator": i, "mean": 0.123 + k, "ci_low": 0.1, "ci_high": 0.2, "n": 5}
        for k, v in enumerate(names)
        for i in ("participation_rate", "org_betweenness_centralization")
    ]
    text = _render(summary_tables(pd.DataFrame(rows), width=80))
    _readable(text, [*names, "org_betweenness_centralization", "4.123", "[0.100, 0.200]"])


def test_analyze_tables_fit_80_columns(sweep_folder: Path) -> None:
    from experiments.analysis import KEY_INDICATORS
    from experiments.present.sweep_tables import aggregate_tables, indices_tables
    from experiments.sweep.aggregate import aggregate_by_point

    results = load_results(sweep_folder)
    table = aggregate_by_point(results, ["mean_trust", "participation_rate"])
    text = _render(aggregate_tables(table, results.parameters, ["mean_trust"], 40, width=80))
    cells = [f"{m:.3f}" for m in table[table["indicator"] == "mean_trust"]["mean"]]
    _readable(text, [*cells, "decentralization", "participation_"])
    indices = pd.DataFrame(
        {
            "variant": ["service"] * 2,
            "indicator": list(KEY_INDICATORS[:2]),
            "parameter": ["model.levers.participation_reward", "model.decentralization"],
            "method": ["sobol"] * 2,
            "S1": [0.512, 0.1],
            "S1_conf": [0.05, 0.01],
            "ST": [0.6, 0.2],
            "ST_conf": [0.07, 0.02],
        }
    )
    text = _render(indices_tables(indices, width=80))
    _readable(text, ["participation_reward", "0.512", "S1_conf", "ST_conf"])


def test_validation_table_fits_80_columns() -> None:
    from experiments.present.validation import render_table
    from experiments.validation.core import CaseResult, Check

    checks = [
        Check(
            "punctuated equilibrium: bursts of rebellion separated by calm",
            "bursts >= 3 with peak active share > 0.05",
            "4 bursts, peak 0.213 (95% CI 0.180-0.240)",
            "kurtosis > 3 over 3 seeds (paired)",
            True,
            "validation",
        ),
        Check(
            "legitimacy lowers unrest",
            "unrest(L=0.8) < unrest(L=0.6)",
            "0.012",
            "5%",
            False,
            "verification",
        ),
    ]
    console = Console(width=80, record=True, file=open("/dev/null", "w"))
    render_table([CaseResult("unrest", "Epstein 2002", "quick", checks)], console)
    text = console.export_text()
    _readable(text, ["0.180-0.240)", "unrest(L=0.8)", "unrest(L=0.6)", "tolerance", "measured"])


def test_notebooks_take_their_intervals_from_the_analysis_module() -> None:
    """Notebooks show intervals computed by experiments.analysis / aggregate (Wilson for shares)."""
    import nbformat

    for path in sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb")):
        source = "\n".join(
            cell.source
            for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code"
        )
        for own_interval in ("stats.t", "1.96", "sem(", ".std("):
            assert own_interval not in source, (path.name, own_interval)
        if "ci_low" in source:
            assert any(
                f in source
                for f in ("final_state_summary", "timeseries_bands", "aggregate_by_point")
            ), path.name
