"""The benchmark cases: what is measured, on which configuration, how many times.

Each case is a function returning a flat dict of measurements (JSON-ready). Times
are wall-clock medians over repetitions (the machine is shared and noisy); peak
memory is the process's peak resident set size, so the harness runs every case
in a fresh interpreter. Import a case to rerun it alone:

>>> from benchmarks.cases import CASES
>>> sorted(CASES)[:3]
['cli_help', 'coproduction', 'coproduction_mesa']
"""

from __future__ import annotations

import contextlib
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CASES",
    "FULL",
    "QUICK",
    "Case",
    "coproduction_only",
    "peak_memory_mb",
    "spmv_ms",
    "timed_steps",
]

Measurement = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """A benchmark: its function and its settings in the full and the quick run."""

    name: str
    description: str
    run: Callable[..., Measurement]
    full: dict[str, Any]
    quick: dict[str, Any] | None  # None: skipped by --quick


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024.0 if sys.platform != "darwin" else peak / 2**20


def coproduction_only(citizens: int):
    """Parameters with every phase off except co-production (the public goods game)."""
    from sim import PHASE_NAMES, ModelParams

    mechanisms = {name: name == "coproduction" for name in PHASE_NAMES}
    return ModelParams(citizens=citizens, mechanisms=mechanisms)


@contextlib.contextmanager
def _collection_timer(model) -> Iterator[tuple[list[float], list[float]]]:
    """Time the data collection inside each ``model.step()``.

    Yields two lists, one entry per step: the time spent computing the indicators
    (taking the step's snapshot) and the time spent recording them: the
    DataCollector (which includes resolving the deferred indicators every few
    dozen steps) and the table of indicators per jurisdiction
    (``metrics.jurisdictions_every``, every step by default).
    """
    import sim.model

    computing: list[float] = []
    recording: list[float] = []
    snapshot = sim.model.take_snapshot
    collect = model.datacollector.collect

    def timed_snapshot(m):
        start = time.perf_counter()
        try:
            return snapshot(m)
        finally:
            computing.append(time.perf_counter() - start)

    def timed_collect(m):
        start = time.perf_counter()
        try:
            collect(m)
        finally:
            recording.append(time.perf_counter() - start)

    rows = model._record_jurisdiction_rows

    def timed_rows():
        start = time.perf_counter()
        try:
            rows()
        finally:
            recording[-1] += time.perf_counter() - start

    sim.model.take_snapshot = timed_snapshot
    model.datacollector.collect = timed_collect
    model._record_jurisdiction_rows = timed_rows
    try:
        yield computing, recording
    finally:
        sim.model.take_snapshot = snapshot
        del model.datacollector.collect
        del model._record_jurisdiction_rows


def timed_steps(model, steps: int) -> dict[str, list[float]]:
    """Run ``steps`` steps; per step: wall time, CPU time, indicators and recording time.

    The indicators still unresolved after the last step are resolved (as reading
    the table would), the per-jurisdiction tables of the recorded steps are
    computed, and that time is added to the last step's recording and wall time,
    so that no part of data collection goes unmeasured.
    """
    wall: list[float] = []
    cpu: list[float] = []
    with _collection_timer(model) as (computing, recording):
        for _ in range(steps):
            start, start_cpu = time.perf_counter(), time.process_time()
            model.step()
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    start, start_cpu = time.perf_counter(), time.process_time()
    model.datacollector.flush()
    _jurisdiction_tables(model)
    if steps:
        wall[-1] += time.perf_counter() - start
        cpu[-1] += time.process_time() - start_cpu
        recording[-1] += time.perf_counter() - start
    return {"wall": wall, "cpu": cpu, "indicators": computing, "recording": recording}


def _jurisdiction_tables(model) -> None:
    """Compute the per-jurisdiction tables of the recorded steps (what reading the frame does).

    The model records each step's inputs and computes the tables in one batch
    when they are read; :meth:`GovernanceModel.jurisdiction_tables` is that
    computation, without building the data frame.
    """
    model.jurisdiction_tables()


def spmv_ms(model, repeats: int) -> tuple[float, float]:
    """Median wall and CPU time (ms) of one sparse matrix-vector product over the citizen graph."""
    import numpy as np

    x = np.random.default_rng(0).random(len(model.citizens))
    matrix = model.social.matrix
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        matrix @ x
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return 1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)


def _step_summary(citizens: int, timings: dict[str, list[float]]) -> Measurement:
    wall = timings["wall"]
    step = statistics.median(wall)

    def share(part: str) -> float:
        return statistics.median(p / w for p, w in zip(timings[part], wall, strict=True))

    return {
        "step_ms": 1e3 * step,
        "step_cpu_ms": 1e3 * statistics.median(timings["cpu"]),
        "agent_steps_per_s": citizens / step,
        "indicators_share": share("indicators"),
        "recording_share": share("recording"),
        "collection_share": statistics.median(
            (i + r) / w
            for i, r, w in zip(timings["indicators"], timings["recording"], wall, strict=True)
        ),
        # over all steps together, so that the steps that refresh the every-k-steps
        # indicators (network metrics, satisfaction Gini) count with their full cost
        "collection_mean_share": (sum(timings["indicators"]) + sum(timings["recording"]))
        / sum(wall),
    }


