"""A Markdown report of case results (``govsim cases``): the summary table and one section per case.

``govsim cases --out DIR`` writes it as ``DIR/cases.md``; the result sections of
``docs/CASES.md`` are this report of the documented run, with the explanations
(``case.disagreement`` of each file) included.
"""

from __future__ import annotations

from collections.abc import Sequence

from experiments.cases.run import CaseResult, results_table
from experiments.cases.verdict import NOT_EXPRESSIBLE

__all__ = ["markdown_report"]


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
