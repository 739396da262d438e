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
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from experiments.errors import UserError, nearest
from experiments.sweep.spec import SweepSpec
from sim.events import Event, check_events
from sim.params import ModelParams

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


class RunSpec(BaseModel):
    """How long to run, how many replicates, from which root seed."""

    model_config = ConfigDict(extra="forbid")

    steps: int = Field(200, ge=1, le=1_000_000, description="Steps per run.")
    replicates: int = Field(
        5, ge=1, le=100_000, description="Runs per variant, each with its own seed."
    )
    seed: int = Field(
        20261126,
        ge=0,
        description="Root seed; replicate r of every variant uses stream r of SeedSequence(seed).spawn().",
    )


class ExperimentConfig(BaseModel):
    """A validated experiment: run settings, base model, timeline and named variants."""

    model_config = ConfigDict(extra="forbid")

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
            prefix = f"variants.{name}"
            if not isinstance(overrides, Mapping):
                raise UserError(f"{prefix}: must be a mapping of dotted keys to values")
            for key in overrides:
                if key.split(".")[0] not in ("model", "events", "run"):
                    raise UserError(
                        f"{prefix}.{key}: variant keys start with model., run. or events"
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
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise UserError(f"{source}: malformed YAML{where}: {problem}") from None
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
            raise UserError(f"--set {option!r}: expected key.path=value, e.g. model.levers.fine=3")
        try:
            parsed.append((key.strip(), yaml.safe_load(value)))
        except yaml.YAMLError:
            raise UserError(f"--set {option!r}: the value is not valid YAML") from None
    return parsed


def apply_overrides(
    raw: Mapping[str, Any], overrides: Iterable[tuple[str, Any]], where: str
) -> dict[str, Any]:
    """Return a deep copy of ``raw`` with dotted keys set (missing blocks created).

    Keys are checked against the schema afterwards, so a typo is reported with
    the nearest valid name like any other unknown key.
    """
    data = copy.deepcopy(dict(raw))
    for key, value in overrides:
        parts = key.split(".")
        node = data
        for depth, part in enumerate(parts[:-1]):
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                path = ".".join(parts[: depth + 1])
                raise UserError(f"{where} {key}: {path} is a value, not a block of keys")
            node = child
        node[parts[-1]] = value
    return data


def _validate(raw: dict[str, Any], prefix: str) -> ExperimentConfig:
    try:
        config = ExperimentConfig.model_validate(raw)
    except ValidationError as error:
        raise UserError(format_validation_error(error, prefix)) from None
    try:
        check_events(config.model, config.events)
    except ValueError as error:
        where = f"{prefix}: " if prefix else ""
        raise UserError(f"invalid config:\n  {where}{error}") from None
    return config


def format_validation_error(error: ValidationError, prefix: str = "") -> str:
    """One line per problem: ``field.path: message (allowed / did you mean)``."""
    lines = []
    for problem in error.errors():
        loc = [str(part) for part in problem["loc"]]
        path = ".".join(loc) or "(top level)"
        if prefix:
            path = f"{prefix}: {path}"
        message = problem["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if problem["type"] == "extra_forbidden":
            allowed = _fields_at(ExperimentConfig, problem["loc"][:-1])
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
            message += f" (got {problem['input']!r})"
        lines.append(f"{path}: {message}")
    return "invalid config:\n  " + "\n  ".join(lines)


def _fields_at(cls: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """Names of the fields of the block at ``loc`` (empty if not a fixed block)."""
    current: Any = cls
    for part in loc:
        if isinstance(part, int):
            current = _list_item_type(current)
            continue
        if getattr(current, "__origin__", None) is dict:  # a named entry: its value's block
            current = _block_type(current.__args__[1])
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _block_type(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _block_type(annotation: Any) -> Any:
    if getattr(annotation, "__origin__", None) in (list, dict):  # walked entry by entry
        return annotation
    for candidate in getattr(annotation, "__args__", ()) or (annotation,):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        if getattr(candidate, "__origin__", None) in (list, dict):
            return candidate
    return annotation


def _list_item_type(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", ())
    return _block_type(args[0]) if args else None
