"""The runs of a sweep: every design point in every variant, ``replicates`` times.

Run ids are dense integers in a fixed order - variant, then design point, then
replicate: ``run_id = (variant_index * points + point) * replicates + replicate``.
A run is rebuilt from its id alone (config + stored design), which is what makes
resuming and ``govsim rerun`` possible without keeping thousands of parameter
sets in memory.

A config without a ``sweep`` block is a sweep of one point and no swept key
(:meth:`SweepPlan.single`): ``govsim run`` executes it like any other plan
(:mod:`experiments.pipeline`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from experiments.config import ExperimentConfig, apply_overrides, format_validation_error
from experiments.errors import UserError
from experiments.pipeline.plan import PlannedRun
from experiments.runner import RunTask
from experiments.seeds import stream_seed
from experiments.sweep.designs import Design
from experiments.sweep.spec import SweepSpec
from experiments.tidy import varying_parameters
from sim.events import Event, check_events
from sim.params import ModelParams

__all__ = ["SweepPlan"]


class SweepPlan:
    """All runs of a sweep config over a design.

    Parameters
    ----------
    config
        A config with a ``sweep`` block.
    design
        Its design (drawn fresh, or read back from ``design.parquet`` on resume).
    spec
        The sweep block (default: the config's); :meth:`single` gives one of defaults.
    """

    def __init__(
        self, config: ExperimentConfig, design: Design, spec: SweepSpec | None = None
    ) -> None:
        spec = spec if spec is not None else config.sweep
        if spec is None:
            raise UserError("sweep: the config has no sweep block (see docs/SWEEPS.md)")
        self.config = config
        self.spec = spec
        self.design = design
        self.variants = config.resolved_variants()
        self.variant_names = list(self.variants)
        self.replicates = self.spec.replicates or config.run.replicates
        self.points = len(design.points)
        self._bases = {
            name: (
                variant.model.model_dump(mode="json"),
                [e.model_dump(mode="json", exclude_defaults=True) for e in variant.events],
                variant.run.steps,
            )
            for name, variant in self.variants.items()
        }
        names = design.names
        # keys that differ between variants, stored in every row next to the design values
        self._varying = varying_parameters(self.variants, exclude=names)
        # a frame without columns yields no tuples: the one point of a plain run has no key
        rows = design.points.itertuples(index=False, name=None) if names else [()] * self.points
        self._overrides = [
            [
                (key.removeprefix("model."), _native(value))
                for key, value in zip(names, row, strict=True)
            ]
            for row in rows
        ]

    @classmethod
    def single(cls, config: ExperimentConfig) -> SweepPlan:
        """The config as a sweep of one point and no swept key (its ``sweep`` block ignored).

        Run ``k`` is replicate ``k % replicates`` of variant ``k // replicates``,
        with the config's own model, events and steps; replicate ``r`` uses seed
        stream ``r`` of ``run.seed`` in every variant (common random numbers).
        """
        point = Design("point", pd.DataFrame(index=pd.RangeIndex(1)))
        # the defaults of a sweep block, without the validation that wants swept keys
        return cls(config, point, SweepSpec.model_construct())

    def tasks(self) -> list[RunTask]:
        """Every run's task, in run-id order."""
        return [self.run(run_id).task for run_id in self.run_ids()]

    def __len__(self) -> int:
        return len(self.variant_names) * self.points * self.replicates

    def locate(self, run_id: int) -> tuple[str, int, int]:
        """``(variant, point, replicate)`` of a run id."""
        if not 0 <= run_id < len(self):
            raise UserError(f"run id {run_id}: this sweep has runs 0..{len(self) - 1}")
        block, replicate = divmod(run_id, self.replicates)
        variant, point = divmod(block, self.points)
        return self.variant_names[variant], point, replicate

    def seed(self, run_id: int) -> int:
        """The run's seed: stream ``replicate`` (common) or ``run_id`` (independent) of the root.

        With common seeds and ``seed_block`` b, replicate r of point p uses stream
        ``(p // b) * replicates + r``: the points of one block share seeds.
        """
        if self.spec.seeds == "independent":
            stream = run_id
        elif self.spec.seed_block is None:
            stream = run_id % self.replicates
        else:
            _, point, replicate = self.locate(run_id)
            stream = (point // self.spec.seed_block) * self.replicates + replicate
        return stream_seed(self.config.run.seed, stream)

    def run(self, run_id: int) -> PlannedRun:
        """The run with this id, ready for :func:`experiments.pipeline.loop.run_one`."""
        variant, point, replicate = self.locate(run_id)
        model, events, steps = self._bases[variant]
        params = apply_overrides(model, self._overrides[point], where="sweep")
        task = RunTask(
            variant, replicate, self.seed(run_id), params, events, steps, self.spec.record_every
        )
        per_step = tuple(self.spec.per_step) if self.spec.per_step is not None else None
        parameters = (
            *zip(self.design.names, self._values(point), strict=True),
            *self._varying[variant].items(),
        )
        return PlannedRun(run_id, point, task, per_step, parameters)

    def check(self) -> None:
        """Validate every design point in every variant before anything runs.

        Raises
        ------
        UserError
            Naming the first invalid point, its values and what the model rejects.
        """
        for name, (model, events, _) in self._bases.items():
            timeline = [Event.model_validate(e) for e in events]
            for point, overrides in enumerate(self._overrides):
                where = f"sweep point {point} ({self.describe(point)}) in variant {name!r}"
                try:
                    params = ModelParams.model_validate(
                        apply_overrides(model, overrides, where="sweep")
                    )
                    check_events(params, timeline)
                except ValidationError as error:
                    detail = format_validation_error(error).removeprefix("invalid config:\n  ")
                    # a rule over the whole model has no field path: its message names fields
                    joint = "." if error.errors()[0]["loc"] else ": "
                    raise UserError(f"{where}: model{joint}{detail}") from None
                except ValueError as error:
                    raise UserError(f"{where}: {error}") from None

    def describe(self, point: int) -> str:
        """``key=value, ...`` of a design point."""
        return ", ".join(
            f"{key}={value!r}"
            for key, value in zip(self.design.names, self._values(point), strict=True)
        )

    def identity(self, run_id: int) -> dict[str, Any]:
        """The columns that identify a run (with its design values and variant's varying keys)."""
        variant, point, replicate = self.locate(run_id)
        row: dict[str, Any] = {
            "run_id": run_id,
            "variant": variant,
            "point": point,
            "replicate": replicate,
            "seed": self.seed(run_id),
            "steps": self._bases[variant][2],
        }
        row.update(zip(self.design.names, self._values(point), strict=True))
        row.update(self._varying[variant])
        return row

    def run_ids(self) -> Iterator[int]:
        """Every run id, in order."""
        return iter(range(len(self)))

    def runs_frame(self) -> pd.DataFrame:
        """Identity of every run (run_id, variant, point, replicate, seed, design values)."""
        ids = np.arange(len(self), dtype=np.int64)
        block, replicate = np.divmod(ids, self.replicates)
        variant, point = np.divmod(block, self.points)
        frame = pd.DataFrame(
            {
                "run_id": ids,
                "variant": np.asarray(self.variant_names, dtype=object)[variant],
                "point": point,
                "replicate": replicate,
                "seed": [self.seed(int(k)) for k in ids],
            }
        )
        values = self.design.points.iloc[point].reset_index(drop=True)
        return pd.concat([frame, values], axis=1)

    def _values(self, point: int) -> list[Any]:
        return [value for _, value in self._overrides[point]]


def _native(value: Any) -> Any:
    """A Python scalar (numpy scalars from the design frame do not validate as strict ints)."""
    return value.item() if isinstance(value, np.generic) else value
