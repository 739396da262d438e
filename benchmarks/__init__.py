"""Speed and memory benchmarks of govsim, with an idiomatic Mesa model as yardstick.

``python -m benchmarks`` (or ``govsim bench``) runs every case and prints a
Markdown table with the ratios the performance targets are stated in;
``--quick`` runs small sizes in under 30 s. The cases are importable, so the
numbers in ``docs/PERFORMANCE.md`` can be regenerated from Python:

>>> from benchmarks import CASES, run_benchmarks, format_report  # doctest: +SKIP
>>> print(format_report(run_benchmarks(quick=True)))  # doctest: +SKIP
"""

from benchmarks.cases import CASES, FULL, QUICK, Case
from benchmarks.harness import Report, Target, format_report, run_benchmarks, run_case, targets

__all__ = [
    "CASES",
    "FULL",
    "QUICK",
    "Case",
    "Report",
    "Target",
    "format_report",
    "run_benchmarks",
    "run_case",
    "targets",
]
