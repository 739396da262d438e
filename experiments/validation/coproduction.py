"""Validation case ``coproduction``: public goods games on graphs (Santos, Santos & Pacheco 2008).

Santos, F. C., Santos, M. D. & Pacheco, J. M. (2008). Social diversity promotes the
emergence of cooperation in public goods games. *Nature* 454:213-216.

With every phase but co-production switched off, participation rewards at zero and
no social-organisation synergy, phase 5 (:mod:`sim.phases.coproduction`) *is* the
paper's model: each citizen plays ``k + 1`` games, co-operators pay ``c`` per game
or ``c / (k + 1)`` per game, each pot times ``r`` is shared by the ``k_g + 1``
members, and strategies spread by synchronous pairwise imitation with probability
``(P_y - P_x) / M``.

Every population is one :class:`sim.GovernanceModel` advanced by its own
``model.step()``: the case sets ``coproduction.synergy = eta (z + 1)`` (``z`` the
realised mean degree of the model's graph) and ``coproduction.cost_rule`` through
the parameters, and reads the fraction of co-operators off the citizens. Nothing
calls the phase's functions directly, so what is validated is what a run does.

The reference values (the paper's crossings and plateaus, with the uncertainty of
reading them off its Fig. 2) are in ``configs/validation/reference_santos2008.yaml``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from experiments.errors import UserError
from experiments.executors import local_executor
from experiments.present.validation import plot_coproduction
from experiments.validation.core import (
    CONFIG_DIR,
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
    "CurveSettings",
    "InterfaceSettings",
    "Reference",
    "ReferenceCrossing",
    "ReferencePoint",
    "cost_rule_check",
    "crossing",
    "interface_check",
    "interface_drift",
    "load_reference",
    "play_population",
    "population_params",
    "reference_checks",
    "run_case",
    "run_seeds",
    "santos_curves",
]

CurveName = Literal["sf_per_individual", "sf_per_game", "ring_per_game", "ring_per_individual"]

# name -> (label, network kind, cost rule); the fourth curve shows regular graphs ignore
# the cost rule.
CURVES: dict[str, tuple[str, str, str]] = {
    "sf_per_individual": ("scale-free, cost per individual", "barabasi_albert", "per_individual"),
    "sf_per_game": ("scale-free, cost per game", "barabasi_albert", "per_game"),
    "ring_per_game": ("regular ring, cost per game", "ring", "per_game"),
    "ring_per_individual": ("regular ring, cost per individual", "ring", "per_individual"),
}
NETWORKS: tuple[str, ...] = ("barabasi_albert", "ring")
ABSORPTION_CHECK_EVERY = 25  # steps between looks for an absorbed (all-C or all-D) population
REFERENCE_FILE = CONFIG_DIR / "reference_santos2008.yaml"


class CurveSettings(BaseModel):
    """Run sizes of one curve."""

    model_config = ConfigDict(extra="forbid")

    etas: list[float] = Field(min_length=1, description="Renormalised enhancement r/(z+1).")
    runs: int = Field(ge=1, description="Populations per eta, each on its own graph.")
    transient: int = Field(ge=0, description="Steps (generations) before averaging.")
    average: int = Field(ge=1, description="Steps averaged after the transient.")


class InterfaceSettings(BaseModel):
    """The ring-interface experiment: half the ring co-operates, the other half defects."""

    model_config = ConfigDict(extra="forbid")

    etas: tuple[float, float] = Field(description="(below, above) the interface balance.")
    runs: int = Field(ge=2)
    steps: int = Field(ge=1)


class CoproductionSettings(BaseModel):
    """Run sizes of the Santos case: the curves to play and how many processes."""

    model_config = ConfigDict(extra="forbid")

    curves: dict[CurveName, CurveSettings] = Field(min_length=1)
    interface: InterfaceSettings | None = Field(
        None, description="The ring-interface experiment behind the ring disagreement."
    )
    crossing_allowance: float = Field(
        0.0,
        ge=0.0,
        description="One-sided allowance for a later crossing: short transients leave the "
        "transitions at higher eta than long ones (measured in docs/VALIDATION.md).",
    )
    workers: int = Field(1, ge=1, description="Processes (one job = one curve x run).")


@dataclass(frozen=True)
class Curve:
    """Fraction of co-operators against eta, over runs."""

    name: str
    label: str
    etas: np.ndarray
    runs: np.ndarray  # eta x run, each the time-averaged fraction of co-operators
    transient: int = 0
    average: int = 0

    @property
    def mean(self) -> np.ndarray:
        """Mean over runs for each eta."""
        return self.runs.mean(axis=1)

    @property
    def stderr(self) -> np.ndarray:
        """Standard error of the mean for each eta."""
        n = self.runs.shape[1]
        return self.runs.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.zeros(len(self.etas))

    @property
    def grid_step(self) -> float:
        """Smallest spacing of the eta grid (0 for a single eta)."""
        return float(np.min(np.diff(self.etas))) if self.etas.size > 1 else 0.0


def population_params(
    base: ModelParams, network: str, cost_rule: str, seed: np.random.SeedSequence
) -> tuple[ModelParams, float]:
    """The base parameters on one graph kind and cost rule, and the graph's mean degree.

    The realised mean degree ``z`` of the graph the model builds from ``seed`` is read
    off a model built with these parameters (the synergy does not change what is drawn
    at set-up, so the model built later with the case's synergy has the same graph).
    """
    from sim import GovernanceModel

    params = with_settings(base, {"network.kind": network, "coproduction.cost_rule": cost_rule})
    probe = GovernanceModel(params, rng=np.random.default_rng(seed), agent_views=False)
    return params, float(probe.social.degree.mean())


def play_population(
    params: ModelParams,
    synergy: float,
    transient: int,
    average: int,
    seed: np.random.SeedSequence,
) -> float:
    """Fraction of co-operators of one model run, averaged after ``transient`` steps.

    The model is advanced by ``model.step()`` only. A population that reached all-C or
    all-D is absorbed (imitation copies only strategies someone holds), so the run stops
    there and that share counts for the rest of the average; the check is made every
    :data:`ABSORPTION_CHECK_EVERY` steps.
    """
    from sim import GovernanceModel

    params = with_settings(params, {"coproduction.synergy": synergy})
    model = GovernanceModel(params, rng=np.random.default_rng(seed), agent_views=False)
    total = 0.0
    steps = transient + average
    for step in range(steps):
        if step % ABSORPTION_CHECK_EVERY == 0:
            share = float(model.citizens.cooperate.mean())
            if share in (0.0, 1.0):
                return (total + share * min(average, steps - step)) / average
        model.step()
        if step >= transient:
            total += float(model.citizens.cooperate.mean())
    return total / average


def _population_job(args: tuple) -> np.ndarray:
    """All etas of one curve for one run (one graph), played one after the other."""
    base, network, cost_rule, etas, transient, average, seed = args
    params, z = population_params(base, network, cost_rule, seed)
    return np.array(
        [play_population(params, eta * (z + 1.0), transient, average, seed) for eta in etas]
    )


def run_seeds(seed: int, runs: int) -> dict[str, list[np.random.SeedSequence]]:
    """One seed per run and graph kind.

    Common random numbers: run ``j`` uses the same seed at every eta and for both cost
    rules on a graph kind, so it has the same graph, initial population and random
    stream; curves differ only by eta and the cost rule.
    """
    roots = np.random.SeedSequence(seed).spawn(len(NETWORKS))
    return {kind: root.spawn(runs) for kind, root in zip(NETWORKS, roots, strict=True)}


def santos_curves(base: ModelParams, settings: CoproductionSettings, seed: int) -> list[Curve]:
    """Play every curve of ``settings``, each population through ``model.step()``."""
    names = [name for name in CURVES if name in settings.curves]
    seeds = run_seeds(seed, max(c.runs for c in settings.curves.values()))
    jobs = []
    for name in names:
        _, network, rule = CURVES[name]
        curve = settings.curves[name]
        etas = np.asarray(curve.etas, dtype=np.float64)
        for child in seeds[network][: curve.runs]:
            jobs.append((base, network, rule, etas, curve.transient, curve.average, child))
    # not the executor loop: each job plays a population at several etas and
    # returns an array, not a model run's indicator frame; the pool is the loop's
    # local one (forkserver, workers exit with this process), results in job order
    with local_executor(settings.workers) as pool:
        results = list(pool.map(_population_job, jobs))
    out, at = [], 0
    for name in names:
        curve = settings.curves[name]
        columns = results[at : at + curve.runs]
        at += curve.runs
        etas = np.asarray(curve.etas, dtype=np.float64)
        out.append(
            Curve(
                name,
                CURVES[name][0],
                etas,
                np.stack(columns, axis=1),
                curve.transient,
                curve.average,
            )
        )
    return out


def crossing(etas: np.ndarray, fraction: np.ndarray, level: float = 0.5) -> float:
    """First eta at which ``fraction`` reaches ``level`` (linear interpolation).

    ``nan`` if it never does (the crossing lies above the grid), ``-inf`` if the first
    grid point is already above ``level`` (the crossing lies below the grid): neither
    can agree with a reference value.

    >>> round(crossing(np.array([0.2, 0.4, 0.6]), np.array([0.0, 0.25, 1.0])), 6)
    0.466667
    >>> crossing(np.array([0.2, 0.4]), np.array([0.6, 0.9]))
    -inf
    """
    above = np.nonzero(fraction >= level)[0]
    if above.size == 0:
        return float("nan")
    i = int(above[0])
    if i == 0:
        return float(etas[0]) if fraction[0] == level else float("-inf")
    x0, x1, y0, y1 = etas[i - 1], etas[i], fraction[i - 1], fraction[i]
    return float(x0 + (level - y0) * (x1 - x0) / (y1 - y0))


class ReferenceCrossing(BaseModel):
    """Eta at which the published curve first reaches ``level``."""

    model_config = ConfigDict(extra="forbid")

    curve: CurveName
    level: float = Field(gt=0.0, lt=1.0)
    eta: float
    uncertainty: float = Field(gt=0.0, description="Reading error assigned to ``eta``.")
    disagreement: str = ""


class ReferencePoint(BaseModel):
    """Fraction of co-operators on the published curve at one eta (plateaus and rises)."""

    model_config = ConfigDict(extra="forbid")

    curve: CurveName
    eta: float
    fraction: float = Field(ge=0.0, le=1.0)
    uncertainty: float = Field(gt=0.0, description="Reading error assigned to ``fraction``.")
    disagreement: str = ""


class Reference(BaseModel):
    """The published values the case is checked against, with their reading errors."""

    model_config = ConfigDict(extra="forbid")

    source: str
    reading: str
    crossings: list[ReferenceCrossing]
    points: list[ReferencePoint]


def load_reference(path: Path | None = None) -> Reference:
    """Read the reference values (default ``configs/validation/reference_santos2008.yaml``)."""
    path = path or REFERENCE_FILE
    from experiments.inputfile import read_text_input
    from experiments.yaml_input import load_yaml  # duplicate keys refused, depth capped

    data = load_yaml(read_text_input(path, "validation reference"), str(path))
    try:
        return Reference.model_validate(data)
    except ValidationError as error:
        raise UserError(f"validation reference {path}: {error}") from error


def reference_checks(
    curves: list[Curve], reference: Reference, crossing_allowance: float = 0.0
) -> list[Check]:
    """One validation check per reference crossing and point whose curve was played.

    - crossing: ``-tol <= eta_model - eta <= tol + allowance`` with ``tol = uncertainty +
      step / 2``, the model's crossing interpolated on its eta grid of spacing ``step``;
      ``allowance`` (``crossing_allowance``, 0 in the full variant) admits the later
      crossings of short runs;
    - point: ``|f_model(eta) - fraction| <= uncertainty + 3 s.e.`` over the runs, at an
      eta of the model's grid.
    """
    by_name = {curve.name: curve for curve in curves}
    checks = []
    for ref in reference.crossings:
        curve = by_name.get(ref.curve)
        if curve is None:
            continue
        measured = crossing(curve.etas, curve.mean, ref.level)
        tol = ref.uncertainty + curve.grid_step / 2
        if crossing_allowance > 0:
            band = f"-{tol:.3f}/+{tol + crossing_allowance:.3f} (reading {ref.uncertainty:g} "
            band += f"+ half grid step; + {crossing_allowance:g} for short runs)"
        else:
            band = f"±{tol:.3f} (reading {ref.uncertainty:g} + half grid step)"
        checks.append(
            Check(
                f"{curve.label}: eta where f_C first reaches {ref.level:g}",
                f"{ref.eta:.2f}",
                f"{measured:.3f}",
                band,
                bool(-tol <= measured - ref.eta <= tol + crossing_allowance),
                kind="validation",
                disagreement=ref.disagreement,
            )
        )
    for ref in reference.points:
        curve = by_name.get(ref.curve)
        if curve is None:
            continue
        at = np.flatnonzero(np.isclose(curve.etas, ref.eta))
        if at.size == 0:
            raise UserError(
                f"coproduction: reference point eta = {ref.eta:g} of {ref.curve} is not on "
                f"the variant's eta grid {curve.etas.tolist()}"
            )
        i = int(at[0])
        tol = ref.uncertainty + 3.0 * float(curve.stderr[i])
        checks.append(
            Check(
                f"{curve.label}: f_C at eta = {ref.eta:g}",
                f"{ref.fraction:.2f}",
                f"{curve.mean[i]:.3f} ± {curve.stderr[i]:.3f}",
                f"±{tol:.3f} (reading {ref.uncertainty:g} + 3 s.e.)",
                bool(abs(curve.mean[i] - ref.fraction) <= tol),
                kind="validation",
                disagreement=ref.disagreement,
            )
        )
    return checks


def cost_rule_check(curves: list[Curve]) -> Check | None:
    """Verification: on a regular graph the cost rule cannot matter.

    With ``k + 1`` the same for everyone, per-individual payoffs and payoff bounds are
    the per-game ones divided by ``k + 1``, so every imitation probability is equal;
    with the same seeds (common random numbers) the two ring curves must coincide up to
    rounding. Compared run by run on the etas both curves played.
    """
    by_name = {curve.name: curve for curve in curves}
    game, individual = by_name.get("ring_per_game"), by_name.get("ring_per_individual")
    if game is None or individual is None:
        return None
    shared = np.intersect1d(game.etas, individual.etas)
    runs = min(game.runs.shape[1], individual.runs.shape[1])
    a = game.runs[np.isin(game.etas, shared), :runs]
    b = individual.runs[np.isin(individual.etas, shared), :runs]
    same_length = (game.transient, game.average) == (individual.transient, individual.average)
    gap = float(np.max(np.abs(a - b))) if shared.size and same_length else float("nan")
    measured = f"{gap:.4f} ({shared.size} etas x {runs} runs)"
    if not same_length:
        measured = "not comparable: the two ring curves have different run lengths"
    elif not shared.size:
        measured = "not comparable: no eta in common"
    return Check(
        "ring: the cost rule does not matter (same seeds)",
        "max |f_C(per game) - f_C(per individual)| = 0",
        measured,
        "0.01 (rounding only)",
        bool(gap <= 0.01),
        kind="verification",
    )


def interface_drift(base: ModelParams, eta: float, runs: int, steps: int, seed: int) -> np.ndarray:
    """Change of the co-operator share on a ring that starts as one C block and one D block.

    Each run is a model with ``network.kind: ring`` and cost per game whose first half
    of citizens (contiguous on the ring) co-operate, advanced ``steps`` times by
    ``model.step()``. The share grows when the two straight C|D interfaces advance into
    the defectors and shrinks when they recede.

    Returns
    -------
    numpy.ndarray
        One change of the share per run.
    """
    from sim import GovernanceModel

    out = np.empty(runs)
    for run, child in enumerate(np.random.SeedSequence(seed).spawn(runs)):
        params, z = population_params(base, "ring", "per_game", child)
        params = with_settings(params, {"coproduction.synergy": eta * (z + 1.0)})
        model = GovernanceModel(params, rng=np.random.default_rng(child), agent_views=False)
        cooperate = model.citizens.cooperate
        cooperate[:] = np.arange(cooperate.size) < cooperate.size // 2
        start = float(cooperate.mean())
        for _ in range(steps):
            model.step()
        out[run] = float(model.citizens.cooperate.mean()) - start
    return out


def interface_check(base: ModelParams, settings: InterfaceSettings, seed: int) -> Check:
    """Verification behind the ring disagreement: where straight interfaces turn round.

    A straight C|D interface on the ring (k = 4, cost per game) recedes when the
    defector next to it out-earns the co-operator two sites inside the block, and
    advances otherwise; the balance, measured, is near eta = 0.735. Below it every
    co-operator block shrinks, so no run length gives co-operators at eta = 0.70.
    """
    low, high = settings.etas
    below = interface_drift(base, low, settings.runs, settings.steps, seed)
    above = interface_drift(base, high, settings.runs, settings.steps, seed)

    def bound(x: np.ndarray) -> tuple[float, float]:
        half = 1.96 * x.std(ddof=1) / np.sqrt(x.size)
        return float(x.mean() - half), float(x.mean() + half)

    lo_below, hi_below = bound(below)
    lo_above, _ = bound(above)
    return Check(
        f"ring interface ({settings.steps} steps from half C): "
        f"recedes at eta = {low:g}, advances at {high:g}",
        "change of f_C < 0 below, > 0 above (95% intervals)",
        f"{below.mean():+.3f} [{lo_below:+.3f}, {hi_below:+.3f}], "
        f"{above.mean():+.3f} [{lo_above:+.3f}, ...]",
        "95% interval excludes 0",
        bool(hi_below < 0.0 < lo_above),
        kind="verification",
    )


def _write_table(curves: list[Curve], path: Path) -> Path:
    rows = ["curve,eta,mean_fraction_cooperators,stderr,runs"]
    for curve in curves:
        for eta, m, se in zip(curve.etas, curve.mean, curve.stderr, strict=True):
            rows.append(f'"{curve.label}",{eta:.4f},{m:.5f},{se:.5f},{curve.runs.shape[1]}')
    path.write_text("\n".join(rows) + "\n")
    return path


def run_case(
    variant: Variant,
    out: Path,
    config: CaseConfig | None = None,
    reference: Reference | None = None,
) -> CaseResult:
    """Run the Santos case through ``model.step()`` and check it against the reference."""
    start = time.perf_counter()
    config = config or load_case_config("coproduction")
    reference = reference or load_reference()
    settings = config.settings(variant, CoproductionSettings)
    base = config.params()
    curves = santos_curves(base, settings, config.seed)
    checks = reference_checks(curves, reference, settings.crossing_allowance)
    rule_check = cost_rule_check(curves)
    if rule_check is not None:
        checks.append(rule_check)
    if settings.interface is not None:
        checks.append(interface_check(base, settings.interface, config.seed))
    result = CaseResult("coproduction", config.source, variant, checks)
    result.figure = plot_coproduction(curves, reference, out / "validation_coproduction.png")
    result.table = _write_table(curves, out / "validation_coproduction.csv")
    result.seconds = time.perf_counter() - start
    return result
