"""Lever swaps: which of the levers that separate two regimes explains each gap.

Two regimes A and B differ in several levers. For each lever ``L`` on which they
differ, the *swap arm* runs regime A with ``L`` set to B's value and everything
else kept. With common random numbers (every arm of replicate ``r`` uses seed
``r``), the per-seed effect of the lever and the per-seed gap are

.. math::

    e_{L,r} = y_r(A \\text{ with } L := B_L) - y_r(A), \\qquad g_r = y_r(B) - y_r(A),

where ``y`` is an indicator's steady-state value: its mean over the last ``W``
steps of the run (not its final step, which carries one step's noise). Each
effect is reported as a mean over seeds with a Student-t 95% interval, and as a
share of the gap, ``share_L = mean(e_L) / mean(g)``. This is the one-at-a-time
("ceteris paribus") design of local sensitivity analysis (Saltelli et al. 2008,
ch. 1): shares need not sum to 1, because a lever's effect can depend on the
others. The table therefore also reports the sum of the effects and the
*interaction remainder* ``g - sum_L e_L`` (per seed, with its interval); a
remainder near 0 means the levers act roughly additively at A. An order-free
attribution (Shapley values over lever blocks) reuses :func:`swap_items`,
:func:`levers_with` and :func:`run_arms`.

The delivery shares are bounded together (``enterprise + social_org <= 1``).
When setting one of them to B's value would break the bound at A, the two are
swapped together as one item, ``delivery mix`` (or always, with
``group_delivery=True``); the table says so in its ``levers`` column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from experiments.analysis import mean_ci
from experiments.config import ExperimentConfig, format_validation_error
from experiments.errors import UserError
from experiments.experiment import run_tasks
from experiments.runner import RunTask
from experiments.seeds import stream_seeds
from sim.indicators import INDICATORS
from sim.levers import REGIME_NAMES
from sim.params import ModelParams

__all__ = [
    "DEFAULT_SWAP_INDICATORS",
    "DELIVERY_LEVERS",
    "DELIVERY_MIX",
    "SwapItem",
    "check_indicators",
    "lever_swaps",
    "levers_with",
    "run_arms",
    "steady_state",
    "swap_effects",
    "swap_items",
]

DEFAULT_SWAP_INDICATORS: tuple[str, ...] = (
    "mean_trust",
    "mean_satisfaction",
    "service_coverage",
    "governance_cost",
    "cost_effectiveness",
    "polycentricity",
    "participation_rate",
    "compliance_rate",
    "unrest_rate",
)
DELIVERY_LEVERS: tuple[str, str] = ("enterprise_delivery_share", "social_org_delivery_share")
DELIVERY_MIX = "delivery mix"

# names of the arms that are not swaps
_ARM_A = "A"
_ARM_B = "B"


@dataclass(frozen=True)
class SwapItem:
    """Levers that are swapped together: usually one, the two delivery shares as a mix."""

    name: str
    levers: tuple[str, ...]


def swap_items(
    a: Mapping[str, float], b: Mapping[str, float], group_delivery: bool | None = None
) -> list[SwapItem]:
    """The items to swap from ``a`` to ``b``: every lever whose values differ.

    Parameters
    ----------
    a, b
        Complete lever settings (``sim.Levers.model_dump()``).
    group_delivery
        Swap both delivery shares as one item: ``True`` always (when either
        differs), ``False`` never (an invalid arm then raises), ``None`` only
        when swapping one of them alone would make the shares sum above 1.

    >>> from sim.levers import REGIME_PRESETS
    >>> top_down, regulatory = (REGIME_PRESETS[r].model_dump() for r in ("top_down", "regulatory"))
    >>> "fine" in [item.name for item in swap_items(top_down, regulatory)]  # 5 in both
    False
    >>> swap_items(top_down, top_down)
    []
    """
    differing = [name for name in a if a[name] != b[name]]
    delivery = [name for name in DELIVERY_LEVERS if name in differing]
    if group_delivery is None:
        group_delivery = any(
            _sum_delivery(levers_with(a, b, (name,))) > 1.0 + 1e-12 for name in delivery
        )
    items: list[SwapItem] = []
    grouped = False
    for name in differing:
        if group_delivery and name in delivery:
            if not grouped:
                items.append(SwapItem(DELIVERY_MIX, tuple(delivery)))
                grouped = True
            continue
        items.append(SwapItem(name, (name,)))
    return items


def _sum_delivery(levers: Mapping[str, float]) -> float:
    return float(sum(levers[name] for name in DELIVERY_LEVERS))


def levers_with(
    a: Mapping[str, float], b: Mapping[str, float], swapped: Sequence[str]
) -> dict[str, float]:
    """``a`` with the levers named in ``swapped`` set to their values in ``b``."""
    levers = dict(a)
    for name in swapped:
        levers[name] = b[name]
    return levers


def _model_with_levers(
    base: Mapping[str, Any], regime: str, levers: Mapping[str, float]
) -> dict[str, Any]:
    """The base model dict with regime ``regime`` and every lever set explicitly."""
    model = dict(base)
    model["regime"] = regime
    model["levers"] = dict(levers)
    return model


def _resolved_levers(
    base: Mapping[str, Any], regime: str, overrides: Mapping[str, float] | None
) -> dict[str, float]:
    """The levers in force for ``regime``: the base model's overrides, then ``overrides``."""
    levers = {k: v for k, v in dict(base.get("levers") or {}).items() if v is not None}
    levers.update(overrides or {})
    try:
        params = ModelParams.model_validate({**base, "regime": regime, "levers": levers})
    except ValidationError as error:
        raise UserError(format_validation_error(error, "model")) from None
    return params.resolved_levers().model_dump()


