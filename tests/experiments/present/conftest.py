"""Fixtures of the presentation tests: a tiny `govsim run` folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.cli import main
from tests.experiments.conftest import TINY


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `govsim run` folder: two variants x two replicates of a tiny model, six steps."""
    root = tmp_path_factory.mktemp("present")
    config = root / "tiny.yaml"
    config.write_text(TINY, encoding="utf-8")
    out = root / "run"
    assert main(["run", str(config), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out
