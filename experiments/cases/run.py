"""Run cases: plan every case's runs, execute them on one executor, judge each claim.

The runs of a case are those of its experiment config
(:func:`experiments.experiment.plan_runs`: the config as a sweep of one point,
replicate ``r`` of both variants uses seed stream ``r``). Every case's runs form
one :class:`~experiments.pipeline.plan.TaskPlan`, executed by the pipeline's one
loop (:func:`experiments.pipeline.sinks.collect`) on the executor the command line
asks for (in-process, a process pool or Dask), all cases at once so that the
workers stay busy. Each case is then judged by :mod:`experiments.cases.verdict`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.cases.schema import CONTROL, TREATED, Case
from experiments.cases.verdict import (
    GOOD_DIRECTION,
    NOT_EXPRESSIBLE,
    judge,
    paired_differences,
    paired_effect,
    side_effects,
)
from experiments.errors import UserError
from experiments.experiment import plan_runs
from experiments.outdir import staged_output
from experiments.pipeline.loop import RunOutcome
from experiments.pipeline.plan import TaskPlan
from experiments.pipeline.sinks import collect
from experiments.provenance import git_commit, package_versions
from experiments.runner import RunTask
from sim.indicators import INDICATORS

__all__ = [
    "CaseResult",
    "ClaimResult",
    "adjust",
    "indicator_effects",
    "judge_case",
    "results_table",
    "run_cases",
    "side_effect_table",
    "write_results",
]


@dataclass
class ClaimResult:
    """One claim's verdict and the paired difference behind it."""

    statement: str
    indicator: str | None
    direction: str | None
    window: tuple[int, int] | None  # absolute steps, both included
    verdict: str
    mean: float = float("nan")
    low: float = float("nan")
    high: float = float("nan")
    n: int = 0
    min_effect: float = 0.0
    missing: list[str] = field(default_factory=list)


@dataclass
class CaseResult:
    """A case's claims, side effects and the checks of its runs."""

    case: Case
    claims: list[ClaimResult]
    side_effects: pd.DataFrame | None = None
    differences: pd.DataFrame | None = None  # per replicate and claim
    identical_before: bool | None = None  # the arms agree before the intervention
    effects: pd.DataFrame | None = None  # every indicator's paired difference (95%)
    seconds: float = 0.0


def adjust(case: Case, replicates: int | None, steps: int | None) -> Case:
    """``case`` with ``--replicates`` / ``--steps`` applied (windows clipped to the run).

    Raises
    ------
    UserError
        When ``steps`` leaves no step after the intervention.
    """
    config = case.config
    if config is None or (replicates is None and steps is None):
        return case
    run = config.run.model_copy(
        update={k: v for k, v in (("replicates", replicates), ("steps", steps)) if v is not None}
    )
    t0 = case.block.intervention_step
    if run.steps <= t0:
        raise UserError(
            f"--steps {run.steps}: case {case.id} intervenes at step {t0}; "
            f"give more than {t0} steps"
        )
    events = [e for e in config.events if e.step <= run.steps]
    variants = {
        name: {
            **{k: v for k, v in overrides.items() if k != "events"},
            **(
                {"events": [e for e in overrides["events"] if e.get("step", 0) <= run.steps]}
                if isinstance(overrides.get("events"), list)
                else {}
            ),
        }
        for name, overrides in config.variants.items()
    }
    config = config.model_copy(update={"run": run, "events": events, "variants": variants})
    claims = []
    for claim in case.block.claims:
        if claim.window is not None and t0 + claim.window[1] > run.steps:
            start = min(claim.window[0], run.steps - t0)
            claim = claim.model_copy(update={"window": (start, run.steps - t0)})
        claims.append(claim)
    block = case.block.model_copy(update={"claims": claims})
    return Case(block, config, case.path)


