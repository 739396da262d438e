"""What ``govsim cases`` shows: terminal tables of the claims and results, the Markdown report.

``govsim cases --out DIR`` writes the report as ``DIR/cases.md`` (the summary table
and one section per case); the result sections of ``docs/CASES.md`` are this
report of the documented run, with the explanations (``case.disagreement`` of
each file) included. The terminal tables fit 80 columns
(:func:`experiments.present.tables.wide_tables`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
from rich.cells import cell_len
from rich.table import Table

from experiments.cases.run import CaseResult, results_table
from experiments.cases.schema import Case
from experiments.cases.verdict import NOT_EXPRESSIBLE
from experiments.present.tables import TableColumn, wide_tables

__all__ = ["case_list_tables", "case_notes", "case_tables", "markdown_report"]


def _n(value: float) -> str:
    return f"{value:+.3g}"


def markdown_report(results: Sequence[CaseResult]) -> str:
    """The summary table (one row per claim) and a section per case, as Markdown."""
    table = results_table(results)
    out = [
        "| case | claim (source) | check | treated - control [95% CI] | verdict |",
        "|---|---|---|---|---|",
    ]
    for name, rows in table.groupby("case", sort=False):
        for k, row in enumerate(rows.itertuples()):
            if row.verdict == NOT_EXPRESSIBLE:
                check, effect = "-", f"missing: {row.missing}"
            else:
                check = (
                    f"`{row.indicator}` {row.direction}, steps "
                    f"{int(row.first_step)}-{int(row.last_step)}"
                )
                effect = f"{_n(row.mean)} [{_n(row.ci_low)}, {_n(row.ci_high)}]"
            case = f"`{name}`" if k == 0 else ""
            out.append(f"| {case} | {row.claim} | {check} | {effect} | **{row.verdict}** |")
    out.append("")
    for result in results:
        out.extend(_section(result))
    return "\n".join(out)


def _section(result: CaseResult) -> list[str]:
    block, config = result.case.block, result.case.config
    out = [f"### `{block.id}` - {block.title}", ""]
    actors = ", ".join(block.actors) or "-"
    out += [
        f"*Source:* {block.phrase}. *Actors:* {actors}. *Intervention:* {block.intervention}.",
        "",
    ]
    if config is not None:
        when = (
            f"intervention at step {block.intervention_step}"
            if block.intervention_step
            else "the two arms differ from step 0"
        )
        out += [
            f"*Setting:* `{config.model.regime}` preset, {config.model.citizens} citizens, "
            f"{config.model.jurisdictions} jurisdictions, {config.run.steps} steps, "
            f"{config.run.replicates} seeds per arm; {when}.",
            "",
        ]
    if block.mapping:
        out += ["*Mapping:*", ""]
        out += [f"* {part} -> {key}" for part, key in block.mapping.items()]
        out.append("")
    out += ["*Claims and results:*", ""]
    for claim in result.claims:
        if claim.verdict == NOT_EXPRESSIBLE:
            out.append(
                f"* {claim.statement}: **not expressible** (missing: {'; '.join(claim.missing)})."
            )
        else:
            out.append(
                f"* {claim.statement}: `{claim.indicator}` {claim.direction} -> "
                f"{_n(claim.mean)} [{_n(claim.low)}, {_n(claim.high)}], **{claim.verdict}**."
            )
    side = result.side_effects
    if side is not None:
        worse, better = side[side["worse"]], side[side["better"]]
        if len(worse):
            out.append("* Side effects (worse, Bonferroni 95%): " + _list(worse) + ".")
        if len(better):
            out.append("* Also better, not claimed (Bonferroni 95%): " + _list(better) + ".")
        if not len(worse) and not len(better):
            out.append("* No other indicator moved significantly (Bonferroni 95%).")
    if block.missing and block.expressible:
        out.append(f"* Not represented: {'; '.join(block.missing)}.")
    if block.disagreement:
        out += ["", f"*Where the model disagrees, and why:* {block.disagreement.strip()}"]
    out.append("")
    return out


def _list(rows) -> str:
    return "; ".join(
        f"`{r.indicator}` {_n(r.mean)} [{_n(r.low)}, {_n(r.high)}]" for r in rows.itertuples()
    )


def case_list_tables(loaded: Sequence[Case], width: int = 80) -> list[Table]:
    """Rich tables of the loaded cases' claims (``govsim cases --list``), one row per claim."""
    names = ["case", "claim", "check (treated - control)", "missing"]
    columns = [TableColumn(n, justify="left") for n in names]
    for case in loaded:
        block = case.block
        for k, claim in enumerate(block.claims):
            ok = block.expressible and claim.expressible
            check = (
                f"{claim.indicator}\n{claim.direction}, steps "
                f"+{claim.window[0]}..+{claim.window[1]}"
                if ok and claim.window
                else "not expressible"
            )
            cells = (
                block.id if k == 0 else "",
                textwrap.fill(claim.statement, 26),
                check,
                textwrap.fill("; ".join(claim.missing or ([] if ok else block.missing)), 26),
            )
            for column, cell in zip(columns, cells, strict=True):
                column.cells.append(cell)
    return wide_tables("cases", columns, keys=1, width=width, show_lines=True)


def case_tables(table: pd.DataFrame, title: str, width: int = 100) -> list[Table]:
    """Rich tables of :func:`experiments.cases.run.results_table`, readable at ``width``.

    Cells are narrow (the claim's indicator over its direction and window; the
    mean, its interval and the verdict) so that the table fits 80 columns; side
    effects and what is missing follow as notes (:func:`case_notes`).
    """
    names = ["case", "claim", "treated - control\n[95% CI]\nverdict"]
    columns = [TableColumn(n, justify="left") for n in names]
    previous = None
    for row in table.itertuples():
        if row.verdict == "not expressible":
            claim = _wrap(str(row.claim), 22)
            measured = "NOT EXPRESSIBLE"
        else:
            claim = f"{row.indicator}\n{row.direction} {int(row.first_step)}-{int(row.last_step)}"
            measured = f"{row.mean:+.3g}\n[{row.ci_low:+.2g}, {row.ci_high:+.2g}]"
            if row.min_effect:
                measured += f" (min {row.min_effect:g})"
            measured += f"\n{str(row.verdict).upper()}"
        cells = (row.case if row.case != previous else "", claim, measured)
        previous = row.case
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    return wide_tables(title, columns, keys=1, width=width, show_lines=True)


def _wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` terminal cells (CJK characters take two).

    Words longer than a line (a Chinese phrase has no spaces) are broken between
    characters.
    """
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if cell_len(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return "\n".join(lines)


def case_notes(table: pd.DataFrame) -> list[str]:
    """Lines after the table: each case's side effects, and what the model is missing."""
    lines = []
    tested = table[table["verdict"] != "not expressible"].drop_duplicates("case")
    if len(tested):
        lines.append(
            "side effects (other indicators significantly worse; Bonferroni-adjusted 95%):"
        )
        for row in tested.itertuples():
            lines.append(f"  {row.case}: {row.side_effects or 'none'}")
    missing = table[table["verdict"] == "not expressible"]
    if len(missing):
        lines.append("not expressible - what the model is missing:")
        for row in missing.itertuples():
            lines.append(f"  {row.case}: {row.missing}")
    return lines
