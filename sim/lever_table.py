"""The levers in force in each jurisdiction (pilot scope).

A lever override is a number (the same everywhere) or a mapping from jurisdiction
index to value (a pilot: only the named jurisdictions change, the others keep the
preset). :class:`LeverTable` holds, for every lever, a float64 array of shape
``(J,)`` of the values in force in each jurisdiction, plus ``national``: the
:class:`~sim.levers.Levers` of the preset with the scalar overrides, which the
centre and anything not tied to one jurisdiction read.

Phases read a lever through :meth:`LeverTable.local`: a lever that has the same
value everywhere comes back as that number, so a run without a mapping does
exactly the arithmetic it did before pilot scope existed (bit for bit); a lever
that differs comes back as the array gathered by the actors' jurisdictions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.levers import Levers

if TYPE_CHECKING:
    from sim.params import ModelParams

__all__ = ["LeverTable", "as_column"]


@dataclass(frozen=True)
class LeverTable:
    """Per-jurisdiction lever values.

    Attributes
    ----------
    national
        The preset with scalar overrides (what ``model.levers`` is).
    values
        For each lever, its value in each jurisdiction (float64, shape ``(J,)``).
    uniform
        The levers whose value is the same in every jurisdiction.
    """

    national: Levers
    values: dict[str, np.ndarray]
    uniform: frozenset[str]
    # the value of each uniform lever as a float, so that :meth:`local` answers a
    # uniform lever (most of them, about 40 reads a step) with one dictionary look-up
    _scalars: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scalars = {name: float(self.values[name][0]) for name in self.uniform}
        object.__setattr__(self, "_scalars", scalars)

    @classmethod
    def build(cls, params: ModelParams, *, collapse: bool = True) -> LeverTable:
        """The table of ``params``: preset, then scalar overrides, then mappings.

        ``collapse=False`` treats every lever as if it varied, so that the
        per-jurisdiction path can be checked against the scalar one.

        Examples
        --------
        >>> from sim.params import ModelParams
        >>> table = LeverTable.build(ModelParams(jurisdictions=3, levers={"fine": {0: 9.0}}))
        >>> table.values["fine"].tolist(), table.national.fine, "fine" in table.uniform
        ([9.0, 4.0, 4.0], 4.0, False)
        >>> table.local("voice_cost")
        0.1
        """
        national = params.resolved_levers()
        n_j = params.jurisdictions
        values: dict[str, np.ndarray] = {}
        for name in Levers.model_fields:
            column = np.full(n_j, float(getattr(national, name)))
            for j, value in jurisdiction_overrides(params).get(name, {}).items():
                column[j] = value
            column.flags.writeable = False
            values[name] = column
        uniform = frozenset(
            name for name, column in values.items() if collapse and np.all(column == column[0])
        )
        return cls(national, values, uniform)

    def local(self, name: str, jurisdiction: np.ndarray | None = None) -> float | np.ndarray:
        """Lever ``name`` where the actors are.

        A float when the lever is the same in every jurisdiction; otherwise its
        values gathered by ``jurisdiction`` (one per actor), or the ``(J,)`` array
        when ``jurisdiction`` is None.
        """
        scalar = self._scalars.get(name)
        if scalar is not None:
            return scalar
        column = self.values[name]
        return column if jurisdiction is None else column.take(jurisdiction)


def jurisdiction_overrides(params: ModelParams) -> dict[str, dict[int, float]]:
    """The per-jurisdiction (mapping) overrides of ``params``, by lever."""
    dump: dict[str, Any] = params.levers.model_dump(exclude_none=True)
    return {name: dict(value) for name, value in dump.items() if isinstance(value, dict)}


def as_column(value: float | np.ndarray) -> float | np.ndarray:
    """A per-jurisdiction array as a column (to scale J x D rows); a float as is."""
    return value[:, None] if isinstance(value, np.ndarray) else value
