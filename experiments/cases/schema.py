"""Case files: an experiment config plus a ``case:`` block that states the source's claim.

A case file (``configs/cases/<id>.yaml``, the general claims in
``configs/cases/claims/<id>.yaml``) is a normal experiment config
(:class:`experiments.config.ExperimentConfig`: ``run``, ``model``, ``events``,
``variants``) with two variants, ``control`` and ``treated``, run on the same
seeds (common random numbers), and a ``case:`` block::

    case:
      id: waste_sorting                 # the file's name without .yaml
      kind: case                        # or claim (a general claim of the source)
      title: Waste sorting with points and cash rewards
      phrase: 积分兑换、现金奖励          # locates the passage in the source
      actors: [households, local governments]
      intervention: "points and cash rewards for sorting households"
      mapping: {points and cash rewards: rule_compliance.reward}
      intervention_step: 300            # the treated variant's events happen here
      claims:
        - statement: 激发居民参与垃圾分类的积极性
          indicator: rule_compliance    # any indicator of sim.INDICATORS
          direction: increase           # or decrease
          window: [100, 300]            # steps after the intervention, both included
          min_effect: 0.0               # the interval must lie beyond this
      missing: []                       # what the model lacks for this case

``expressible: false`` (with ``missing`` naming the mechanisms needed) keeps a
case the model cannot express in the table; its claims then need only a
statement, and the rest of the file may be absent. A claim can also be
``expressible: false`` on its own (a case with one claim the model can test
and one it cannot).

When ``intervention_step`` > 0 the two variants must share the model block and
differ only by the treated variant's events at ``intervention_step``: until
then the two runs of a replicate are the same run, so the comparison is a
clean treated - control contrast from the intervention on. With
``intervention_step`` 0 the variants may differ in the model itself (a
regime A vs B comparison, as the general claims are).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, ValidationError, field_validator, model_validator

from experiments.config import ExperimentConfig, format_validation_error, load_config_text
from experiments.errors import UserError, nearest, show
from sim.strict import StrictBlock

__all__ = [
    "CASES_DIR",
    "CLAIMS_DIR",
    "CONTROL",
    "TREATED",
    "Case",
    "CaseBlock",
    "ClaimSpec",
    "case_ids",
    "load_case",
    "load_case_text",
    "resolve_cases",
]

CASES_DIR = Path(__file__).resolve().parents[2] / "configs" / "cases"
CLAIMS_DIR = CASES_DIR / "claims"
CONTROL = "control"
TREATED = "treated"

_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")


class ClaimSpec(StrictBlock):
    """One claim of the source, written as a check: indicator, direction, window."""

    statement: str = Field(min_length=1, description="The source's claim, in its words.")
    indicator: str | None = Field(
        None, description="Indicator of sim.INDICATORS that measures the claim."
    )
    direction: Literal["increase", "decrease"] | None = Field(
        None, description="Claimed direction of the treated - control difference."
    )
    window: tuple[int, int] | None = Field(
        None,
        description="[start, end]: steps after the intervention over which the indicator "
        "is averaged (both included).",
    )
    min_effect: float = Field(
        0.0,
        ge=0.0,
        description="Smallest effect that counts: the 95% interval must lie beyond it in "
        "the claimed direction.",
    )
    expressible: bool = Field(True, description="Whether the model can measure this claim.")
    missing: list[str] = Field(
        default_factory=list, description="What the model lacks to measure this claim."
    )

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, value: str | None) -> str | None:
        if value is None:
            return value
        from sim.indicators import INDICATORS

        if value not in INDICATORS:
            guess = nearest(value, INDICATORS)
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise ValueError(
                f"unknown indicator {show(value)}{hint} (allowed: {', '.join(INDICATORS)})"
            )
        return value

    @field_validator("window")
    @classmethod
    def _ordered(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not 0 <= value[0] <= value[1]:
            raise ValueError(f"must be [start, end] with 0 <= start <= end (got {list(value)})")
        return value

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if not self.expressible and not self.missing:
            raise ValueError(
                "a claim with expressible: false needs missing: [what the model lacks]"
            )
        return self

    def absent(self) -> list[str]:
        """Fields an expressible claim needs and this one lacks."""
        return [
            name for name in ("indicator", "direction", "window") if getattr(self, name) is None
        ]


class CaseBlock(StrictBlock):
    """The ``case:`` block of a case file: what the source says and how it is checked."""

    id: str = Field(description="The case's id: the file name without .yaml.")
    kind: Literal["case", "claim"] = Field(
        "case", description="case: a case of the source; claim: one of its general claims."
    )
    title: str = Field(min_length=1, description="A short English title.")
    phrase: str = Field(min_length=1, description="The source's phrase that locates the passage.")
    actors: list[str] = Field(default_factory=list, description="Who acts in the case.")
    intervention: str = Field(min_length=1, description="What changed, in words.")
    mapping: dict[str, str] = Field(
        default_factory=dict, description="Part of the case -> model key or mechanism."
    )
    intervention_step: int = Field(
        0, ge=0, description="Step at which the treated variant's intervention happens."
    )
    expressible: bool = Field(True, description="Whether the model can express the case at all.")
    missing: list[str] = Field(
        default_factory=list, description="Mechanisms the model lacks for this case."
    )
    claims: list[ClaimSpec] = Field(min_length=1, description="The source's claims as checks.")
    disagreement: str = Field(
        "", description="Where the model disagrees with the source and why (for docs/CASES.md)."
    )

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"must be lower-case letters, digits and _ (at most 64), got {show(value)}"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not self.expressible and not self.missing:
            raise ValueError("a case with expressible: false needs missing: [what the model lacks]")
        if self.expressible and not any(claim.expressible for claim in self.claims):
            raise ValueError(
                "no claim is expressible: set expressible: false on the case, with missing: [...]"
            )
        for n, claim in enumerate(self.claims):
            if self.expressible and claim.expressible and claim.absent():
                raise ValueError(
                    f"claims.{n}: an expressible claim needs {', '.join(claim.absent())} "
                    "(or expressible: false with missing: [...])"
                )
        return self

    @property
    def checked(self) -> list[ClaimSpec]:
        """The claims that are run (none when the case is not expressible)."""
        return [c for c in self.claims if c.expressible] if self.expressible else []


@dataclass(frozen=True)
class Case:
    """A loaded case: its block, its experiment config (None if not expressible), its file."""

    block: CaseBlock
    config: ExperimentConfig | None
    path: Path | None = None

    @property
    def id(self) -> str:
        """The case's id."""
        return self.block.id


