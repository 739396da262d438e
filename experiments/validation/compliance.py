"""Validation case ``compliance``: deterrence (Becker 1968).

Becker, G. S. (1968). Crime and punishment: an economic approach. *Journal of
Political Economy* 76(2):169-217.

With every phase but compliance switched off, no decision noise and no imitation,
phase 6 (:mod:`sim.phases.compliance`) is Becker's risk-neutral offender: an
enterprise with gain ``g`` violates iff ``g > p F + S + p rho tau R``. With gains
drawn from ``U[g_lo, g_hi]`` the compliance rate is that distribution's CDF at the
expected cost of violating, whatever ``p`` and ``F`` are separately.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from experiments.present.validation import plot_compliance
from experiments.validation.core import (
    CaseConfig,
    CaseResult,
    Check,
    Variant,
    load_case_config,
    with_settings,
)
from sim.params import ModelParams

__all__ = ["ComplianceSettings", "DeterrencePoint", "deterrence_sweep", "run_case"]


class ComplianceSettings(BaseModel):
    """Run sizes of the Becker case."""

    model_config = ConfigDict(extra="forbid")

    enterprises: int = Field(ge=100, description="Enterprises (sample size of the gain draw).")
    inspection_probabilities: list[float] = Field(min_length=1)
    expected_penalties: list[float] = Field(min_length=2, description="Targets of p x F.")
    with_terms: list[tuple[float, float, float, float, float]] = Field(
        default_factory=list,
        description="(p, F, subsidy, transparency, reputation_weight) points with the extra terms.",
    )


@dataclass(frozen=True)
class DeterrencePoint:
    """One model run: its levers, Becker's threshold and what the model did."""

    inspection: float
    fine: float
    subsidy: float
    transparency: float
    reputation_weight: float
    threshold: float
    compliance: float
    mismatches: int


def _levers(p: float, fine: float, s: float, tau: float, rho: float) -> dict[str, float]:
    return {
        "levers.inspection_probability": p,
        "levers.fine": fine,
        "levers.compliance_subsidy": s,
        "levers.transparency": tau,
        "compliance.reputation_weight": rho,
    }


def _run_points(
    base: ModelParams, seed: int, points: list[tuple[float, float, float, float, float]]
) -> list[DeterrencePoint]:
    """Step one model through ``points``, one per step, set by timeline events.

    Each step is a fresh Becker decision with every reputation R = 1 as long as
    transparency is 0 (a caught violator keeps R); a point with transparency > 0
    therefore gets a model of its own, measured at its first step.
    """
    from sim import GovernanceModel

    events = [{"step": i + 1, "set": _levers(*point)} for i, point in enumerate(points)]
    model = GovernanceModel(base, rng=seed, events=events, agent_views=False)
    ent = model.enterprises
    out = []
    for p, fine, s, tau, rho in points:
        model.step()
        threshold = p * (fine + rho * tau * 1.0) + s  # R = 1 at this decision
        mismatches = int(np.sum(ent.violating != (ent.violation_gain > threshold)))
        compliance = float(1.0 - ent.violating.mean())
        out.append(DeterrencePoint(p, fine, s, tau, rho, threshold, compliance, mismatches))
    return out


def deterrence_sweep(
    base: ModelParams, settings: ComplianceSettings, seed: int
) -> tuple[list[DeterrencePoint], list[DeterrencePoint]]:
    """Pure Becker points over (p, expected penalty), and points with subsidy/reputation."""
    base = with_settings(base, {"enterprises": settings.enterprises})
    pure_points = [
        (p, target / p, 0.0, 0.0, 0.0)
        for p in settings.inspection_probabilities
        for target in settings.expected_penalties
    ]
    pure = _run_points(base, seed, pure_points)
    named = [q for q in settings.with_terms if q[3] > 0]
    unnamed = [q for q in settings.with_terms if q[3] == 0]
    extra = _run_points(base, seed, unnamed) if unnamed else []
    for point in named:
        extra += _run_points(base, seed, [point])
    return pure, extra


