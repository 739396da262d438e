"""Mesa interoperability: flat keywords, batch_run, SolaraViz parameters, agents, reporters, space.

Verification tests: each checks that the model keeps a rule it states (see
docs/MESA.md), with a tiny model.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from pydantic import ValidationError

from sim import Citizen, Enterprise, GovernanceModel, ModelParams
from sim.agents import FixedPopulationError

TINY = {"citizens": 40, "enterprises": 4, "social_orgs": 3, "jurisdictions": 2}


def test_flat_keywords_build_the_same_model_as_params() -> None:
    flat = GovernanceModel(**TINY, regime="top_down", decentralization=0.2, rng=5)
    nested = GovernanceModel(ModelParams(**TINY, regime="top_down", decentralization=0.2), rng=5)
    assert flat.params == nested.params
    flat.run(3)
    nested.run(3)
    assert flat.indicator_frame().equals(nested.indicator_frame())


def test_dotted_paths_and_blocks_reach_nested_fields() -> None:
    model = GovernanceModel(**TINY, network={"kind": "ring", "k": 4}, rng=1, **{"levers.fine": 7.5})
    assert model.levers.fine == 7.5
    assert model.params.network.kind == "ring" and model.params.network.k == 4
    # a block given as a mapping sets only its keys: the others keep their defaults
    assert model.params.network.social_org_membership == 0.3


def test_keywords_apply_on_top_of_params() -> None:
    base = ModelParams(**TINY, regime="regulatory")
    model = GovernanceModel(base, decentralization=0.9, rng=1)
    assert model.params.regime == "regulatory" and model.params.decentralization == 0.9
    # repeating a value params already sets is no conflict
    assert GovernanceModel({**TINY, "citizens": 40}, citizens=40, rng=1).params.citizens == 40


def test_conflicting_keyword_raises_naming_both() -> None:
    with pytest.raises(TypeError, match=r"citizens=60 conflicts with params.*citizens=40"):
        GovernanceModel(TINY, citizens=60, rng=1)
    with pytest.raises(TypeError, match=r"levers.fine=2.0 conflicts"):
        GovernanceModel({**TINY, "levers": {"fine": 1.0}}, rng=1, **{"levers.fine": 2.0})


def test_unknown_keyword_names_the_nearest_parameter() -> None:
    with pytest.raises(TypeError, match=r"unexpected keyword 'citizen'; did you mean 'citizens'"):
        GovernanceModel(citizen=100)
    with pytest.raises(TypeError, match=r"'levers.fien'; did you mean 'levers.fine'"):
        GovernanceModel(**{"levers.fien": 1.0})


def test_bad_keyword_value_names_the_field() -> None:
    with pytest.raises(ValidationError, match="regime"):
        GovernanceModel(**TINY, regime="anarchy")


def test_batch_run_records_the_swept_values() -> None:
    from mesa.batchrunner import batch_run

    rows = batch_run(
        GovernanceModel,
        parameters={
            **{key: [value] for key, value in TINY.items()},
            "regime": ["service", "top_down"],
            "levers.fine": [1.0, 4.0],
        },
        rng=[3],  # one iteration, seeded (Mesa 3.5's replacement of iterations=1)
        max_steps=2,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(rows) == 4
    swept = {(row["regime"], row["levers.fine"]) for row in rows}
    assert swept == {("service", 1.0), ("service", 4.0), ("top_down", 1.0), ("top_down", 4.0)}
    for row in rows:
        assert row["citizens"] == 40 and row["Step"] == 2 and row["rng"] == 3
        # the recorded indicators are those of a model built with the same values
        twin = GovernanceModel(
            **TINY, regime=row["regime"], rng=3, **{"levers.fine": row["levers.fine"]}
        )
        twin.run(2)
        assert row["mean_trust"] == twin.indicators["mean_trust"]


def test_solara_model_params_map_onto_the_constructor() -> None:
    pytest.importorskip("solara")
    from mesa.visualization.solara_viz import _check_model_params
    from mesa.visualization.user_param import Slider

    model_params = {
        "citizens": Slider("Citizens", 60, 40, 200, 20),
        "regime": {"type": "Select", "value": "service", "values": ["service", "top_down"]},
        "decentralization": Slider("Decentralisation", 0.5, 0.0, 1.0, 0.1),
        "enterprises": 4,
        "social_orgs": 3,
        "jurisdictions": 2,
        "rng": 2,
    }
    _check_model_params(GovernanceModel.__init__, model_params)
    # SolaraViz's Reset rebuilds the model as type(model)(**values)
    values = {k: v.value if isinstance(v, Slider) else v for k, v in model_params.items()}
    values["regime"] = model_params["regime"]["value"]
    model = GovernanceModel(**values)
    rebuilt = type(model)(**values)
    assert rebuilt.params == model.params and rebuilt.params.citizens == 60


@pytest.fixture
def model() -> GovernanceModel:
    return GovernanceModel(**TINY, rng=4)


def test_remove_raises_and_leaves_the_model_whole(model: GovernanceModel) -> None:
    citizen = model.agents_by_type[Citizen][0]
    before = len(model.agents)
    with pytest.raises(FixedPopulationError, match="population is fixed"):
        citizen.remove()
    assert len(model.agents) == before and citizen in model.agents
    model.step()  # still runs
    assert len(model.citizens) == len(model.agents_by_type[Citizen]) == 40


def test_creating_an_agent_raises(model: GovernanceModel) -> None:
    before = len(model.agents)
    with pytest.raises(FixedPopulationError, match="build a new model"):
        Citizen(model, 0)
    with pytest.raises(FixedPopulationError):
        Enterprise.create_agents(model, 2)
    assert len(model.agents) == before


def test_shuffle_do_step_raises_with_what_to_do(model: GovernanceModel) -> None:
    with pytest.raises(FixedPopulationError, match=r"model\.step\(\)"):
        model.agents.shuffle_do("step")
    # other shuffle_do calls act on every agent's row
    model.agents_by_type[Citizen].shuffle_do(lambda agent: setattr(agent, "trust", 0.2))
    assert np.all(model.citizens.trust == 0.2)


def test_reporters_added_after_construction_are_collected(model: GovernanceModel) -> None:
    collector = model.datacollector
    collector.add_model_reporter("double_steps", lambda m: 2 * m.steps)
    collector.add_agenttype_reporter(Citizen, "trust", "trust")
    with pytest.raises(ValueError, match="exists already"):
        collector.add_model_reporter("mean_trust", lambda m: 0.0)
    model.run(3)
    frame = model.indicator_frame()
    assert frame["double_steps"].isna().tolist() == [True, False, False, False]
    assert frame["double_steps"].iloc[1:].tolist() == [2, 4, 6]
    citizens = collector.get_agenttype_vars_dataframe(Citizen)
    per_step = citizens.groupby(level="Step")["trust"].mean()
    # the agents' values are the arrays' values: their mean is the indicator
    np.testing.assert_allclose(per_step.to_numpy(), frame["mean_trust"].iloc[1:].to_numpy())


def test_grid_is_the_collaboration_graph_as_a_mesa_network() -> None:
    from mesa.discrete_space import Network

    # ties form often enough that ten steps rewire them for certain (at the default
    # formation rate 0.02 about one seed in three rewires nothing in ten steps)
    model = GovernanceModel(**TINY, network_evolution={"formation_rate": 0.5}, rng=4)
    assert model._grid is None  # not built unless read: construction costs nothing
    grid = model.grid
    assert isinstance(grid, Network) and model.space is grid
    assert len(grid.agents) == len(model.agents)
    citizen = model.agents_by_type[Citizen][3]
    assert citizen in citizen.cell.agents
    neighbours = {cell.coordinate for cell in citizen.cell.neighborhood}
    assert neighbours == set(model.graph.neighbors(citizen.node))
    before = {frozenset(e) for e in model.graph.edges}
    model.run(10)  # organisational ties rewire: the space follows the graph
    after = {frozenset(e) for e in model.graph.edges}
    assert after != before
    space = model.grid
    for node in model.graph:
        assert {c.coordinate for c in space[node].neighborhood} == set(model.graph.neighbors(node))


def test_make_space_component_draws_every_agent(model: GovernanceModel) -> None:
    solara = pytest.importorskip("solara")
    import ipywidgets
    from mesa.visualization import make_space_component
    from mesa.visualization.components import AgentPortrayalStyle

    portrayed = []

    def portrayal(agent):  # type: ignore[no-untyped-def]
        portrayed.append(agent)
        return AgentPortrayalStyle(color="tab:blue" if isinstance(agent, Citizen) else "tab:red")

    model.step()
    component = make_space_component(portrayal, layout_alg=nx.circular_layout, layout_kwargs={})
    _, rendered = solara.render(component(model), handle_error=False)
    assert len(portrayed) == len(model.agents)
    image = rendered.find(ipywidgets.Image).widget
    assert len(image.value) > 1000  # a PNG was drawn
