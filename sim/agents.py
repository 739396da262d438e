"""Mesa agents as views onto rows of the population arrays.

The model's state lives in :mod:`sim.state` arrays; an agent holds only its row
index, and its attributes read and write that row, so ``model.agents``,
``model.agents_by_type``, AgentSet selection, the DataCollector's agent reporters
and the dashboard all see the same numbers the vectorised phases change.

>>> from sim import GovernanceModel, ModelParams
>>> model = GovernanceModel(ModelParams(citizens=40, enterprises=4, social_orgs=2, jurisdictions=2), rng=1)
>>> citizen = model.agents_by_type[Citizen][0]
>>> citizen.trust = 0.25
>>> float(model.citizens.trust[citizen.index])
0.25

The population is fixed when the model is built (its size is a parameter, and
every phase works on whole arrays): ``agent.remove()``, creating an agent and
``agent.step()`` (so ``model.agents.shuffle_do("step")``) raise
:class:`FixedPopulationError` with what to do instead. See ``docs/MESA.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "ArrayAgent",
    "Citizen",
    "Enterprise",
    "FixedPopulationError",
    "Government",
    "SocialOrganization",
]


class FixedPopulationError(RuntimeError):
    """An agent was added, removed or stepped on its own; govsim's actors act as arrays."""


class Row:
    """Descriptor exposing one array element of the agent's population as an attribute."""

    def __init__(self, population: str, field: str | None = None) -> None:
        self.population = population
        self.field = field

    def __set_name__(self, owner: type, name: str) -> None:
        if self.field is None:
            self.field = name

    def _array(self, agent: ArrayAgent) -> np.ndarray:
        return getattr(getattr(agent.model, self.population), self.field)

    def __get__(self, agent: ArrayAgent | None, owner: type) -> Any:
        if agent is None:
            return self
        value = self._array(agent)[agent.index]
        return value.item() if np.ndim(value) == 0 else value

    def __set__(self, agent: ArrayAgent, value: Any) -> None:
        self._array(agent)[agent.index] = value


class ArrayAgent(mesa.Agent):
    """An agent whose state is row ``index`` of its population's arrays."""

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, index: int | None = None) -> None:
        # index has a default only so that Mesa's create_agents(model, n) reaches this message
        if index is None or not getattr(model, "_making_views", False):
            # a new agent would have no row in the arrays the phases update
            raise FixedPopulationError(
                f"cannot create a {type(self).__name__}: the model's agents are views onto "
                "its arrays, one per actor, made when the model is built. For another "
                "population size build a new model, e.g. GovernanceModel(citizens=N)"
            )
        super().__init__(model)
        self.index = index

    def remove(self) -> None:
        """Refused: removing one actor would leave its row in every array and phase.

        Raises
        ------
        FixedPopulationError
            Always. To take actors out of play, change their state (e.g. a
            citizen's ``jail_term``) or build a model with fewer of them.
        """
        raise FixedPopulationError(
            f"cannot remove {self!r}: the model's agents are views onto its arrays and the "
            "population is fixed when the model is built. Change the actor's state instead, "
            "or build a new model with fewer actors (e.g. GovernanceModel(citizens=N))"
        )

    def step(self) -> None:
        """Refused: actors act together in the model's vectorised phases.

        Raises
        ------
        FixedPopulationError
            Always; ``model.agents.shuffle_do("step")`` therefore raises too.
            Call ``model.step()``, which runs every phase for all actors at once.
        """
        raise FixedPopulationError(
            f"{type(self).__name__}.step: govsim's agents do not step one by one; every phase "
            "acts on all actors at once. Call model.step() (agents.shuffle_do('step') has no "
            "per-agent meaning here)"
        )

    @property
    def cell(self) -> Any:
        """The cell of this agent's node in :attr:`sim.GovernanceModel.grid` (Mesa's network space)."""
        return self.model.grid[self.node]

    @property
    def node(self) -> int:
        """This agent's node id in the collaboration graph."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(index={self.index})"


class Citizen(ArrayAgent):
    """A citizen: needs, income, co-production, satisfaction, trust, unrest."""

    jurisdiction = Row("citizens")
    need = Row("citizens")
    income = Row("citizens")
    hardship = Row("citizens")
    risk_aversion = Row("citizens")
    cooperate = Row("citizens")
    payoff = Row("citizens")
    satisfaction = Row("citizens")
    trust = Row("citizens")
    coverage = Row("citizens")
    harm = Row("citizens")
    complained = Row("citizens")
    active = Row("citizens")
    jail_term = Row("citizens")

    @property
    def node(self) -> int:
        return int(self.model.node_ids.citizen(self.index))


class Enterprise(ArrayAgent):
    """An enterprise: violation gain, compliance choice, profit, reputation, capacity."""

    jurisdiction = Row("enterprises")
    violation_gain = Row("enterprises")
    violating = Row("enterprises")
    profit = Row("enterprises")
    reputation = Row("enterprises")
    capacity = Row("enterprises")
    contract_revenue = Row("enterprises")
    active = Row("enterprises")  # in the market (the economy; always true with it off)
    output = Row("enterprises")

    @property
    def node(self) -> int:
        return int(self.model.node_ids.enterprise(self.index))


class SocialOrganization(ArrayAgent):
    """A social organisation: domain focus, capacity, funding, members and volunteers."""

    jurisdiction = Row("social_orgs")
    domain = Row("social_orgs")
    capacity = Row("social_orgs")
    funding = Row("social_orgs")
    members = Row("social_orgs")
    volunteers = Row("social_orgs")

    @property
    def node(self) -> int:
        return int(self.model.node_ids.social_org(self.index))


class Government(ArrayAgent):
    """A local government (``index`` = its jurisdiction) or the central one."""

    reserves = Row("ledger")

    @property
    def is_central(self) -> bool:
        """Whether this is the central government."""
        return self.index == self.model.governments.central

    @property
    def jurisdiction(self) -> int | None:
        """The jurisdiction governed, or None for the centre."""
        return None if self.is_central else self.index

    @property
    def node(self) -> int:
        return int(self.model.node_ids.government(self.index))
