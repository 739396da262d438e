"""Every speed-up gives the same numbers as the straightforward computation it replaces."""

from __future__ import annotations

import dataclasses

import mesa
import networkx as nx
import numpy as np
import pytest
from scipy import sparse

from sim import GovernanceModel, ModelParams
from sim.aggregate import (
    by_jurisdiction,
    gini,
    gini_of_sorted,
    gini_of_sorted_rows,
    mean_by_jurisdiction,
    row_sum,
)
from sim.lever_table import LeverTable
from sim.network import barabasi_albert_graph, build_social_graph, social_adjacency
from sim.params import NetworkParams


@pytest.mark.parametrize(
    ("n", "m", "seed"),
    [(2, 1, 4), (30, 1, 0), (500, 2, 1), (3000, 2, 2), (400, 5, 3), (100, 99, 5)],
)
def test_barabasi_albert_is_networkx_draw_for_draw(n: int, m: int, seed: int) -> None:
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    ours.random(), theirs.random()  # start mid-stream
    fast = barabasi_albert_graph(n, m, ours)
    reference = nx.barabasi_albert_graph(n, m, seed=theirs)
    assert list(fast) == list(reference)
    assert all(list(fast.adj[u]) == list(reference.adj[u]) for u in reference)  # same order
    assert ours.bit_generator.state == theirs.bit_generator.state
    assert ours.random() == theirs.random()


def test_barabasi_albert_rejects_bad_m() -> None:
    with pytest.raises(nx.NetworkXError):
        barabasi_albert_graph(5, 5, np.random.default_rng(0))


def _adjacency_from_edges(graph: nx.Graph, n: int) -> sparse.csr_array:
    edges = np.array(list(graph.edges()), dtype=np.int64).reshape(-1, 2)
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    matrix = sparse.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


@pytest.mark.parametrize(
    "kind", ["barabasi_albert", "ring", "watts_strogatz", "erdos_renyi", "lattice"]
)
def test_social_adjacency_equals_the_edge_list_construction(kind: str) -> None:
    graph = build_social_graph(300, NetworkParams(kind=kind), np.random.default_rng(4))
    fast = social_adjacency(graph, 300)
    slow = _adjacency_from_edges(graph, 300)
    assert fast.matrix.indices.dtype == np.int32
    assert np.array_equal(fast.matrix.indptr, slow.indptr)
    assert np.array_equal(fast.matrix.indices, slow.indices)
    assert np.array_equal(fast.matrix.data, slow.data)
    assert fast.isolated == int(np.sum(np.diff(slow.indptr) == 0))


def test_social_adjacency_with_self_loop_and_isolated_citizen() -> None:
    graph = nx.Graph([(0, 0), (0, 1), (2, 3)])
    graph.add_node(4)
    fast = social_adjacency(graph, 5)
    assert (fast.matrix != _adjacency_from_edges(graph, 5)).nnz == 0
    assert fast.degree.tolist() == [2.0, 1.0, 1.0, 1.0, 0.0]
    assert fast.isolated == 1


def _adjacency_with_isolated() -> object:
    graph = build_social_graph(
        200, NetworkParams(kind="erdos_renyi", mean_degree=1.5), np.random.default_rng(1)
    )
    adjacency = social_adjacency(graph, 200)
    assert adjacency.isolated > 0
    return adjacency


def test_random_neighbour_fast_path_draws_the_same_neighbours() -> None:
    graph = build_social_graph(500, NetworkParams(), np.random.default_rng(2))
    adjacency = social_adjacency(graph, 500)
    general = dataclasses.replace(adjacency, isolated=1)  # forces the masked path
    fast = adjacency.random_neighbour(np.random.default_rng(9))
    slow = general.random_neighbour(np.random.default_rng(9))
    assert np.array_equal(fast, slow)
    lonely = _adjacency_with_isolated()
    picked = lonely.random_neighbour(np.random.default_rng(0))
    alone = lonely.degree == 0
    assert np.array_equal(picked[alone], np.flatnonzero(alone))


