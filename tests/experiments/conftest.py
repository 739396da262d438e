"""Shared fixtures for experiment tests: tiny configs that run in a fraction of a second."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY = """
run: {steps: 6, replicates: 2, seed: 11}
model:
  citizens: 60
  enterprises: 6
  social_orgs: 4
  jurisdictions: 2
variants:
  top_down: {model.regime: top_down}
  service: {model.regime: service}
"""


@pytest.fixture
def tiny_config(tmp_path: Path) -> Path:
    """A two-variant, two-replicate config of a tiny model."""
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny grid sweep of :mod:`tests.experiments.sweep_helpers`, run once per test module."""
    from experiments.sweep.execute import run_sweep
    from tests.experiments.sweep_helpers import grid_config

    out = tmp_path_factory.mktemp("sweep") / "sweep"
    run_sweep(grid_config(), out, workers=1, progress=False)
    return out
