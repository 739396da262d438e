"""Each phase declares the state it reads and writes, and the writes are honest.

Verification: every phase module of :data:`sim.phases.PHASES` has ``READS`` and
``WRITES`` tuples of dotted state names, listed in its docstring; running one
phase alone on a model mid-run changes only arrays its ``WRITES`` declares
(``ledger`` covers every ledger array).
"""

from __future__ import annotations

import pickle
import sys

import numpy as np
import pytest

from sim import GovernanceModel, ModelParams
from sim.phases import PHASES
from tests.sim.conftest import SMALL, deep_merge

_CONTAINERS = ("citizens", "enterprises", "social_orgs", "governments", "org_ties", "ledger")


def _arrays(model: GovernanceModel) -> dict[str, np.ndarray]:
    """Copies of every array of the actor states, the ties and the ledger, by dotted name."""
    arrays = {}
    for container in _CONTAINERS:
        for name, value in vars(getattr(model, container)).items():
            if isinstance(value, np.ndarray):
                arrays[f"{container}.{name}"] = value.copy()
    return arrays


def _declared(name: str, writes: tuple[str, ...]) -> bool:
    return name in writes or name.split(".")[0] in writes


def undeclared_writes(blob: bytes, phase, writes: tuple[str, ...]) -> list[str]:
    """Arrays that ``phase`` changed, run alone on the pickled model, but ``writes`` omits."""
    model = pickle.loads(blob)
    before = _arrays(model)
    phase(model)
    after = _arrays(model)
    changed = [
        name
        for name, old in before.items()
        if old.shape != after[name].shape or not np.array_equal(old, after[name], equal_nan=True)
    ]
    return [name for name in changed if not _declared(name, writes)]


@pytest.fixture(scope="module")
def mid_run() -> bytes:
    """A small model four steps in, with a household rule in force, pickled."""
    params = ModelParams.model_validate(
        deep_merge(
            SMALL, {"rule_compliance": {"rule_in_force": True, "monitoring": 0.5, "fine": 2.0}}
        )
    )
    model = GovernanceModel(params, rng=3)
    for _ in range(4):
        model.step()
    return pickle.dumps(model)


@pytest.mark.parametrize(("name", "phase"), PHASES, ids=[name for name, _ in PHASES])
def test_phase_declares_reads_and_writes(name: str, phase) -> None:
    module = sys.modules[phase.__module__]
    for attribute in ("READS", "WRITES"):
        declared = getattr(module, attribute, None)
        assert isinstance(declared, tuple) and declared, f"{module.__name__}.{attribute}"
        assert all(isinstance(entry, str) for entry in declared)
        assert attribute in module.__all__
        for entry in declared:
            assert f"``{entry}``" in module.__doc__, f"{module.__name__}: {entry} not in docstring"


@pytest.mark.parametrize(("name", "phase"), PHASES, ids=[name for name, _ in PHASES])
def test_phase_writes_only_what_it_declares(mid_run: bytes, name: str, phase) -> None:
    writes = sys.modules[phase.__module__].WRITES
    assert undeclared_writes(mid_run, phase, writes) == []


def test_an_undeclared_write_is_caught(mid_run: bytes) -> None:
    """The check can fail: trust without ``citizens.trust`` declared is reported."""
    from sim.phases import trust

    writes = tuple(entry for entry in trust.WRITES if entry != "citizens.trust")
    assert "citizens.trust" in undeclared_writes(mid_run, trust.assess, writes)
