"""Matplotlib loads where a figure is drawn, not where a package or the CLI is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _child(code: str) -> str:
    """What a fresh interpreter prints, run in this checkout with it first on its path."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path},
    )
    return done.stdout.strip()


def _loads_matplotlib(modules: str) -> bool:
    """Whether a fresh interpreter has matplotlib after importing ``modules``."""
    return _child(f"import sys, {modules}; print('matplotlib' in sys.modules)") == "True"


@pytest.mark.parametrize(
    "modules",
    [
        "experiments.cli",
        "experiments.sweep, experiments.robust",
        "experiments.export, experiments.pipeline.store",
        "experiments.validation, experiments.calibration, experiments.present",
    ],
)
def test_importing_does_not_load_matplotlib(modules: str) -> None:
    assert not _loads_matplotlib(modules)


def test_a_presentation_module_loads_matplotlib() -> None:
    # the check above can fail: importing a figure module does load matplotlib
    assert _loads_matplotlib("experiments.present.style")


def test_the_subprocess_imports_this_checkout() -> None:
    # run from any directory, the child imports this worktree's package, not another install
    here = Path(_child("import experiments; print(experiments.__file__)"))
    assert here.resolve().is_relative_to(ROOT)