def default_run(replicates: int, steps: int = 200) -> Measurement:
    """The default configuration, one replicate after imports: build it and run it."""
    from sim import GovernanceModel, ModelParams

    GovernanceModel(ModelParams(citizens=100), rng=0).run(2)  # warm caches, not imports
    totals, totals_cpu, setups = [], [], []
    timings: dict[str, list[float]] = {"wall": [], "cpu": [], "indicators": [], "recording": []}
    for seed in range(replicates):
        start, start_cpu = time.perf_counter(), time.process_time()
        model = GovernanceModel(ModelParams(), rng=seed)
        built = time.perf_counter()
        for part, values in timed_steps(model, steps).items():
            timings[part] += values
        totals.append(time.perf_counter() - start)
        totals_cpu.append(time.process_time() - start_cpu)
        setups.append(built - start)
    citizens = ModelParams().citizens
    return {
        "citizens": citizens,
        "steps": steps,
        "repetitions": replicates,
        "run_s": statistics.median(totals),
        "run_cpu_s": statistics.median(totals_cpu),
        "setup_s": statistics.median(setups),
        **_step_summary(citizens, timings),
        "peak_mb": peak_memory_mb(),
    }


def cli_help(repetitions: int) -> Measurement:
    """Wall time of ``govsim --help`` in a fresh process (includes interpreter start)."""
    govsim = shutil.which("govsim", path=str(Path(sys.executable).parent)) or shutil.which("govsim")
    command = [govsim, "--help"] if govsim else [sys.executable, "-m", "experiments.cli"]
    times, cpu = [], []
    for _ in range(repetitions):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {
        "repetitions": repetitions,
        "run_s": statistics.median(times),
        "run_cpu_s": statistics.median(cpu),
    }


def model_steps(
    citizens: int,
    steps: int,
    *,
    agent_views: bool = False,
    coproduction: bool = False,
    spmv_repeats: int = 30,
) -> Measurement:
    """Build one model and time its steps (full model, or co-production only)."""
    from sim import GovernanceModel, ModelParams

    params = coproduction_only(citizens) if coproduction else ModelParams(citizens=citizens)
    start, start_cpu = time.perf_counter(), time.process_time()
    model = GovernanceModel(params, rng=1, agent_views=agent_views)
    setup = time.perf_counter() - start
    memory_built = peak_memory_mb()
    timings = timed_steps(model, steps)
    total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    product, product_cpu = spmv_ms(model, spmv_repeats)
    return {
        "citizens": citizens,
        "steps": steps,
        "agent_views": agent_views,
        "setup_s": setup,
        "run_s": total,
        "run_cpu_s": total_cpu,
        **_step_summary(citizens, timings),
        "spmv_ms": product,
        "spmv_cpu_ms": product_cpu,
        "setup_peak_mb": memory_built,
        "peak_mb": peak_memory_mb(),
    }


class _CountedProducts:
    """Count the products of the citizens' adjacency taken inside a block of code.

    Swaps the matrix's class for a subclass whose ``@`` counts (and does nothing
    else), and counts the products :meth:`sim.network.SocialAdjacency.neighbour_sum`
    takes by calling the CSR kernel itself (without ``@``), so every phase's
    products are seen wherever they are taken. :meth:`restore` undoes both.
    """

    def __init__(self, matrix) -> None:
        from sim.network import SocialAdjacency

        self.count = 0
        counter = self
        base = type(matrix)

        class Counted(base):  # type: ignore[misc, valid-type]
            def __matmul__(self, other):
                counter.count += 1
                return base.__matmul__(self, other)

        kernel = SocialAdjacency.neighbour_sum

        def counted_sum(adjacency, values):
            before = counter.count
            total = kernel(adjacency, values)
            if counter.count == before and adjacency.matrix is matrix:
                counter.count += 1  # a product taken by the kernel, not through ``@``
            return total

        self._matrix, self._base, self._kernel = matrix, base, kernel
        matrix.__class__ = Counted
        SocialAdjacency.neighbour_sum = counted_sum

    def restore(self) -> None:
        from sim.network import SocialAdjacency

        self._matrix.__class__ = self._base
        SocialAdjacency.neighbour_sum = self._kernel


