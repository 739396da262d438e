"""``python -m benchmarks [--quick] [--case NAME ...] [--json] [--output FILE]``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from benchmarks.cases import CASES
from benchmarks.harness import format_report, run_benchmarks, run_case


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table (or one case's JSON with --json)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Speed and memory benchmarks of govsim; see docs/PERFORMANCE.md.",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, under 30 s")
    parser.add_argument(
        "--case", action="append", choices=sorted(CASES), help="run only this case (repeatable)"
    )
    parser.add_argument(
        "--json", action="store_true", help="print JSON (with one --case: run it in-process)"
    )
    parser.add_argument("--output", help="also write the Markdown table to this file")
    args = parser.parse_args(argv)
    if args.json and args.case and len(args.case) == 1:
        print(json.dumps(run_case(args.case[0], quick=args.quick)))
        return 0
    report = run_benchmarks(quick=args.quick, names=args.case, progress=True)
    if args.json:
        print(json.dumps(asdict(report), indent=2))
    else:
        text = format_report(report)
        print(text)
        if args.output:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
