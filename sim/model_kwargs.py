"""Flat keyword arguments of :class:`sim.GovernanceModel`, as Mesa's tools pass them.

``mesa.batch_run`` and SolaraViz build a model as ``Model(**values)`` and record
the values by keyword. So the model takes every :class:`~sim.params.ModelParams`
field as a keyword next to ``params=``: top-level fields (``citizens=100``,
``regime="service"``, ``network={"kind": "ring"}``) and, through ``**{...}``,
dotted paths into the blocks (``**{"levers.fine": 3.0, "fiscal.tax_rate": 0.3}``).

A keyword is applied on top of ``params``; naming a value that ``params`` also
sets explicitly, to something else, is an error rather than a silent winner.

>>> merge_model_kwargs({"citizens": 300}, {"regime": "top_down", "levers.fine": 2.0}).levers.fine
2.0
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from sim.params import ModelParams
from sim.settings import assign

__all__ = ["merge_model_kwargs", "model_kwarg_paths"]


def model_kwarg_paths() -> list[str]:
    """Every keyword the model accepts as a parameter: top-level fields and dotted paths."""
    paths: list[str] = []

    def walk(cls: type[BaseModel], prefix: str) -> None:
        for name, info in cls.model_fields.items():
            paths.append(prefix + name)
            block = _block(info.annotation)
            if block is not None:
                walk(block, f"{prefix}{name}.")

    walk(ModelParams, "")
    return paths


def merge_model_kwargs(
    params: ModelParams | Mapping[str, Any] | None, kwargs: Mapping[str, Any]
) -> ModelParams:
    """``params`` with the flat keywords applied, validated.

    Parameters
    ----------
    params
        Base parameters (None: every default).
    kwargs
        ModelParams field names or dotted paths (``"levers.fine"``) to values; a
        mapping value for a block sets those keys of the block only.

    Raises
    ------
    TypeError
        For a keyword that is no parameter (with the nearest valid name), or one
        that ``params`` sets explicitly to another value.
    pydantic.ValidationError
        When the merged values are not valid parameters.
    """
    if isinstance(params, ModelParams):
        data = params.model_dump(exclude_unset=True)
    elif params is None:
        data = {}
    else:
        data = _plain(params)
    explicit = _leaves(data)
    for key, value in _leaves(_plain(dict(kwargs))).items():
        _check_path(key)
        if key in explicit and explicit[key] != value:
            raise TypeError(
                f"GovernanceModel: {key}={value!r} conflicts with params, which sets "
                f"{key}={explicit[key]!r}; give it in one place only"
            )
        for set_key, set_value in explicit.items():  # a block replaced by a plain value
            if set_key.startswith(key + "."):
                raise TypeError(
                    f"GovernanceModel: {key}={value!r} conflicts with params, which sets "
                    f"{set_key}={set_value!r}; give it in one place only"
                )
        assign(data, key, value)  # blocks were flattened to leaves: plain set
    return ModelParams.model_validate(data)


def _plain(data: Any) -> Any:
    """Mappings and pydantic blocks as nested dicts (values copied, not shared)."""
    if isinstance(data, BaseModel):
        return data.model_dump(exclude_unset=True)
    if isinstance(data, Mapping):
        return {str(key): _plain(value) for key, value in data.items()}
    return data


def _leaves(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted key -> value for every non-mapping value (an empty block sets nothing)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = prefix + key
        if isinstance(value, Mapping):
            out.update(_leaves(value, path + "."))
        else:
            out[path] = value
    return out


def _check_path(key: str) -> None:
    cls: type[BaseModel] | None = ModelParams
    for depth, part in enumerate(key.split(".")):
        if cls is None or part not in cls.model_fields:
            prefix = ".".join(key.split(".")[:depth])
            allowed = [p for p in model_kwarg_paths() if p.count(".") == depth]
            if prefix:
                allowed = [p for p in allowed if p.startswith(prefix + ".")]
            guess = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            shown = ", ".join(allowed[:40])
            raise TypeError(
                f"GovernanceModel: unexpected keyword {key!r}{hint} "
                f"(parameters: {shown}; dotted paths into blocks, e.g. 'levers.fine', "
                "are passed as **{'levers.fine': 3.0})"
            )
        cls = _block(cls.model_fields[part].annotation)


def _block(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