def phase_costs(citizens: int, steps: int) -> Measurement:
    """CPU time of each phase of a step, and of the indicators, in sparse products.

    Runs the check of the citizens' structure and the phases one by one as
    ``GovernanceModel.step`` does (events aside), so each can be timed; CPU time,
    because the question is what the code costs. Also counts, per phase, the
    products of the citizens' adjacency actually taken (the rest of a phase's
    cost is passes over the citizen arrays).
    """
    from sim import GovernanceModel, ModelParams
    from sim.indicators import take_snapshot
    from sim.phases import PHASES
    from sim.structure import refresh_structure

    model = GovernanceModel(ModelParams(citizens=citizens), rng=1, agent_views=False)
    model.run(3)
    switches = model.params.mechanisms
    phases = [(name, phase) for name, phase in PHASES if getattr(switches, name)]
    spent: dict[str, list[float]] = {"structure check": []}
    spent.update({name: [] for name, _ in phases})
    spent["indicators"] = []
    spent["jurisdiction rows"] = []
    products = dict.fromkeys(spent, 0)
    counter = _CountedProducts(model.social.matrix)

    def timed(name: str, action) -> None:
        before = counter.count
        start = time.process_time()
        action()
        spent[name].append(time.process_time() - start)
        products[name] += counter.count - before

    def indicators() -> None:
        model.indicator_snapshot = take_snapshot(model)
        model.datacollector.collect(model)  # resolves the deferred indicators now and then

    try:
        for _ in range(steps):
            model.steps += 1
            timed("structure check", lambda: refresh_structure(model))
            model.ledger.start_step()
            for name, phase in phases:
                timed(name, lambda phase=phase: phase(model))
            timed("indicators", indicators)
            timed("jurisdiction rows", model._record_jurisdiction_rows)
        # what is still deferred, as reading the table would
        start = time.process_time()
        model.datacollector.flush()
        spent["indicators"][-1] += time.process_time() - start
        start = time.process_time()
        _jurisdiction_tables(model)
        spent["jurisdiction rows"][-1] += time.process_time() - start
    finally:
        counter.restore()
    product = spmv_ms(model, 50)[1]
    phase_ms = {name: 1e3 * statistics.fmean(times) for name, times in spent.items()}
    return {
        "citizens": citizens,
        "steps": steps,
        "spmv_cpu_ms": product,
        "step_cpu_ms": sum(phase_ms.values()),
        "phase_ms": phase_ms,
        "phase_products": {name: count / steps for name, count in products.items()},
    }


def mesa_reference(citizens: int, steps: int) -> Measurement:
    """The idiomatic Mesa reference on the co-production-only configuration."""
    from benchmarks.mesa_reference import MesaReference
    from sim import GovernanceModel

    start = time.perf_counter()
    model = GovernanceModel(coproduction_only(citizens), rng=1, agent_views=False)
    reference = MesaReference.from_model(model, seed=1)
    setup = time.perf_counter() - start
    durations, cpu = [], []
    for _ in range(steps):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        reference.step()
        durations.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
    step = statistics.median(durations)
    return {
        "citizens": citizens,
        "steps": steps,
        "setup_s": setup,
        "step_ms": 1e3 * step,
        "step_cpu_ms": 1e3 * statistics.median(cpu),
        "agent_steps_per_s": citizens / step,
        "peak_mb": peak_memory_mb(),
    }


CASES: dict[str, Case] = {
    case.name: case
    for case in (
        Case(
            "default",
            "default config (2,000 citizens), one replicate of 200 steps after imports",
            default_run,
            {"replicates": 5},
            {"replicates": 3},
        ),
        Case(
            "cli_help",
            "`govsim --help`, fresh process",
            cli_help,
            {"repetitions": 5},
            {"repetitions": 3},
        ),
        Case(
            "coproduction",
            "co-production only, Barabasi-Albert graph, govsim (array phases)",
            model_steps,
            {"citizens": 10_000, "steps": 100, "coproduction": True},
            {"citizens": 10_000, "steps": 40, "coproduction": True},
        ),
        Case(
            "coproduction_mesa",
            "co-production only, the same graph and start, idiomatic Mesa reference",
            mesa_reference,
            {"citizens": 10_000, "steps": 5},
            {"citizens": 10_000, "steps": 3},
        ),
        Case(
            "full_10k",
            "full model, all phases on",
            model_steps,
            {"citizens": 10_000, "steps": 100},
            {"citizens": 10_000, "steps": 40},
        ),
        Case(
            "full_100k",
            "full model, all phases on",
            model_steps,
            {"citizens": 100_000, "steps": 30, "spmv_repeats": 50},
            {"citizens": 50_000, "steps": 15},
        ),
        Case(
            "full_100k_views",
            "full model with Mesa agent views",
            model_steps,
            {"citizens": 100_000, "steps": 10, "agent_views": True},
            None,
        ),
        Case(
            "phase_costs",
            "full model, CPU time of each phase in sparse products",
            phase_costs,
            {"citizens": 100_000, "steps": 30},
            None,
        ),
        Case(
            "full_1m",
            "full model, 100 steps end to end",
            model_steps,
            {"citizens": 1_000_000, "steps": 100, "spmv_repeats": 10},
            None,
        ),
        Case(
            "full_1m_views",
            "full model with Mesa agent views",
            model_steps,
            {"citizens": 1_000_000, "steps": 5, "agent_views": True, "spmv_repeats": 5},
            None,
        ),
    )
}

FULL: tuple[str, ...] = tuple(CASES)
QUICK: tuple[str, ...] = tuple(name for name, case in CASES.items() if case.quick is not None)
