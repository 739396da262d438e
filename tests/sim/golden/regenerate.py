"""Regenerate the golden indicator values in ``indicators.json`` next to this file.

Run it only after an intended change of the model's behaviour, and say in the commit
what changed and why the numbers move:

    .venv/bin/python tests/sim/golden/regenerate.py

The configuration, step count and seeds are stored in the JSON with the values, so
``tests/sim/test_golden.py`` replays exactly what was recorded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim import GovernanceModel, ModelParams

GOLDEN = Path(__file__).with_name("indicators.json")

# A small configuration, otherwise all defaults, with a demand shock and a reform so
# that the event path is covered too.
PARAMS: dict[str, Any] = {"citizens": 300, "enterprises": 30, "social_orgs": 12, "jurisdictions": 3}
EVENTS: list[dict[str, Any]] = [
    {"step": 8, "shock": {"kind": "demand", "domain": "health", "factor": 2.0}},
    {"step": 15, "set": {"regime": "regulatory"}},
]
STEPS = 30
SEEDS = (1, 2, 3)


def final_indicators(
    params: dict[str, Any], events: list[dict[str, Any]], steps: int, seed: int
) -> dict[str, float]:
    """Indicators after ``steps`` steps of one run."""
    model = GovernanceModel(ModelParams.model_validate(params), rng=seed, events=events)
    model.run(steps)
    return {name: float(value) for name, value in model.indicators.items()}


def main() -> None:
    golden = {
        "params": PARAMS,
        "events": EVENTS,
        "steps": STEPS,
        "final": {str(seed): final_indicators(PARAMS, EVENTS, STEPS, seed) for seed in SEEDS},
    }
    GOLDEN.write_text(json.dumps(golden, indent=2, sort_keys=False) + "\n")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