def load_case(path: str | Path, overrides: Sequence[str] = ()) -> Case:
    """Read and validate a case file; ``overrides`` are ``--set key.path=value`` strings.

    Raises
    ------
    UserError
        For a missing or malformed file or any field that does not validate,
        naming the field (``case.claims.0.indicator``, ``variants.treated``, ...).
    """
    from experiments.inputfile import read_text_input

    path = Path(path)
    text = read_text_input(path, "case")
    case = load_case_text(text, overrides, source=str(path))
    if path.suffix in (".yaml", ".yml") and case.id != path.stem:
        raise UserError(
            f"{path}: case.id: {show(case.id)} differs from the file name {path.stem!r}; "
            "name the file after the id"
        )
    return Case(case.block, case.config, path)


def load_case_text(text: str, overrides: Sequence[str] = (), source: str = "<case>") -> Case:
    """Like :func:`load_case`, from YAML text."""
    import yaml

    from experiments.yaml_input import load_yaml

    raw = load_yaml(text, source)
    if not isinstance(raw, dict) or "case" not in raw:
        raise UserError(
            f"{source}: a case file is an experiment config with a case: block (see docs/CASES.md)"
        )
    raw = dict(raw)
    block_raw = raw.pop("case")
    try:
        block = CaseBlock.model_validate(block_raw)
    except ValidationError as error:
        message = format_validation_error(error, prefix="case").replace(
            "invalid config:", f"invalid case {source}:"
        )
        raise UserError(_case_paths(message)) from None
    if not block.expressible:
        return Case(block, None)
    rest = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    try:
        config = load_config_text(rest, overrides, source=source)
    except UserError as error:
        raise UserError(f"{source}: {error}") from None
    _check_arms(block, config, source)
    return Case(block, config)


