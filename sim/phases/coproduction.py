"""Phase 5: co-production as a public goods game on the social graph.

Santos, Santos & Pacheco (2008), "Social diversity promotes the emergence of
cooperation in public goods games", Nature 454:213. Every citizen ``x`` with
``k_x`` social neighbours is the centre of one group (itself and its neighbours)
and a member of each neighbour's group, so it plays ``k_x + 1`` games. A
co-producer puts ``gamma_x`` into every game it plays: ``c`` ("cost per game")
or ``c / (k_x + 1)`` ("cost per individual"). The pot of the group centred at
``g`` is multiplied by ``r_g`` and shared equally among its ``k_g + 1`` members:

    P_x = sum_{g in {x} u N(x)} r_g (sum_{i in g} s_i gamma_i) / (k_g + 1)
          - s_x gamma_x (k_x + 1) + s_x rho

``r_g = r (1 + sigma_so * member_g)``: groups centred on a member of a social
organisation produce more (organised co-production), and ``rho = reward_scale
* participation_reward`` is the participation reward (points and cash, the
waste-sorting case) in payoff units. In vectorised
form this is two sparse products: ``share = r (gamma s + A gamma s) / (k + 1)``,
``P = share + A share - s gamma (k + 1) + s rho``.

Strategies spread by synchronous imitation: each ``x`` draws a random neighbour
``y`` and, if ``P_y > P_x``, copies it with probability ``(P_y - P_x) / M_xy``,
``M_xy`` the largest payoff difference possible between them
(:func:`payoff_bounds`). Copying a neighbour that plays the same strategy changes
nothing, and a worse-off one is never copied, so the coin is drawn only where ``y``
plays the other strategy and earns more (the same rule, with fewer draws).

Conditional cooperation (Fischbacher, Gächter & Fehr 2001): most people
contribute more the more others contribute, and more when they trust the
institution that collects. A co-producer therefore draws, on top of its material
payoff, a norm payoff that rises with its trust and with the share of its social
neighbours who co-produce:

    P_x += s_x * kappa * trust_x * (sum_{y in N(x)} s_y) / k_x * gamma_x (k_x + 1)

``kappa`` is ``coproduction.trust_conditioning``: the share of its own contribution
that a co-producer gets back as a norm payoff at full trust among co-producing
neighbours. It applies only while the trust phase is switched on; with it off, or
``kappa = 0``, the game is exactly Santos et al.'s. The imitation span ``M_xy`` then
uses ``highest + kappa gamma (k + 1)``, an upper bound of the payoff with the norm
term.

Crowding-out (:mod:`sim.incentives`; Frey & Jegen 2001). The norm payoff is an
intrinsic motive, so it is scaled by the citizen's intrinsic motivation ``m_x``:

    P_x += s_x * kappa * m_x * trust_x * nbar_x * gamma_x (k_x + 1)

A co-producer paid the participation reward this step moves ``m_x`` toward its
crowded-out floor ``1 - crowding_out * w_form``; a citizen paid no reward here nor
by a rule in force recovers toward 1 at ``recovery_rate`` (both after the payoffs,
so they act from the next game on). With ``incentives.crowding_out = 0`` ``m`` stays
1 and the game is today's, bit for bit.

Co-production output (Parks et al. 1981; Ostrom 1996, "Crossing the great
divide", World Development 24:1073; Alford 2009): co-producers also produce
services. Each adds ``q = output_per_participant`` provision units a step to
``output_domain`` in its jurisdiction, ``O_jd = q * #co-producers_j``
(:func:`coproduced_output`), which the services phase adds to output before
provision, spill-overs and coverage. Phase 4 runs before this phase, so it counts
the strategies left by the last imitation: the citizens who play this step's game.

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.cooperate``, ``citizens.intrinsic_motivation``,
``citizens.jurisdiction``, ``citizens.payoff``, ``citizens.rule_complying``,
``citizens.social_org``, ``citizens.trust``, ``derived``,
``governments.n_jurisdictions``, ``ledger``, ``levers``, ``params.coproduction``,
``params.incentives``, ``params.rule_compliance``, ``social``,
``social_orgs.jurisdiction``, ``social_orgs.members``, ``social_orgs.volunteers``;

writes ``citizens.cooperate``, ``citizens.intrinsic_motivation``, ``citizens.payoff``,
``social_orgs.members``, ``social_orgs.volunteers``, ``ledger``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction
from sim.incentives import crowd_out, recover
from sim.network import SocialAdjacency

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "READS",
    "WRITES",
    "contribution_per_game",
    "coproduce",
    "coproduced_output",
    "imitate",
    "payoff_bounds",
    "public_goods_payoffs",
]

READS: tuple[str, ...] = (
    "citizens.cooperate",
    "citizens.intrinsic_motivation",
    "citizens.jurisdiction",
    "citizens.payoff",
    "citizens.rule_complying",
    "citizens.social_org",
    "citizens.trust",
    "derived",
    "governments.n_jurisdictions",
    "ledger",
    "levers",
    "params.coproduction",
    "params.incentives",
    "params.rule_compliance",
    "social",
    "social_orgs.jurisdiction",
    "social_orgs.members",
    "social_orgs.volunteers",
)
WRITES: tuple[str, ...] = (
    "citizens.cooperate",
    "citizens.intrinsic_motivation",
    "citizens.payoff",
    "social_orgs.members",
    "social_orgs.volunteers",
    "ledger",
)


def contribution_per_game(degree: np.ndarray, cost: float, cost_rule: str) -> np.ndarray:
    """What a co-producer puts into each game: ``c`` or ``c / (k + 1)``."""
    if cost_rule == "per_game":
        return np.full(degree.shape, cost)
    return cost / (degree + 1.0)


def public_goods_payoffs(
    social: SocialAdjacency,
    cooperate: np.ndarray,
    synergy: np.ndarray | float,
    gamma: np.ndarray,
    reward: float = 0.0,
) -> np.ndarray:
    """Payoffs of one round of the networked public goods game.

    Parameters
    ----------
    social
        Citizens' social adjacency.
    cooperate
        Strategies (bool or 0/1), length N; a 2-D N x R array plays R independent
        populations on the same graph at once.
    synergy
        Multiplication factor of the group centred at each citizen (scalar or N).
    gamma
        Contribution per game of each citizen if it co-produces
        (:func:`contribution_per_game`).
    reward
        Payoff added to every co-producer.
    """
    s = np.asarray(cooperate, dtype=np.float64)
    k1 = social.degree + 1.0
    if s.ndim == 2:
        k1, gamma = k1[:, None], gamma[:, None]
        # A 2-D synergy (N x R, or 1 x R: one r per population) is used as given.
        synergy = synergy[:, None] if np.ndim(synergy) == 1 else synergy
    given = gamma * s
    share = synergy * (given + social.matrix @ given) / k1
    return share + social.matrix @ share - given * k1 + reward * s


def payoff_bounds(
    social: SocialAdjacency, synergy: np.ndarray | float, gamma: np.ndarray, reward: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Largest and smallest payoff each citizen can get, over all strategy profiles.

    A payoff rises with every other member's co-production, so its extremes are at
    "everyone else co-produces" and "nobody else does", with the citizen's own
    strategy free.

    Returns
    -------
    (highest, lowest)
        Arrays of length N.
    """
    k1 = social.degree + 1.0
    synergy = np.broadcast_to(np.asarray(synergy, dtype=np.float64), k1.shape)
    unit = synergy / k1
    pot_all = unit * (gamma + social.matrix @ gamma)
    all_share = pot_all + social.matrix @ pot_all
    own_share = gamma * (unit + social.matrix @ unit)
    cost = gamma * k1
    defect_among_cooperators = all_share - own_share
    cooperate_among_cooperators = all_share - cost + reward
    cooperate_alone = own_share - cost + reward
    highest = np.maximum(defect_among_cooperators, cooperate_among_cooperators)
    lowest = np.minimum(0.0, cooperate_alone)
    return highest, lowest


