"""The targets file of ``govsim calibrate``: what to fit, when, to which free parameters.

A targets file (YAML) states

* ``time``: how model steps map to calendar time (``origin``, the date of step 0,
  and ``step_days``, the days one step stands for);
* ``observations``: reported values, each of one model indicator at a stated date
  (or step), with an error (one standard deviation, same units) and a source;
* ``parameters``: the free parameters, each a key of the experiment config with a
  prior (``uniform`` or ``loguniform`` between ``low`` and ``high``); keys are
  ``model.<dotted key>`` or ``events[N].<key set by event N>``;
* ``predictions``: later dates (or steps) at which the fitted model's values are
  reported with 90% intervals;
* ``budget``: the size of the approximate Bayesian computation.

Every problem is a :class:`~experiments.errors.UserError` naming the field.

>>> t = parse_targets({"time": {"origin": "2019-07-01", "step_days": 7},
...     "observations": [{"name": "a", "indicator": "rule_compliance", "date": "2019-10-09",
...                       "value": 0.8, "error": 0.05}],
...     "parameters": {"model.rule_compliance.norm_weight": {"low": 0, "high": 2}}})
>>> t.observation_steps()
{'a': 14}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, ValidationError, model_validator

from experiments.errors import UserError, nearest, show
from sim.strict import StrictBlock

__all__ = [
    "Budget",
    "Observation",
    "Prediction",
    "Prior",
    "Targets",
    "TimeMapping",
    "load_targets",
    "parse_targets",
]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EVENT_KEY = re.compile(r"^events\[(\d+)\]\.(.+)$")


class TimeMapping(StrictBlock):
    """Model steps against calendar time: step ``s`` is ``origin + s * step_days`` days."""

    origin: dt.date = Field(description="Calendar date of step 0 (YYYY-MM-DD).")
    step_days: float = Field(gt=0.0, le=3660.0, description="Days one model step stands for.")

    def step_of(self, date: dt.date) -> int:
        """The step nearest to ``date`` (rounded half up)."""
        days = (date - self.origin).days
        return int(days / self.step_days + 0.5) if days >= 0 else -1

    def date_of(self, step: int) -> dt.date:
        """The calendar date of ``step``."""
        return self.origin + dt.timedelta(days=round(step * self.step_days))


class _Timed(StrictBlock):
    """An entry placed at a date or a step (exactly one of the two)."""

    name: str = Field(description="Identifier (letters, digits, underscore).")
    date: dt.date | None = Field(None, description="Calendar date (YYYY-MM-DD).")
    step: int | None = Field(None, ge=0, description="Model step (instead of a date).")

    @model_validator(mode="after")
    def _one_time(self) -> Self:
        if not _NAME.match(self.name):
            raise ValueError(
                f"name {show(self.name)} must be an identifier (letters, digits, underscore)"
            )
        if (self.date is None) == (self.step is None):
            raise ValueError("give exactly one of 'date' and 'step'")
        return self


class Observation(_Timed):
    """A reported value of one model indicator, with its error."""

    indicator: str = Field(description="Model indicator (a column of sim.INDICATORS).")
    value: float = Field(description="Reported value, in the indicator's units.")
    error: float = Field(gt=0.0, description="Error of the value (one standard deviation).")
    window: int = Field(
        1,
        ge=1,
        le=10_000,
        description="Steps averaged, ending at the observation's step (e.g. 4 weekly steps "
        "for a figure reported for a month).",
    )
    source: str = Field("", description="Who reported it, where.")
    note: str = Field("", description="How the reported figure maps onto the indicator.")


class Prediction(_Timed):
    """A later date at which to report the fitted model's values."""


