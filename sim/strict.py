"""Strict parameter input: the base of every parameter block, and values shown in messages.

Pydantic's lax mode turns ``True`` into 1, ``"20"`` into 20 and accepts ``nan``
and ``inf``; for a model parameter each of those is a mistake that would run
silently (``steps: true`` is one step; a ``nan`` lever poisons every indicator
and reaches the manifest as ``Infinity``). :class:`StrictBlock` refuses them: a
field meant to hold a number takes an int or a float, never a bool or a string
(an int is still fine for a float, and a whole float such as ``150.0`` for an
int, as sweeps produce); a bool field takes only ``true`` or ``false``; every
float must be finite. Blocks also refuse unknown keys and check assignments
like construction.

:func:`show` renders an input value for an error message, bounded in length
whatever the value: a YAML "billion laughs" value must not become a 250 MB
message.

>>> show(list(range(1000)))
'[0, 1, 2, 3, 4, 5, ...]'
>>> show(10**5000)
'<an integer of about 5001 digits>'
"""

from __future__ import annotations

import functools
import math
import reprlib
import types
import typing
import weakref
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationInfo, field_validator

__all__ = ["SHOWN_CHARACTERS", "StrictBlock", "scalar_kind", "show"]

SHOWN_CHARACTERS = 80
"""At most this many characters of an input value appear in a message."""

_REPR = reprlib.Repr(maxlevel=3, maxlist=6, maxtuple=6, maxdict=4, maxset=6, maxstring=60)


def show(value: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """``repr(value)`` cut to at most ``limit`` characters, without building the whole repr.

    Nested containers are shown a few items and levels deep (``reprlib``), so a
    value built from YAML aliases with a billion leaves renders instantly.

    >>> show("x" * 500, limit=20)
    "'xxxxxxxxxxxxxxxx..."
    >>> show({"a": [[[[1]]]]})
    "{'a': [[[...]]]}"
    """
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int) and abs(value).bit_length() > 1000:  # ~300 digits
        # str() of a huge int is slow, and refused beyond 4300 digits
        return f"<an integer of about {math.floor(math.log10(abs(value))) + 1} digits>"
    try:
        text = _REPR.repr(value)
    except Exception:  # a user object whose repr fails must not hide the real error
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def scalar_kind(annotation: Any) -> str | None:
    """``"number"``, ``"bool"``, ``"number_map"`` or None for a field annotation.

    >>> scalar_kind(float | None), scalar_kind(int), scalar_kind(bool), scalar_kind(dict[str, float])
    ('number', 'integer', 'bool', 'number_map')
    """
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return scalar_kind(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        kinds = {scalar_kind(arg) for arg in typing.get_args(annotation) if arg is not type(None)}
        if kinds == {"integer", "number"}:
            return "number"
        return kinds.pop() if len(kinds) == 1 else None
    if origin is dict:
        args = typing.get_args(annotation)
        numeric = len(args) == 2 and scalar_kind(args[1]) in ("integer", "number")
        return "number_map" if numeric else None
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "integer"
    if annotation is float:
        return "number"
    return None


@functools.cache
def _field_kinds(cls: type[BaseModel]) -> dict[str, str | None]:
    """Kind of each field of a block, computed once per class (annotations do not change)."""
    return {name: scalar_kind(field.annotation) for name, field in cls.model_fields.items()}


def _refuse_loose(value: Any, kind: str) -> None:
    if kind in ("integer", "number") and isinstance(value, bool | str | bytes):
        what = "a boolean" if isinstance(value, bool) else "text"
        raise ValueError(f"must be {'an integer' if kind == 'integer' else 'a number'}, not {what}")
    if kind == "bool" and not isinstance(value, bool):
        raise ValueError("must be true or false")


class _Owner:
    """Weak link from a block to the block holding it.

    Equal to any other link (so models still compare by their values), and copied
    or pickled empty: the holder re-links its blocks after a copy or unpickling.
    """

    __slots__ = ("ref",)

    def __init__(self, owner: BaseModel | None = None) -> None:
        self.ref = weakref.ref(owner) if owner is not None else None

    def get(self) -> BaseModel | None:
        return self.ref() if self.ref is not None else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Owner)

    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> _Owner:
        return _Owner()

    def __deepcopy__(self, memo: dict[int, Any]) -> _Owner:
        return _Owner()

    def __reduce__(self) -> tuple[type[_Owner], tuple[()]]:
        return (_Owner, ())


class StrictBlock(BaseModel):
    """Base of every parameter block: strict scalars, finite floats, no unknown keys.

    Assignment is validated like construction (``validate_assignment``), so
    ``params.decentralization = True`` raises as ``ModelParams(decentralization=True)``
    does. An assignment inside a nested block is also checked against the rules of
    the blocks holding it (``params.network.k = 5000`` with 2000 citizens raises, and
    the old value stays), by validating the outermost block again.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    _owner: _Owner = PrivateAttr(default_factory=_Owner)

    def model_post_init(self, context: Any, /) -> None:
        """Link the blocks this one holds to it (see :meth:`__setattr__`)."""
        self._adopt_blocks()

    def _adopt_blocks(self) -> None:
        for name in type(self).model_fields:
            child = self.__dict__.get(name)
            if isinstance(child, StrictBlock):
                child._owner = _Owner(self)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in type(self).model_fields:
            super().__setattr__(name, value)
            return
        old = self.__dict__.get(name)
        try:
            # validates this block; pydantic keeps the new value when a rule over the
            # whole block refuses it, so every failure restores the old one below
            super().__setattr__(name, value)
            self._adopt_blocks()
            root, holder = None, self._owner.get()
            while holder is not None:
                root, holder = holder, holder._owner.get()  # type: ignore[attr-defined]
            if root is not None:
                type(root).model_validate(root.model_dump())
        except Exception:
            self.__dict__[name] = old  # the old value passed every rule: keep it
            self._adopt_blocks()
            raise

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        copied = super().__deepcopy__(memo)
        copied._adopt_blocks()
        return copied

    def __setstate__(self, state: dict[Any, Any]) -> None:
        super().__setstate__(state)
        self._adopt_blocks()

    @field_validator("*", mode="before")
    @classmethod
    def _strict_scalars(cls, value: Any, info: ValidationInfo) -> Any:
        kind = _field_kinds(cls).get(info.field_name or "")
        if kind is None or value is None:
            return value
        if kind == "number_map":
            if isinstance(value, dict):
                for key, item in value.items():
                    try:
                        _refuse_loose(item, "number")
                    except ValueError as error:
                        raise ValueError(f"[{show(key)}] {error} (got {show(item)})") from None
            return value
        _refuse_loose(value, kind)
        return value
