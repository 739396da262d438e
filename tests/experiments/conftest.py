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
