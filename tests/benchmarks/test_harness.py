"""A fast smoke run of the benchmark harness: cases, isolation, table, targets, CLI."""

from __future__ import annotations

import doctest
import importlib

import pytest

from benchmarks import CASES, FULL, QUICK, Report, format_report, run_benchmarks, targets
from benchmarks.cases import default_run, mesa_reference, model_steps
from experiments.cli import main


def test_every_case_has_full_settings_and_quick_is_a_subset() -> None:
    assert set(QUICK) < set(FULL) == set(CASES)
    assert {"coproduction", "coproduction_mesa", "full_100k", "full_1m", "default"} <= set(FULL)


def test_cases_measure_steps_memory_and_collection() -> None:
    full = model_steps(1_000, 4, spmv_repeats=3)
    assert full["citizens"] == 1_000 and full["steps"] == 4
    assert 0 < full["step_ms"] < 1e4 and full["spmv_ms"] > 0 and full["step_cpu_ms"] >= 0
    assert 0 < full["collection_share"] < 1 and 0 < full["collection_mean_share"] < 1
    assert full["peak_mb"] >= full["setup_peak_mb"] > 0
    # at 2,000 citizens the array model's fixed cost per step (about 1 ms: recording,
    # per-jurisdiction tables) no longer hides its per-citizen advantage; at 500 the
    # ratio is near 5 and the check would be at the mercy of timing noise
    coproduction = model_steps(2_000, 3, coproduction=True, spmv_repeats=2)
    mesa = mesa_reference(2_000, 2)
    assert mesa["step_ms"] > 5 * coproduction["step_ms"]
    default = default_run(1, steps=3)
    assert default["run_s"] >= default["setup_s"] > 0


def test_report_lists_cases_and_evaluates_targets() -> None:
    results = {
        "coproduction": {
            "citizens": 10_000,
            "step_ms": 1.0,
            "step_cpu_ms": 1.0,
            "collection_share": 0.3,
        },
        "coproduction_mesa": {"citizens": 10_000, "step_ms": 150.0, "step_cpu_ms": 90.0},
        "full_100k": {
            "citizens": 100_000,
            "step_ms": 20.0,
            "step_cpu_ms": 10.0,
            "spmv_ms": 1.0,
            "spmv_cpu_ms": 1.0,
            "agent_steps_per_s": 5e6,
            "collection_share": 0.05,
            "collection_mean_share": 0.08,
        },
    }
    report = Report(quick=False, results=results, machine={"cpus": 2})
    wall = {t.name: t for t in targets(report)}
    cpu = {t.name: t for t in targets(report, cpu=True)}
    versus_mesa = "co-production only, 10,000 citizens: Mesa reference / govsim, per step"
    assert wall[versus_mesa].value == pytest.approx(150.0) and wall[versus_mesa].met is True
    assert cpu[versus_mesa].value == pytest.approx(90.0) and cpu[versus_mesa].met is False
    per_product = "full model, 100,000 citizens: one step / one sparse product"
    assert wall[per_product].met is False and cpu[per_product].met is True  # 20 and 10
    assert wall["full model, 100,000 citizens: citizen-steps per second"].met is True
    assert wall["`govsim --help`"].met is None  # that case did not run
    # the full model's collection targets are judged without the co-production-only case
    collection = [t for name, t in wall.items() if "data collection" in name]
    assert [(t.value, t.met) for t in collection] == [(0.05, True), (0.3, False)]
    text = format_report(report)
    assert "| coproduction_mesa | 10,000 |" in text
    assert f"| {per_product} | <= 15 products | 20 | **no** | 10 | yes |" in text


def test_cases_run_in_their_own_process() -> None:
    report = run_benchmarks(quick=True, names=["full_10k"])
    assert not report.errors
    assert report.results["full_10k"]["citizens"] == 10_000
    assert report.results["full_10k"]["peak_mb"] > 0
    with pytest.raises(KeyError, match="unknown case"):
        run_benchmarks(names=["no_such_case"])


def test_govsim_bench_lists_cases_and_rejects_unknown_ones(capsys: pytest.CaptureFixture) -> None:
    assert main(["bench", "--list"]) == 0
    assert "coproduction_mesa" in capsys.readouterr().out
    assert main(["bench", "--case", "no_such_case"]) == 2
    assert "allowed:" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name", ["benchmarks.cases", "benchmarks.harness", "benchmarks.mesa_reference"]
)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, verbose=False)
    assert result.attempted > 0 and result.failed == 0


def test_phase_costs_count_the_products_each_phase_takes() -> None:
    from benchmarks.cases import phase_costs

    costs = phase_costs(600, 2)
    taken = costs["phase_products"]
    assert set(taken) == set(costs["phase_ms"])
    # the public goods game's payoffs are two products a step, whatever else changes
    assert taken["coproduction"] >= 2 and taken["trust"] >= 1
    assert taken["structure check"] == 0 and taken["jurisdiction rows"] == 0
    report = Report(quick=False, results={"phase_costs": costs}, machine={})
    assert "| products taken |" in format_report(report)
