"""Validation case ``unrest``: civil violence (Epstein 2002) on the social graph.

Epstein, J. M. (2002). Modeling civil violence: an agent-based computational
approach. *PNAS* 99(suppl. 3):7243-7250.

With every phase but unrest switched off, legitimacy ``L`` is the citizens' trust,
held fixed (the trust phase is off) or moved by timeline trust shocks. Phase 9
(:mod:`sim.phases.unrest`) is Epstein's rule: ``G = H (1 - L)``,
``P = 1 - exp(-k C / A)``, active iff ``G - R P > T``, with the *exact* ratio
``C / A`` (not NetLogo's floor, not Mesa's round; see the phase's docstring).
Three claims:

1. no enforcement: active share ``= P(H (1 - L) > T) = 1 - T / (1 - L)`` for
   ``L < 1 - T``, else 0 (exact, up to the sampling of ``H``);
2. unrest falls with enforcement capacity;
3. a sudden legitimacy drop produces a burst of unrest that a gradual drop of the
   same size does not, though both end at the same level.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from experiments.present.validation import plot_unrest
from experiments.validation.core import (
    CaseConfig,
    CaseResult,
    Check,
    Variant,
    load_case_config,
    with_settings,
)
from sim.params import ModelParams

__all__ = [
    "UnrestSettings",
    "active_share_without_police",
    "enforcement_sweep",
    "legitimacy_drop",
    "legitimacy_sweep",
    "run_case",
]


class UnrestSettings(BaseModel):
    """Run sizes of the Epstein case."""

    model_config = ConfigDict(extra="forbid")

    citizens: int = Field(ge=100)
    legitimacies: list[float] = Field(min_length=2, description="L values without police.")
    police: list[float] = Field(min_length=2, description="police_per_citizen values.")
    police_legitimacy: float = Field(ge=0.0, le=1.0, description="L of the enforcement sweep.")
    burn_in: int = Field(ge=0)
    measure: int = Field(ge=1, description="Steps averaged after the burn-in.")
    drop_from: float = Field(ge=0.0, le=1.0)
    drop_to: float = Field(ge=0.0, le=1.0)
    drop_police: float = Field(ge=0.0)
    drop_step: int = Field(ge=1, description="Step of the sudden drop / start of the gradual one.")
    gradual_steps: int = Field(ge=2, description="Steps over which the gradual drop is spread.")
    drop_horizon: int = Field(ge=10, description="Steps after the drop that are simulated.")
    replicates: int = Field(ge=1)


def active_share_without_police(legitimacy: np.ndarray | float, threshold: float) -> np.ndarray:
    """Epstein's active share with P = 0 and H ~ U[0, 1]: ``max(0, 1 - T / (1 - L))``.

    >>> float(active_share_without_police(0.5, 0.1))
    0.8
    """
    illegitimacy = 1.0 - np.asarray(legitimacy, dtype=np.float64)
    share = 1.0 - np.divide(
        threshold, illegitimacy, out=np.full_like(illegitimacy, np.inf), where=illegitimacy > 0
    )
    return np.maximum(share, 0.0)


def _model(base: ModelParams, settings: dict, seed, events=()):
    from sim import GovernanceModel

    return GovernanceModel(
        with_settings(base, settings), rng=seed, events=list(events), agent_views=False
    )


@dataclass(frozen=True)
class NoPolicePoint:
    """Active share at one legitimacy without enforcement."""

    legitimacy: float
    active: float
    rule_mismatches: int


def legitimacy_sweep(base: ModelParams, settings: UnrestSettings, seed: int) -> list[NoPolicePoint]:
    """Active share against legitimacy, police switched off (P = 0)."""
    out = []
    for legitimacy in settings.legitimacies:
        model = _model(
            base,
            {
                "citizens": settings.citizens,
                "trust.initial_trust": legitimacy,
                "unrest.police_per_citizen": 0.0,
            },
            seed,
        )
        model.run(3)
        cit = model.citizens
        rule = cit.hardship * (1.0 - cit.trust) > model.params.unrest.threshold
        out.append(
            NoPolicePoint(legitimacy, float(cit.active.mean()), int(np.sum(rule != cit.active)))
        )
    return out


def enforcement_sweep(
    base: ModelParams, settings: UnrestSettings, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean active and jailed shares against police per citizen (replicate means)."""
    seeds = np.random.SeedSequence(seed).spawn(settings.replicates)
    active = np.zeros((len(settings.police), settings.replicates))
    jailed = np.zeros_like(active)
    for i, police in enumerate(settings.police):
        for r, child in enumerate(seeds):
            model = _model(
                base,
                {
                    "citizens": settings.citizens,
                    "trust.initial_trust": settings.police_legitimacy,
                    "unrest.police_per_citizen": police,
                },
                np.random.default_rng(child),
            )
            model.run(settings.burn_in + settings.measure)
            frame = model.indicator_frame().iloc[settings.burn_in + 1 :]
            active[i, r] = frame["unrest_rate"].mean()
            jailed[i, r] = frame["jailed_rate"].mean()
    return active.mean(axis=1), jailed.mean(axis=1)


