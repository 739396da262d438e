"""What ``govsim validate`` shows: the table of checks and one figure per validation case.

Each figure sets the model's measured points against the published result it
reduces to (``docs/VALIDATION.md``): Santos, Santos and Pacheco 2008 (co-production),
Becker 1968 (compliance), Epstein 2002 (unrest), Oates 1972 (allocation). The case
modules of :mod:`experiments.validation` compute the points and call these
functions; theory curves come in as functions of the x axis.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from rich.console import Console
from rich.table import Table

from experiments.present.style import save_figure
from experiments.validation.core import CaseResult
from experiments.validation.runner import CITATIONS

if TYPE_CHECKING:
    from experiments.validation.allocation import WelfareGap
    from experiments.validation.compliance import DeterrencePoint
    from experiments.validation.coproduction import Curve, Reference
    from experiments.validation.unrest import NoPolicePoint, UnrestSettings

__all__ = [
    "plot_allocation",
    "plot_compliance",
    "plot_coproduction",
    "plot_unrest",
    "render_table",
]

_DPI = 110


def _label(ax: Axes, xlabel: str, ylabel: str | None, title: str) -> None:
    """Axis labels, a small title and a small legend: the panel style of every case figure."""
    ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)


def _save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` (format from its suffix) at the figure's resolution."""
    path = Path(path)
    (written,) = save_figure(fig, path, [path.suffix.lstrip(".")], dpi=_DPI, tight=False)
    return written


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


def render_table(results: list[CaseResult], console: Console) -> None:
    """Print one row per check (case, kind: check, expected, measured, tolerance, pass).

    ``kind`` says whether the check is a verification (the code follows its own rule)
    or a validation (a published result reproduced).
    """
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


def plot_coproduction(curves: list[Curve], reference: Reference, path: Path) -> Path:
    """Fraction of co-operators against eta, one line per curve, and the reference values."""
    fig = Figure(figsize=(6.4, 5.2), dpi=_DPI)
    ax = fig.subplots()
    styles = {
        "sf_per_individual": ("o-", "C0"),
        "sf_per_game": ("s-", "C1"),
        "ring_per_game": ("^-", "C2"),
        "ring_per_individual": ("x--", "C3"),
    }
    for curve in curves:
        fmt, color = styles[curve.name]
        ax.errorbar(
            curve.etas,
            curve.mean,
            yerr=curve.stderr,
            fmt=fmt,
            color=color,
            ms=4,
            label=f"model: {curve.label}",
        )
    ax.axhline(0.5, color="grey", lw=0.6, ls=":")
    for n, ref in enumerate(reference.crossings):
        color = styles[ref.curve][1]
        ax.errorbar(
            [ref.eta],
            [ref.level],
            xerr=[ref.uncertainty],
            fmt="D",
            mfc="none",
            color=color,
            ms=8,
            capsize=3,
            label="paper (Fig. 2): crossing, reading error" if n == 0 else None,
        )
    for n, ref in enumerate(reference.points):
        color = styles[ref.curve][1]
        ax.errorbar(
            [ref.eta],
            [ref.fraction],
            yerr=[ref.uncertainty],
            fmt="*" if ref.disagreement else "P",
            mfc="none",
            color=color,
            ms=10,
            capsize=3,
            label="paper (Fig. 2): point, reading error" if n == 0 else None,
        )
    ax.set_xlabel(r"$\eta = r/(z+1)$")
    ax.set_ylabel("fraction of co-operators")
    ax.set_ylim(-0.05, 1.1)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    ax.set_title(
        "Public goods games on graphs (N = 1000, z = 4); open markers: paper, "
        "star: documented disagreement",
        fontsize=8,
    )
    fig.tight_layout()
    return _save(fig, path)