def run_cases(
    cases: Sequence[Case],
    *,
    workers: int = 0,
    scheduler: str | None = None,
    dask_local: int | None = None,
    on_done: Callable[[str, RunTask], None] | None = None,
) -> tuple[list[CaseResult], str]:
    """Run every expressible case's runs on one executor; judge every case.

    Returns
    -------
    results, executor
        One result per case, in order, and a description of the executor used.
    """
    # a case's runs: both variants on the same seeds
    plans = {k: plan_runs(c.config) for k, c in enumerate(cases) if c.config is not None}
    # every case's runs as one plan: run id -> (case, its run)
    owners = [(k, n) for k, tasks in plans.items() for n in range(len(tasks))]
    plan = TaskPlan([plans[k][n] for k, n in owners])
    clock = {k: 0.0 for k in plans}

    def done(outcome: RunOutcome) -> None:
        k, n = owners[outcome.run_id]
        clock[k] += outcome.wall_seconds
        if on_done is not None:
            on_done(cases[k].id, plans[k][n])

    sink, tally = collect(
        plan, workers, scheduler=scheduler, dask_local=dask_local, on_outcome=done
    )
    results = []
    for k, case in enumerate(cases):
        if k not in plans:
            results.append(judge_case(case, None))
            continue
        ids = [run_id for run_id, (owner, _) in enumerate(owners) if owner == k]
        result = judge_case(case, sink.timeseries(ids))
        result.seconds = clock[k]
        results.append(result)
    return results, tally.executor or "none (no expressible case)"


def judge_case(case: Case, frame: pd.DataFrame | None) -> CaseResult:
    """Verdicts of a case's claims from its runs' timeseries (``None``: not expressible).

    ``frame`` holds both variants' indicator rows (variant, replicate, seed, step,
    indicators), as :func:`experiments.runner.execute_run` returns them.
    """
    block = case.block
    t0 = block.intervention_step
    claims: list[ClaimResult] = []
    pieces = []
    for claim in block.claims:
        runnable = frame is not None and block.expressible and claim.expressible
        if not runnable:
            claims.append(
                ClaimResult(
                    claim.statement,
                    claim.indicator,
                    claim.direction,
                    None,
                    NOT_EXPRESSIBLE,
                    min_effect=claim.min_effect,
                    missing=list(claim.missing or block.missing),
                )
            )
            continue
        assert claim.window is not None and claim.indicator is not None and frame is not None
        first, last = t0 + claim.window[0], t0 + claim.window[1]
        diffs = paired_differences(frame, [claim.indicator], first, last, TREATED, CONTROL)
        effect = paired_effect(diffs[claim.indicator])
        claims.append(
            ClaimResult(
                claim.statement,
                claim.indicator,
                claim.direction,
                (first, last),
                judge(effect, claim.direction or "increase", claim.min_effect),
                effect.mean,
                effect.low,
                effect.high,
                effect.n,
                claim.min_effect,
            )
        )
        pieces.append(
            diffs.rename(columns={claim.indicator: "difference"}).assign(
                claim=len(claims) - 1, indicator=claim.indicator, first_step=first, last_step=last
            )
        )
    result = CaseResult(case, claims)
    if frame is None or not block.checked:
        return result
    result.differences = pd.concat(pieces, ignore_index=True)
    window = next(c.window for c in claims if c.window is not None)
    assert window is not None
    good = [name for name in GOOD_DIRECTION if name in frame.columns]
    all_diffs = paired_differences(frame, good, window[0], window[1], TREATED, CONTROL)
    result.side_effects = side_effects(all_diffs, [c.indicator for c in block.checked])
    result.effects = indicator_effects(frame, window[0], window[1])
    result.identical_before = _identical_before(frame, t0)
    return result