def test_neighbour_mean_keeps_own_value_without_neighbours() -> None:
    for adjacency in (
        social_adjacency(build_social_graph(300, NetworkParams(), np.random.default_rng(3)), 300),
        _adjacency_with_isolated(),
    ):
        values = np.random.default_rng(5).random(adjacency.degree.size)
        expected = np.divide(
            adjacency.matrix @ values,
            adjacency.degree,
            out=values.copy(),
            where=adjacency.degree > 0,
        )
        assert np.array_equal(adjacency.neighbour_mean(values), expected)


def test_neighbour_sum_is_the_scipy_product_bit_for_bit() -> None:
    for adjacency in (
        social_adjacency(build_social_graph(3000, NetworkParams(), np.random.default_rng(3)), 3000),
        _adjacency_with_isolated(),
    ):
        n = adjacency.degree.size
        rng = np.random.default_rng(7)
        for values in (
            rng.random(n) * rng.choice([1e-9, 1.0, 1e9], size=n),
            (rng.random(n) < 0.3).astype(np.float64),
            rng.random(2 * n)[::2],  # not contiguous: goes to scipy
            rng.integers(0, 5, n),  # not float: goes to scipy
        ):
            fast = adjacency.neighbour_sum(values)
            reference = adjacency.matrix @ values
            assert fast.dtype == reference.dtype
            assert fast.tobytes() == reference.tobytes()
    with pytest.raises(ValueError):
        adjacency.neighbour_sum(np.ones(n + 1))


@pytest.mark.parametrize("n", [0, 1, 2, 7, 8, 9, 127, 128, 129, 2000, 20_001])
def test_gini_of_sorted_is_the_row_version_bit_for_bit(n: int) -> None:
    rng = np.random.default_rng(n)
    for values in (rng.random(n), rng.lognormal(0.0, 2.0, n), np.zeros(n), np.ones(n)):
        x = np.sort(values)
        reference = float(gini_of_sorted_rows(x[None, :])[0])
        for ranks in (None, np.arange(1.0, n + 1.0)):
            fast = gini_of_sorted(x, ranks)
            assert type(fast) is float
            assert np.float64(fast).tobytes() == np.float64(reference).tobytes()


def test_lever_table_local_reads_the_table() -> None:
    params = ModelParams(jurisdictions=3, levers={"fine": {1: 9.0}})
    table = LeverTable.build(params)
    where = np.array([0, 1, 2, 1])
    for name, column in table.values.items():
        value = table.local(name, where)
        if name in table.uniform:
            assert type(value) is float and value == float(column[0])
        else:
            assert np.array_equal(value, column[where])
            assert table.local(name) is column
    assert table.local("fine", where).tolist() == [4.0, 9.0, 4.0, 9.0]
    with pytest.raises(KeyError):
        table.local("no_such_lever")


@pytest.mark.parametrize("width", range(1, 13))
def test_row_sum_is_numpy_sum_bit_for_bit(width: int) -> None:
    rng = np.random.default_rng(width)
    values = rng.random((5000, width)) * rng.choice([1e-9, 1.0, 1e9], size=(5000, width))
    assert np.array_equal(row_sum(values), values.sum(axis=1))


def test_by_jurisdiction_counts_flags_exactly() -> None:
    rng = np.random.default_rng(0)
    jurisdiction = rng.integers(0, 7, 10_000)
    flags = rng.random(10_000) < 0.3
    counted = by_jurisdiction(jurisdiction, flags, 7)
    weighted = np.bincount(jurisdiction, weights=flags.astype(np.float64), minlength=7)
    assert counted.dtype == np.float64 and np.array_equal(counted, weighted)
    population = np.bincount(jurisdiction, minlength=7).astype(float)
    assert np.array_equal(
        mean_by_jurisdiction(jurisdiction, flags, population),
        mean_by_jurisdiction(jurisdiction, flags.astype(np.float64), population),
    )


