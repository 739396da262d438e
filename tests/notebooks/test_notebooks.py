"""Every notebook runs top to bottom in a fresh kernel, and is stored without outputs.

Each notebook executes in an empty temporary folder (so it must find the repository's
configs itself and write nothing beside itself); a cell that raises fails the test with
the cell's traceback. Budget: all notebooks together under 90 s on a 2-core machine.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CELL_TIMEOUT = 120  # s; one notebook is meant to take well under a minute
NOTEBOOK_BUDGET = 60  # s per notebook, kernel start included

names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def test_the_three_notebooks_are_there() -> None:
    assert names == [
        "01_quickstart.ipynb",
        "02_compare_regimes.ipynb",
        "03_sweeps_and_sensitivity.ipynb",
    ]


@pytest.mark.parametrize("name", names)
def test_notebook_is_stored_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {index} has outputs"


@pytest.mark.slow
@pytest.mark.parametrize("name", names)
def test_notebook_runs_top_to_bottom(name: str, tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working folder
    )
    start = time.monotonic()
    client.execute()  # raises CellExecutionError, with the cell and its traceback
    seconds = time.monotonic() - start
    assert seconds < NOTEBOOK_BUDGET, f"{name} took {seconds:.0f} s"
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    images = sum(
        "image/png" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert images >= 2, f"{name}: expected its figures to render, got {images} images"
    # outputs go under results/ (git-ignored), nowhere else
    assert {p.name for p in tmp_path.iterdir()} <= {"results"}
