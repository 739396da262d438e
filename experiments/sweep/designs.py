"""Designs: which parameter settings a sweep runs.

Every design draws from the experiment's own generator
(:func:`design_generator`, from the root seed): Latin hypercubes through
``scipy.stats.qmc`` (McKay, Beckman & Conover 1979), Saltelli's extension of
Sobol' sequences for variance-based indices (Saltelli 2002; Saltelli et al. 2010)
and Morris trajectories for elementary effects (Morris 1991; Campolongo et al.
2007) through SALib. SALib takes an integer seed; it is drawn from the generator
and recorded, so the design can be redrawn exactly.

Samplers work in the unit hypercube; :func:`unit_to_values` maps each coordinate
to the parameter's range or, for a list of levels, to one of equal-width bins.

>>> from experiments.sweep.spec import SweepSpec
>>> spec = SweepSpec.model_validate({"design": "lhs", "samples": 8,
...     "parameters": {"model.decentralization": {"low": 0.0, "high": 1.0}}})
>>> design = build_design(spec, design_generator(1))
>>> len(design.points), float(design.points["model.decentralization"].max()) <= 1.0
(8, True)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.sweep.spec import SweepSpec, SweptParameter

__all__ = [
    "UNIT_PREFIX",
    "Design",
    "build_design",
    "design_generator",
    "design_size",
    "grid_levels",
    "unit_to_values",
]

UNIT_PREFIX = "unit:"
_SEED_BOUND = (
    2**31 - 1
)  # SALib hands its seed to numpy and scipy, which take any int; keep it portable


@dataclass(frozen=True)
class Design:
    """The points of a design.

    Attributes
    ----------
    kind
        ``grid``, ``lhs``, ``sobol``, ``morris`` or ``table`` (points listed in the config).
    points
        One row per design point (index 0..n-1), one column per swept key, values
        as the model takes them.
    unit
        The sampler's unit-hypercube coordinates, shape (n, d); None for a grid.
        Morris analysis uses them as X.
    sampler_seed, analysis_seed
        Integer seeds drawn from the experiment's generator for SALib's sampler
        and for the bootstrap of the sensitivity indices' confidence intervals.
    """

    kind: str
    points: pd.DataFrame
    unit: np.ndarray | None = None
    sampler_seed: int | None = None
    analysis_seed: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The swept keys, in config order."""
        return list(self.points.columns)

    def problem(self) -> dict[str, Any]:
        """The SALib problem: every coordinate is sampled in [0, 1] and mapped afterwards."""
        return {
            "num_vars": len(self.names),
            "names": self.names,
            "bounds": [[0.0, 1.0]] * len(self.names),
        }

    def to_frame(self) -> pd.DataFrame:
        """Points plus ``unit:<key>`` coordinates, indexed by ``point``: what ``design.parquet`` holds."""
        frame = self.points.copy()
        if self.unit is not None:
            for j, name in enumerate(self.names):
                frame[UNIT_PREFIX + name] = self.unit[:, j]
        frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
        return frame

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, kind: str, meta: dict[str, Any]) -> Design:
        """Inverse of :meth:`to_frame` (``meta`` holds the seeds from the manifest)."""
        frame = frame.sort_values("point").reset_index(drop=True)
        names = [c for c in frame.columns if c != "point" and not c.startswith(UNIT_PREFIX)]
        units = [UNIT_PREFIX + n for n in names]
        unit = frame[units].to_numpy(np.float64) if all(u in frame for u in units) else None
        return cls(
            kind,
            frame[names],
            unit,
            meta.get("sampler_seed"),
            int(meta.get("analysis_seed", 0)),
            {k: v for k, v in meta.items() if k not in ("sampler_seed", "analysis_seed")},
        )


def design_generator(root: int) -> np.random.Generator:
    """The experiment's generator for designs and analysis: ``SeedSequence(root)`` itself.

    Runs use its children ``SeedSequence(root, spawn_key=(k,))`` (see
    :mod:`experiments.seeds`), so the design never shares a stream with a run.
    """
    return np.random.default_rng(np.random.SeedSequence(root))


