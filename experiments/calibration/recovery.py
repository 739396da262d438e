"""A recovery problem: simulate with known parameter values, then calibrate on the result.

Used by the recovery test (``tests/experiments/test_calibration.py``) and the
coverage study (``benchmarks/calibration_coverage.py``). The world is small (200
citizens, one jurisdiction, no income spread between jurisdictions, weak norm and
habit, so that compliance varies little between seeds); a household rule is
voluntary until step 12, when inspections start (fine 1.0). Two free parameters: the effort cost of complying
(which sets compliance before the inspections) and the inspection probability
(which sets it after). Observed: household compliance at steps 10, 24 and 34.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

__all__ = ["CONFIG", "OBSERVED_AT", "PRIORS", "TRUE", "observe", "targets_for"]

CONFIG = """
run: {steps: 40, replicates: 1, seed: 7}
model:
  citizens: 200
  jurisdictions: 1
  fiscal: {jurisdiction_income_spread: 0.0}
  rule_compliance: {rule_in_force: true, fine: 1.0, norm_weight: 0.1, habit_weight: 0.2}
events:
  - step: 12
    set: {rule_compliance.monitoring: 0.2}
"""
"""The experiment config (YAML); event 0's monitoring is a free parameter."""

TRUE: dict[str, float] = {
    "model.rule_compliance.effort_cost": 0.35,
    "events[0].rule_compliance.monitoring": 0.15,
}
"""The true values of the recovery test."""

PRIORS: dict[str, dict[str, float]] = {
    "model.rule_compliance.effort_cost": {"low": 0.2, "high": 0.6},
    "events[0].rule_compliance.monitoring": {"low": 0.0, "high": 0.4},
}
"""Uniform priors of the two free parameters."""

OBSERVED_AT: dict[str, int] = {"before": 10, "after": 24, "later": 34}
"""Observation names and steps."""

ERROR = 0.05
"""Stated error of every observation."""


def targets_for(
    observed: Mapping[str, float], budget: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A targets document (as parsed YAML) for ``observed`` values."""
    return {
        "time": {"origin": "2020-01-06", "step_days": 7},
        "observations": [
            {
                "name": name,
                "indicator": "rule_compliance",
                "step": step,
                "value": float(observed[name]),
                "error": ERROR,
            }
            for name, step in OBSERVED_AT.items()
        ],
        "parameters": copy.deepcopy(PRIORS),
        "predictions": [{"name": "final", "step": 40}],
        "budget": dict(budget or {}),
    }


def observe(true: Mapping[str, float], seed: int) -> dict[str, float]:
    """The model's compliance at the observation steps with parameters ``true``.

    ``seed`` is the model seed of this "reality"; calibration particles use seeds
    derived from the config's ``run.seed`` and their values, never this one.
    """
    from experiments.calibration.simulator import build_simulator
    from experiments.calibration.targets import parse_targets
    from experiments.config import load_config_text

    config = load_config_text(CONFIG)
    simulator = build_simulator(config, parse_targets(targets_for(dict.fromkeys(OBSERVED_AT, 0.5))))
    frame = simulator.run(dict(true), max(OBSERVED_AT.values()), seed=seed)
    return {name: float(frame["rule_compliance"].iloc[step]) for name, step in OBSERVED_AT.items()}
