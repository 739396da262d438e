"""Validation case ``coproduction``: public goods games on graphs (Santos, Santos & Pacheco 2008).

Santos, F. C., Santos, M. D. & Pacheco, J. M. (2008). Social diversity promotes the
emergence of cooperation in public goods games. *Nature* 454:213-216.

With every phase but co-production switched off, participation rewards at zero and
no social-organisation synergy, phase 5 (:mod:`sim.phases.coproduction`) *is* the
paper's model: each citizen plays ``k + 1`` games, co-operators pay ``c`` per game
or ``c / (k + 1)`` per game, each pot times ``r`` is shared by the ``k_g + 1``
members, and strategies spread by synchronous pairwise imitation with probability
``(P_y - P_x) / M``. The curves need many populations and thousands of
generations, so each graph realisation is one :class:`sim.GovernanceModel` whose
social graph plays ``len(etas) x runs`` strategy columns at once through the
phase's own functions (:func:`~sim.phases.coproduction.public_goods_payoffs`,
:func:`~sim.phases.coproduction.payoff_bounds`,
:func:`~sim.phases.coproduction.imitate`), the code path ``model.step()`` runs.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

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
    "CURVES",
    "CoproductionSettings",
    "Curve",
    "crossing",
    "play_batch",
    "run_case",
    "santos_curves",
]

# (label, network kind, cost rule); the fourth curve shows regular graphs ignore the cost rule.
CURVES: tuple[tuple[str, str, str], ...] = (
    ("scale-free, cost per individual", "barabasi_albert", "per_individual"),
    ("scale-free, cost per game", "barabasi_albert", "per_game"),
    ("regular ring, cost per game", "ring", "per_game"),
    ("regular ring, cost per individual", "ring", "per_individual"),
)


class CoproductionSettings(BaseModel):
    """Run sizes of the Santos case."""

    model_config = ConfigDict(extra="forbid")

    etas: list[float] = Field(min_length=2, description="Renormalised enhancement r/(z+1).")
    graphs: int = Field(ge=1, description="Graph realisations per curve.")
    runs_per_graph: int = Field(ge=1, description="Populations played on each graph.")
    transient: int = Field(ge=0, description="Generations before averaging.")
    average: int = Field(ge=1, description="Generations averaged after the transient.")
    ring_transient: int | None = Field(
        None,
        ge=0,
        description="Transient on the ring (default: transient). Coarsening on a ring is "
        "slow, so its transition keeps drifting to lower eta for ~10^5 generations.",
    )
    ring_cost_rules: list[Literal["per_game", "per_individual"]] = Field(
        default_factory=lambda: ["per_game", "per_individual"],
        min_length=1,
        description="Cost rules played on the ring (both: checks they give the same curve).",
    )
    workers: int = Field(1, ge=1, description="Processes (one batch = one curve x graph).")


@dataclass(frozen=True)
class Curve:
    """Fraction of co-operators against eta, over runs."""

    label: str
    etas: np.ndarray
    runs: np.ndarray  # eta x run, each the time-averaged fraction of co-operators

    @property
    def mean(self) -> np.ndarray:
        """Mean over runs for each eta."""
        return self.runs.mean(axis=1)

    @property
    def stderr(self) -> np.ndarray:
        """Standard error of the mean for each eta."""
        n = self.runs.shape[1]
        return self.runs.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(len(self.etas))


def santos_params(base: ModelParams, network: str, cost_rule: str) -> ModelParams:
    """The base parameters on one graph kind and cost rule."""
    return with_settings(base, {"network.kind": network, "coproduction.cost_rule": cost_rule})


def play_batch(
    params: ModelParams,
    etas: np.ndarray,
    runs: int,
    transient: int,
    average: int,
    seed: np.random.SeedSequence | int,
) -> np.ndarray:
    """Play ``runs`` populations per eta on one graph realisation of the model.

    Returns
    -------
    numpy.ndarray
        eta x run: fraction of co-operators averaged over the ``average``
        generations after ``transient``. A population that reached all-C or all-D
        is absorbed (imitation cannot bring a strategy back) and stops being played.
    """
    from sim import GovernanceModel
    from sim.phases.coproduction import (
        contribution_per_game,
        imitate,
        payoff_bounds,
        public_goods_payoffs,
    )

    model = GovernanceModel(params, rng=np.random.default_rng(seed), agent_views=False)
    social, rng = model.social, model.rng
    cop = params.coproduction
    z = float(social.degree.mean())
    n = social.degree.size
    gamma = contribution_per_game(social.degree, cop.contribution, cop.cost_rule)
    column_eta = np.repeat(np.asarray(etas, dtype=np.float64), runs)
    synergy = column_eta * (z + 1.0)  # eta = r / (z + 1)
    highest = np.empty((n, synergy.size))
    lowest = np.empty((n, synergy.size))
    for column, r in enumerate(synergy):
        highest[:, column], lowest[:, column] = payoff_bounds(social, r, gamma)

    s = rng.random((n, synergy.size)) < cop.initial_cooperation
    s[:, 0] = model.citizens.cooperate  # the model's own initial population
    total = np.zeros(synergy.size)
    live = np.arange(synergy.size)
    generations = transient + average
    for generation in range(generations):
        if generation % 25 == 0:
            share = s.mean(axis=0)
            absorbed = (share == 0.0) | (share == 1.0)
            if absorbed.any():
                done = live[absorbed]
                remaining = min(average, generations - generation)
                total[done] += share[absorbed] * remaining
                keep = ~absorbed
                live, s = live[keep], s[:, keep]
                if live.size == 0:
                    break
        payoffs = public_goods_payoffs(social, s, synergy[None, live], gamma)
        s = imitate(social, s, payoffs, highest[:, live], lowest[:, live], rng)
        if generation >= transient:
            total[live] += s.mean(axis=0)
    return (total / average).reshape(len(etas), runs)


def _batch_job(args: tuple) -> np.ndarray:
    return play_batch(*args)


def selected_curves(settings: CoproductionSettings) -> tuple[tuple[str, str, str], ...]:
    """The curves a variant plays: both scale-free ones, and the ring's chosen cost rules."""
    return tuple(c for c in CURVES if c[1] != "ring" or c[2] in settings.ring_cost_rules)


