"""Run validation cases (their table and figures: :mod:`experiments.present.validation`).

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

__all__ = ["ALIASES", "CASE_NAMES", "CITATIONS", "resolve_cases", "run_validation"]

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