def test_gini_matches_the_textbook_formulas() -> None:
    values = np.random.default_rng(1).lognormal(0.0, 1.0, 20_001)
    x = np.sort(values)
    n = x.size
    ranked = 2.0 * float(np.dot(np.arange(1, n + 1), x)) / (n * x.sum()) - (n + 1.0) / n
    # tolerance: rounding of sums of 20,000 terms taken in another order
    assert gini(values) == pytest.approx(ranked, rel=1e-12)
    assert gini_of_sorted(x) == gini(values)
    small = np.array([0.2, 0.5, 0.1, 0.9, 0.4])
    pairs = np.abs(small[:, None] - small[None, :]).sum() / (2 * small.size**2 * small.mean())
    assert gini(small) == pytest.approx(pairs, rel=1e-12)


def test_indicator_table_is_the_indicators_of_each_step() -> None:
    model = GovernanceModel(ModelParams(citizens=300, enterprises=10, social_orgs=4), rng=2)
    seen = [dict(model.indicators)]
    for _ in range(3):
        model.step()
        seen.append(dict(model.indicators))
    frame = model.indicator_frame()
    assert frame.to_dict("records") == seen


def test_indicator_collector_falls_back_to_mesa_for_added_reporters() -> None:
    model = GovernanceModel(ModelParams(citizens=300, enterprises=10, social_orgs=4), rng=2)
    model.datacollector._new_model_reporter(
        "cooperators", lambda m: int(m.citizens.cooperate.sum())
    )
    model.step()
    assert isinstance(model.datacollector, mesa.DataCollector)
    assert model.datacollector.model_vars["cooperators"] == [int(model.citizens.cooperate.sum())]
    assert len(model.datacollector.model_vars["mean_trust"]) == 2


def test_satisfaction_gini_of_a_plain_sort_is_that_of_the_ranking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sim import indicator_kernels

    frames = {}
    for below in (0, 10**9):  # always re-sort last step's order / always sort afresh
        monkeypatch.setattr(indicator_kernels, "_SORT_BELOW", below)
        model = GovernanceModel(ModelParams(citizens=400, enterprises=10, social_orgs=4), rng=5)
        model.run(8)
        frames[below] = model.indicator_frame()["satisfaction_gini"].to_numpy()
        ranking = indicator_kernels.satisfaction_ranking(model)
        satisfaction = model.citizens.satisfaction
        assert np.array_equal(ranking.ascending, np.sort(satisfaction))
        assert np.array_equal(satisfaction[ranking.order], ranking.ascending)
    assert frames[0].tobytes() == frames[10**9].tobytes()


def _jurisdiction_table_of_one_step(model: GovernanceModel) -> np.ndarray:
    """The per-jurisdiction table as computed step by step before it was batched."""
    from sim.jurisdiction_frame import JURISDICTION_INDICATORS, _citizen_sums
    from sim.phases.compliance import violation_rates
    from sim.phases.information import true_demand

    cit, gov = model.citizens, model.governments
    n_j = gov.n_jurisdictions
    where, population = cit.jurisdiction, gov.population
    sums = _citizen_sums(model, where, n_j)  # one BLAS product, or bincounts
    sums /= np.maximum(population, 1.0)
    money = gov.money
    allocated = money.sum(axis=1, keepdims=True)
    shares = np.divide(money, allocated, out=np.zeros_like(money), where=allocated > 0)
    spending = model.ledger.governance_cost
    table = np.empty((n_j, len(JURISDICTION_INDICATORS)))
    table[:, 0] = population
    table[:, 1] = sums[0]
    table[:, 2] = 1.0 - violation_rates(model)
    table[:, 3:10] = sums[1:8].T
    table[:, 10] = sums[8] - sums[7]
    table[:, 11] = 1.0 - 0.5 * np.abs(shares - true_demand(model)).sum(axis=1)
    table[:, 12] = gov.provision.sum(axis=1)
    central = spending[gov.central] / max(float(population.sum()), 1.0)
    table[:, 13] = spending[:n_j] / np.maximum(population, 1.0) + central
    table[:, 14] = gov.enforcement_effort[:n_j]
    table[:, 15] = gov.pollution
    return table


