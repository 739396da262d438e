"""Run validation cases and show their checks as a table.

The four cases reduce the main model to canonical models (``docs/VALIDATION.md``):

========================  ==========================================
case                      source
========================  ==========================================
``coproduction``          Santos, Santos & Pacheco (2008), Nature
``compliance``            Becker (1968), J. Political Economy
``unrest``                Epstein (2002), PNAS
``allocation``            Oates (1972), Fiscal Federalism
========================  ==========================================
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from experiments.errors import UserError
from experiments.validation.core import CaseResult, Variant

__all__ = ["ALIASES", "CASE_NAMES", "CITATIONS", "render_table", "resolve_cases", "run_validation"]

CASE_NAMES: tuple[str, ...] = ("coproduction", "compliance", "unrest", "allocation")
CITATIONS: dict[str, str] = {
    "coproduction": "Santos et al. 2008",
    "compliance": "Becker 1968",
    "unrest": "Epstein 2002",
    "allocation": "Oates 1972",
}
ALIASES: dict[str, str] = {
    "santos": "coproduction",
    "becker": "compliance",
    "epstein": "unrest",
    "oates": "allocation",
}


def resolve_cases(names: Sequence[str]) -> list[str]:
    """Canonical case names, in the order given (all cases when empty).

    Raises
    ------
    UserError
        For an unknown name, listing the allowed ones.

    >>> resolve_cases(["oates", "unrest"])
    ['allocation', 'unrest']
    """
    if not names:
        return list(CASE_NAMES)
    out: list[str] = []
    for name in names:
        case = ALIASES.get(name.lower(), name.lower())
        if case not in CASE_NAMES:
            from experiments.errors import nearest

            hint = nearest(name, [*CASE_NAMES, *ALIASES])
            suggestion = f" (did you mean {hint!r}?)" if hint else ""
            raise UserError(
                f"case: unknown validation case {name!r}{suggestion}; allowed: "
                f"{', '.join(CASE_NAMES)} (aliases: {', '.join(ALIASES)})"
            )
        if case not in out:
            out.append(case)
    return out


def run_validation(
    cases: Iterable[str],
    variant: Variant,
    out: Path,
    progress: Callable[[str], None] | None = None,
) -> list[CaseResult]:
    """Run each case's ``variant`` and write its figure and data into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for case in resolve_cases(list(cases)):
        if progress is not None:
            progress(case)
        module = importlib.import_module(f"experiments.validation.{case}")
        results.append(module.run_case(variant, out))
    _write_summary(results, out / "validation_summary.csv")
    return results


def _write_summary(results: list[CaseResult], path: Path) -> None:
    import csv

    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "case",
                "variant",
                "kind",
                "check",
                "expected",
                "measured",
                "tolerance",
                "pass",
                "disagreement",
            ]
        )
        for result in results:
            for check in result.checks:
                writer.writerow(
                    [
                        result.case,
                        result.variant,
                        check.kind,
                        check.name,
                        check.expected,
                        check.measured,
                        check.tolerance,
                        check.passed,
                        check.disagreement,
                    ]
                )


def _column_widths(
    texts: dict[str, list[str]], names: tuple[str, ...], width: int
) -> list[int | None]:
    """Widths that fit ``width``: each column at least its longest word (up to 16), so that
    a number is not split across lines, the rest shared in proportion to the text."""
    natural = {n: max([len(n), *(len(str(t)) for t in texts[n])]) for n in names}
    budget = width - 1 - 3 * len(names)  # borders and padding: 3 per column
    if sum(natural.values()) <= budget:
        return [None] * len(names)
    floor = {
        n: min(max([len(n), *(len(w) for t in texts[n] for w in str(t).split())]), 16)
        for n in names
    }
    while sum(floor.values()) > budget and max(floor.values()) > 4:
        floor[max(floor, key=floor.__getitem__)] -= 1
    spare = max(budget - sum(floor.values()), 0)
    extra = {n: natural[n] - floor[n] for n in names}
    total = sum(extra.values()) or 1
    widths = {n: floor[n] + min(extra[n], spare * extra[n] // total) for n in names}
    return [widths[n] for n in names]


def render_table(results: list[CaseResult], console) -> None:
    """Print one row per check (case, kind: check, expected, measured, tolerance, pass).

    ``kind`` says whether the check is a verification (the code follows its own rule)
    or a validation (a published result reproduced).
    """
    from rich.table import Table

    table = Table(title="Validation against published results", show_lines=True)
    # the kind leads the check's text rather than taking a column of its own, so that
    # the table still fits 80 columns without splitting numbers
    names = ("case", "check", "expected", "measured", "tolerance", "pass")
    texts: dict[str, list[str]] = {
        "case": [f"{r.case} {CITATIONS.get(r.case, r.source)}" for r in results],
        "check": [f"{c.kind}: {c.name}" for r in results for c in r.checks],
        "expected": [c.expected for r in results for c in r.checks],
        "measured": [c.measured for r in results for c in r.checks],
        "tolerance": [c.tolerance for r in results for c in r.checks],
        "pass": ["pass", "FAIL", "known"],
    }
    for column, width in zip(names, _column_widths(texts, names, console.width), strict=True):
        table.add_column(column, overflow="fold", width=width)
    for result in results:
        for n, check in enumerate(result.checks):
            citation = CITATIONS.get(result.case, result.source)
            label = f"{result.case}\n[dim]{citation}[/dim]" if n == 0 else ""
            if check.passed:
                mark = "[green]pass[/green]"
            elif check.disagreement:
                mark = "[yellow]known[/yellow]"  # a documented disagreement
            else:
                mark = "[bold red]FAIL[/bold red]"
            table.add_row(
                label,
                f"[italic]{check.kind}[/italic]: {check.name}",
                check.expected,
                check.measured,
                check.tolerance,
                mark,
            )
    console.print(table)
    console.print(
        "kind: verification = the code follows its own rule (expected value derived from "
        "the model's equations); validation = a published result reproduced (expected "
        "value from the source); pass 'known': a documented disagreement with the source "
        "(docs/VALIDATION.md), which does not fail the case."
    )
    for result in results:
        figure = f" figure {result.figure}" if result.figure else ""
        console.print(f"{result.case}: {result.seconds:.1f} s,{figure}")
