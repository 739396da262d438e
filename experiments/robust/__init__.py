"""Robust regime comparison: ordinal-respecting draws, Shapley attribution, scenario discovery.

Every part runs on the sweep path (plan -> execute -> store): the draws are a sweep
whose design is a table of (draw x regime) points, the attribution a sweep over
coalitions of lever blocks; this package plans those tables and summarises the
stored runs. Names load on first use (the CLI stays fast)::

    from experiments.robust import robust_compare
    result = robust_compare(config, out, draws=200)

See ``docs/ROBUST.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "RobustResult",
    "attribution_config",
    "draws_config",
    "exact_shapley",
    "ordering_tables",
    "permutation_shapley",
    "robust_compare",
    "scenario_boxes",
]

_HOMES = {
    "RobustResult": "experiments.robust.compare",
    "robust_compare": "experiments.robust.compare",
    "draws_config": "experiments.robust.plan",
    "attribution_config": "experiments.robust.plan",
    "exact_shapley": "experiments.robust.shapley",
    "permutation_shapley": "experiments.robust.shapley",
    "ordering_tables": "experiments.robust.summary",
    "scenario_boxes": "experiments.robust.discovery",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'experiments.robust' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)


def __dir__() -> list[str]:
    return sorted(__all__)
