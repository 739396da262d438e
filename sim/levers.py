"""Policy levers and the named governance regimes that preset them.

The source text contrasts three governance models - rule (统治型), regulatory
(管制型) and service-oriented (服务型) - and names the instruments that separate
them: how centrally allocation is decided, how fast and how accurately
governments learn citizens' demand, who delivers services, inspection and fines,
rewards and subsidies, the cost of voicing a need, transparency, coercion and
what officials are evaluated on. Every regime here is a point in one continuous
space of those levers, so hybrids and reform paths are points and paths in the
same space (CONCEPTS.md sections 1 and 3). The justification of each preset value
is in ``docs/ODD.md`` ("Regimes").
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator
from pydantic.fields import FieldInfo

from sim.strict import StrictBlock, show

__all__ = [
    "NATIONAL_LEVERS",
    "REGIME_NAMES",
    "REGIME_PRESETS",
    "LeverOverrides",
    "Levers",
    "RegimeName",
]

RegimeName = Literal["top_down", "regulatory", "service"]
REGIME_NAMES: tuple[str, ...] = ("top_down", "regulatory", "service")


class Levers(StrictBlock):
    """A complete setting of the continuous policy levers.

    Attributes
    ----------
    allocation_centralization
        Share of the centre's own allocation that is one-size-fits-all (the national
        mean of perceived demand) rather than tailored to each jurisdiction.
    information_lag
        Delay, in steps, with which reports of demand reach governments (decision
        lag, 决策滞后). 0 means instant.
    information_noise
        Standard deviation of the observation error on demand shares.
    enterprise_delivery_share, social_org_delivery_share
        Shares of service money delivered by enterprises (contracting out) and social
        organisations (purchase of services); governments deliver the rest.
    inspection_probability
        Probability that an enterprise is inspected in a step (deterrence).
    fine
        Fine paid by an enterprise caught violating, in money units.
    participation_reward
        Payment per step to each co-producing citizen (points and cash rewards).
    compliance_subsidy
        Payment per step to each compliant enterprise.
    voice_cost
        Cost, on the satisfaction scale, of filing a complaint ("at most one visit"
        reforms lower it).
    transparency
        Openness of government (政务公开): lowers leakage of service money and is the
        probability that a citizen sees how its money is spent.
    coercion
        Reliance on force: police capacity against unrest, coercive contacts with
        citizens (which cost trust through experience), policing cost, silenced voice.
    evaluation_growth, evaluation_satisfaction, evaluation_environment
        Weights of officials' performance evaluation (绩效考核).
    intergovernmental_cooperation
        Strength of cooperation between local governments (府际治理): the share of
        cross-border spill-overs that local governments take into account.
    """

    allocation_centralization: float = Field(
        ge=0.0,
        le=1.0,
        description="Share of the centre's allocation that is one-size-fits-all (national mean demand).",
    )
    information_lag: float = Field(
        ge=0.0,
        le=1000.0,
        description="Delay (steps) with which reports of demand reach governments; 0 is instant.",
    )
    information_noise: float = Field(
        ge=0.0, le=1.0, description="Standard deviation of the observation error on demand shares."
    )
    enterprise_delivery_share: float = Field(
        ge=0.0, le=1.0, description="Share of service money delivered by contracted enterprises."
    )
    social_org_delivery_share: float = Field(
        ge=0.0,
        le=1.0,
        description="Share of service money delivered by social organisations (purchase of services).",
    )
    inspection_probability: float = Field(
        ge=0.0, le=1.0, description="Probability an enterprise is inspected in a step."
    )
    fine: float = Field(
        ge=0.0, description="Fine paid by an enterprise caught violating (money units)."
    )
    participation_reward: float = Field(
        ge=0.0, description="Payment per step to each co-producing citizen (money units)."
    )
    compliance_subsidy: float = Field(
        ge=0.0, description="Payment per step to each compliant enterprise (money units)."
    )
    voice_cost: float = Field(
        ge=0.0, le=1.0, description="Cost of complaining, on the satisfaction scale."
    )
    transparency: float = Field(
        ge=0.0,
        le=1.0,
        description="Openness of government: curbs leakage, informs the centre, lets citizens see spending.",
    )
    coercion: float = Field(
        ge=0.0,
        le=1.0,
        description="Reliance on force: police capacity and contacts, policing cost, silenced voice.",
    )
    evaluation_growth: float = Field(
        ge=0.0, description="Weight of growth in officials' performance evaluation."
    )
    evaluation_satisfaction: float = Field(
        ge=0.0, description="Weight of citizen satisfaction in officials' performance evaluation."
    )
    evaluation_environment: float = Field(
        ge=0.0, description="Weight of the environment in officials' performance evaluation."
    )
    intergovernmental_cooperation: float = Field(
        ge=0.0,
        le=1.0,
        description="Share of cross-border spill-overs local governments take into account.",
    )

    @model_validator(mode="after")
    def _delivery_shares_fit(self) -> Self:
        total = self.enterprise_delivery_share + self.social_org_delivery_share
        if total > 1.0 + 1e-12:
            raise ValueError(
                "enterprise_delivery_share + social_org_delivery_share must be <= 1 "
                f"(got {total:.3g}); governments deliver the remainder"
            )
        return self

    @property
    def government_delivery_share(self) -> float:
        """Share of service money delivered by government agencies themselves."""
        return 1.0 - self.enterprise_delivery_share - self.social_org_delivery_share


# Levers that are one decision of the centre, so they cannot differ by jurisdiction
# (pilot scope): the centre's own allocation rule is the same for everyone it serves.
NATIONAL_LEVERS: frozenset[str] = frozenset({"allocation_centralization"})


class _OverridesBase(StrictBlock):
    """Checks each value against its lever's bounds; national levers take one number.

    Strict like every block (no unknown keys, finite floats); a value is a number
    or a mapping of numbers, never a boolean or text.
    """

    @field_validator("*", mode="before")
    @classmethod
    def _strict_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for where, number in items:
            if isinstance(number, bool | str | bytes):
                what = "a boolean" if isinstance(number, bool) else "text"
                at = "" if where is None else f" (jurisdiction {show(where)})"
                raise ValueError(f"must be a number, not {what}{at} (got {show(number)})")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _within_bounds(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return value
        name = info.field_name
        low, high = _LEVER_BOUNDS[name]
        if isinstance(value, dict):
            if name in NATIONAL_LEVERS:
                raise ValueError(
                    f"{name} is national by nature (one rule of the centre) and cannot be set "
                    "per jurisdiction; give one number"
                )
            items = list(value.items())
        else:
            items = [(None, value)]
        for where, number in items:
            at = "" if where is None else f" (jurisdiction {where})"
            if where is not None and where < 0:
                raise ValueError(f"jurisdiction index {where} must be >= 0")
            if low is not None and number < low:
                raise ValueError(f"Input should be greater than or equal to {low:g}{at}")
            if high is not None and number > high:
                raise ValueError(f"Input should be less than or equal to {high:g}{at}")
        return value


def _optional_like(cls: type[BaseModel]) -> type[BaseModel]:
    """Build the overrides model: every lever optional, same bounds.

    A value is a number (every jurisdiction) or a mapping from jurisdiction index
    to number (pilot scope: the jurisdictions not named keep the preset); each
    number has the lever's bounds.
    """
    from pydantic import create_model

    fields = {}
    for name, info in cls.model_fields.items():
        low, high = _bound(info, "ge"), _bound(info, "le")
        allowed = ", ".join(
            f"{symbol} {value:g}"
            for symbol, value in ((">=", low), ("<=", high))
            if value is not None
        )
        national = name in NATIONAL_LEVERS
        fields[name] = (
            float | dict[int, float] | None,
            Field(
                default=None,
                description=f"{info.description} "
                + ("National: one number." if national else "A number, or {jurisdiction: number}."),
                json_schema_extra={"allowed": allowed},
            ),
        )
    model = create_model(
        "LeverOverrides",
        __base__=_OverridesBase,
        __doc__="Lever values that replace the regime preset, everywhere or per jurisdiction; "
        "unset levers keep it.",
        **fields,
    )
    model.__module__ = __name__
    return model


def _bound(info: FieldInfo, kind: str) -> float | None:
    for meta in info.metadata:
        value = getattr(meta, kind, None)
        if value is not None:
            return value
    return None


_LEVER_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    name: (_bound(info, "ge"), _bound(info, "le")) for name, info in Levers.model_fields.items()
}
LeverOverrides = _optional_like(Levers)


REGIME_PRESETS: dict[str, Levers] = {
    # Rule / command: uniform central decisions, slow and noisy information
    # travelling up the hierarchy, in-house delivery, coercive order, weak voice,
    # officials judged on growth.
    "top_down": Levers(
        allocation_centralization=1.0,
        information_lag=8.0,
        information_noise=0.15,
        enterprise_delivery_share=0.05,
        social_org_delivery_share=0.0,
        inspection_probability=0.15,
        fine=5.0,
        participation_reward=0.0,
        compliance_subsidy=0.0,
        voice_cost=0.6,
        transparency=0.2,
        coercion=0.7,
        evaluation_growth=0.7,
        evaluation_satisfaction=0.1,
        evaluation_environment=0.2,
        intergovernmental_cooperation=0.1,
    ),
    # Regulatory: licences, inspection and fines; the market delivers under rules;
    # formula allocation; complaints are the only voice.
    "regulatory": Levers(
        allocation_centralization=0.6,
        information_lag=4.0,
        information_noise=0.10,
        enterprise_delivery_share=0.45,
        social_org_delivery_share=0.05,
        inspection_probability=0.35,
        fine=5.0,
        participation_reward=0.0,
        compliance_subsidy=0.0,
        voice_cost=0.35,
        transparency=0.5,
        coercion=0.3,
        evaluation_growth=0.4,
        evaluation_satisfaction=0.3,
        evaluation_environment=0.3,
        intergovernmental_cooperation=0.3,
    ),
    # Service-oriented: demand-responsive allocation through an e-government
    # platform, co-production and purchase of services, rewards over fines,
    # cheap voice, officials judged on satisfaction.
    "service": Levers(
        allocation_centralization=0.2,
        information_lag=1.0,
        information_noise=0.04,
        enterprise_delivery_share=0.3,
        social_org_delivery_share=0.3,
        inspection_probability=0.25,
        fine=4.0,
        participation_reward=0.03,
        compliance_subsidy=0.05,
        voice_cost=0.1,
        transparency=0.85,
        coercion=0.05,
        evaluation_growth=0.2,
        evaluation_satisfaction=0.5,
        evaluation_environment=0.3,
        intergovernmental_cooperation=0.6,
    ),
}
