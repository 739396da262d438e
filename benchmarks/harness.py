"""Run the benchmark cases, each in a fresh interpreter, and report them with their ratios.

Every case runs in its own process so that its peak memory is its own and one
case's caches do not flatter the next; all cases of a report run back to back in
one invocation, so the ratios compare numbers measured under the same load.

>>> report = Report(quick=True, results={}, machine={})
>>> "| case |" in format_report(report)
True
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.cases import CASES, FULL, QUICK

__all__ = ["Report", "Target", "format_report", "run_benchmarks", "run_case", "targets"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Report:
    """Measurements of one invocation, by case name, and the machine they ran on."""

    quick: bool
    results: dict[str, dict[str, Any]]
    machine: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """One of the issue's performance targets, evaluated on a report."""

    name: str
    value: float | None
    limit: float
    unit: str
    at_most: bool  # True: value must not exceed limit; False: must reach it

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None when the cases it needs did not run)."""
        if self.value is None:
            return None
        return self.value <= self.limit if self.at_most else self.value >= self.limit


def run_case(name: str, quick: bool = False) -> dict[str, Any]:
    """Run one case in this process and return its measurements."""
    case = CASES[name]
    settings = case.quick if quick and case.quick is not None else case.full
    return case.run(**settings)


def _run_isolated(name: str, quick: bool, timeout: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks", "--case", name, "--json"]
    if quick:
        command.append("--quick")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine_info() -> dict[str, Any]:
    """Where and under what load the numbers were taken."""
    import mesa
    import networkx
    import numpy
    import scipy

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "networkx": networkx.__version__,
        "mesa": mesa.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def run_benchmarks(
    quick: bool = False,
    names: Iterable[str] | None = None,
    *,
    isolated: bool = True,
    timeout: float = 900.0,
    progress: bool = False,
) -> Report:
    """Run the cases (all of the full or quick set by default) and collect a report."""
    selected = list(names) if names is not None else list(QUICK if quick else FULL)
    unknown = [n for n in selected if n not in CASES]
    if unknown:
        raise KeyError(f"unknown case(s) {unknown}; known: {sorted(CASES)}")
    report = Report(quick=quick, results={}, machine=machine_info())
    for name in selected:
        if progress:
            print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            result = _run_isolated(name, quick, timeout) if isolated else run_case(name, quick)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            report.errors[name] = str(error)
            continue
        report.results[name] = result
    report.machine["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


_CPU_KEYS = {"step_ms": "step_cpu_ms", "run_s": "run_cpu_s", "spmv_ms": "spmv_cpu_ms"}


def _get(report: Report, case: str, key: str, cpu: bool = False) -> float | None:
    result = report.results.get(case, {})
    if cpu and key == "agent_steps_per_s":
        step = result.get("step_cpu_ms")
        return None if not step else 1e3 * result["citizens"] / step
    value = result.get(_CPU_KEYS.get(key, key) if cpu else key)
    return None if value is None else float(value)


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def targets(report: Report, cpu: bool = False) -> list[Target]:
    """The issue's targets, evaluated on the cases present in ``report``.

    With ``cpu=True`` times are the process's CPU time instead of wall time: on a
    shared, loaded machine that is the better measure of the code's own cost.
    """

    def get(case: str, key: str) -> float | None:
        return _get(report, case, key, cpu)

    large = "full_100k"
    biggest = "full_1m" if "full_1m" in report.results else large
    per_citizen_small = _ratio(get("full_10k", "step_ms"), get("full_10k", "citizens"))
    per_citizen_big = _ratio(get(biggest, "step_ms"), get(biggest, "citizens"))
    full_model = {
        name: r
        for name, r in report.results.items()
        if "collection_share" in r and name != "coproduction"
    }
    collection = [r["collection_share"] for r in full_model.values()]
    recording = [r["recording_share"] for r in report.results.values() if "recording_share" in r]
    size = report.results.get("coproduction", {}).get("citizens", 10_000)
    large_size = report.results.get(large, {}).get("citizens", 100_000)
    big_size = report.results.get(biggest, {}).get("citizens", 1_000_000)
    return [
        Target(
            f"co-production only, {size:,} citizens: Mesa reference / govsim, per step",
            _ratio(get("coproduction_mesa", "step_ms"), get("coproduction", "step_ms")),
            100.0,
            "x",
            at_most=False,
        ),
        Target(
            f"full model, {large_size:,} citizens: citizen-steps per second",
            get(large, "agent_steps_per_s"),
            2e6,
            "/s",
            at_most=False,
        ),
        Target(
            f"full model, {large_size:,} citizens: one step / one sparse product",
            _ratio(get(large, "step_ms"), get(large, "spmv_ms")),
            15.0,
            "products",
            at_most=True,
        ),
        Target(
            f"{big_size:,} citizens, 100 steps end to end (set-up included)",
            get("full_1m", "run_s"),
            120.0,
            "s",
            at_most=True,
        ),
        Target(
            f"{big_size:,} citizens: peak memory",
            _get(report, "full_1m", "peak_mb"),
            4096.0,
            "MB",
            at_most=True,
        ),
        Target(
            f"cost per citizen-step, {big_size:,} / 10,000 citizens",
            _ratio(per_citizen_big, per_citizen_small),
            2.0,
            "x",
            at_most=True,
        ),
        Target(
            "default config: one replicate (set-up + 200 steps) after imports",
            get("default", "run_s"),
            0.5,
            "s",
            at_most=True,
        ),
        Target("`govsim --help`", get("cli_help", "run_s"), 1.0, "s", at_most=True),
        Target(
            "full model, every size: data collection (indicators + recording), "
            "largest median share of a step",
            max(collection) if collection else None,
            0.10,
            "of a step",
            at_most=True,
        ),
        Target(
            f"co-production only, {size:,} citizens: data collection, median share of a step",
            _get(report, "coproduction", "collection_share"),
            0.10,
            "of a step",
            at_most=True,
        ),
        Target(
            "recording alone (DataCollector): largest share of a step",
            max(recording) if recording else None,
            0.10,
            "of a step",
            at_most=True,
        ),
    ]


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    value = float(value)
    if value >= 1e6:
        return f"{value / 1e6:.2f} M"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.1f}%"


def format_report(report: Report) -> str:
    """The report as Markdown: machine, one row per case, then the targets."""
    m = report.machine
    lines = [
        f"Run: {'quick' if report.quick else 'full'}, {m.get('date', '')}; "
        f"Python {m.get('python', '?')}, numpy {m.get('numpy', '?')}, scipy {m.get('scipy', '?')}, "
        f"networkx {m.get('networkx', '?')}, Mesa {m.get('mesa', '?')}; {m.get('cpus', '?')} CPUs, "
        f"load average {m.get('load_average', '?')} before, {m.get('load_average_after', '?')} after.",
        "",
        "| case | citizens | set-up s | step ms | step CPU ms | agent-steps/s | indicators "
        "| recording | collection, all steps | sparse product ms | run s | peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in report.results.items():
        lines.append(
            "| "
            + " | ".join(
                [
                    name,
                    _number(r.get("citizens")),
                    _number(r.get("setup_s")),
                    _number(r.get("step_ms")),
                    _number(r.get("step_cpu_ms")),
                    _number(r.get("agent_steps_per_s")),
                    _percent(r.get("indicators_share")),
                    _percent(r.get("recording_share")),
                    _percent(r.get("collection_mean_share")),
                    _number(r.get("spmv_ms")),
                    _number(r.get("run_s")),
                    _number(r.get("peak_mb")),
                ]
            )
            + " |"
        )
    for name, error in report.errors.items():
        lines.append(f"| {name} | failed: {error} ||||||||||| ")
    costs = report.results.get("phase_costs")
    if costs:
        product = costs["spmv_cpu_ms"]
        lines += [
            "",
            f"Where a step goes (full model, {costs['citizens']:,} citizens, CPU time; "
            f"one sparse product = {product:.3g} ms):",
            "",
            "| phase | ms | in sparse products | products taken |",
            "|---|---:|---:|---:|",
        ]
        taken = costs.get("phase_products", {})
        for phase, ms in costs["phase_ms"].items():
            count = taken.get(phase)
            lines.append(f"| {phase} | {ms:.3g} | {ms / product:.1f} | {_number(count, 2)} |")
        total = costs["step_cpu_ms"]
        lines.append(
            f"| **step** | {total:.3g} | {total / product:.1f} "
            f"| {_number(sum(taken.values()), 2) if taken else '-'} |"
        )
    lines += [
        "",
        "| target | limit | wall clock | met | CPU time | met |",
        "|---|---:|---:|:---:|---:|:---:|",
    ]
    verdict = {True: "yes", False: "**no**", None: "-"}
    for wall, cpu in zip(targets(report), targets(report, cpu=True), strict=True):
        sign = "<=" if wall.at_most else ">="
        lines.append(
            f"| {wall.name} | {sign} {_number(wall.limit)} {wall.unit} "
            f"| {_number(wall.value)} | {verdict[wall.met]} "
            f"| {_number(cpu.value)} | {verdict[cpu.met]} |"
        )
    return "\n".join(lines)
