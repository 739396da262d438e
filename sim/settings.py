"""The one dotted-key setter: ``levers.fine = 3`` into nested parameter data.

Every place that changes a value by its dotted name uses :func:`assign`: events
(``set`` at a step), the Python keywords of :class:`sim.GovernanceModel`, and in
``experiments`` the ``--set`` options, config variants, sweep points and the
validation cases. So a key means the same thing, merges the same way and fails
with the same message wherever it is written.

Rules
-----
* A key is a path of names separated by dots; every part needs a name.
* A mapping given for a block of the schema (``levers: {fine: 3}``) sets those
  keys of the block and keeps the others; a mapping that is itself a value
  (``services.spillover``) replaces it.
* :func:`with_settings` sets keys of an existing :class:`sim.ModelParams` and
  validates the result as a whole; an unknown key is refused with the nearest
  valid name.

>>> data = {"levers": {"fine": 1.0}}
>>> assign(data, "levers.inspection_probability", 0.2)
>>> sorted(data["levers"].items())
[('fine', 1.0), ('inspection_probability', 0.2)]
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.strict import show

__all__ = ["SettingError", "assign", "block_fields", "with_settings"]


class SettingError(ValueError):
    """A dotted key that cannot be set; the message names the key and why."""


def assign(
    data: dict[str, Any],
    key: str,
    value: Any,
    *,
    schema: type[BaseModel] | None = None,
    create: bool = True,
    example: str = "levers.fine",
) -> None:
    """Set ``value`` at the dotted ``key`` of the nested dict ``data`` (in place).

    Parameters
    ----------
    data
        Nested plain data (dicts of dicts), e.g. a dumped config.
    key
        Dotted name such as ``"levers.fine"``.
    value
        The value; copied, never shared with the caller.
    schema
        The pydantic model ``data`` follows; a mapping value for one of its blocks
        is merged key by key. Without it a mapping replaces.
    create
        Create missing blocks (a config being assembled, checked afterwards by its
        schema); when False, a missing name is an unknown key.
    example
        A valid key, shown in the message about an empty part.

    Raises
    ------
    SettingError
        For an empty part, a part that is a value rather than a block, or (with
        ``create=False``) an unknown name, with the nearest valid one.
    """
    parts = key.split(".")
    if not all(part.strip() for part in parts):
        raise SettingError(
            f"{_short(key)!r}: every part of a dotted key needs a name (e.g. {example})"
        )
    node = data
    for depth, part in enumerate(parts[:-1]):
        child = node.get(part)
        if child is None:
            if not create:
                raise SettingError(_unknown(key, parts[: depth + 1], node))
            child = node[part] = {}
        if not isinstance(child, dict):
            path = ".".join(parts[: depth + 1])
            raise SettingError(f"{_short(key)}: {_short(path)} is a value, not a block of keys")
        node = child
    if not create and parts[-1] not in node:
        raise SettingError(_unknown(key, parts, node))
    _merge(node, parts[-1], value, tuple(parts), schema)


def with_settings(params: Any, settings: Mapping[str, Any], *, fixed: Iterable[str] = ()) -> Any:
    """A copy of ``params`` with dotted keys set, validated as a whole.

    Parameters
    ----------
    params
        A :class:`sim.ModelParams` (any pydantic model works).
    settings
        Dotted keys to values.
    fixed
        Keys (and the blocks under them) that may not be set, such as those that
        fix the population during a run.

    Raises
    ------
    SettingError
        For a fixed or unknown key, or values the schema rejects (every problem
        named with its key and the value given).

    >>> from sim.params import ModelParams
    >>> with_settings(ModelParams(), {"network.kind": "ring"}).network.kind
    'ring'
    """
    schema = type(params)
    data = params.model_dump()
    fixed = tuple(fixed)
    for key, value in settings.items():
        for name in fixed:
            if key == name or key.startswith(name + "."):
                raise SettingError(
                    f"{show(key)} fixes the population or graph and cannot change during a run"
                )
        assign(data, key, value, schema=schema, create=False)
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in p['loc'])}: {p['msg'].removeprefix('Value error, ')} "
            f"(got {show(p.get('input'))})"
            for p in error.errors()
        )
        raise SettingError(problems) from None


def block_fields(schema: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """Names of the fields of the block at ``loc`` of ``schema`` (empty if no block).

    List items are walked by index and named entries of a mapping by name, so
    ``("variants", "a", "model")`` finds the model block of a variant.
    """
    current: Any = schema
    for part in loc:
        if isinstance(part, int):
            args = getattr(current, "__args__", ())
            current = _block_type(args[0]) if args else None
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


def _merge(
    node: dict[str, Any],
    name: str,
    value: Any,
    loc: tuple[str, ...],
    schema: type[BaseModel] | None,
) -> None:
    """``node[name] = value``, merging a mapping into a block of the schema key by key."""
    existing = node.get(name)
    if (
        schema is not None
        and isinstance(value, Mapping)
        and isinstance(existing, dict)
        and block_fields(schema, loc)
    ):
        for key, item in value.items():
            _merge(existing, str(key), item, (*loc, str(key)), schema)
        return
    node[name] = copy.deepcopy(value)


def _unknown(key: str, parts: Sequence[str], node: Mapping[str, Any]) -> str:
    leaf = parts[-1]
    # difflib is slow on a huge name, and nothing that long is close
    guess = difflib.get_close_matches(leaf, list(node), n=1, cutoff=0.6) if len(leaf) <= 200 else []
    hint = f"; did you mean {'.'.join([*parts[:-1], guess[0]])!r}?" if guess else ""
    return f"unknown key {show(key)}{hint}"


def _block_type(annotation: Any) -> Any:
    if getattr(annotation, "__origin__", None) in (list, dict):  # walked entry by entry
        return annotation
    for candidate in getattr(annotation, "__args__", ()) or (annotation,):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        if getattr(candidate, "__origin__", None) in (list, dict):
            return candidate
    return annotation


def _short(name: str) -> str:
    """A user's key, cut to a readable length for a message."""
    return name if len(name) <= 60 else name[:57] + "..."
