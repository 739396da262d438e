"""Shared fixtures for the model's tests: small configurations and paired runs.

Every test model is small (a few hundred citizens) so that the whole ``tests/sim``
suite runs in well under the CI budget on a 2-core machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim import GovernanceModel, ModelParams

__all__ = ["SMALL", "deep_merge"]

# A small, otherwise default configuration used across the suite.
SMALL: dict[str, Any] = {"citizens": 300, "enterprises": 30, "social_orgs": 12, "jurisdictions": 3}


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Nested-dict merge: ``extra`` wins, sub-dicts are merged rather than replaced."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@pytest.fixture
def small_params() -> Callable[..., ModelParams]:
    """Factory: the SMALL configuration with nested overrides applied."""

    def make(overrides: Mapping[str, Any] | None = None) -> ModelParams:
        return ModelParams.model_validate(deep_merge(SMALL, overrides or {}))

    return make


@pytest.fixture
def run_frame(small_params: Callable[..., ModelParams]) -> Callable[..., pd.DataFrame]:
    """Factory: build a SMALL model with overrides, run it, return its indicator frame."""

    def run(
        overrides: Mapping[str, Any] | None = None,
        *,
        seed: int = 0,
        steps: int = 20,
        events: Iterable[Mapping[str, Any]] = (),
    ) -> pd.DataFrame:
        model = GovernanceModel(
            small_params(overrides), rng=seed, events=list(events), agent_views=False
        )
        model.run(steps)
        return model.indicator_frame()

    return run


@pytest.fixture
def paired_effect(run_frame: Callable[..., pd.DataFrame]) -> Callable[..., np.ndarray]:
    """Factory: per-seed effect of a change on an indicator, with common random numbers.

    Runs the ``low`` and ``high`` configurations with the same seeds and returns,
    per seed, ``mean(high[column][rows]) - mean(low[column][rows])``.
    """

    def effect(
        low: Mapping[str, Any],
        high: Mapping[str, Any],
        column: str,
        *,
        rows: slice,
        steps: int,
        seeds: Iterable[int] = range(4),
        events: Iterable[Mapping[str, Any]] = (),
    ) -> np.ndarray:
        events = list(events)
        diffs = []
        for seed in seeds:
            lo = run_frame(low, seed=seed, steps=steps, events=events)[column].iloc[rows].mean()
            hi = run_frame(high, seed=seed, steps=steps, events=events)[column].iloc[rows].mean()
            diffs.append(hi - lo)
        return np.asarray(diffs)

    return effect