def imitate(
    social: SocialAdjacency,
    cooperate: np.ndarray,
    payoffs: np.ndarray,
    highest: np.ndarray,
    lowest: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """One synchronous round of pairwise imitation (Santos et al. 2008).

    Works on one population (length N) or R populations side by side (N x R).
    ``highest`` and ``lowest`` (:func:`payoff_bounds`) are length N, or N x R when
    the populations play with different parameters (one column of bounds each).
    The R populations draw their models and coins independently, all at once.
    """
    if cooperate.ndim == 2:
        return _imitate_columns(social, cooperate, payoffs, highest, lowest, rng)
    model_of = social.random_neighbour(rng)
    # only a model playing the other strategy can change anything
    x = (cooperate[model_of] != cooperate).nonzero()[0]
    y = model_of[x]
    gain = payoffs[y] - payoffs[x]
    # only a better-off model can be copied: the coin is drawn for those alone
    better = gain > 0
    x, y, gain = x[better], y[better], gain[better]
    span = highest[y] - lowest[x]  # > 0 wherever a gain is possible
    copies = rng.random(x.size) * span < gain  # probability gain / span
    switched = cooperate.copy()
    switched[x[copies]] = cooperate[y[copies]]
    return switched


def _imitate_columns(
    social: SocialAdjacency,
    cooperate: np.ndarray,
    payoffs: np.ndarray,
    highest: np.ndarray,
    lowest: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """:func:`imitate` for an N x R batch: same rule, one vectorised draw per citizen and column."""
    n, r = cooperate.shape
    degree = social.degree
    offsets = np.floor(rng.random((n, r)) * degree[:, None]).astype(np.int64)
    has = degree > 0
    model_of = np.broadcast_to(np.arange(n)[:, None], (n, r)).copy()
    model_of[has] = social.indices[social.indptr[:-1][has][:, None] + offsets[has]]
    column = np.broadcast_to(np.arange(r)[None, :], (n, r))
    gain = payoffs[model_of, column] - payoffs
    if highest.ndim == 2:
        span = highest[model_of, column] - lowest
    else:
        span = highest[model_of] - lowest[:, None]
    probability = np.divide(gain, span, out=np.zeros_like(gain), where=span > 0)
    copies = (gain > 0) & (rng.random((n, r)) < probability)
    return np.where(copies, cooperate[model_of, column], cooperate)


def coproduce(model: GovernanceModel) -> None:
    """Play the game, pay participation rewards, let strategies spread."""
    cit = model.citizens
    params = model.params.coproduction
    social = model.social
    reward_money = model.lever_table.local("participation_reward")
    # a pilot pays its own citizens only: then the reward is one value per citizen
    reward = params.reward_scale * (
        reward_money if isinstance(reward_money, float) else reward_money.take(cit.jurisdiction)
    )
    game = _game(model, reward)
    _payoffs(social, cit.cooperate, game, out=cit.payoff)
    motivation = cit.intrinsic_motivation
    if game.conditioning is not None:
        # = social.neighbour_mean(cooperate), kept up to date from who switched
        norm = model.derived.neighbour_mean_of_flags(social, "cooperate", cit.cooperate)
        norm *= cit.trust
        norm *= game.conditioning
        norm *= cit.cooperate
        norm *= motivation  # exactly 1 without crowding-out (sim.incentives)
        cit.payoff += norm
    n_j = model.governments.n_jurisdictions
    rewarded = None
    if np.any(reward_money > 0):
        paid = reward_money * by_jurisdiction(cit.jurisdiction, cit.cooperate, n_j)
        model.ledger.pay_shared(paid, model.params.decentralization)
        offered = reward_money > 0  # a pilot offers the reward in some jurisdictions only
        rewarded = cit.cooperate & (
            offered if isinstance(offered, bool | np.bool_) else offered.take(cit.jurisdiction)
        )
    _update_motivation(model, rewarded)
    cit.cooperate[:] = imitate(
        social, cit.cooperate, cit.payoff, game.highest, game.lowest, model.rng
    )
    update_volunteers(model)


def _update_motivation(model: GovernanceModel, rewarded: np.ndarray | None) -> None:
    """Crowd out the rewarded co-producers' intrinsic motivation; let the unrewarded recover.

    Recovery (once a step, here) spares the households the rule phase rewards: those
    complying with a rule in force that pays a reward (their last decision).
    """
    incentives = model.params.incentives
    if incentives.inert:
        return
    cit = model.citizens
    motivation = cit.intrinsic_motivation
    if rewarded is not None:
        crowd_out(motivation, rewarded, incentives)
    if incentives.recovery_rate > 0:
        rule = model.params.rule_compliance
        paid = np.zeros(len(cit), dtype=bool) if rewarded is None else rewarded
        if rule.rule_in_force and rule.reward > 0:
            paid = paid | cit.rule_complying
        recover(motivation, ~paid, incentives)


def coproduced_output(model: GovernanceModel) -> np.ndarray | None:
    """Service output co-producing citizens add per jurisdiction and domain (J x D), or None.

    ``O_jd = q * #{i in j : s_i = 1}`` for the configured ``output_domain`` ``d``
    and 0 elsewhere, with ``q = output_per_participant``; None when ``q = 0``.
    Read by the services phase (4) before this phase runs, so it counts the
    citizens who play this step's game (the strategies left by the last imitation).
    """
    params = model.params.coproduction
    if params.output_per_participant == 0.0:
        return None
    cit = model.citizens
    gov = model.governments
    produced = np.zeros((gov.n_jurisdictions, gov.n_domains))
    participants = by_jurisdiction(cit.jurisdiction, cit.cooperate, gov.n_jurisdictions)
    produced[:, model.domain_index[params.output_domain]] = (
        params.output_per_participant * participants
    )
    return produced


@dataclass(frozen=True)
class _Game:
    """What the game's fixed parameters and the static graph make constant between steps."""

    key: tuple[float | str | bytes, ...]
    unit: np.ndarray  # r_g / (k_g + 1): each unit put in g's pot returns this to every member
    gamma: np.ndarray  # contribution per game
    net_cost: np.ndarray  # gamma (k + 1) - rho: what co-producing costs, net of the reward
    highest: np.ndarray
    lowest: np.ndarray
    conditioning: np.ndarray | None  # kappa gamma (k + 1); None without conditioning


def _game(model: GovernanceModel, reward: float | np.ndarray) -> _Game:
    """The game's constant arrays, rebuilt only when its parameters change."""
    params = model.params.coproduction
    # a per-citizen reward (pilot scope) is compared by its bytes
    reward_key = reward if isinstance(reward, float) else reward.tobytes()
    conditioning = params.trust_conditioning if model.params.mechanisms.trust else 0.0
    key = (
        params.synergy,
        params.social_org_synergy,
        params.contribution,
        params.cost_rule,
        reward_key,
        conditioning,
    )
    game = model.derived.public_goods_game
    if game is None or game.key != key:
        social = model.social
        cit = model.citizens
        gamma = contribution_per_game(social.degree, params.contribution, params.cost_rule)
        synergy = params.synergy * (1.0 + params.social_org_synergy * (cit.social_org >= 0))
        k1 = social.degree + 1.0
        highest, lowest = payoff_bounds(social, synergy, gamma, reward)
        norm = None
        if conditioning > 0:
            norm = conditioning * gamma * k1  # the largest norm payoff of each citizen
            highest = highest + norm
        game = _Game(key, synergy / k1, gamma, gamma * k1 - reward, highest, lowest, norm)
        model.derived.public_goods_game = game
    return game


def _payoffs(
    social: SocialAdjacency, cooperate: np.ndarray, game: _Game, out: np.ndarray
) -> np.ndarray:
    """:func:`public_goods_payoffs` for one population, from the game's constant arrays.

    ``share = unit (gamma s + A gamma s)``, ``P = share + A share - s (gamma (k + 1) - rho)``,
    written into ``out``.
    """
    given = game.gamma * cooperate
    pot = social.neighbour_sum(given)
    pot += given
    share = np.multiply(game.unit, pot, out=pot)
    cost = np.multiply(game.net_cost, cooperate, out=given)
    np.add(social.neighbour_sum(share), share, out=out)
    out -= cost
    return out


def update_volunteers(model: GovernanceModel) -> None:
    """Count each social organisation's members and co-producing members."""
    cit = model.citizens
    orgs = model.social_orgs
    if not len(orgs):
        return
    # membership never changes during a run; who co-produces does
    membership = model.derived.membership
    if membership is None or membership[0] is not cit.social_org:
        member = (cit.social_org >= 0).nonzero()[0]
        org = cit.social_org[member]
        members = np.bincount(org, minlength=len(orgs))
        membership = (cit.social_org, member, org, members)
        model.derived.membership = membership
    _, member, org, members = membership
    orgs.members[:] = members
    orgs.volunteers[:] = np.bincount(org, weights=cit.cooperate[member], minlength=len(orgs))