def legitimacy_drop(
    base: ModelParams, settings: UnrestSettings, seed: int, sudden: bool
) -> np.ndarray:
    """Active share over time (replicates x steps) for a sudden or a gradual drop of L."""
    drop = settings.drop_from - settings.drop_to
    if sudden:
        events = [{"step": settings.drop_step, "shock": {"kind": "trust", "delta": -drop}}]
    else:
        n = settings.gradual_steps
        events = [
            {"step": settings.drop_step + i, "shock": {"kind": "trust", "delta": -drop / n}}
            for i in range(n)
        ]
    steps = settings.drop_step + settings.drop_horizon
    series = []
    # Same seeds for both paths: same graph, hardships and risk aversions.
    for child in np.random.SeedSequence(seed + 1).spawn(settings.replicates):
        model = _model(
            base,
            {
                "citizens": settings.citizens,
                "trust.initial_trust": settings.drop_from,
                "unrest.police_per_citizen": settings.drop_police,
            },
            np.random.default_rng(child),
            events,
        )
        model.run(steps)
        series.append(model.indicator_frame()["unrest_rate"].to_numpy())
    return np.array(series)


def _burst(series: np.ndarray, settings: UnrestSettings) -> tuple[float, float, float]:
    """(peak after the drop, final level, peak minus final level) of the mean path."""
    path = series.mean(axis=0)
    after = path[settings.drop_step :]
    final = float(path[-settings.drop_horizon // 3 :].mean())
    peak = float(after.max())
    return peak, final, peak - final


def run_case(variant: Variant, out: Path, config: CaseConfig | None = None) -> CaseResult:
    """Run the Epstein case and check its claims."""
    start = time.perf_counter()
    config = config or load_case_config("unrest")
    settings = config.settings(variant, UnrestSettings)
    base = config.params()
    threshold = base.unrest.threshold
    n = settings.citizens

    no_police = legitimacy_sweep(base, settings, config.seed)
    levels = np.array([q.legitimacy for q in no_police])
    measured = np.array([q.active for q in no_police])
    expected = active_share_without_police(levels, threshold)
    # Hardships are n draws of U[0, 1]: the share is an empirical survival function,
    # binomial around the formula; 4 standard errors (at least 1/n) per point.
    allowed = np.maximum(4.0 * np.sqrt(expected * (1.0 - expected) / n), 1.0 / n)
    worst = int(np.argmax(np.abs(measured - expected) / allowed))
    mismatches = sum(q.rule_mismatches for q in no_police)

    enforced = enforcement_sweep(base, settings, config.seed)
    steps_up = np.diff(enforced[0])
    sudden = legitimacy_drop(base, settings, config.seed, sudden=True)
    gradual = legitimacy_drop(base, settings, config.seed, sudden=False)
    s_peak, s_final, s_burst = _burst(sudden, settings)
    _, g_final, g_burst = _burst(gradual, settings)
    # Final levels: same L, same population; they differ by run noise only.
    final_tol = max(0.01, 0.25 * max(s_final, g_final))

    checks = [
        Check(
            "no police: active iff H(1-L) > T (every citizen)",
            "0 mismatches",
            f"{mismatches} of {n * len(no_police)}",
            "exact",
            mismatches == 0,
            kind="verification",
        ),
        Check(
            f"no police: active share = 1 - T/(1-L) ({len(levels)} values of L)",
            f"{expected[worst]:.3f} at L = {levels[worst]:g}",
            f"{measured[worst]:.3f} (worst point)",
            f"4 s.e. of an empirical share, n = {n} (<= {allowed.max():.3f})",
            bool(np.all(np.abs(measured - expected) <= allowed)),
            kind="verification",
        ),
        Check(
            "unrest falls with enforcement capacity",
            "non-increasing; top capacity < 1/10 of none",
            f"{enforced[0][0]:.3f} -> {enforced[0][-1]:.4f}, max rise {max(steps_up.max(), 0):.4f}",
            "rise <= 0.005 (replicate noise)",
            bool(steps_up.max() <= 0.005 and enforced[0][-1] < 0.1 * enforced[0][0]),
            kind="validation",
        ),
        Check(
            "sudden legitimacy drop -> burst above the new level",
            f">= 3 x gradual burst ({g_burst:.4f})",
            f"peak {s_peak:.3f} vs level {s_final:.3f}: {s_burst:.4f}",
            "factor 3 (qualitative claim)",
            bool(s_burst >= 3.0 * max(g_burst, 0.002)),
            kind="validation",
        ),
        Check(
            "both paths end at the same level",
            f"{g_final:.4f} (gradual)",
            f"{s_final:.4f} (sudden)",
            f"±{final_tol:.3f}",
            bool(abs(s_final - g_final) <= final_tol),
            kind="verification",
        ),
    ]
    result = CaseResult("unrest", config.source, variant, checks)
    result.figure = plot_unrest(
        no_police,
        lambda legitimacy: active_share_without_police(legitimacy, threshold),
        settings.police,
        enforced,
        sudden,
        gradual,
        settings,
        out / "validation_unrest.png",
    )
    rows = ["panel,x,measured,expected"]
    rows += [
        f"no_police,{lv:g},{m:.6f},{e:.6f}"
        for lv, m, e in zip(levels, measured, expected, strict=True)
    ]
    rows += [
        f"police_active,{p:g},{a:.6f}," for p, a in zip(settings.police, enforced[0], strict=True)
    ]
    rows += [f"sudden,{t},{v:.6f}," for t, v in enumerate(sudden.mean(axis=0))]
    rows += [f"gradual,{t},{v:.6f}," for t, v in enumerate(gradual.mean(axis=0))]
    result.table = out / "validation_unrest.csv"
    result.table.write_text("\n".join(rows) + "\n")
    result.seconds = time.perf_counter() - start
    return result
