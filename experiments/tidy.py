"""Parameter columns of stored rows: every row says which parameter values produced it.

BehaviorSpace and the EMA Workbench write one tidy table whose rows carry the
values of the parameters that vary; so does govsim. Each per-step row of a run or
a sweep carries, next to its identifiers, the value of every config key that
differs between the variants (e.g. ``model.regime``) and, in a sweep, of every
swept key (its design point), right after ``step`` and before the indicators:
one table to filter and plot, with no join.
Columns are named by their dotted config key; their meaning and unit are in the
codebook (:mod:`experiments.codebook`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from experiments.config import ExperimentConfig

__all__ = ["insert_parameters", "varying_parameters"]

_EVENTS = "events"


def varying_parameters(
    variants: Mapping[str, ExperimentConfig], exclude: Sequence[str] = ()
) -> dict[str, dict[str, Any]]:
    """Variant name -> {dotted key: value} for the keys whose values differ between variants.

    Keys are ``model.*`` and ``run.*`` leaves (e.g. ``model.levers.fine``), and
    ``events`` (the timeline as JSON) when variants have different timelines.
    ``model.levers.*`` are the levers in force (the regime's preset with any
    overrides), so a regime variant also shows which levers it moves. Lists are
    stored as JSON text. With one variant nothing varies.

    Parameters
    ----------
    exclude
        Keys left out (a sweep's design keys, stored from the design point).
    """
    flat = {}
    for name, variant in variants.items():
        dump = variant.model_dump(mode="json", include={"model", "run", "events"})
        dump["model"]["levers"] = variant.model.resolved_levers().model_dump(mode="json")
        values = _flatten({"model": dump["model"], "run": dump["run"]})
        values[_EVENTS] = json.dumps(dump["events"], sort_keys=True)
        flat[name] = values
    keys = list(dict.fromkeys(k for values in flat.values() for k in values))
    varying = [
        k
        for k in keys
        if k not in exclude
        and len({json.dumps(v.get(k), sort_keys=True) for v in flat.values()}) > 1
    ]
    return {name: {k: values.get(k) for k in varying} for name, values in flat.items()}


def insert_parameters(frame: pd.DataFrame, values: Mapping[str, Any], after: str = "step") -> None:
    """Insert one constant column per parameter value, in place, right after column ``after``."""
    at = frame.columns.get_loc(after) + 1 if after in frame.columns else len(frame.columns)
    for offset, (key, value) in enumerate(values.items()):
        frame.insert(at + offset, key, [value] * len(frame))


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, Mapping):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    if isinstance(data, list):
        return {prefix.rstrip("."): json.dumps(data)}
    return {prefix.rstrip("."): data}
