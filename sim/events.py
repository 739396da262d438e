"""A timeline of events: set a lever or parameter, or apply a shock, at a step.

An event at step ``t`` takes effect at the start of the ``t``-th call to
``step()`` (step 0: when the model is built), so row ``t`` of the indicators is
the first to show it. ``set`` takes dotted keys of :class:`sim.ModelParams`
(``levers.fine``, ``decentralization``, ``regime``, ``mechanisms.voice``,
``trust.weight_procedural`` ...); setting ``regime`` switches every lever to the
new preset, keeping explicit lever overrides (a reform). Keys that fix the
population or the graph cannot change during a run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
from pydantic import Field, model_validator

from sim.lever_table import LeverTable
from sim.params import ModelParams
from sim.settings import with_settings
from sim.strict import StrictBlock, show

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["STRUCTURAL_KEYS", "Event", "Shock", "apply_event", "apply_settings", "check_events"]

STRUCTURAL_KEYS: tuple[str, ...] = (
    "citizens",
    "enterprises",
    "social_orgs",
    "enterprises_per_1000",
    "social_orgs_per_1000",
    "jurisdictions",
    "network",
    "services.domains",
    "services.preference_heterogeneity",
    "services.individual_heterogeneity",
    "fiscal.mean_income",
    "fiscal.income_dispersion",
    "fiscal.jurisdiction_income_spread",
    "fiscal.initial_reserves_per_capita",
    "compliance.gain_low",
    "compliance.gain_high",
    "coproduction.initial_cooperation",
    "trust.initial_trust",
    "trust.initial_satisfaction",
)


class Shock(StrictBlock):
    """A one-off change of the world rather than of policy.

    ``demand``: multiply demand for ``domain`` (in ``jurisdiction``, or everywhere)
    by ``factor`` (``reported_by`` another domain: a cross-domain shock, see
    :mod:`sim.departments`); ``revenue``: multiply the tax base by ``factor``; ``trust`` and
    ``hardship``: multiply citizens' values by ``factor``, then add ``delta``,
    clipped to [0, 1].
    """

    kind: Literal["demand", "revenue", "trust", "hardship"]
    factor: float = Field(1.0, ge=0.0)
    delta: float = Field(0.0, ge=-1.0, le=1.0)
    domain: str | None = None
    jurisdiction: int | None = Field(None, ge=0)
    reported_by: str | None = Field(
        None,
        description="Demand shock: the domain whose department records it first (a "
        "cross-domain shock; with departments.enabled it reaches allocation through "
        "sharing or late, see sim.departments).",
    )

    @model_validator(mode="after")
    def _domain_for_demand(self) -> Self:
        if self.kind == "demand" and self.domain is None:
            raise ValueError("a demand shock needs a domain")
        if self.reported_by is not None and self.kind != "demand":
            raise ValueError("reported_by is for demand shocks only")
        return self


class Event(StrictBlock):
    """One entry of the timeline."""

    step: int = Field(ge=0, description="Step at whose start the event takes effect.")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Dotted model keys and their new values."
    )
    shock: Shock | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Self:
        if not self.set and self.shock is None:
            raise ValueError("an event needs 'set' or 'shock'")
        return self


def apply_settings(params: ModelParams, settings: Mapping[str, Any]) -> ModelParams:
    """Return a copy of ``params`` with dotted keys set, validated as a whole.

    The setter is :func:`sim.settings.with_settings`, the one used everywhere a
    value is set by its dotted name; here the keys in :data:`STRUCTURAL_KEYS` are
    refused.

    Raises
    ------
    ValueError
        For a structural key, or a key or value the schema rejects.
    """
    return with_settings(params, settings, fixed=STRUCTURAL_KEYS)


def check_events(params: ModelParams, events: Iterable[Event]) -> None:
    """Validate every event against the parameters it would change.

    Raises
    ------
    ValueError
        Naming the event's index and what is wrong.
    """
    for n, event in enumerate(events):
        try:
            if event.set:
                apply_settings(params, event.set)
            shock = event.shock
            if shock is not None:
                if shock.domain is not None and shock.domain not in params.services.domains:
                    raise ValueError(
                        f"shock.domain {show(shock.domain)} is not one of {params.services.domains}"
                    )
                if (
                    shock.reported_by is not None
                    and shock.reported_by not in params.services.domains
                ):
                    raise ValueError(
                        f"shock.reported_by {show(shock.reported_by)} is not one of "
                        f"{params.services.domains}"
                    )
                if shock.jurisdiction is not None and shock.jurisdiction >= params.jurisdictions:
                    raise ValueError(
                        f"shock.jurisdiction {shock.jurisdiction} must be below jurisdictions ({params.jurisdictions})"
                    )
        except ValueError as error:
            raise ValueError(f"events[{n}] (step {event.step}): {error}") from None


def apply_event(model: GovernanceModel, event: Event) -> None:
    """Apply one event to a running model."""
    if event.set:
        model.params = apply_settings(model.params, event.set)
        model.levers = model.params.resolved_levers()
        model.lever_table = LeverTable.build(model.params)
        model.spillover = model.spillover_vector()
    shock = event.shock
    if shock is None:
        return
    gov = model.governments
    where = slice(None) if shock.jurisdiction is None else shock.jurisdiction
    if shock.kind == "demand":
        gov.demand_multiplier[where, model.domain_index[shock.domain]] *= shock.factor
        if shock.reported_by is not None and shock.reported_by != shock.domain:
            gov.cross_demand[where, model.domain_index[shock.domain]] *= shock.factor
    elif shock.kind == "revenue":
        gov.revenue_multiplier[where] *= shock.factor
    else:
        values = model.citizens.trust if shock.kind == "trust" else model.citizens.hardship
        rows = (
            slice(None)
            if shock.jurisdiction is None
            else model.citizens.jurisdiction == shock.jurisdiction
        )
        values[rows] = np.clip(values[rows] * shock.factor + shock.delta, 0.0, 1.0)