def test_jurisdiction_tables_computed_in_a_batch_are_those_of_each_step() -> None:
    from sim.jurisdiction_frame import record_jurisdictions

    params = ModelParams(
        citizens=400,
        jurisdictions=3,
        enterprises=12,
        social_orgs=4,
        levers={"fine": {1: 9.0}},
        mechanisms={"environment": True},
    )
    model = GovernanceModel(params, rng=11)
    expected = [_jurisdiction_table_of_one_step(model)]
    for _ in range(6):
        model.step()
        expected.append(_jurisdiction_table_of_one_step(model))
        assert record_jurisdictions(model).tobytes() == expected[-1].tobytes()
    frame = model.jurisdiction_frame()
    recorded = frame.drop(columns=["step", "jurisdiction"]).to_numpy(dtype=np.float64)
    assert recorded.tobytes() == np.concatenate(expected).tobytes()
    assert frame["step"].tolist() == [s for s in range(7) for _ in range(3)]


@pytest.mark.parametrize("dense", [True, False])
def test_jurisdiction_tables_read_mid_run_are_those_read_at_the_end_and_of_each_step(
    monkeypatch: pytest.MonkeyPatch, dense: bool
) -> None:
    """Tables kept between reads (levers changed by events, every 2nd step recorded)
    equal those read only at the end and those computed step by step, on both sides
    of ``_DENSE_LIMIT`` (membership matrix product or bincounts)."""
    from sim import jurisdiction_frame
    from sim.jurisdiction_frame import record_jurisdictions

    citizens, n_j = 400, 3
    # the limit sits exactly at this population's membership matrix, or just below it
    monkeypatch.setattr(
        jurisdiction_frame, "_DENSE_LIMIT", citizens * n_j if dense else citizens * n_j - 1
    )
    params = ModelParams(
        citizens=citizens,
        jurisdictions=n_j,
        enterprises=12,
        social_orgs=4,
        levers={"fine": {1: 9.0}},
        mechanisms={"environment": True},
        metrics={"jurisdictions_every": 2},
    )
    events = [
        {"step": 3, "set": {"levers.fine": {0: 12.0}}},
        {"step": 5, "set": {"levers.voice_cost": {2: 0.5}}},
        {"step": 6, "set": {"levers.fine": 2.0}},
    ]
    read_often = GovernanceModel(params, rng=11, events=events)
    read_once = GovernanceModel(params, rng=11, events=events)
    assert (read_often.derived.jurisdiction_members[1] is None) is not dense
    expected = [_jurisdiction_table_of_one_step(read_often)]
    middle = None
    for step in range(1, 10):
        read_often.step()
        read_once.step()
        if step % 2 == 0:
            expected.append(_jurisdiction_table_of_one_step(read_often))
            assert record_jurisdictions(read_often).tobytes() == expected[-1].tobytes()
        if step in (1, 4, 5):
            middle = read_often.jurisdiction_frame()
            tables = read_often.jurisdiction_tables()
            assert tables.shape == (
                len(expected),
                n_j,
                len(jurisdiction_frame.JURISDICTION_INDICATORS),
            )
            assert not tables.flags.writeable
            assert tables.tobytes() == np.stack(expected).tobytes()
    assert read_often.lever_table.values["fine"].tolist() == [2.0] * n_j  # the events ran
    often, once = read_often.jurisdiction_frame(), read_once.jurisdiction_frame()
    assert often.equals(once)
    assert read_often.jurisdiction_tables().tobytes() == read_once.jurisdiction_tables().tobytes()
    recorded = often.drop(columns=["step", "jurisdiction"]).to_numpy(dtype=np.float64)
    assert recorded.tobytes() == np.concatenate(expected).tobytes()
    assert often["step"].tolist() == [s for s in range(0, 10, 2) for _ in range(n_j)]
    assert middle is not None and middle.equals(often.iloc[: len(middle)])
    assert read_often.jurisdiction_steps() == [0, 2, 4, 6, 8]
    kept = read_often.jurisdiction_tables().copy()
    often.loc[:, "mean_trust"] = -1.0  # a frame holds its own numbers, not the kept tables
    assert read_often.jurisdiction_tables().tobytes() == kept.tobytes()


