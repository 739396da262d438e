"""``govsim cases``: the source's cases (and general claims) as treated vs control checks."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from experiments.cli.options import DaskLocalOption, SchedulerOption, WorkersOption
from experiments.errors import UserError

__all__ = ["register"]


def cases(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="Case ids of configs/cases (or paths to case files); all when none.",
            metavar="[ID]...",
        ),
    ] = None,
    claims: Annotated[
        bool,
        typer.Option(
            "--claims", help="Run the source's general claims (configs/cases/claims) instead."
        ),
    ] = False,
    list_: Annotated[
        bool, typer.Option("--list", help="List the cases and their claims; run nothing.")
    ] = False,
    replicates: Annotated[
        int | None,
        typer.Option(help="Seeds per case (paired: both variants use each); default the file's."),
    ] = None,
    steps: Annotated[
        int | None,
        typer.Option(help="Steps per run (windows are cut to fit); default the file's."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a key of every case's config: key.path=value."),
    ] = None,
    workers: WorkersOption = 0,
    scheduler: SchedulerOption = None,
    dask_local: DaskLocalOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the table (cases.csv, cases.md) and the paired differences.",
        ),
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out folder.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress line.")] = False,
) -> None:
    """Check the source's claims: treated - control on the same seeds.

    A case file (configs/cases/ID.yaml; see docs/CASES.md) is an experiment
    config with a control and a treated variant, plus a case: block that
    writes each claim of the source as a check: indicator, direction
    (increase or decrease) and window (steps after the intervention).

    Per seed: treated - control of the indicator's mean over the window.
    The table gives the mean over seeds with a 95% t-interval and a verdict:
    reproduced (the interval lies beyond 0, or beyond min_effect, in the
    claimed direction); opposite (significant the other way); not reproduced
    (otherwise); not expressible (the model lacks a mechanism, named).

    Side effects: indicators the claim does not name that got significantly
    worse (Bonferroni-adjusted 95% intervals over about 15 indicators).

    Exit code 0 whatever the verdicts; 2 for bad input.
    """
    from experiments.cases.schema import load_case, resolve_cases
    from experiments.executors import check_one_executor

    for option, value, low in (("--replicates", replicates, 2), ("--steps", steps, 1)):
        if value is not None and value < low:
            raise UserError(f"{option} {value}: must be at least {low}")
    check_one_executor(scheduler, dask_local)
    target = None
    if out is not None and not list_:
        from experiments.outdir import resolve_output

        target = resolve_output(out, kind="folder", overwrite=overwrite)  # before any run
    paths = resolve_cases(ids or [], claims=claims)
    loaded = [load_case(path, set_ or []) for path in paths]
    from rich.console import Console

    from experiments.present.cases import case_list_tables, case_notes, case_tables

    console = Console()
    if list_:
        for part in case_list_tables(loaded, console.width):
            console.print(part)
        return
    from experiments.cases.run import adjust, results_table, run_cases, write_results

    loaded = [adjust(case, replicates, steps) for case in loaded]
    runs = sum(
        2 * case.config.run.replicates for case in loaded if case.config is not None
    )  # two variants
    done = 0
    status = Console(stderr=True, quiet=quiet).status(f"cases: {runs} runs starting")

    def count(case_id: str, task: object) -> None:
        nonlocal done
        done += 1
        status.update(f"cases: {done}/{runs} runs done (last: {case_id})")

    clock = time.perf_counter()
    with status:
        results, executor = run_cases(
            loaded, workers=workers, scheduler=scheduler, dask_local=dask_local, on_done=count
        )
    seconds = time.perf_counter() - clock
    table = results_table(results)
    what = "general claims" if claims else "cases"
    title = (
        f"{what}: treated - control on common random numbers, mean over the window, "
        f"95% t-interval over seeds"
    )
    for part in case_tables(table, title, console.width):
        console.print(part)
    for line in case_notes(table):
        typer.echo(line)
    counts = table["verdict"].value_counts()
    summary = ", ".join(f"{counts[v]} {v}" for v in counts.index)
    typer.echo(
        f"{len(results)} {what}, {len(table)} claims: {summary}; {runs} runs in "
        f"{seconds:.1f} s on {executor}"
    )
    broken = [r.case.id for r in results if r.identical_before is False]
    if broken:
        typer.echo(
            "warning: the two arms differ before the intervention in "
            f"{', '.join(broken)} (common random numbers broken?)",
            err=True,
        )
    if target is not None:
        files = write_results(
            results,
            target,
            overwrite,
            command=["govsim", *sys.argv[1:]],
            executor=executor,
            wall_seconds=seconds,
        )
        typer.echo(f"wrote {', '.join(str(f) for f in files)}")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("cases")(cases)