def indicator_effects(frame: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Every indicator's paired difference over steps ``first..last``, with its 95% interval.

    Descriptive (no verdict, no adjustment for multiplicity): what moved, to read the
    mechanism behind a verdict (programme spending, refunds, delivery productivity ...).
    """
    names = [name for name in INDICATORS if name in frame.columns]
    diffs = paired_differences(frame, names, first, last, TREATED, CONTROL)
    rows = []
    for name in names:
        effect = paired_effect(diffs[name])
        rows.append(
            {
                "indicator": name,
                "first_step": first,
                "last_step": last,
                "mean": effect.mean,
                "ci_low": effect.low,
                "ci_high": effect.high,
                "n": effect.n,
            }
        )
    return pd.DataFrame(rows)


def _identical_before(frame: pd.DataFrame, t0: int) -> bool | None:
    """Whether both arms of every replicate have the same indicators before step ``t0``."""
    if t0 <= 0:
        return None
    before = frame[frame["step"] < t0]
    columns = [c for c in before.columns if c not in ("variant", "replicate", "seed", "step")]
    arms = [
        before[before["variant"] == name].sort_values(["replicate", "step"])[columns].to_numpy()
        for name in (CONTROL, TREATED)
    ]
    if arms[0].shape != arms[1].shape:
        return False
    return bool(np.array_equal(arms[0], arms[1], equal_nan=True))


def _number(value: float) -> str:
    return "nan" if not np.isfinite(value) else f"{value:+.3g}"


def results_table(results: Sequence[CaseResult]) -> pd.DataFrame:
    """One row per claim: case, kind, claim, indicator, direction, window, effect, verdict, side effects."""
    rows = []
    for result in results:
        block = result.case.block
        worse = ""
        if result.side_effects is not None:
            bad = result.side_effects[result.side_effects["worse"]]
            worse = "; ".join(
                f"{r.indicator} {_number(r.mean)} [{_number(r.low)}, {_number(r.high)}]"
                for r in bad.itertuples()
            )
        for claim in result.claims:
            rows.append(
                {
                    "case": block.id,
                    "kind": block.kind,
                    "title": block.title,
                    "claim": claim.statement,
                    "indicator": claim.indicator or "",
                    "direction": claim.direction or "",
                    "intervention_step": block.intervention_step,
                    "first_step": claim.window[0] if claim.window else None,
                    "last_step": claim.window[1] if claim.window else None,
                    "replicates": claim.n,
                    "min_effect": claim.min_effect,
                    "mean": claim.mean,
                    "ci_low": claim.low,
                    "ci_high": claim.high,
                    "verdict": claim.verdict,
                    "side_effects": worse if claim.verdict != NOT_EXPRESSIBLE else "",
                    "missing": "; ".join(claim.missing),
                    "identical_before": result.identical_before,
                }
            )
    return pd.DataFrame(rows)


def side_effect_table(results: Sequence[CaseResult]) -> pd.DataFrame:
    """Every side-effect check of every case (one row per case and indicator)."""
    frames = [
        r.side_effects.assign(case=r.case.id)
        for r in results
        if r.side_effects is not None and not r.side_effects.empty
    ]
    if not frames:
        return pd.DataFrame(
            columns=["case", "indicator", "good", "mean", "low", "high", "level", "worse", "better"]
        )
    table = pd.concat(frames, ignore_index=True)
    return table[["case", *[c for c in table.columns if c != "case"]]]


def write_results(
    results: Sequence[CaseResult],
    out: Path,
    overwrite: bool,
    *,
    command: Sequence[str] = (),
    executor: str = "",
    wall_seconds: float = 0.0,
) -> list[Path]:
    """Write cases.csv, cases.md, side_effects.csv, paired.csv, effects.csv, manifest.json.

    ``effects.csv`` holds every indicator's paired difference over each case's
    first window (descriptive, 95%), to trace the mechanism behind a verdict.

    Nothing appears in ``out`` unless every file is written.
    """
    table = results_table(results)
    paired = [
        r.differences.assign(case=r.case.id)
        for r in results
        if r.differences is not None and not r.differences.empty
    ]
    with staged_output(out, overwrite) as staging:
        table.to_csv(staging / "cases.csv", index=False)
        side_effect_table(results).to_csv(staging / "side_effects.csv", index=False)
        (pd.concat(paired, ignore_index=True) if paired else pd.DataFrame()).to_csv(
            staging / "paired.csv", index=False
        )
        from experiments.present.cases import markdown_report

        (staging / "cases.md").write_text(markdown_report(results), encoding="utf-8")
        effects = [
            r.effects.assign(case=r.case.id)[["case", *r.effects.columns]]
            for r in results
            if r.effects is not None
        ]
        (pd.concat(effects, ignore_index=True) if effects else pd.DataFrame()).to_csv(
            staging / "effects.csv", index=False
        )
        manifest = {
            "kind": "cases",
            "command": list(command),
            "started": datetime.now(UTC).isoformat(),
            "wall_seconds": round(wall_seconds, 3),
            "executor": executor,
            "git_commit": git_commit(),
            "versions": package_versions(),
            "cases": {
                r.case.id: {
                    "file": str(r.case.path) if r.case.path else None,
                    "case": r.case.block.model_dump(mode="json"),
                    "config": r.case.config.model_dump(mode="json") if r.case.config else None,
                    "identical_before_intervention": r.identical_before,
                    "run_seconds": round(r.seconds, 3),
                }
                for r in results
            },
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
        )
    names = ("cases.csv", "cases.md", "side_effects.csv", "paired.csv", "effects.csv")
    names += ("manifest.json",)
    return [out / name for name in names]