def plot_compliance(
    pure: list[DeterrencePoint],
    extra: list[DeterrencePoint],
    cdf: Callable[[np.ndarray], np.ndarray],
    path: Path,
) -> Path:
    """Compliance rate against the expected cost of violating, with the CDF of gains (``cdf``)."""
    fig = Figure(figsize=(6.0, 4.0), dpi=_DPI)
    ax = fig.subplots()
    grid = np.linspace(0.0, max(q.threshold for q in pure + extra) * 1.05, 200)
    ax.plot(grid, cdf(grid), "k-", lw=1.2, label="Becker: CDF of gains")
    markers = iter("os^vD")
    for p in sorted({q.inspection for q in pure}):
        pts = [q for q in pure if q.inspection == p]
        ax.plot(
            [q.threshold for q in pts],
            [q.compliance for q in pts],
            next(markers, "o"),
            ms=5,
            mfc="none",
            label=f"model, p = {p:g}",
        )
    if extra:
        ax.plot(
            [q.threshold for q in extra],
            [q.compliance for q in extra],
            "r*",
            ms=8,
            label="model, with subsidy / reputation",
        )
    _label(
        ax,
        "expected cost of violating  p(F + ρτR) + S",
        "compliance rate",
        "Deterrence (Becker 1968), gains ~ U[0, 2]",
    )
    fig.tight_layout()
    return _save(fig, path)


def plot_unrest(
    no_police: list[NoPolicePoint],
    theory: Callable[[np.ndarray], np.ndarray],
    police: list[float],
    enforced: tuple[np.ndarray, np.ndarray],
    sudden: np.ndarray,
    gradual: np.ndarray,
    settings: UnrestSettings,
    path: Path,
) -> Path:
    """Three panels: no-police share vs L (``theory``: Epstein's share), unrest vs police, sudden vs gradual drop."""
    fig = Figure(figsize=(12.0, 3.6), dpi=_DPI)
    axes = fig.subplots(1, 3)
    ax = axes[0]
    grid = np.linspace(0.0, 1.0, 201)
    ax.plot(grid, theory(grid), "k-", label="1 - T/(1 - L)")
    ax.plot([q.legitimacy for q in no_police], [q.active for q in no_police], "o", label="model")
    _label(ax, "legitimacy L", "active share", "No enforcement (P = 0)")
    ax = axes[1]
    ax.plot(police, enforced[0], "o-", label="active")
    ax.plot(police, enforced[1], "s--", label="jailed")
    _label(
        ax,
        "police per citizen",
        "share of citizens",
        f"Enforcement capacity (L = {settings.police_legitimacy:g})",
    )
    ax = axes[2]
    t = np.arange(sudden.shape[1])
    ax.plot(t, sudden.mean(axis=0), "-", label="sudden drop")
    ax.plot(t, gradual.mean(axis=0), "-", label=f"gradual drop ({settings.gradual_steps} steps)")
    ax.axvline(settings.drop_step, color="grey", lw=0.6, ls="--")
    _label(
        ax,
        "step",
        "active share",
        f"L {settings.drop_from:g} -> {settings.drop_to:g}, police {settings.drop_police:g}",
    )
    fig.suptitle("Civil violence (Epstein 2002) on the social graph", fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def plot_allocation(
    hetero: list[WelfareGap],
    spill: list[WelfareGap],
    cross: dict[float, list[WelfareGap]],
    path: Path,
) -> Path:
    """Three panels: gain vs heterogeneity, loss vs spill-over, crossover curves."""
    fig = Figure(figsize=(12.0, 3.6), dpi=_DPI)
    axes = fig.subplots(1, 3)
    ax = axes[0]
    ax.plot(
        [g.heterogeneity for g in hetero], [g.predicted for g in hetero], "k-", label="KL (theory)"
    )
    ax.plot(
        [g.heterogeneity for g in hetero], [g.gap for g in hetero], "o", mfc="none", label="model"
    )
    _label(
        ax,
        "preference heterogeneity",
        "W(decentral) - W(central)",
        "No spill-over: decentral >= central",
    )
    ax = axes[1]
    ax.plot([g.spillover for g in spill], [g.predicted for g in spill], "k-", label="theory")
    ax.plot([g.spillover for g in spill], [g.gap for g in spill], "o", mfc="none", label="model")
    _label(ax, "spill-over share (one domain)", None, "Identical preferences: central wins")
    ax = axes[2]
    for h, gaps in cross.items():
        ax.plot([g.spillover for g in gaps], [g.gap for g in gaps], "o-", ms=3, label=f"h = {h:g}")
    ax.axhline(0.0, color="grey", lw=0.6)
    _label(ax, "spill-over share (one domain)", None, "Crossover: heterogeneity vs spill-over")
    fig.suptitle("Decentralisation theorem (Oates 1972)", fontsize=10)
    fig.tight_layout()
    return _save(fig, path)