def uniform_cdf(x: np.ndarray | float, low: float, high: float) -> np.ndarray:
    """CDF of U[low, high].

    >>> float(uniform_cdf(0.5, 0.0, 2.0))
    0.25
    """
    return np.clip((np.asarray(x, dtype=np.float64) - low) / (high - low), 0.0, 1.0)


def _checks(
    pure: list[DeterrencePoint], extra: list[DeterrencePoint], low: float, high: float, n: int
) -> list[Check]:
    points = pure + extra
    thresholds = np.array([q.threshold for q in points])
    measured = np.array([q.compliance for q in points])
    expected = uniform_cdf(thresholds, low, high)
    # The gains are n draws from U[low, high]: the measured rate is an empirical CDF,
    # binomial around the true one; 4 standard errors (at least 1/n) per point.
    sigma = np.sqrt(expected * (1.0 - expected) / n)
    allowed = np.maximum(4.0 * sigma, 1.0 / n)
    worst = int(np.argmax(np.abs(measured - expected) / allowed))
    mismatches = sum(q.mismatches for q in points)
    by_target: dict[float, set[float]] = {}
    for q in pure:
        by_target.setdefault(round(q.inspection * q.fine, 9), set()).add(q.compliance)
    spread = max(max(v) - min(v) for v in by_target.values())
    checks = [
        Check(
            "violate iff gain > p(F + rho tau R) + S (every enterprise, every setting)",
            "0 mismatches",
            f"{mismatches} of {n * len(points)}",
            "exact",
            mismatches == 0,
            kind="verification",
        ),
        Check(
            f"compliance = CDF of U[{low:g}, {high:g}] at the expected penalty ({len(points)} settings)",
            f"e.g. {expected[worst]:.3f} at {thresholds[worst]:.2f}",
            f"{measured[worst]:.3f} (worst point)",
            f"4 s.e. of an empirical CDF with n = {n} (<= {allowed.max():.3f})",
            bool(np.all(np.abs(measured - expected) <= allowed)),
            kind="verification",
        ),
        Check(
            "only p x F matters (same p F, different p)",
            "equal compliance",
            f"max spread {spread:.4f}",
            "0 (same gains)",
            spread == 0.0,
            kind="validation",
        ),
    ]
    if extra:
        err = np.abs(measured[len(pure) :] - expected[len(pure) :])
        checks.append(
            Check(
                "subsidy and reputation shift the threshold as p(F + rho tau) + S",
                "CDF at the shifted threshold",
                f"max error {err.max():.4f}",
                f"<= {allowed[len(pure) :].max():.3f} (4 s.e.)",
                bool(np.all(err <= allowed[len(pure) :])),
                kind="verification",
            )
        )
    return checks


def _write_table(points: list[DeterrencePoint], low: float, high: float, path: Path) -> Path:
    rows = ["inspection,fine,subsidy,transparency,reputation_weight,threshold,compliance,cdf"]
    for q in points:
        rows.append(
            f"{q.inspection:g},{q.fine:.6g},{q.subsidy:g},{q.transparency:g},"
            f"{q.reputation_weight:g},{q.threshold:.6g},{q.compliance:.6f},"
            f"{float(uniform_cdf(q.threshold, low, high)):.6f}"
        )
    path.write_text("\n".join(rows) + "\n")
    return path


def run_case(variant: Variant, out: Path, config: CaseConfig | None = None) -> CaseResult:
    """Run the Becker case and check its claims."""
    start = time.perf_counter()
    config = config or load_case_config("compliance")
    settings = config.settings(variant, ComplianceSettings)
    base = config.params()
    pure, extra = deterrence_sweep(base, settings, config.seed)
    low, high = base.compliance.gain_low, base.compliance.gain_high
    result = CaseResult(
        "compliance", config.source, variant, _checks(pure, extra, low, high, settings.enterprises)
    )
    result.figure = plot_compliance(
        pure, extra, lambda x: uniform_cdf(x, low, high), out / "validation_compliance.png"
    )
    result.table = _write_table(pure + extra, low, high, out / "validation_compliance.csv")
    result.seconds = time.perf_counter() - start
    return result
