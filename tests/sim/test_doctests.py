"""Run the examples in the docstrings of every ``sim`` module.

An explicit test, so that plain ``pytest`` runs them without ``--doctest-modules``.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sim

MODULES = sorted(
    ["sim", *(info.name for info in pkgutil.walk_packages(sim.__path__, prefix="sim."))]
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_examples_exist() -> None:
    # guards against the discovery above silently finding nothing
    attempted = sum(
        doctest.testmod(importlib.import_module(name), verbose=False).attempted
        for name in ("sim", "sim.aggregate", "sim.model", "sim.network", "sim.phases.services")
    )
    assert attempted >= 10
    assert "sim.phases.coproduction" in MODULES
