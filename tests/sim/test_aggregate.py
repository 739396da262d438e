"""sim.aggregate: Gini, strength centralisation and per-jurisdiction sums."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.aggregate import (
    by_jurisdiction,
    gini,
    gini_rows,
    mean_by_jurisdiction,
    strength_centralization,
    strength_centralization_rows,
)


def _gini_by_pairs(x: np.ndarray) -> float:
    """Textbook definition: mean absolute difference over twice the mean."""
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2.0 * x.size**2 * x.mean()))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 1.0, 1.0], 0.0),
        ([0.0, 0.0, 1.0], 2.0 / 3.0),
        ([0.0, 1.0], 0.5),
        ([1.0, 3.0], 0.25),
        ([5.0], 0.0),
        ([], 0.0),
        ([0.0, 0.0], 0.0),
    ],
)
def test_gini_known_values(values: list[float], expected: float) -> None:
    assert gini(np.array(values)) == pytest.approx(expected, abs=1e-12)


def test_gini_matches_pairwise_definition_and_is_scale_and_order_free() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.lognormal(0.0, 1.0, rng.integers(2, 40))
        g = gini(x)
        assert g == pytest.approx(_gini_by_pairs(x), abs=1e-12)
        assert gini(3.5 * x) == pytest.approx(g, abs=1e-12)
        assert gini(rng.permutation(x)) == pytest.approx(g, abs=1e-12)
        assert 0.0 <= g <= 1.0


@pytest.mark.parametrize(
    ("strength", "expected"),
    [
        ([3.0, 1.0, 1.0, 1.0], 1.0),  # a star
        ([2.0, 2.0, 2.0], 0.0),  # a triangle
        ([1.0, 2.0, 2.0, 1.0], 1.0 / 3.0),  # a path of 4: spread 2 over a star's 6
        ([2.0, 1.0, 1.0, 0.0], 1.0),  # a 3-star and an isolate: the hub holds half the total
        ([1.0, 1.0], 0.0),  # fewer than 3 nodes
        ([0.0, 0.0, 0.0], 0.0),  # no ties
    ],
)
def test_strength_centralization_known_values(strength: list[float], expected: float) -> None:
    assert strength_centralization(np.array(strength)) == pytest.approx(expected, abs=1e-12)


@given(
    st.lists(
        st.lists(st.floats(0.0, 1e6, allow_subnormal=False), min_size=5, max_size=5),
        min_size=1,
        max_size=6,
    )
)
def test_row_wise_gini_is_each_row_by_the_pairwise_definition(rows: list[list[float]]) -> None:
    values = np.array(rows)
    expected = [_gini_by_pairs(row) if row.sum() > 0 else 0.0 for row in values]
    np.testing.assert_allclose(gini_rows(values), expected, rtol=1e-9, atol=1e-12)


def test_row_wise_strength_centralization_is_each_row_alone() -> None:
    rows = np.array([[3.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0], [1.0, 2.0, 2.0, 1.0], [0.0] * 4])
    np.testing.assert_allclose(strength_centralization_rows(rows), [1.0, 0.0, 1.0 / 3.0, 0.0])


def test_strength_centralization_of_weighted_graphs_is_in_unit_interval() -> None:
    rng = np.random.default_rng(1)
    for _ in range(50):
        n = int(rng.integers(3, 12))
        w = np.triu(rng.random((n, n)) * (rng.random((n, n)) < 0.5), 1)
        strength = (w + w.T).sum(axis=1)
        value = strength_centralization(strength)
        assert 0.0 <= value <= 1.0 + 1e-12


def test_by_jurisdiction_sums_vectors_and_matrices() -> None:
    jurisdiction = np.array([0, 2, 2, 0, 2])
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert by_jurisdiction(jurisdiction, values, 3).tolist() == [5.0, 0.0, 10.0]
    matrix = np.stack([values, 10 * values], axis=1)
    assert by_jurisdiction(jurisdiction, matrix, 3).tolist() == [
        [5.0, 50.0],
        [0.0, 0.0],
        [10.0, 100.0],
    ]


def test_mean_by_jurisdiction_is_zero_for_an_empty_jurisdiction() -> None:
    jurisdiction = np.array([0, 0, 2])
    population = np.array([2.0, 0.0, 1.0])
    means = mean_by_jurisdiction(jurisdiction, np.array([True, False, True]), population)
    assert means.tolist() == [0.5, 0.0, 1.0]
