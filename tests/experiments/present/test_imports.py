"""Matplotlib loads where a figure is drawn, not where a package or the CLI is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _loads_matplotlib(modules: str) -> bool:
    """Whether a fresh interpreter (this checkout first on its path) has matplotlib after the import."""
    code = f"import sys, {modules}; print('matplotlib' in sys.modules)"
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path},
    )
    return done.stdout.strip() == "True"


@pytest.mark.parametrize(
    "modules",
    [
        "experiments.cli",
        "experiments.sweep, experiments.robust",
        "experiments.validation, experiments.calibration, experiments.present",
    ],
)
def test_importing_does_not_load_matplotlib(modules: str) -> None:
    code = f"import sys, {modules}; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_presentation_module_loads_matplotlib() -> None:
    # the check above can fail: importing a figure module does load matplotlib
    code = "import sys, experiments.present.style; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
