"""The ``sweep`` block of an experiment config: design, swept parameters, replicates, recording.

>>> spec = SweepSpec.model_validate(
...     {"design": "grid", "parameters": {"model.decentralization": [0.2, 0.8]}, "replicates": 2}
... )
>>> spec.parameters["model.decentralization"].values
[0.2, 0.8]
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from experiments.errors import nearest, show
from sim.strict import StrictBlock

__all__ = [
    "DESIGNS",
    "MAX_DESIGN_POINTS",
    "MAX_SWEEP_RUNS",
    "SweepSpec",
    "SweptParameter",
    "check_model_key",
]

DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris", "table")
MAX_DESIGN_POINTS = 1_000_000
"""Most points a design may have: each is validated before any run, and stored."""
MAX_SWEEP_RUNS = 10_000_000
"""Most runs (points x variants x replicates) a sweep may plan."""

Scalar = StrictBool | StrictInt | StrictFloat | StrictStr


class SweptParameter(StrictBlock):
    """One swept model key: either a list of ``values`` or a range ``low``..``high``.

    A list is a set of levels: a grid crosses them, a sampled design (lhs, sobol,
    morris) cuts the unit interval into equal bins, one per level. A range is
    sampled uniformly; in a grid it needs ``levels`` (evenly spaced, ends
    included). ``integer`` draws whole numbers from ``low``..``high`` inclusive.
    """

    values: list[Scalar] | None = Field(None, min_length=1, description="Levels to sweep.")
    low: float | None = Field(None, description="Lower end of the range.")
    high: float | None = Field(None, description="Upper end of the range.")
    levels: int | None = Field(
        None,
        ge=2,
        le=MAX_DESIGN_POINTS,
        description="Grid only: evenly spaced levels of the range.",
    )
    integer: bool = Field(False, description="Range of whole numbers (low..high inclusive).")

    @model_validator(mode="after")
    def _values_or_range(self) -> Self:
        has_range = self.low is not None or self.high is not None
        if self.values is not None:
            if has_range or self.levels is not None or self.integer:
                raise ValueError("give either values or low/high (with levels, integer), not both")
            kinds = {_kind(v) for v in self.values}
            if len(kinds) > 1:
                raise ValueError(
                    "values must all be numbers, all strings or all booleans "
                    f"(got {show(self.values)})"
                )
            if len(set(map(repr, self.values))) != len(self.values):
                raise ValueError(f"values repeat (got {show(self.values)})")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give a list of values, or a range with both low and high")
        if not self.high > self.low:
            raise ValueError(
                f"high must be greater than low (got low {self.low}, high {self.high})"
            )
        if self.integer and (self.low != int(self.low) or self.high != int(self.high)):
            raise ValueError("an integer range needs whole-number low and high")
        return self

    @property
    def is_range(self) -> bool:
        """True for a ``low``..``high`` range, False for a list of levels."""
        return self.values is None

    def level_count(self) -> int:
        """Levels a grid crosses, without listing them (an upper bound for integer ranges)."""
        if self.values is not None:
            return len(self.values)
        assert self.low is not None and self.high is not None  # the validator checks it
        whole = int(self.high) - int(self.low) + 1 if self.integer else None
        if self.levels is None:
            return whole or 0
        return min(self.levels, whole) if whole is not None else self.levels


class SweepSpec(StrictBlock):
    """A design over dotted model keys, crossed with the config's variants and replicates.

    Every design point runs in every variant, ``replicates`` times. Run ``k``'s
    seed follows ``seeds``: ``common`` gives replicate ``r`` stream ``r`` at every
    point and in every variant (common random numbers: differences between points
    are not blurred by different draws); ``independent`` gives run ``k`` stream ``k``.
    """

    design: Literal["grid", "lhs", "sobol", "morris", "table"] = Field(
        "grid",
        description="grid: full factorial; lhs: Latin hypercube (scipy.stats.qmc); sobol: Saltelli "
        "sampling for Sobol indices (SALib); morris: elementary-effects trajectories (SALib); "
        "table: the points listed in points (e.g. written by govsim compare --robust).",
    )
    parameters: dict[str, SweptParameter] = Field(
        default_factory=dict,
        description="Dotted model keys (model.decentralization, model.levers.fine ...) with a list of "
        "values or a range {low, high[, levels][, integer]}. Not used by table.",
    )
    points: list[dict[str, Scalar]] | None = Field(
        None,
        max_length=MAX_DESIGN_POINTS,
        description="table only: the design points, each a mapping of the same dotted model keys "
        "to values.",
    )
    seed_block: int | None = Field(
        None,
        ge=1,
        description="With common seeds: points come in consecutive blocks of this many (e.g. the "
        "three regimes of one draw); replicate r of block b uses stream b x replicates + r, so "
        "points of one block share seeds and blocks do not (default: one block, every point).",
    )
    samples: int | None = Field(
        None,
        ge=1,
        le=MAX_DESIGN_POINTS,
        description="lhs: points; sobol: base sample N, a power of two (N(D+2) points, N(2D+2) with "
        "second_order); morris: trajectories (N(D+1) points). Not used by grid.",
    )
    replicates: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="Runs per design point and variant (default: run.replicates).",
    )
    record_every: int = Field(
        1,
        ge=1,
        le=1_000_000,
        description="Keep every k-th step of the per-step indicators (the last step is always kept).",
    )
    per_step: list[str] | None = Field(
        None,
        description="Indicators kept at every recorded step (default: all); every indicator's final "
        "value is kept in runs.parquet whatever this says.",
    )
    seeds: Literal["common", "independent"] = Field(
        "common",
        description="common: replicate r uses stream r everywhere; independent: run k uses stream k.",
    )
    second_order: bool = Field(False, description="sobol: also sample for second-order indices.")
    morris_levels: int = Field(
        4, ge=2, le=1000, description="morris: levels of the grid trajectories move on."
    )

    @field_validator("parameters", mode="before")
    @classmethod
    def _lists_are_values(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        out = {}
        for key, entry in raw.items():
            if isinstance(entry, list):
                entry = {"values": entry}
            elif not isinstance(entry, dict):
                raise ValueError(
                    f"{key}: give a list of values or a range {{low, high}} (got {show(entry)})"
                )
            out[key] = entry
        return out

    @field_validator("parameters")
    @classmethod
    def _keys_are_model_keys(
        cls, parameters: dict[str, SweptParameter]
    ) -> dict[str, SweptParameter]:
        for key in parameters:
            check_model_key(key)
        return parameters

    @field_validator("per_step")
    @classmethod
    def _known_indicators(cls, names: list[str] | None) -> list[str] | None:
        from sim.indicators import INDICATORS

        for name in names or ():
            if name not in INDICATORS:
                guess = nearest(name, INDICATORS)
                hint = (
                    f"; did you mean {guess!r}?"
                    if guess
                    else f" (allowed: {', '.join(INDICATORS)})"
                )
                raise ValueError(f"unknown indicator {show(name)}{hint}")
        return names

    @model_validator(mode="after")
    def _fits_design(self) -> Self:
        if self.design == "table":
            return self._check_table()
        if self.points is not None:
            raise ValueError(
                f"points: only the table design lists points (design is {self.design})"
            )
        if not self.parameters:
            raise ValueError("parameters: give at least one swept model key")
        if self.design == "grid":
            if self.samples is not None:
                raise ValueError(
                    "samples: not used by the grid design (its size is the product of the levels)"
                )
            for key, parameter in self.parameters.items():
                if parameter.is_range and parameter.levels is None and not parameter.integer:
                    raise ValueError(
                        f"parameters.{key}: a grid needs values or a range with levels"
                    )
            self._check_size()
            return self
        if self.samples is None:
            raise ValueError(f"samples: the {self.design} design needs a number of samples")
        for key, parameter in self.parameters.items():
            if parameter.levels is not None:
                raise ValueError(f"parameters.{key}.levels: only the grid design uses levels")
        if self.design == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"samples: the sobol design needs a power of two (got {self.samples})")
        if self.design in ("sobol", "morris") and len(self.parameters) < 2:
            raise ValueError(
                f"parameters: sensitivity analysis ({self.design}) needs at least two parameters"
            )
        self._check_size()
        return self

    def _check_table(self) -> Self:
        if self.parameters:
            raise ValueError("parameters: the table design takes its keys from points")
        if self.samples is not None:
            raise ValueError("samples: not used by the table design (its size is len(points))")
        if not self.points:
            raise ValueError("points: the table design needs at least one point")
        keys = list(self.points[0])
        if not keys:
            raise ValueError("points[0]: a point needs at least one dotted model key")
        for key in keys:
            check_model_key(key)
        for k, point in enumerate(self.points):
            if list(point) != keys:
                raise ValueError(
                    f"points[{k}]: every point must set the same keys in the same order as "
                    f"points[0] ({', '.join(keys)})"
                )
        return self

    def point_count(self) -> int:
        """Design points, counted without drawing them (an upper bound for integer grids).

        Equals :func:`experiments.sweep.designs.design_size` except where an integer
        range's evenly spaced levels round to the same whole number.
        """
        if self.design == "table":
            return len(self.points or ())
        if self.design == "grid":
            count = 1
            for parameter in self.parameters.values():
                count *= parameter.level_count()
            return count
        assert self.samples is not None
        d = len(self.parameters)
        if self.design == "lhs":
            return self.samples
        if self.design == "sobol":
            return self.samples * (2 * d + 2 if self.second_order else d + 2)
        return self.samples * (d + 1)

    def _check_size(self) -> None:
        points = self.point_count()
        if points > MAX_DESIGN_POINTS:
            what = (
                "the product of the levels"
                if self.design == "grid"
                else f"from samples {self.samples} and {len(self.parameters)} parameters"
            )
            field = "parameters" if self.design == "grid" else "samples"
            raise ValueError(
                f"{field}: the {self.design} design would have {show(points)} points "
                f"({what}), more than the {MAX_DESIGN_POINTS:,} a sweep may have; use fewer "
                "levels or samples"
            )


def check_model_key(key: str) -> None:
    """Check that a dotted key names a value of :class:`sim.ModelParams` (``model.`` first).

    Raises
    ------
    ValueError
        Naming the first unknown part and the nearest valid name.
    """
    from sim.params import ModelParams

    parts = key.split(".")
    if parts[0] != "model" or len(parts) < 2:
        raise ValueError(f"{key}: swept keys start with model. (e.g. model.decentralization)")
    block: Any = ModelParams
    for depth, part in enumerate(parts[1:], start=1):
        if block is dict:
            if depth != len(parts) - 1:
                raise ValueError(
                    f"{key}: {'.'.join(parts[:depth])} maps names to numbers, one level deep"
                )
            return
        if block is None:
            raise ValueError(f"{key}: {'.'.join(parts[:depth])} is a value, not a block of keys")
        fields = block.model_fields
        if part not in fields:
            guess = nearest(part, fields)
            hint = f"; did you mean {'.'.join([*parts[:depth], guess])!r}?" if guess else ""
            raise ValueError(f"{key}: unknown key {'.'.join(parts[: depth + 1])!r}{hint}")
        block = _inner(fields[part].annotation)
    if block is dict:
        raise ValueError(f"{key}: is a mapping; sweep one of its entries ({key}.<name>)")
    if isinstance(block, type) and issubclass(block, BaseModel):
        raise ValueError(
            f"{key}: is a block; sweep one of its keys ({', '.join(block.model_fields)})"
        )


def _inner(annotation: Any) -> Any:
    """The block model or ``dict`` behind a field annotation, else None (a plain value)."""
    if annotation is dict or getattr(annotation, "__origin__", None) is dict:
        return dict
    candidates = getattr(annotation, "__args__", ()) or (annotation,)
    if float in candidates:  # a number, or per jurisdiction (levers): swept as a number
        return None
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        if candidate is dict or getattr(candidate, "__origin__", None) is dict:
            return dict
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "str"
