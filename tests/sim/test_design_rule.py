"""The design rule: levers act on processes, never on attitudes or indicators.

Verification (the code follows its own rule): the attitude update
(:func:`sim.phases.trust.update_trust`) and the indicators run with ``model.levers``
and ``model.lever_table`` (the per-jurisdiction levers of pilot scope) replaced by
an object that raises on any attribute access, and the attitude functions' source
never names a lever. The converse check - that the same
monkeypatch does catch a function that reads a lever - keeps the tests from
passing vacuously.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from sim import PHASE_NAMES, GovernanceModel
from sim.indicators import compute_indicators, take_snapshot
from sim.phases import trust
from sim.phases.voice import voice as voice_phase

# the functions that form attitudes (satisfaction, expectation, procedural justice, trust)
ATTITUDE_FUNCTIONS = (trust.update_trust, trust._update_procedural, trust.fairness)


class LeverReadError(AssertionError):
    """Raised when a function under the design rule reads a lever."""


class NoLevers:
    """Stands in for ``model.levers``: any attribute access is an error."""

    def __getattr__(self, name: str):
        raise LeverReadError(f"read levers.{name}")


def forbid_levers(model: GovernanceModel, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every read of a lever, national or per jurisdiction, an error."""
    monkeypatch.setattr(model, "levers", NoLevers())
    monkeypatch.setattr(model, "lever_table", NoLevers())


@pytest.fixture
def model(small_params) -> GovernanceModel:
    model = GovernanceModel(small_params({"regime": "regulatory"}), rng=5, agent_views=False)
    model.run(3)  # experiences on record: complaints, answers, coercive contacts
    return model


def test_update_trust_reads_no_lever(model, monkeypatch) -> None:
    before = model.citizens.trust.copy()
    forbid_levers(model, monkeypatch)
    trust.update_trust(model)
    assert not np.array_equal(model.citizens.trust, before)  # it did run


def test_indicators_read_no_lever(model, monkeypatch) -> None:
    forbid_levers(model, monkeypatch)
    values = compute_indicators(model)
    take_snapshot(model)
    assert set(values) and all(np.isfinite(v) for v in values.values())


def test_the_monkeypatch_catches_a_lever_read(model, monkeypatch) -> None:
    # the converse: a process that reads a lever fails under the same patch
    forbid_levers(model, monkeypatch)
    with pytest.raises(LeverReadError):
        voice_phase(model)
    with pytest.raises(LeverReadError):
        trust.observe_integrity(model)


@pytest.mark.parametrize("function", ATTITUDE_FUNCTIONS, ids=lambda f: f.__name__)
def test_attitude_source_names_no_lever(function) -> None:
    source = inspect.getsource(function)
    body = source.split('"""')[-1] if source.count('"""') >= 2 else source
    assert "lever" not in body, f"{function.__name__} refers to levers"


def test_without_contacts_the_coercion_lever_leaves_trust_unchanged(small_params) -> None:
    # with unrest (police contacts) and voice (silencing) off, coercion reaches no
    # citizen, so it cannot move trust; the policing cost is paid in phase 9 only
    def trust_after(coercion: float) -> np.ndarray:
        switches = {name: name not in ("unrest", "voice") for name in PHASE_NAMES}
        params = small_params({"mechanisms": switches, "levers": {"coercion": coercion}})
        model = GovernanceModel(params, rng=9, agent_views=False)
        model.run(10)
        return model.citizens.trust.copy()

    assert np.array_equal(trust_after(0.0), trust_after(1.0))
