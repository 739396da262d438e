"""The collaboration graph as a Mesa network space, for Mesa's space components.

``mesa.visualization.make_space_component`` draws ``model.grid``. The model's
actors do not live in a grid: they are rows of arrays, tied by the collaboration
graph (:attr:`sim.GovernanceModel.graph`). :func:`network_space` wraps that graph
as a ``mesa.discrete_space.Network`` and puts each agent view in the cell of its
node, so the component, ``cell.neighborhood`` and ``grid.agents`` work as for any
Mesa network model. Building it is a pass over every node and edge in Python, so
the model builds it only when asked (:attr:`sim.GovernanceModel.grid`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
from mesa.discrete_space import Network

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["network_space"]


def network_space(model: GovernanceModel, graph: nx.Graph) -> Network:
    """A Mesa ``Network`` over ``graph`` with every agent view in its node's cell.

    ``layout=None``: Mesa's default spring layout takes seconds at a few thousand
    nodes; a drawing passes its own ``layout_alg`` (see ``docs/MESA.md``).
    """
    space = Network(graph, layout=None, random=model.random)
    for agent in model.agents:
        space[agent.node].add_agent(agent)
    return space
