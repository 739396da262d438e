"""Designs: sample counts, bounds, levels, determinism from the root seed; sweep spec errors."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.config import load_config_text
from experiments.errors import UserError
from experiments.sweep.designs import build_design, design_generator, design_size
from experiments.sweep.spec import SweepSpec

RANGES = {
    "model.decentralization": {"low": 0.1, "high": 0.9},
    "model.levers.fine": {"low": 0.0, "high": 8.0},
    "model.regime": ["top_down", "regulatory", "service"],
    "model.jurisdictions": {"low": 2, "high": 5, "integer": True},
}


def spec(design: str, samples: int | None = None, **extra: object) -> SweepSpec:
    return SweepSpec.model_validate(
        {"design": design, "samples": samples, "parameters": RANGES, **extra}
    )


def check_bounds(points) -> None:  # type: ignore[no-untyped-def]
    assert points["model.decentralization"].between(0.1, 0.9).all()
    assert points["model.levers.fine"].between(0.0, 8.0).all()
    assert set(points["model.regime"]) <= {"top_down", "regulatory", "service"}
    assert set(points["model.jurisdictions"]) <= {2, 3, 4, 5}
    assert points["model.jurisdictions"].map(type).eq(int).all()


def test_grid_is_the_full_factorial() -> None:
    grid = SweepSpec.model_validate(
        {
            "parameters": {
                "model.decentralization": {"low": 0.0, "high": 1.0, "levels": 5},
                "model.regime": ["top_down", "service"],
                "model.jurisdictions": {"low": 2, "high": 4, "integer": True},
            }
        }
    )
    design = build_design(grid, design_generator(1))
    assert len(design.points) == design_size(grid) == 5 * 2 * 3
    assert not design.points.duplicated().any()
    assert sorted(design.points["model.decentralization"].unique()) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert design.unit is None


def test_latin_hypercube_has_one_point_per_stratum() -> None:
    lhs = spec("lhs", 20)
    design = build_design(lhs, design_generator(3))
    assert len(design.points) == design_size(lhs) == 20
    check_bounds(design.points)
    # the defining property: each of the n equal strata of every axis holds exactly one point
    strata = np.floor(design.unit * 20).astype(int)
    for j in range(design.unit.shape[1]):
        assert sorted(strata[:, j]) == list(range(20))


@pytest.mark.parametrize(("second_order", "per_sample"), [(False, 4 + 2), (True, 2 * 4 + 2)])
def test_sobol_sample_count(second_order: bool, per_sample: int) -> None:
    sobol = spec("sobol", 16, second_order=second_order)
    design = build_design(sobol, design_generator(5))
    assert len(design.points) == design_size(sobol) == 16 * per_sample
    check_bounds(design.points)
    assert design.sampler_seed is not None


def test_morris_trajectories_move_on_levels() -> None:
    morris = spec("morris", 6, morris_levels=4)
    design = build_design(morris, design_generator(5))
    assert len(design.points) == design_size(morris) == 6 * (4 + 1)
    check_bounds(design.points)
    levels = np.round(design.unit * 3, 9)  # 4 levels: 0, 1/3, 2/3, 1
    assert np.allclose(levels, np.round(levels))
    # consecutive points of a trajectory differ in exactly one coordinate
    steps = np.diff(design.unit.reshape(6, 5, 4), axis=1)
    assert ((np.abs(steps) > 1e-12).sum(axis=2) == 1).all()


@pytest.mark.parametrize("kind", ["lhs", "sobol", "morris"])
def test_designs_come_from_the_root_seed(kind: str) -> None:
    samples = 8
    a = build_design(spec(kind, samples), design_generator(11))
    b = build_design(spec(kind, samples), design_generator(11))
    c = build_design(spec(kind, samples), design_generator(12))
    assert a.points.equals(b.points) and a.sampler_seed == b.sampler_seed
    assert not a.points.equals(c.points)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sweep: {parameters: {model.decentralisation: [0.1]}}",
            "did you mean 'model.decentralization'",
        ),
        ("sweep: {desing: grid, parameters: {model.citizens: [100]}}", "did you mean 'design'"),
        ("sweep: {parameters: {model.decentralization: {low: 0, hgh: 1}}}", "did you mean 'high'"),
        (
            "sweep: {parameters: {model.decentralization: {low: 0, high: 1}}}",
            "a grid needs values or a range with levels",
        ),
        (
            "sweep: {design: lhs, parameters: {model.decentralization: {low: 0, high: 1}}}",
            "needs a number of samples",
        ),
        (
            "sweep: {design: sobol, samples: 12, parameters: {model.fiscal.tax_rate: {low: 0, high: 1}, model.decentralization: {low: 0, high: 1}}}",
            "power of two",
        ),
        ("sweep: {parameters: {model.decentralization: [0.2, 0.2]}}", "values repeat"),
        ("sweep: {parameters: {model.network: [1]}}", "is a block"),
        ("sweep: {parameters: {decentralization: [0.2]}}", "start with model."),
        (
            "sweep: {parameters: {model.decentralization: [0.1]}, per_step: [mean_trst]}",
            "did you mean 'mean_trust'",
        ),
    ],
)
def test_sweep_block_errors_name_the_field(text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        load_config_text(text)
    assert message in str(caught.value)
    assert "sweep" in str(caught.value)
