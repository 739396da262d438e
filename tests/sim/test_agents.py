"""sim.agents: Mesa agents are views onto rows of the population arrays."""

from __future__ import annotations

import numpy as np
import pytest

from sim import Citizen, Enterprise, GovernanceModel, Government, SocialOrganization

SIZES = {"citizens": 120, "enterprises": 9, "social_orgs": 5, "jurisdictions": 3}


@pytest.fixture
def model() -> GovernanceModel:
    return GovernanceModel(SIZES, rng=9)


def test_one_agent_per_actor(model: GovernanceModel) -> None:
    assert len(model.agents) == 120 + 9 + 5 + 3 + 1


def test_agents_by_type(model: GovernanceModel) -> None:
    by_type = model.agents_by_type
    assert len(by_type[Citizen]) == 120
    assert len(by_type[Enterprise]) == 9
    assert len(by_type[SocialOrganization]) == 5
    assert len(by_type[Government]) == 4
    for kind, size in ((Citizen, 120), (Enterprise, 9), (SocialOrganization, 5), (Government, 4)):
        assert sorted(agent.index for agent in by_type[kind]) == list(range(size))
    central = [g for g in by_type[Government] if g.is_central]
    assert len(central) == 1 and central[0].jurisdiction is None
    assert sorted(g.jurisdiction for g in by_type[Government] if not g.is_central) == [0, 1, 2]


def test_agentset_selection_sees_the_arrays(model: GovernanceModel) -> None:
    model.citizens.trust[:] = 0.9
    model.citizens.trust[[3, 7, 11]] = 0.1
    distrustful = model.agents_by_type[Citizen].select(lambda c: c.trust < 0.5)
    assert sorted(c.index for c in distrustful) == [3, 7, 11]


def test_writing_an_agent_attribute_writes_its_row(model: GovernanceModel) -> None:
    citizen = model.agents_by_type[Citizen][5]
    citizen.trust = 0.125
    assert model.citizens.trust[citizen.index] == 0.125
    citizen.cooperate = True
    assert model.citizens.cooperate[citizen.index]
    enterprise = model.agents_by_type[Enterprise][2]
    enterprise.violating = True
    enterprise.reputation = 0.4
    assert model.enterprises.violating[enterprise.index]
    assert model.enterprises.reputation[enterprise.index] == 0.4
    government = model.agents_by_type[Government][0]
    government.reserves = 12.5
    assert model.ledger.reserves[government.index] == 12.5
    # other rows are untouched
    assert np.count_nonzero(model.citizens.trust == 0.125) == 1


def test_writing_the_row_changes_the_agent(model: GovernanceModel) -> None:
    citizen = model.agents_by_type[Citizen][17]
    model.citizens.satisfaction[citizen.index] = 0.33
    assert citizen.satisfaction == 0.33
    organisation = model.agents_by_type[SocialOrganization][1]
    model.social_orgs.capacity[organisation.index] = 7.0
    assert organisation.capacity == 7.0
    # a row of a 2-D array is a view of it; needs are part of the citizens'
    # structure, read-only during a run (sim.structure): a new array replaces them
    assert np.shares_memory(citizen.need, model.citizens.need)
    with pytest.raises(ValueError, match="read-only"):
        citizen.need[0] = 0.5
    need = model.citizens.need.copy()
    need[citizen.index] = [1.0] + [0.0] * (need.shape[1] - 1)
    model.citizens.need = need
    model.step()
    assert citizen.need[0] == 1.0


def test_agents_follow_the_model_as_it_runs(model: GovernanceModel) -> None:
    model.run(5)
    for citizen in list(model.agents_by_type[Citizen])[:20]:
        assert citizen.trust == model.citizens.trust[citizen.index]
        assert citizen.active == bool(model.citizens.active[citizen.index])
    for enterprise in model.agents_by_type[Enterprise]:
        assert enterprise.profit == model.enterprises.profit[enterprise.index]


def test_scalar_attributes_are_python_scalars(model: GovernanceModel) -> None:
    citizen = model.agents_by_type[Citizen][0]
    assert type(citizen.trust) is float
    assert type(citizen.cooperate) is bool
    assert type(citizen.jurisdiction) is int


def test_agent_nodes_are_their_graph_nodes(model: GovernanceModel) -> None:
    graph = model.graph
    kinds = {
        Citizen: "citizen",
        Enterprise: "enterprise",
        SocialOrganization: "social_org",
        Government: "government",
    }
    for agent in model.agents:
        node = graph.nodes[agent.node]
        assert node["kind"] == kinds[type(agent)]
        assert node["index"] == agent.index


def test_agent_views_can_be_switched_off() -> None:
    model = GovernanceModel(SIZES, rng=9, agent_views=False)
    assert len(model.agents) == 0
    model.run(2)
