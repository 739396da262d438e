"""The co-production and trust phases written the idiomatic Mesa way, as a comparator.

One Python object per citizen, placed on Mesa's network space
(``mesa.discrete_space.Network``); each citizen finds its social neighbours
through its cell's neighbourhood and updates itself in ``step()``. Synchronous
updating needs stages, as usual in Mesa: every citizen first pools its group's
contributions (``pool``), then collects its payoff (``play``), then decides by
imitation and forms its next trust (``step``), and all adopt together
(``advance``).

The rules are those of :mod:`sim.phases.coproduction` (Santos, Santos & Pacheco
2008) and :mod:`sim.phases.trust`, restated per agent; the random draws come from
the model's ``random.Random``, so runs agree with the main model in distribution,
not draw for draw (``tests/benchmarks/test_mesa_reference.py`` checks that). This
module is a yardstick for the benchmarks only; the simulator never uses it.

>>> from sim import GovernanceModel, ModelParams
>>> main = GovernanceModel(ModelParams(citizens=60, enterprises=4, social_orgs=2), rng=1)
>>> reference = MesaReference.from_model(main, seed=1)
>>> reference.step()
>>> 0.0 <= reference.participation_rate() <= 1.0
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
from mesa.discrete_space import CellAgent, Network

if TYPE_CHECKING:
    from mesa.discrete_space import Cell

    from sim.model import GovernanceModel

__all__ = ["MesaReference", "ReferenceCitizen"]


class ReferenceCitizen(CellAgent):
    """A citizen holding its own state, playing and imitating through its cell's neighbours."""

    model: MesaReference

    def __init__(
        self,
        model: MesaReference,
        cell: Cell,
        *,
        cooperate: bool,
        member: bool,
        coverage: float,
        harm: float,
        satisfaction: float,
        trust: float,
        fairness: float,
        expectation: float,
        integrity: float,
        procedural: float,
        report: float,
        has_report: bool,
        coerced: bool,
        complained: bool,
        answered: bool,
        silenced: bool,
    ) -> None:
        super().__init__(model)
        self.cell = cell
        self.cooperate = cooperate
        self.member = member
        self.coverage = coverage
        self.harm = harm
        self.satisfaction = satisfaction
        self.trust = trust
        self.fairness = fairness
        self.expectation = expectation
        self.integrity = integrity
        self.procedural = procedural
        self.report = report
        self.has_report = has_report
        self.coerced = coerced
        self.complained = complained
        self.answered = answered
        self.silenced = silenced
        self.share = 0.0
        self.payoff = 0.0
        self.next_cooperate = cooperate
        self.next_trust = trust

    @property
    def neighbours(self) -> list[ReferenceCitizen]:
        """The citizens in the neighbouring cells."""
        return list(self.cell.neighborhood.agents)

    # --- set-up: per-game contribution, synergy and payoff bounds ----------------
    def prepare(self) -> None:
        """Degree, contribution per game ``gamma`` and the synergy of the own group."""
        game = self.model.game
        self.degree = len(self.neighbours)
        per_game = game["cost_rule"] == "per_game"
        self.gamma = game["contribution"] if per_game else game["contribution"] / (self.degree + 1)
        self.synergy = game["synergy"] * (1.0 + game["social_org_synergy"] * self.member)
        self.unit = self.synergy / (self.degree + 1)

    def prepare_pot(self) -> None:
        """The own group's share per member when everybody co-produces."""
        self.full_share = self.unit * (self.gamma + sum(n.gamma for n in self.neighbours))

    def prepare_bounds(self) -> None:
        """Highest and lowest payoff this citizen can get (for the imitation probability)."""
        reward = self.model.game["reward"]
        neighbours = self.neighbours
        all_share = self.full_share + sum(n.full_share for n in neighbours)
        own_share = self.gamma * (self.unit + sum(n.unit for n in neighbours))
        cost = self.gamma * (self.degree + 1)
        self.highest = max(all_share - own_share, all_share - cost + reward)
        self.lowest = min(0.0, own_share - cost + reward)

    # --- co-production, in stages --------------------------------------------------
    def pool(self) -> None:
        """Share per member of the pot of the group centred on this citizen."""
        pot = self.gamma * self.cooperate + sum(n.gamma * n.cooperate for n in self.neighbours)
        self.share = self.synergy * pot / (self.degree + 1)

    def play(self) -> None:
        """Payoff: shares of the own and the neighbours' groups, less contributions."""
        earned = self.share + sum(n.share for n in self.neighbours)
        paid = self.gamma * (self.degree + 1) if self.cooperate else 0.0
        self.payoff = earned - paid + (self.model.game["reward"] if self.cooperate else 0.0)

    def step(self) -> None:
        """Imitate a random neighbour (co-production) and form next trust (legitimacy)."""
        if self.model.coproduction:
            self.imitate()
        if self.model.trust_phase:
            self.form_trust()

    def imitate(self) -> None:
        """Copy a random neighbour doing better, with probability gain / largest gain."""
        model_citizen = self.cell.neighborhood.select_random_agent(default=self)
        gain = model_citizen.payoff - self.payoff
        span = model_citizen.highest - self.lowest
        probability = gain / span if span > 0 else 0.0
        copies = gain > 0 and self.random.random() < probability
        self.next_cooperate = model_citizen.cooperate if copies else self.cooperate

    # --- satisfaction and trust ----------------------------------------------------
    def form_trust(self) -> None:
        """Integrity belief, satisfaction against expectation, procedural justice, trust."""
        p = self.model.trust_params
        # what the published spending report shows, seen with probability transparency
        seen = self.random.random() < self.model.transparency and self.has_report
        belief = self.integrity
        if seen:
            belief += p["observation_rate"] * (self.report - belief)
        belief += p["belief_decay"] * (p["prior_integrity"] - self.integrity)
        self.integrity = min(max(belief, 0.0), 1.0)
        # expectation-disconfirmation
        quality = min(max(self.coverage - p["harm_weight"] * self.harm, 0.0), 1.0)
        surprise = quality - self.expectation
        target_sat = min(max(quality + p["disconfirmation_weight"] * surprise, 0.0), 1.0)
        self.satisfaction += p["satisfaction_rate"] * (target_sat - self.satisfaction)
        self.satisfaction = min(max(self.satisfaction, 0.0), 1.0)
        self.expectation += p["expectation_rate"] * surprise
        # procedural justice from own and neighbours' experiences
        neighbours = self.neighbours
        around_coerced = sum(n.coerced for n in neighbours) / max(len(neighbours), 1)
        unfair = self.coerced + (self.complained and not self.answered) + self.silenced
        unfair = min(unfair + p["vicarious_weight"] * around_coerced, 1.0)
        pj = self.procedural
        step = p["procedural_rate"] * (self.answered * (1.0 - pj) - unfair * pj)
        step += p["procedural_recovery"] * (p["procedural_baseline"] - pj)
        self.procedural = min(max(pj + step, 0.0), 1.0)
        # trust toward the weighted mix
        around = sum(n.trust for n in neighbours) / len(neighbours) if neighbours else self.trust
        names = ("satisfaction", "fairness", "integrity", "procedural", "neighbours")
        weights = sum(p[f"weight_{name}"] for name in names)
        mix = (
            p["weight_neighbours"] * around
            + p["weight_satisfaction"] * self.satisfaction
            + p["weight_integrity"] * self.integrity
            + p["weight_procedural"] * self.procedural
            + p["weight_fairness"] * self.fairness
        )
        target = mix / weights if weights > 0 else self.trust
        target = min(max(target, 0.0), 1.0)
        self.next_trust = self.trust + p["trust_rate"] * (target - self.trust)

    def advance(self) -> None:
        """Adopt the strategy and trust decided in :meth:`step`."""
        if self.model.coproduction:
            self.cooperate = self.next_cooperate
        if self.model.trust_phase:
            self.trust = min(max(self.next_trust, 0.0), 1.0)
            self.satisfaction = min(max(self.satisfaction, 0.0), 1.0)


