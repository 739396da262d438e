"""Sweep scale benchmark (not a test): wall time, speed-up and peak memory of `govsim sweep`.

Runs the same sweep of the default model (2,000 citizens, 200 steps, every indicator kept at
every step) once per worker count, back to back in one session, each as a fresh
``govsim sweep`` process, sampling the resident memory of its whole process tree (parent
plus workers) every 0.2 s. The design is a Latin hypercube over decentralisation and the
participation reward, one replicate per point, so every run differs.

    .venv/bin/python benchmarks/sweep_scale.py --runs 100 --workers 1 2
    .venv/bin/python benchmarks/sweep_scale.py --runs 1000 --workers 2

Prints a Markdown table (and writes it as JSON with --json). Timings on a shared machine are
noisy: compare worker counts measured in the same session only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil

CONFIG = """
run: {{steps: {steps}, seed: 20261126}}
model: {{citizens: {citizens}}}
sweep:
  design: lhs
  samples: {runs}
  replicates: 1
  parameters:
    model.decentralization: {{low: 0.0, high: 1.0}}
    model.levers.participation_reward: {{low: 0.0, high: 0.1}}
"""


def measure(config: Path, out: Path, workers: int) -> dict[str, float]:
    """Run one sweep in a subprocess; return wall seconds and peak memory (MiB)."""
    govsim = str(Path(sys.executable).with_name("govsim"))  # the console script of this venv
    command = [
        govsim,
        "sweep",
        str(config),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--quiet",
    ]
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_tree = peak_parent = 0
    loads = []
    cpu_seen: dict[int, float] = {}
    while process.poll() is None:
        loads.append(os.getloadavg()[0])
        try:
            tree = [process, *process.children(recursive=True)]
            parent = process.memory_info().rss
            children = sum(_rss(c) for c in tree[1:])
            for member in tree:
                with contextlib.suppress(psutil.NoSuchProcess):
                    times = member.cpu_times()
                    cpu_seen[member.pid] = times.user + times.system
        except psutil.NoSuchProcess:
            break
        peak_parent = max(peak_parent, parent)
        peak_tree = max(peak_tree, parent + children)
        time.sleep(0.2)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    # CPU seconds of the sweep's process tree, as last sampled (up to 0.2 s short per process)
    cpu = sum(cpu_seen.values())
    if process.returncode != 0:
        raise SystemExit(f"sweep with {workers} workers failed ({process.returncode}):\n{stderr}")
    size = sum(p.stat().st_size for p in out.rglob("*.parquet"))
    runs = pd.read_parquet(out / "runs.parquet")
    busy = float(runs["wall_seconds"].sum())
    return {
        "mean_run_seconds": round(busy / len(runs), 3),
        # share of the workers' wall time spent inside runs: what the sweep machinery does not waste
        "utilisation": round(busy / (wall * workers), 3),
        "cpu_seconds": round(cpu, 1),
        "mean_load": round(sum(loads) / max(len(loads), 1), 1),
        "workers": workers,
        "wall_seconds": round(wall, 1),
        "peak_tree_mib": round(peak_tree / 2**20),
        "peak_parent_mib": round(peak_parent / 2**20),
        "parquet_mib": round(size / 2**20, 1),
        "summary": stdout.strip(),
    }


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--citizens", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "scale.yaml"
        config.write_text(
            CONFIG.format(runs=args.runs, citizens=args.citizens, steps=args.steps), "utf-8"
        )
        for workers in args.workers:
            rows.append(measure(config, Path(tmp) / f"out{workers}", workers))
            print(f"workers {workers}: {rows[-1]['wall_seconds']} s", file=sys.stderr, flush=True)
    base = next((r["wall_seconds"] for r in rows if r["workers"] == 1), None)
    print(
        f"{args.runs} runs x {args.citizens} citizens x {args.steps} steps; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}\n"
    )
    print(
        "| workers | wall (s) | runs/s | speed-up vs 1 | CPU (s) | mean s/run | worker utilisation | mean load (1 min) "
        "| peak memory, all processes (MiB) | peak parent (MiB) | Parquet (MiB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        speedup = f"{base / row['wall_seconds']:.2f}x" if base else "-"
        print(
            f"| {row['workers']} | {row['wall_seconds']} | {args.runs / row['wall_seconds']:.2f} | {speedup} "
            f"| {row['cpu_seconds']} | {row['mean_run_seconds']} | {row['utilisation']:.0%} | {row['mean_load']} "
            f"| {row['peak_tree_mib']} | {row['peak_parent_mib']} | {row['parquet_mib']} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "rows": rows}, indent=2), "utf-8")


if __name__ == "__main__":
    main()
