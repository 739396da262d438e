"""Each phase declares the state it reads and writes, and the writes are honest.

Verification: every phase module of :data:`sim.phases.PHASES` has ``READS`` and
``WRITES`` tuples of dotted state names, listed in its docstring; running one
phase alone on a model mid-run changes only arrays its ``WRITES`` declares
(``ledger`` covers every ledger array), and every attribute of the actor states,
ties and ledger that it touches is declared in ``READS`` or ``WRITES``.
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


def undeclared_reads(blob: bytes, phase, declared: tuple[str, ...]) -> list[str]:
    """Attributes of the state containers that ``phase`` touched but ``declared`` omits.

    Each container's class is swapped for a subclass that records attribute access,
    so reads inside properties and helper functions are seen too.
    """
    model = pickle.loads(blob)
    touched: set[str] = set()
    for container in _CONTAINERS:
        state = getattr(model, container)
        base = type(state)

        def recording(self, attribute, _container=container, _base=base):
            if not attribute.startswith("__"):
                touched.add(f"{_container}.{attribute}")
            return _base.__getattribute__(self, attribute)

        state.__class__ = type(base.__name__, (base,), {"__getattribute__": recording})
    phase(model)
    return sorted(name for name in touched if not _declared(name, declared))


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


@pytest.mark.parametrize(("name", "phase"), PHASES, ids=[name for name, _ in PHASES])
def test_phase_reads_only_what_it_declares(mid_run: bytes, name: str, phase) -> None:
    module = sys.modules[phase.__module__]
    assert undeclared_reads(mid_run, phase, module.READS + module.WRITES) == []


def test_an_undeclared_read_is_caught(mid_run: bytes) -> None:
    """The check can fail: revenue without ``citizens.income`` declared is reported."""
    from sim.phases import revenue

    reads = tuple(entry for entry in revenue.READS if entry != "citizens.income")
    assert "citizens.income" in undeclared_reads(mid_run, revenue.collect_revenue, reads)


def test_an_undeclared_write_is_caught(mid_run: bytes) -> None:
    """The check can fail: trust without ``citizens.trust`` declared is reported."""
    from sim.phases import trust

    writes = tuple(entry for entry in trust.WRITES if entry != "citizens.trust")
    assert "citizens.trust" in undeclared_writes(mid_run, trust.assess, writes)
