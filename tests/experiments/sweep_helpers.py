"""Tiny sweep configs shared by the sweep tests (100-150 citizens, 8-15 steps)."""

from __future__ import annotations

from pathlib import Path

from experiments.config import ExperimentConfig, load_config_text

GRID = """
run: {steps: 8, replicates: 2, seed: 7}
model: {citizens: 100, enterprises: 6, social_orgs: 4, jurisdictions: 2}
variants:
  top_down: {model.regime: top_down}
  service: {model.regime: service}
sweep:
  design: grid
  parameters:
    model.decentralization: [0.2, 0.8]
    model.levers.participation_reward: {low: 0.0, high: 0.1, levels: 2}
  record_every: 2
  per_step: [mean_trust, participation_rate]
"""
# 2 variants x 4 points x 2 replicates
GRID_RUNS = 16
GRID_ROWS_PER_RUN = 5  # steps 0, 2, 4, 6, 8


def grid_config(text: str = GRID) -> ExperimentConfig:
    """The tiny grid sweep (or another config text)."""
    return load_config_text(text)


def write_config(tmp_path: Path, text: str = GRID, name: str = "sweep.yaml") -> Path:
    """Write a config file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