def run_arms(
    arms: Mapping[str, Mapping[str, Any]],
    seeds: Sequence[int],
    steps: int,
    workers: int = 1,
    events: Sequence[Mapping[str, Any]] = (),
    on_done: Callable[[RunTask], None] | None = None,
    *,
    scheduler: str | None = None,
    dask_local: int | None = None,
) -> pd.DataFrame:
    """Run every arm (a name and a model dict) on every seed; one timeseries frame.

    The same seeds for every arm (common random numbers). The arms are a
    :class:`~experiments.pipeline.plan.TaskPlan` run by the pipeline's one loop
    (:func:`experiments.experiment.run_tasks`); ``workers`` > 1 runs on a local
    process pool.
    """
    tasks = [
        RunTask(name, replicate, seed, dict(model), [dict(e) for e in events], steps)
        for name, model in arms.items()
        for replicate, seed in enumerate(seeds)
    ]
    return run_tasks(
        tasks, max(1, workers), on_done=on_done, scheduler=scheduler, dask_local=dask_local
    )


def steady_state(frame: pd.DataFrame, indicators: Sequence[str], window: int) -> pd.DataFrame:
    """Mean of each indicator over the last ``window`` steps of each run.

    Rows: one per (variant, replicate); columns: ``variant``, ``replicate``,
    ``seed`` and the indicators.
    """
    last = frame.groupby(["variant", "replicate"])["step"].transform("max")
    tail = frame[frame["step"] > last - window]
    return (
        tail.groupby(["variant", "replicate", "seed"], sort=False)[list(indicators)]
        .mean()
        .reset_index()
    )


def swap_effects(
    levels: pd.DataFrame,
    items: Sequence[SwapItem],
    indicators: Sequence[str],
    a: Mapping[str, float],
    b: Mapping[str, float],
    level: float = 0.95,
) -> pd.DataFrame:
    """Effects, gap, sum and remainder from steady-state levels of the arms.

    ``levels`` has a row per (arm, replicate) with the arms named ``A``, ``B``
    and after each item. The tidy result has one row per (indicator, row kind,
    item) with columns ``indicator``, ``kind`` (``gap``, ``swap``, ``sum``,
    ``remainder``), ``item``, ``levers``, ``value_a``, ``value_b``, ``mean``,
    ``low``, ``high``, ``share`` (of the mean gap), ``share_low``, ``share_high``
    (the effect's interval over the mean gap, which ignores the gap's own
    uncertainty) and ``seeds``.
    """
    wide = levels.set_index(["variant", "replicate"])
    base = wide.loc[_ARM_A].sort_index()
    gap = wide.loc[_ARM_B].sort_index()[list(indicators)] - base[list(indicators)]
    rows: list[dict[str, Any]] = []
    for indicator in indicators:
        g = gap[indicator].to_numpy()
        g_mean = float(g.mean())
        effects = {}
        for item in items:
            effects[item.name] = (
                wide.loc[item.name].sort_index()[indicator].to_numpy() - base[indicator].to_numpy()
            )
        total = np.sum(list(effects.values()), axis=0) if effects else np.zeros_like(g)
        entries = [("gap", "B - A", "", "", "", g)]
        for item in items:
            entries.append(
                (
                    "swap",
                    item.name,
                    "+".join(item.levers),
                    "/".join(f"{a[n]:g}" for n in item.levers),
                    "/".join(f"{b[n]:g}" for n in item.levers),
                    effects[item.name],
                )
            )
        entries.append(("sum", "sum of swaps", "", "", "", total))
        entries.append(("remainder", "interaction remainder", "", "", "", g - total))
        for kind, name, levers, value_a, value_b, values in entries:
            mean, low, high = mean_ci(values, level=level)
            share = mean / g_mean if g_mean != 0.0 else float("nan")
            rows.append(
                {
                    "indicator": indicator,
                    "kind": kind,
                    "item": name,
                    "levers": levers,
                    "value_a": value_a,
                    "value_b": value_b,
                    "mean": mean,
                    "low": low,
                    "high": high,
                    "share": share,
                    "share_low": low / g_mean if g_mean != 0.0 else float("nan"),
                    "share_high": high / g_mean if g_mean != 0.0 else float("nan"),
                    "seeds": len(values),
                }
            )
    frame = pd.DataFrame(rows)
    # a negative gap turns the interval's ends around once divided
    swapped = frame["share_low"] > frame["share_high"]
    frame.loc[swapped, ["share_low", "share_high"]] = frame.loc[
        swapped, ["share_high", "share_low"]
    ].to_numpy()
    return frame