def _case_paths(message: str) -> str:
    """Name fields of the case block ``case.field`` (pydantic gives ``case: field``)."""
    return message.replace("case: ", "case.")


def _check_arms(block: CaseBlock, config: ExperimentConfig, source: str) -> None:
    """The variants are control and treated, they differ, and only as the case says."""
    names = list(config.variants)
    if sorted(names) != sorted([CONTROL, TREATED]):
        raise UserError(
            f"{source}: variants: a case has exactly two variants, {CONTROL} and {TREATED} "
            f"(got {', '.join(map(repr, names)) or 'none'})"
        )
    arms = config.resolved_variants()
    control, treated = arms[CONTROL], arms[TREATED]
    steps = treated.run.steps
    if control.run.model_dump() != treated.run.model_dump():
        raise UserError(
            f"{source}: variants.{TREATED}: run settings must be the control's "
            "(same steps, replicates and seeds: common random numbers)"
        )
    step = block.intervention_step
    if step >= steps:
        raise UserError(
            f"{source}: case.intervention_step: {step} is not before the last step "
            f"(run.steps = {steps})"
        )
    control_events = [e.model_dump(mode="json") for e in control.events]
    treated_events = [e.model_dump(mode="json") for e in treated.events]
    extra = [e for e in treated_events if e not in control_events]
    same_model = control.model.model_dump(mode="json") == treated.model.model_dump(mode="json")
    if same_model and not extra and len(control_events) == len(treated_events):
        raise UserError(
            f"{source}: variants: {CONTROL} and {TREATED} are the same; the {TREATED} variant "
            "needs the intervention (events at case.intervention_step, or model keys)"
        )
    if step > 0:
        if not same_model:
            raise UserError(
                f"{source}: variants.{TREATED}: with case.intervention_step {step} > 0 the two "
                "variants share the model block and differ only by the intervention's events; "
                "put the change in events at that step"
            )
        late = sorted({e["step"] for e in extra if e["step"] != step})
        if late or any(e not in treated_events for e in control_events):
            raise UserError(
                f"{source}: variants.{TREATED}.events: the intervention's events must all be "
                f"at case.intervention_step ({step}) and the control's events kept "
                f"(events at other steps: {late})"
            )
    for n, claim in enumerate(block.claims):
        if claim.expressible and claim.window is not None and step + claim.window[1] > steps:
            raise UserError(
                f"{source}: case.claims.{n}.window: ends at step {step + claim.window[1]} "
                f"(intervention_step {step} + {claim.window[1]}), after the last step "
                f"(run.steps = {steps})"
            )


def case_ids(claims: bool = False, folder: Path | None = None) -> list[str]:
    """Ids of the case files in ``folder`` (default: configs/cases or its claims/), sorted."""
    folder = folder or (CLAIMS_DIR if claims else CASES_DIR)
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def resolve_cases(names: Sequence[str], claims: bool = False) -> list[Path]:
    """Case files for ids or paths, in the order given (all of the folder when empty).

    A name ending in ``.yaml``/``.yml`` or containing ``/`` is a path; anything
    else an id of ``configs/cases`` (``configs/cases/claims`` with ``claims``).

    Raises
    ------
    UserError
        For an unknown id (with the nearest one and the list) or a missing file.
    """
    folder = CLAIMS_DIR if claims else CASES_DIR
    known = case_ids(claims)
    if not names:
        if not known:
            raise UserError(f"no case files in {folder}")
        return [folder / f"{name}.yaml" for name in known]
    paths: list[Path] = []
    for name in names:
        if name.endswith((".yaml", ".yml")) or "/" in name:
            path = Path(name)
            if not path.is_file():
                raise UserError(f"case file not found: {name}")
        elif name in known:
            path = folder / f"{name}.yaml"
        else:
            guess = nearest(name, known)
            hint = f" (did you mean {guess!r}?)" if guess else ""
            what = "claim" if claims else "case"
            raise UserError(
                f"ID {show(name)}: unknown {what}{hint}; allowed: {', '.join(known)}"
                + ("" if claims else " (the general claims: govsim cases --claims)")
            )
        if path not in paths:
            paths.append(path)
    return paths
