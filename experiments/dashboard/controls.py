"""What the dashboard starts from (a config) and the settings its controls edit.

The settings (:class:`Settings`) are what Reset builds a model from: regime,
decentralisation, population size and the lever sliders. The lever sliders follow
the chosen regime: choosing a regime puts every slider at that regime's preset (with
the config's own lever overrides), and only a slider moved away from the preset
overrides the lever (so a scheduled regime change in the config's timeline still
switches the levers it has not overridden, as in a batch run). Slider ranges and
steps are a matter of presentation and live here; every default value comes from the
config, or from :mod:`sim.params` when there is no config.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from experiments.errors import UserError
from sim import REGIME_NAMES, ModelParams

__all__ = [
    "CITIZEN_RANGE",
    "CONFIG_ENV",
    "LEVER_SLIDERS",
    "VARIANT_ENV",
    "DashboardSetup",
    "Settings",
    "initial_settings",
    "lever_overrides",
    "lever_preset",
    "lever_range",
    "model_kwargs",
    "setup_from_config",
    "setup_from_environment",
    "slider_label",
    "with_regime",
]

CONFIG_ENV = "GOVSIM_DASHBOARD_CONFIG"
VARIANT_ENV = "GOVSIM_DASHBOARD_VARIANT"

# lever -> (label in plain words with units, minimum, maximum, step)
LEVER_SLIDERS: dict[str, tuple[str, float, float, float]] = {
    "allocation_centralization": ("Centralised allocation (0-1)", 0.0, 1.0, 0.05),
    "inspection_probability": ("Inspections (per firm-step)", 0.0, 1.0, 0.05),
    "fine": ("Fine (money)", 0.0, 10.0, 0.5),
    "transparency": ("Transparency (0-1)", 0.0, 1.0, 0.05),
    "coercion": ("Coercion (0-1)", 0.0, 1.0, 0.05),
    "voice_cost": ("Complaint cost (0-1)", 0.0, 1.0, 0.05),
    "participation_reward": ("Co-production reward (money)", 0.0, 0.2, 0.01),
    "compliance_subsidy": ("Compliance subsidy (money)", 0.0, 0.5, 0.01),
    "evaluation_satisfaction": ("Officials judged on satisfaction (weight)", 0.0, 1.0, 0.05),
}
# (minimum, maximum, step) of the population slider
CITIZEN_RANGE: tuple[int, int, int] = (100, 5000, 100)


@dataclass(frozen=True)
class DashboardSetup:
    """The starting point of a dashboard session.

    Attributes
    ----------
    base
        Model parameters as set in the config (unset ones keep their defaults).
    events
        The config's timeline.
    seed
        Seed of every model the session builds (Reset with the same settings
        reproduces the same run).
    title
        Shown in the app bar.
    """

    base: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    seed: int = 0
    title: str = "govsim: multi-centre governance"


@dataclass(frozen=True)
class Settings:
    """What the controls hold; Reset builds the next model from it.

    Attributes
    ----------
    regime, decentralization, citizens
        As in :class:`sim.ModelParams`.
    levers
        The value of every lever of :data:`LEVER_SLIDERS` shown on its slider.
    """

    regime: str
    decentralization: float
    citizens: int
    levers: dict[str, float]


def setup_from_config(path: str | Path | None, variant: str | None = None) -> DashboardSetup:
    """Read a config (or none, for all defaults) into a :class:`DashboardSetup`.

    Raises
    ------
    UserError
        For a bad config or an unknown variant.
    """
    from experiments.config import ExperimentConfig, load_config

    if path is None:
        if variant is not None:
            raise UserError("--variant: needs a CONFIG that defines variants")
        return DashboardSetup(seed=ExperimentConfig().run.seed)
    config = load_config(path)
    name = Path(path).name
    if variant is not None:
        variants = config.resolved_variants()
        if variant not in variants:
            raise UserError(f"--variant {variant!r}: not in {name}; allowed: {', '.join(variants)}")
        config = variants[variant]
        name = f"{name}, variant {variant}"
    return DashboardSetup(
        base=config.model.model_dump(mode="json", exclude_unset=True),
        events=[e.model_dump(mode="json", exclude_defaults=True) for e in config.events],
        seed=config.run.seed,
        title=f"govsim: {name}",
    )


def setup_from_environment() -> DashboardSetup:
    """The setup named by the environment (``govsim dashboard`` sets it)."""
    return setup_from_config(
        os.environ.get(CONFIG_ENV) or None, os.environ.get(VARIANT_ENV) or None
    )


def lever_preset(setup: DashboardSetup, regime: str) -> dict[str, float]:
    """The slider levers in force under ``regime``: its preset plus the config's overrides.

    Examples
    --------
    >>> lever_preset(DashboardSetup(), "top_down")["coercion"]
    0.7
    >>> lever_preset(DashboardSetup(base={"levers": {"coercion": 0.2}}), "top_down")["coercion"]
    0.2
    """
    levers = ModelParams.model_validate(setup.base | {"regime": regime}).resolved_levers()
    return {lever: float(getattr(levers, lever)) for lever in LEVER_SLIDERS}


def initial_settings(setup: DashboardSetup) -> Settings:
    """The settings of the session's first model: the config's values."""
    params = ModelParams.model_validate(setup.base)
    return Settings(
        regime=params.regime,
        decentralization=float(params.decentralization),
        citizens=int(params.citizens),
        levers=lever_preset(setup, params.regime),
    )


def with_regime(setup: DashboardSetup, settings: Settings, regime: str) -> Settings:
    """``settings`` with another regime: every lever slider moves to that regime's preset."""
    if regime not in REGIME_NAMES:
        raise ValueError(f"regime must be one of {', '.join(REGIME_NAMES)} (got {regime!r})")
    return replace(settings, regime=regime, levers=lever_preset(setup, regime))


def lever_overrides(setup: DashboardSetup, settings: Settings) -> dict[str, float]:
    """The levers whose slider differs from the regime's preset (moved by the user)."""
    preset = lever_preset(setup, settings.regime)
    return {
        lever: value
        for lever, value in settings.levers.items()
        # sliders move in steps: a value a step's hair away is the preset itself
        if not math.isclose(value, preset[lever], rel_tol=1e-9, abs_tol=1e-9)
    }


def model_kwargs(setup: DashboardSetup, settings: Settings) -> dict[str, Any]:
    """Keyword arguments of :class:`~experiments.dashboard.model.DashboardModel` for Reset."""
    return {
        "regime": settings.regime,
        "decentralization": settings.decentralization,
        "citizens": settings.citizens,
        "levers": lever_overrides(setup, settings),
        "base": setup.base,
        "events": setup.events,
        "rng": setup.seed,
    }


def lever_range(setup: DashboardSetup, lever: str) -> tuple[float, float, float]:
    """(minimum, maximum, step) of ``lever``'s slider, wide enough for every regime's value."""
    _, low, high, step = LEVER_SLIDERS[lever]
    highest = max(lever_preset(setup, regime)[lever] for regime in REGIME_NAMES)
    return low, max(high, highest), step


def slider_label(label: str, value: float, step: float) -> str:
    """A slider's label with its value, to the slider's precision.

    Examples
    --------
    >>> slider_label("Fine (money)", 4.0, 0.5), slider_label("Coercion (0-1)", 0.7, 0.05)
    ('Fine (money): 4.0', 'Coercion (0-1): 0.70')
    >>> slider_label("Citizens", 2000, 100)
    'Citizens: 2,000'
    """
    if float(step).is_integer() and float(value).is_integer():
        return f"{label}: {int(value):,}"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{label}: {value:.{decimals}f}"