def santos_curves(base: ModelParams, settings: CoproductionSettings, seed: int) -> list[Curve]:
    """Play every selected curve on ``settings.graphs`` graph realisations each."""
    curves = selected_curves(settings)
    etas = np.asarray(settings.etas, dtype=np.float64)
    ring_transient = (
        settings.transient if settings.ring_transient is None else settings.ring_transient
    )
    # Common random numbers: curves on the same graph kind share graph realisations,
    # initial populations and random streams, so they differ only by the cost rule.
    kinds = sorted({network for _, network, _ in curves})
    graph_seeds = {
        kind: root.spawn(settings.graphs)
        for kind, root in zip(kinds, np.random.SeedSequence(seed).spawn(len(kinds)), strict=True)
    }
    jobs = [
        (
            santos_params(base, network, rule),
            etas,
            settings.runs_per_graph,
            ring_transient if network == "ring" else settings.transient,
            settings.average,
            child,
        )
        for _, network, rule in curves
        for child in graph_seeds[network]
    ]
    if settings.workers > 1:
        with ProcessPoolExecutor(settings.workers) as pool:
            results = list(pool.map(_batch_job, jobs))
    else:
        results = [_batch_job(job) for job in jobs]
    out = []
    for c, (label, _, _) in enumerate(curves):
        parts = results[c * settings.graphs : (c + 1) * settings.graphs]
        out.append(Curve(label, etas, np.concatenate(parts, axis=1)))
    return out


def crossing(etas: np.ndarray, fraction: np.ndarray, level: float = 0.5) -> float:
    """First eta at which ``fraction`` reaches ``level`` (linear interpolation; nan if never).

    >>> round(crossing(np.array([0.2, 0.4, 0.6]), np.array([0.0, 0.25, 1.0])), 6)
    0.466667
    """
    above = np.nonzero(fraction >= level)[0]
    if above.size == 0:
        return float("nan")
    i = int(above[0])
    if i == 0:
        return float(etas[0])
    x0, x1, y0, y1 = etas[i - 1], etas[i], fraction[i - 1], fraction[i]
    return float(x0 + (level - y0) * (x1 - x0) / (y1 - y0))