@pytest.mark.parametrize("below", [0, 10**9])
def test_satisfaction_gini_keeps_no_ranking_whose_order_disagrees_with_its_values(
    monkeypatch: pytest.MonkeyPatch, below: int
) -> None:
    """Whichever path computes the Gini, a stored ranking's order is that of its values,
    and the Gini carried between refreshes is the one of the last refresh."""
    from sim import indicator_kernels

    monkeypatch.setattr(indicator_kernels, "_SORT_BELOW", below)
    params = ModelParams(
        citizens=400, enterprises=10, social_orgs=4, metrics={"inequality_every": 2}
    )
    model = GovernanceModel(params, rng=5)
    for _ in range(6):
        model.step()
        value = indicator_kernels.satisfaction_gini(model)
        satisfaction = model.citizens.satisfaction
        if model.steps % 2 == 0:
            assert value == gini_of_sorted(np.sort(satisfaction))
        assert model.derived.satisfaction_gini == value
        ranking = model.derived.satisfaction_ranking
        assert (ranking is None) == (below > 0)  # the small path stores no ranking
        if ranking is not None and model.steps % 2 == 0:  # as of the last refresh
            assert np.array_equal(satisfaction[ranking.order], ranking.ascending)
            assert ranking.gini == value


def test_clip_is_numpy_clip_and_falls_back_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from sim import numeric

    rng = np.random.default_rng(2)
    values = rng.normal(0.0, 2.0, 5000)
    values[::97] = np.nan
    assert numeric.clip(values, -1.0, 1.0).tobytes() == np.clip(values, -1.0, 1.0).tobytes()
    into, reference = values.copy(), values.copy()
    numeric.clip(into, -0.5, 0.25, out=into)
    np.clip(reference, -0.5, 0.25, out=reference)
    assert into.tobytes() == reference.tobytes()
    assert numeric._ufunc_clip() is not None  # this numpy has the ufunc: the fast path is tested
    monkeypatch.delattr(np._core.umath, "clip")
    assert numeric._ufunc_clip() is None  # without it the module takes np.clip


def test_model_without_the_private_kernels_gives_the_same_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """np.clip instead of the clip ufunc, ``matrix @ values`` instead of csr_matvec."""
    import importlib

    from sim import network

    def run() -> tuple[bytes, bytes]:
        params = ModelParams(citizens=600, jurisdictions=3, enterprises=12, social_orgs=4)
        model = GovernanceModel(params, rng=13)
        model.run(12)
        frame = model.indicator_frame().to_numpy(dtype=np.float64)
        return frame.tobytes(), model.jurisdiction_tables().tobytes()

    fast = run()
    assert network._CSR_MATVEC is not None
    monkeypatch.setattr(network, "_CSR_MATVEC", None)
    for name in (
        "sim.aggregate",
        "sim.phases.adaptation",
        "sim.phases.budget",
        "sim.phases.information",
        "sim.phases.trust",
        "sim.phases.voice",
    ):
        module = importlib.import_module(name)
        assert module.clip is not np.clip
        monkeypatch.setattr(module, "clip", np.clip)
    adjacency = social_adjacency(
        build_social_graph(500, NetworkParams(), np.random.default_rng(1)), 500
    )
    values = np.random.default_rng(2).random(500)
    assert adjacency.neighbour_sum(values).tobytes() == (adjacency.matrix @ values).tobytes()
    assert run() == fast
