"""Experiment configs: YAML in, a validated :class:`ExperimentConfig` out.

A config has four top-level blocks (``run``, ``model``, ``events``, ``variants``;
sweeps add ``sweep``). Every error names its field path and what is allowed, an
unknown key comes with the nearest valid name, and ``--set a.b=value`` overrides
are applied before validation so they are checked like the file.

>>> config = load_config_text("model: {regime: top_down}\\nvariants: {svc: {model.regime: service}}")
>>> [(name, v.model.regime) for name, v in config.resolved_variants().items()]
[('svc', 'service')]
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

from pydantic import Field, ValidationError, model_validator

from experiments.errors import UserError, nearest, show
from experiments.sweep.spec import MAX_SWEEP_RUNS, SweepSpec
from experiments.yaml_input import load_yaml
from sim.events import Event, check_events
from sim.params import ModelParams
from sim.settings import SettingError, assign, block_fields
from sim.strict import StrictBlock

__all__ = [
    "ExperimentConfig",
    "RunSpec",
    "apply_overrides",
    "format_validation_error",
    "load_config",
    "load_config_text",
    "parse_set_options",
]

BASELINE = "baseline"


class RunSpec(StrictBlock):
    """How long to run, how many replicates, from which root seed."""

    steps: int = Field(200, ge=1, le=1_000_000, description="Steps per run.")
    replicates: int = Field(
        5, ge=1, le=100_000, description="Runs per variant, each with its own seed."
    )
    seed: int = Field(
        20261126,
        ge=0,
        description="Root seed; replicate r of every variant uses stream r of SeedSequence(seed).spawn().",
    )


class ExperimentConfig(StrictBlock):
    """A validated experiment: run settings, base model, timeline and named variants."""

    run: RunSpec = Field(default_factory=RunSpec)
    model: ModelParams = Field(default_factory=ModelParams)
    events: list[Event] = Field(
        default_factory=list, description="Timeline applied in every variant."
    )
    variants: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Named sets of dotted-key overrides of this config (e.g. model.regime: service).",
    )
    sweep: SweepSpec | None = Field(
        None,
        description="A design over model keys for `govsim sweep`: every point in every variant, "
        "with replicates (see docs/SWEEPS.md).",
    )

    @model_validator(mode="after")
    def _sweep_size(self) -> Self:
        if self.sweep is not None:
            replicates = self.sweep.replicates or self.run.replicates
            runs = self.sweep.point_count() * max(1, len(self.variants)) * replicates
            if runs > MAX_SWEEP_RUNS:
                raise ValueError(
                    f"sweep: {show(runs)} runs (design points x variants x replicates), more "
                    f"than the {MAX_SWEEP_RUNS:,} a sweep may plan; use fewer points or replicates"
                )
        return self

    def resolved_variants(self) -> dict[str, ExperimentConfig]:
        """Each variant as a complete config without variants (``baseline`` if none).

        Raises
        ------
        UserError
            When a variant's overrides do not validate; the message names
            ``variants.<name>.<key>``.
        """
        if not self.variants:
            return {BASELINE: self.model_copy(update={"variants": {}})}
        base = self.model_dump(mode="json", exclude={"variants"})
        resolved = {}
        for name, overrides in self.variants.items():
            prefix = f"variants.{_short(name)}"
            if not isinstance(overrides, Mapping):
                raise UserError(f"{prefix}: must be a mapping of dotted keys to values")
            for key in overrides:
                if str(key).split(".")[0] not in ("model", "events", "run"):
                    raise UserError(
                        f"{prefix}.{_short(str(key))}: variant keys start with model., run. or events"
                    )
            raw = apply_overrides(base, overrides.items(), where=prefix)
            resolved[name] = _validate(raw, prefix=prefix)
        return resolved


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> ExperimentConfig:
    """Read, override and validate a YAML experiment config.

    Parameters
    ----------
    path
        The YAML file.
    overrides
        ``key.path=value`` strings (values parsed as YAML), applied before
        validation.

    Raises
    ------
    UserError
        For a missing or malformed file, an unknown key, a wrong type or a value
        out of range, with the field path and what is allowed.
    """
    from experiments.inputfile import read_text_input

    path = Path(path)
    text = read_text_input(path, "config")  # a regular file, size-capped: never reads forever
    return load_config_text(text, overrides, source=str(path))


def load_config_text(
    text: str, overrides: Sequence[str] = (), source: str = "<config>"
) -> ExperimentConfig:
    """Like :func:`load_config`, from YAML text."""
    raw = load_yaml(text, source)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise UserError(
            f"{source}: the top level must be a mapping with run, model, events, variants"
        )
    raw = apply_overrides(raw, parse_set_options(overrides), where="--set")
    config = _validate(raw, prefix="")
    config.resolved_variants()
    return config


def parse_set_options(options: Iterable[str]) -> list[tuple[str, Any]]:
    """Parse ``key.path=value`` strings; values are YAML scalars or lists.

    >>> parse_set_options(["model.levers.fine=3", "model.regime=service"])
    [('model.levers.fine', 3), ('model.regime', 'service')]
    """
    parsed = []
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise UserError(
                f"--set {show(option)}: expected key.path=value, e.g. model.levers.fine=3"
            )
        parsed.append((key.strip(), load_yaml(value, source=f"--set {show(option)}")))
    return parsed


def apply_overrides(
    raw: Mapping[str, Any], overrides: Iterable[tuple[str, Any]], where: str
) -> dict[str, Any]:
    """Return a deep copy of ``raw`` with dotted keys set (missing blocks created).

    The setter is :func:`sim.settings.assign`, shared with events, model keywords
    and validation; a mapping given for a block of the schema is merged key by key.
    Keys are checked against the schema afterwards, so a typo is reported with
    the nearest valid name like any other unknown key.
    """
    data = copy.deepcopy(dict(raw))
    for key, value in overrides:
        if not isinstance(key, str):
            raise UserError(f"{where} {show(key)}: keys are dotted names such as model.regime")
        try:
            assign(data, key, value, schema=ExperimentConfig, example="model.levers.fine")
        except SettingError as error:
            raise UserError(f"{where} {error}") from None
    return data


def _validate(raw: dict[str, Any], prefix: str) -> ExperimentConfig:
    try:
        config = ExperimentConfig.model_validate(raw)
    except ValidationError as error:
        raise UserError(format_validation_error(error, prefix)) from None
    where = f"{prefix}: " if prefix else ""
    try:
        check_events(config.model, config.events)
    except ValueError as error:
        raise UserError(f"invalid config:\n  {where}{error}") from None
    for n, event in enumerate(config.events):
        if event.step > config.run.steps:
            raise UserError(
                f"invalid config:\n  {where}events[{n}].step: {show(event.step)} is after the last "
                f"step (run.steps = {config.run.steps}), so the event would never happen; "
                f"allowed: 0 to {config.run.steps}"
            )
    return config


def format_validation_error(error: ValidationError, prefix: str = "") -> str:
    """One line per problem: ``field.path: message (allowed / did you mean)``."""
    lines = []
    for problem in error.errors():
        loc = [_short(str(part)) for part in problem["loc"]]
        path = ".".join(loc)  # empty for a rule over the whole config: its message names fields
        if prefix:
            path = f"{prefix}: {path}" if path else prefix
        message = problem["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if problem["type"] == "extra_forbidden":
            allowed = block_fields(ExperimentConfig, problem["loc"][:-1])
            guess = nearest(loc[-1], allowed) if allowed else None
            message = "unknown key"
            if guess:
                message += f"; did you mean {guess!r}?"
            if allowed:
                message += f" (allowed: {', '.join(sorted(allowed))})"
        elif (
            "input" in problem
            and problem["type"] not in ("missing",)
            and not isinstance(problem["input"], dict | list)
        ):
            message += f" (got {show(problem['input'])})"
        lines.append(f"{path}: {message}" if path else message)
    return "invalid config:\n  " + "\n  ".join(lines)


def _short(name: str) -> str:
    """A user's key, cut to a readable length for a message."""
    return name if len(name) <= 60 else name[:57] + "..."