class MesaReference(mesa.Model):
    """Idiomatic Mesa model of the co-production and trust phases on a social graph.

    Build it with :meth:`from_model` to start from the same graph, parameters and
    initial state as a :class:`sim.GovernanceModel`.
    """

    def __init__(
        self,
        graph,
        citizens: list[dict],
        *,
        game: dict,
        trust_params: dict,
        transparency: float,
        coercion: float,
        coproduction: bool = True,
        trust: bool = True,
        seed: int | None = None,
    ) -> None:
        super().__init__(rng=seed)
        self.game = game
        self.trust_params = trust_params
        self.transparency = transparency
        self.coercion = coercion
        self.coproduction = coproduction
        self.trust_phase = trust
        self.space = Network(graph, layout=None, random=self.random)
        for node, state in enumerate(citizens):
            ReferenceCitizen(self, self.space[node], **state)
        self.agents.do("prepare")
        self.agents.do("prepare_pot")
        self.agents.do("prepare_bounds")
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "participation_rate": MesaReference.participation_rate,
                "mean_trust": MesaReference.mean_trust,
            }
        )
        self.datacollector.collect(self)

    @classmethod
    def from_model(
        cls, model: GovernanceModel, *, seed: int | None = None, trust: bool | None = None
    ) -> MesaReference:
        """A reference with the social graph, parameters and initial state of ``model``.

        ``trust`` defaults to the model's trust switch; co-production follows its switch.
        """
        # the per-jurisdiction inputs, not the rule
        from sim.phases.trust import fairness, value_for_money

        cit = model.citizens
        p = model.params
        fair = fairness(model)
        report, has_report = value_for_money(model)
        citizens = [
            {
                "cooperate": bool(cit.cooperate[i]),
                "member": bool(cit.social_org[i] >= 0),
                "coverage": float(cit.coverage[i]),
                "harm": float(cit.harm[i]),
                "satisfaction": float(cit.satisfaction[i]),
                "trust": float(cit.trust[i]),
                "fairness": float(fair[cit.jurisdiction[i]]),
                "expectation": float(cit.expectation[i]),
                "integrity": float(cit.perceived_integrity[i]),
                "procedural": float(cit.procedural[i]),
                "report": float(report[cit.jurisdiction[i]]),
                "has_report": bool(has_report[cit.jurisdiction[i]]),
                "coerced": bool(cit.coerced[i]),
                "complained": bool(cit.complained[i]),
                "answered": bool(cit.answered[i]),
                "silenced": bool(cit.silenced[i]),
            }
            for i in range(len(cit))
        ]
        game = p.coproduction.model_dump()
        game["reward"] = p.coproduction.reward_scale * model.levers.participation_reward
        return cls(
            model.social_graph,
            citizens,
            game=game,
            trust_params=p.trust.model_dump(),
            transparency=model.levers.transparency,
            coercion=model.levers.coercion,
            coproduction=p.mechanisms.coproduction,
            trust=p.mechanisms.trust if trust is None else trust,
            seed=seed,
        )

    def step(self) -> None:
        """Pool, play, decide, adopt; then record participation and trust."""
        if self.coproduction:
            self.agents.do("pool")
            self.agents.do("play")
        self.agents.do("step")
        self.agents.do("advance")
        self.datacollector.collect(self)

    def participation_rate(self) -> float:
        """Share of citizens who co-produce."""
        return sum(a.cooperate for a in self.agents) / len(self.agents)

    def mean_trust(self) -> float:
        """Mean trust in government."""
        return sum(a.trust for a in self.agents) / len(self.agents)