def lever_swaps(
    base: Mapping[str, Any] | Any,
    regime_a: str,
    regime_b: str,
    indicators: Sequence[str] = DEFAULT_SWAP_INDICATORS,
    seeds: Sequence[int] | None = None,
    replicates: int = 4,
    root_seed: int = 20261126,
    steps: int = 600,
    window: int = 200,
    workers: int = 1,
    events: Sequence[Mapping[str, Any]] = (),
    group_delivery: bool | None = None,
    on_done: Callable[[RunTask], None] | None = None,
    overrides_a: Mapping[str, float] | None = None,
    overrides_b: Mapping[str, float] | None = None,
    *,
    scheduler: str | None = None,
    dask_local: int | None = None,
) -> pd.DataFrame:
    """One-at-a-time lever swaps from regime ``regime_a`` towards ``regime_b``.

    Parameters
    ----------
    base
        The model: a ``ModelParams`` dict, a ``ModelParams`` or an
        ``ExperimentConfig`` (its ``model`` and ``events``). Its ``regime`` is
        replaced by A and B; its own lever overrides apply to both.
    regime_a, regime_b
        Regime names (``sim.levers.REGIME_NAMES``).
    indicators
        Indicators to compare (columns of ``GovernanceModel.indicator_frame``).
    seeds
        Seeds, the same for every arm; else ``replicates`` streams of ``root_seed``.
    steps, window
        Run length, and the number of final steps averaged as the steady state.
    workers
        Parallel processes.
    scheduler, dask_local
        Run on Dask instead (:func:`experiments.executors.open_executor`).
    group_delivery
        See :func:`swap_items`.
    overrides_a, overrides_b
        Lever values that replace regime A's (B's) preset, so A or B may be a
        hybrid; A and B may then be the same regime.

    Returns
    -------
    pandas.DataFrame
        :func:`swap_effects`'s table with ``from`` and ``to`` columns first.
    """
    base_model, base_events = _base_of(base)
    for option, regime in (("--from", regime_a), ("--to", regime_b)):
        if regime not in REGIME_NAMES:
            raise UserError(f"{option} {regime!r}: expected one of {', '.join(REGIME_NAMES)}")
    if steps < 1:
        raise UserError(f"--steps {steps}: must be at least 1")
    if not 1 <= window <= steps:
        raise UserError(f"--window {window}: must be between 1 and --steps ({steps})")
    if seeds is None:
        if replicates < 2:
            raise UserError(f"--replicates {replicates}: need at least 2 for an interval")
        seeds = stream_seeds(root_seed, replicates)
    if not indicators:
        raise UserError("--indicator: give at least one indicator")
    check_indicators(indicators)
    a = _resolved_levers(base_model, regime_a, overrides_a)
    b = _resolved_levers(base_model, regime_b, overrides_b)
    items = swap_items(a, b, group_delivery)
    if not items:
        raise UserError(f"{regime_a} and {regime_b}: no lever differs, nothing to swap")
    arms = {_ARM_A: _model_with_levers(base_model, regime_a, a)}
    arms[_ARM_B] = _model_with_levers(base_model, regime_b, b)
    for item in items:
        arms[item.name] = _model_with_levers(base_model, regime_a, levers_with(a, b, item.levers))
    _check_arms(arms)
    frame = run_arms(
        arms,
        seeds,
        steps,
        workers,
        [*base_events, *events],
        on_done,
        scheduler=scheduler,
        dask_local=dask_local,
    )
    levels = steady_state(frame, indicators, window)
    table = swap_effects(levels, items, indicators, a, b)
    table.insert(0, "to", regime_b)
    table.insert(0, "from", regime_a)
    return table


def _base_of(base: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Model dict and events of whatever the caller gave."""
    if isinstance(base, ExperimentConfig):
        events = [e.model_dump(mode="json", exclude_defaults=True) for e in base.events]
        return base.model.model_dump(mode="json"), events
    if isinstance(base, ModelParams):
        return base.model_dump(mode="json"), []
    return ModelParams.model_validate(dict(base)).model_dump(mode="json"), []


def check_indicators(indicators: Sequence[str]) -> None:
    """Refuse a name that is not an indicator, naming the allowed ones."""
    unknown = [name for name in indicators if name not in INDICATORS]
    if unknown:
        raise UserError(
            f"--indicator {unknown[0]!r}: not an indicator; allowed: {', '.join(INDICATORS)}"
        )


def _check_arms(arms: Mapping[str, Mapping[str, Any]]) -> None:
    """Every arm must be a valid model (a swap can break the delivery-share bound)."""
    for name, model in arms.items():
        try:
            ModelParams.model_validate(model)
        except ValidationError as error:
            raise UserError(
                f"swap arm {name!r} is not a valid model ({error.errors()[0]['msg']}); "
                "swap the delivery shares together (group_delivery=True)"
            ) from None