def grid_levels(parameter: SweptParameter) -> list[Any]:
    """The levels a grid crosses: the values, evenly spaced range levels, or every integer."""
    if parameter.values is not None:
        return list(parameter.values)
    assert parameter.low is not None and parameter.high is not None  # the spec checks it
    if parameter.levels is None:  # an integer range without levels: every whole number
        return list(range(int(parameter.low), int(parameter.high) + 1))
    levels = np.linspace(parameter.low, parameter.high, parameter.levels)
    if parameter.integer:
        return sorted({round(v) for v in levels.tolist()})
    return [float(v) for v in levels]


def design_size(spec: SweepSpec) -> int:
    """Number of design points (before variants and replicates).

    >>> from experiments.sweep.spec import SweepSpec
    >>> design_size(SweepSpec.model_validate({"design": "sobol", "samples": 8,
    ...     "parameters": {"model.levers.fine": {"low": 0, "high": 5},
    ...                    "model.decentralization": {"low": 0, "high": 1}}}))
    32
    """
    d = len(spec.parameters)
    if spec.design == "table":
        return len(spec.points or ())
    if spec.design == "grid":
        return int(np.prod([len(grid_levels(p)) for p in spec.parameters.values()]))
    assert spec.samples is not None
    if spec.design == "lhs":
        return spec.samples
    if spec.design == "sobol":
        return spec.samples * (2 * d + 2 if spec.second_order else d + 2)
    return spec.samples * (d + 1)


def build_design(spec: SweepSpec, rng: np.random.Generator) -> Design:
    """Draw the design of ``spec`` from ``rng`` (see :func:`design_generator`)."""
    names = list(spec.parameters)
    if spec.design == "table":
        assert spec.points is not None  # the spec checks it
        keys = list(spec.points[0])
        table = pd.DataFrame({key: [point[key] for point in spec.points] for key in keys})
        return Design("table", table, None, None, _seed(rng))
    if spec.design == "grid":
        rows = list(itertools.product(*(grid_levels(spec.parameters[n]) for n in names)))
        points = pd.DataFrame({n: [row[j] for row in rows] for j, n in enumerate(names)})
        return Design("grid", points, None, None, _seed(rng))
    assert spec.samples is not None
    sampler_seed = None
    if spec.design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), rng=rng).random(spec.samples)
    else:
        sampler_seed = _seed(rng)
        problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
        if spec.design == "sobol":
            from SALib.sample import sobol

            unit = sobol.sample(
                problem, spec.samples, calc_second_order=spec.second_order, seed=sampler_seed
            )
        else:
            from SALib.sample import morris

            unit = morris.sample(
                problem, spec.samples, num_levels=spec.morris_levels, seed=sampler_seed
            )
    unit = np.asarray(unit, dtype=np.float64)
    meta = {"second_order": spec.second_order} if spec.design == "sobol" else {}
    if spec.design == "morris":
        meta = {"morris_levels": spec.morris_levels}
    return Design(spec.design, unit_to_values(unit, spec), unit, sampler_seed, _seed(rng), meta)


def unit_to_values(unit: np.ndarray, spec: SweepSpec) -> pd.DataFrame:
    """Map unit-hypercube rows to parameter values.

    A range maps linearly (``integer``: equal-width bins over low..high inclusive);
    a list of k levels maps ``u`` to level ``floor(u k)`` (u = 1 to the last).
    """
    columns: dict[str, list[Any]] = {}
    for j, (name, parameter) in enumerate(spec.parameters.items()):
        u = np.clip(unit[:, j], 0.0, 1.0)
        if parameter.values is not None:
            k = len(parameter.values)
            index = np.minimum((u * k).astype(np.int64), k - 1)
            columns[name] = [parameter.values[i] for i in index]
        elif parameter.integer:
            low, high = int(parameter.low or 0), int(parameter.high or 0)
            columns[name] = np.minimum(low + (u * (high - low + 1)).astype(np.int64), high).tolist()
        else:
            low, high = float(parameter.low or 0.0), float(parameter.high or 0.0)
            columns[name] = (low + u * (high - low)).tolist()
    return pd.DataFrame(columns)


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, _SEED_BOUND))
