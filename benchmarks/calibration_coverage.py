"""Coverage study of `govsim calibrate` (a benchmark, not a test).

For each of several true parameter values (drawn from the prior with a seeded
generator), simulate the recovery problem of :mod:`experiments.calibration.recovery`
with those values, calibrate on the result (one worker, so every calibration is
reproducible), and record whether each true value lies inside its 90% posterior
interval. A calibrated 90% interval should cover the truth about 90% of the time;
the table gives the observed coverage per parameter with a 95% Wilson interval,
the mean shrinkage (1 - posterior width / prior width) and the time taken.

    .venv/bin/python benchmarks/calibration_coverage.py --truths 10
    .venv/bin/python benchmarks/calibration_coverage.py --truths 40 --population 100 --generations 5

ABC's posterior is an approximation (threshold epsilon > 0 widens it), so coverage
above 90% is expected with a small budget and means conservative intervals; coverage
well below 90% would mean the intervals are too narrow.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a binomial proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def main(argv: list[str] | None = None) -> int:
    """Run the coverage study and print a Markdown table."""
    from experiments.calibration import calibrate
    from experiments.calibration.recovery import CONFIG, PRIORS, observe, targets_for

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=int, default=10, help="true parameter sets (default 10)")
    parser.add_argument("--population", type=int, default=40, help="ABC population size")
    parser.add_argument("--generations", type=int, default=3, help="ABC generations at most")
    parser.add_argument("--max-simulations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026, help="seed of the true values")
    parser.add_argument("--json", type=Path, help="also write every row as JSON")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    rows = []
    with tempfile.TemporaryDirectory(prefix="govsim-coverage-") as tmp:
        folder = Path(tmp)
        (folder / "config.yaml").write_text(CONFIG)
        for k in range(args.truths):
            true = {key: float(rng.uniform(p["low"], p["high"])) for key, p in PRIORS.items()}
            observed = observe(true, seed=int(rng.integers(2**62)))
            budget = {
                "population_size": args.population,
                "max_generations": args.generations,
                "max_simulations": args.max_simulations,
                "minimum_epsilon": 0.3,
                "predictive_draws": 5,
            }
            targets = folder / f"targets_{k}.yaml"
            targets.write_text(yaml.safe_dump(targets_for(observed, budget), sort_keys=False))
            start = time.perf_counter()
            result = calibrate(folder / "config.yaml", targets, folder / f"out_{k}", workers=1)
            seconds = time.perf_counter() - start
            summary = result.summary.set_index("parameter")
            for key, value in true.items():
                row = summary.loc[key]
                rows.append(
                    {
                        "truth": k,
                        "parameter": key,
                        "true": value,
                        "q05": row["posterior_q05"],
                        "median": row["posterior_median"],
                        "q95": row["posterior_q95"],
                        "covered": bool(row["posterior_q05"] <= value <= row["posterior_q95"]),
                        "shrinkage": row["shrinkage"],
                        "seconds": seconds,
                        "final_epsilon": result.manifest["engine"]["final_epsilon"],
                    }
                )
            print(f"truth {k + 1}/{args.truths} done in {seconds:.0f} s", file=sys.stderr)
    frame = pd.DataFrame(rows)
    print("| parameter | truths | covered by 90% interval | 95% CI of coverage | mean shrinkage |")
    print("|---|---|---|---|---|")
    for key, group in frame.groupby("parameter", sort=False):
        hits, n = int(group["covered"].sum()), len(group)
        low, high = wilson(hits, n)
        print(
            f"| {key} | {n} | {hits}/{n} = {hits / n:.2f} | {low:.2f}-{high:.2f} | "
            f"{group['shrinkage'].mean():.2f} |"
        )
    seconds = frame.drop_duplicates("truth")["seconds"]
    print(f"\nseconds per calibration: median {seconds.median():.0f}, total {seconds.sum():.0f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