def _checks(curves: list[Curve], tol: float) -> list[Check]:
    by_label = {curve.label: curve for curve in curves}
    sf_ind = by_label[CURVES[0][0]]
    sf_game = by_label[CURVES[1][0]]
    ring_game = by_label.get(CURVES[2][0]) or by_label[CURVES[3][0]]
    ring_ind = by_label.get(CURVES[3][0])
    x_ind = crossing(sf_ind.etas, sf_ind.mean)
    x_game = crossing(sf_game.etas, sf_game.mean)
    x_ring = crossing(ring_game.etas, ring_game.mean)
    onset = crossing(sf_ind.etas, sf_ind.mean, level=0.05)
    checks = [
        Check(
            "SF, cost per game: eta where f_C = 0.5",
            "~0.6",
            f"{x_game:.3f}",
            f"±{tol:.2f} (read off the paper's Fig. 1)",
            bool(abs(x_game - 0.6) <= tol),
        ),
        Check(
            "ring: eta where f_C = 0.5",
            "~0.7",
            f"{x_ring:.3f}",
            f"±{tol:.2f} (read off the paper's Fig. 1)",
            bool(abs(x_ring - 0.7) <= tol),
        ),
        Check(
            "SF, cost per individual: C dominate (f_C > 0.5) below eta = 0.4",
            "eta*(0.5) <= 0.4",
            f"{x_ind:.3f}",
            f"+{tol / 2:.2f} (half the grid-and-reading tolerance)",
            bool(x_ind <= 0.4 + tol / 2),
        ),
        Check(
            "SF, cost per individual: C survive (f_C > 0.05) from ~0.25",
            "~0.25",
            f"{onset:.3f}",
            f"±{tol:.2f}",
            bool(abs(onset - 0.25) <= tol),
        ),
        Check(
            "ordering of the transitions",
            "SF/ind < SF/game < ring < 1",
            f"{x_ind:.2f} < {x_game:.2f} < {x_ring:.2f}",
            "strict",
            bool(x_ind < x_game < x_ring < 1.0),
        ),
    ]
    if ring_ind is not None and ring_game is not ring_ind:
        # Same graphs and random streams for both ring curves (common random numbers);
        # on a regular graph per-individual payoffs and bounds are per-game ones over
        # z + 1, so every imitation probability is the same up to rounding.
        ring_gap = float(np.max(np.abs(ring_game.mean - ring_ind.mean)))
        checks.append(
            Check(
                "ring: cost rule does not matter",
                "max |f_C(game) - f_C(ind)| = 0",
                f"{ring_gap:.3f}",
                "0.01 (same random streams; rounding only)",
                bool(ring_gap <= 0.01),
            )
        )
    return checks


def plot(curves: list[Curve], path: Path) -> Path:
    """Fraction of co-operators against eta, one line per curve (the paper's Fig. 1 layout)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 5.0), dpi=110)
    styles = ("o-", "s-", "^-", "x--")
    for curve, style in zip(curves, styles[: len(curves)], strict=True):
        ax.errorbar(curve.etas, curve.mean, yerr=curve.stderr, fmt=style, ms=4, label=curve.label)
    ax.axhline(0.5, color="grey", lw=0.6, ls=":")
    # The paper's 50% crossings: ~0.6 (SF, per game), ~0.7 (ring), below 0.4 (SF, per individual).
    ax.plot(
        [0.6, 0.7],
        [0.5, 0.5],
        "kD",
        mfc="none",
        ms=9,
        label="paper: 50% at ~0.6 (SF/game), ~0.7 (ring)",
    )
    ax.annotate("", xy=(0.3, 0.5), xytext=(0.4, 0.5), arrowprops={"arrowstyle": "->", "color": "k"})
    ax.plot([0.4], [0.5], "k|", ms=12, label="paper: SF/ind above 50% below 0.4")
    ax.set_xlabel(r"$\eta = r/(z+1)$")
    ax.set_ylabel("fraction of co-operators")
    ax.set_ylim(-0.02, 1.08)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    ax.set_title("Public goods games on graphs (N = 1000, z = 4)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _write_table(curves: list[Curve], path: Path) -> Path:
    rows = ["curve,eta,mean_fraction_cooperators,stderr,runs"]
    for curve in curves:
        for eta, m, se in zip(curve.etas, curve.mean, curve.stderr, strict=True):
            rows.append(f'"{curve.label}",{eta:.4f},{m:.5f},{se:.5f},{curve.runs.shape[1]}')
    path.write_text("\n".join(rows) + "\n")
    return path


def run_case(variant: Variant, out: Path, config: CaseConfig | None = None) -> CaseResult:
    """Run the Santos case and check its claims."""
    start = time.perf_counter()
    config = config or load_case_config("coproduction")
    settings = config.settings(variant, CoproductionSettings)
    curves = santos_curves(config.params(), settings, config.seed)
    # Crossings are read by interpolation on the eta grid: half a grid step plus 0.05
    # for reading the paper's figure by eye.
    step = float(np.min(np.diff(settings.etas)))
    tol = round(0.05 + step / 2, 3) if variant == "full" else round(0.1 + step / 2, 3)
    result = CaseResult("coproduction", config.source, variant, _checks(curves, tol))
    result.figure = plot(curves, out / "validation_coproduction.png")
    result.table = _write_table(curves, out / "validation_coproduction.csv")
    result.seconds = time.perf_counter() - start
    return result
