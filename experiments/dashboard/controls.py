"""What the dashboard starts from (a config) and which controls it shows.

The controls are SolaraViz ``model_params``: a dict from :class:`DashboardModel`
keyword to either a control (a dict with ``"type"``) or a fixed value. Slider ranges
and steps are a matter of presentation and live here; every default value comes
from the config, or from :mod:`sim.params` when there is no config.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.errors import UserError
from sim import REGIME_NAMES, ModelParams

__all__ = [
    "CONFIG_ENV",
    "LEVER_SLIDERS",
    "VARIANT_ENV",
    "DashboardSetup",
    "initial_model_kwargs",
    "model_params",
    "setup_from_config",
    "setup_from_environment",
]

CONFIG_ENV = "GOVSIM_DASHBOARD_CONFIG"
VARIANT_ENV = "GOVSIM_DASHBOARD_VARIANT"

# lever -> (label in plain words with units, minimum, maximum, step); one per
# experiments.dashboard.model.LEVER_CONTROLS
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
        Seed of every model the session builds (Reset with the same controls
        reproduces the same run).
    title
        Shown in the app bar.
    """

    base: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    seed: int = 0
    title: str = "govsim: multi-centre governance"


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


def model_params(setup: DashboardSetup) -> dict[str, Any]:
    """SolaraViz ``model_params``: the controls, starting at the setup's values.

    The first model of a session must be built from the same values
    (:func:`initial_model_kwargs`), since SolaraViz only applies controls on Reset.
    """
    params = ModelParams.model_validate(setup.base)
    levers = params.resolved_levers()
    controls: dict[str, Any] = {
        "regime": {
            "type": "Select",
            "value": params.regime,
            "values": list(REGIME_NAMES),
            "label": "Regime",
        },
        "decentralization": _float_slider(
            "Decentralisation (0-1)", params.decentralization, 0.0, 1.0, 0.05
        ),
        "citizens": {
            "type": "SliderInt",
            "value": params.citizens,
            "min": 100,
            "max": max(5000, params.citizens),
            "step": 100,
            "label": "Citizens",
        },
        "node_size": {
            "type": "Select",
            "value": "capacity",
            "values": ["capacity", "degree"],
            "label": "Graph: node size by",
        },
        "use_lever_sliders": {
            "type": "Checkbox",
            "value": False,
            "label": "Use the lever sliders (off: regime preset)",
        },
    }
    for lever, (label, low, high, step) in LEVER_SLIDERS.items():
        value = float(getattr(levers, lever))
        controls[lever] = _float_slider(label, value, low, max(high, value), step)
    controls.update({"base": setup.base, "events": setup.events, "rng": setup.seed})
    return controls


def initial_model_kwargs(setup: DashboardSetup) -> dict[str, Any]:
    """Keyword arguments of the session's first model: every control at its start value."""
    return {
        name: (spec["value"] if isinstance(spec, dict) and "type" in spec else spec)
        for name, spec in model_params(setup).items()
    }


def _float_slider(label: str, value: float, low: float, high: float, step: float) -> dict[str, Any]:
    return {
        "type": "SliderFloat",
        "value": value,
        "min": low,
        "max": high,
        "step": step,
        "label": label,
    }