class Prior(StrictBlock):
    """Prior of one free parameter."""

    distribution: Literal["uniform", "loguniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.low < self.high:
            raise ValueError(
                f"low ({show(self.low)}) must be below high ({show(self.high)}); the bounds "
                "are inverted or equal"
            )
        if self.distribution == "loguniform" and self.low <= 0:
            raise ValueError(f"a loguniform prior needs low > 0 (got {show(self.low)})")
        return self

    def quantile(self, q: float) -> float:
        """The prior's ``q``-quantile."""
        if self.distribution == "uniform":
            return self.low + q * (self.high - self.low)
        return float(self.low * (self.high / self.low) ** q)


class Budget(StrictBlock):
    """Size of the sequential Monte Carlo ABC (defaults: minutes on 2 cores)."""

    population_size: int = Field(
        60, ge=5, le=100_000, description="Accepted particles per generation."
    )
    max_generations: int = Field(5, ge=1, le=100, description="Generations at most.")
    minimum_epsilon: float = Field(
        0.5,
        ge=0.0,
        description="Stop once the acceptance threshold (distance in units of the errors) is this small.",
    )
    max_simulations: int = Field(
        5000, ge=10, description="Stop after this many simulations in total."
    )
    predictive_draws: int = Field(
        60,
        ge=5,
        le=100_000,
        description="Posterior draws re-run over the whole horizon for bands and predictions.",
    )


class Targets(StrictBlock):
    """A validated targets file."""

    description: str = ""
    time: TimeMapping
    observations: list[Observation] = Field(min_length=1)
    parameters: dict[str, Prior] = Field(min_length=1)
    predictions: list[Prediction] = Field(default_factory=list)
    budget: Budget = Field(default_factory=Budget)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        for kind, entries in (
            ("observations", self.observations),
            ("predictions", self.predictions),
        ):
            seen: set[str] = set()
            for n, entry in enumerate(entries):
                if entry.name in seen:
                    raise ValueError(f"{kind}[{n}].name {show(entry.name)} is used twice")
                seen.add(entry.name)
        return self

    def _step(self, entry: _Timed, where: str) -> int:
        if entry.step is not None:
            step = entry.step
        else:
            assert entry.date is not None
            step = self.time.step_of(entry.date)
        window = getattr(entry, "window", 1)
        if step < 0 or step + 1 < window:
            what = f"date {entry.date}" if entry.date is not None else f"step {step}"
            raise UserError(
                f"{where}: {what} with window {window} starts before step 0 (time.origin "
                f"{self.time.origin}); move the origin earlier or shorten the window"
            )
        return step

    def observation_steps(self) -> dict[str, int]:
        """The model step of each observation."""
        return {
            o.name: self._step(o, f"observations[{n}]") for n, o in enumerate(self.observations)
        }

    def prediction_steps(self) -> dict[str, int]:
        """The model step of each prediction."""
        return {p.name: self._step(p, f"predictions[{n}]") for n, p in enumerate(self.predictions)}

    def horizon(self) -> int:
        """Steps a run needs to reach every observation and prediction."""
        return max([*self.observation_steps().values(), *self.prediction_steps().values(), 1])


def load_targets(path: str | Path) -> Targets:
    """Read and validate a targets file.

    Raises
    ------
    UserError
        For a missing or malformed file, or a field that is missing, unknown or
        out of range (the message names it).
    """
    from experiments.inputfile import read_text_input
    from experiments.yaml_input import load_yaml

    text = read_text_input(Path(path), "targets file")
    raw = load_yaml(text, str(path))
    return parse_targets(raw, source=str(path))


def parse_targets(raw: Any, source: str = "<targets>") -> Targets:
    """Validate the parsed YAML of a targets file."""
    if not isinstance(raw, Mapping):
        raise UserError(
            f"{source}: the top level must be a mapping with time, observations, parameters"
            " (and optionally predictions, budget, description)"
        )
    try:
        targets = Targets.model_validate(dict(raw))
    except ValidationError as error:
        raise UserError(f"invalid targets file {source}:\n  " + _format(error)) from None
    targets.observation_steps()  # dates before the origin
    targets.prediction_steps()
    return targets


def parameter_key(key: str) -> tuple[int | None, str]:
    """Split a free-parameter key into (event index or None, dotted key).

    >>> parameter_key("model.rule_compliance.fine"), parameter_key("events[1].levers.fine")
    ((None, 'rule_compliance.fine'), (1, 'levers.fine'))
    """
    match = _EVENT_KEY.match(key)
    if match:
        return int(match.group(1)), match.group(2)
    if key.startswith("model.") and len(key) > len("model."):
        return None, key[len("model.") :]
    raise UserError(
        f"parameters.{key}: a free parameter is model.<dotted key> (e.g. "
        "model.rule_compliance.norm_weight) or events[N].<key set by event N> (e.g. "
        "events[0].rule_compliance.monitoring)"
    )


def _allowed(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the block at ``loc`` of the targets schema (for 'did you mean')."""
    block: Any = Targets
    for depth, part in enumerate(loc):
        if isinstance(part, int):
            continue
        if loc[:1] == ("parameters",) and depth == 1:
            block = Prior  # a parameter's own key, then its prior's fields
            continue
        field = getattr(block, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        candidates = (annotation, *getattr(annotation, "__args__", ()))
        block = next(
            (a for a in candidates if isinstance(a, type) and issubclass(a, StrictBlock)), None
        )
    return list(getattr(block, "model_fields", {}))


def _format(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        loc = problem["loc"]
        path = "".join(
            f"[{part}]" if isinstance(part, int) else (f".{part}" if i else str(part))
            for i, part in enumerate(loc)
        )
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            allowed = _allowed(loc[:-1])
            guess = nearest(str(loc[-1]), allowed)
            message = "unknown key"
            if guess:
                message += f"; did you mean {guess!r}?"
            if allowed:
                message += f" (allowed: {', '.join(sorted(allowed))})"
        elif problem["type"] == "missing":
            message = "missing (required)"
        elif "input" in problem and not isinstance(problem["input"], dict | list):
            message += f" (got {show(problem['input'])})"
        lines.append(f"{path}: {message}" if path else message)
    return "\n  ".join(lines)
