"""Phase 12: organisational ties strengthen with joint success and decay otherwise.

A tie between a local government and a partner (enterprise, social organisation
or another local government) succeeds in a step when both did their part: the
government kept its citizens' satisfaction from falling, and the partner
complied (enterprise), delivered funded services (social organisation) or also
performed (government). Then

    w += reinforcement * (1 - w)   on success,   w *= 1 - decay   otherwise;

ties lighter than ``removal_threshold`` are cut. A missing candidate tie forms
with probability ``formation_rate * openness`` per step, openness being
transparency for ties with enterprises and social organisations (open
procurement) and the inter-governmental cooperation lever between governments.
With a coalition (``cooperation.coalition``, :mod:`sim.cooperation`) a cooperation
tie with a non-member never succeeds (it decays away) and never forms: the growth
coalition cooperates among its members only.

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.jurisdiction``, ``citizens.satisfaction``, ``enterprises.violating``,
``governments.central``, ``governments.mean_satisfaction``,
``governments.n_jurisdictions``, ``governments.performing``, ``governments.population``,
``levers``, ``org_ties.active``, ``org_ties.government``, ``org_ties.kind``,
``org_ties.partner``, ``org_ties.weight``, ``params.cooperation``,
``params.network_evolution``, ``social_orgs.funding``;

writes ``org_ties.active``, ``org_ties.weight``, ``governments.mean_satisfaction``,
``governments.performing``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import mean_by_jurisdiction
from sim.cooperation import member_mask
from sim.network import OrgTies

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["READS", "WRITES", "evolve_ties", "government_performance", "tie_success"]

READS: tuple[str, ...] = (
    "citizens.jurisdiction",
    "citizens.satisfaction",
    "enterprises.violating",
    "governments.central",
    "governments.mean_satisfaction",
    "governments.n_jurisdictions",
    "governments.performing",
    "governments.population",
    "levers",
    "org_ties.active",
    "org_ties.government",
    "org_ties.kind",
    "org_ties.partner",
    "org_ties.weight",
    "params.cooperation",
    "params.network_evolution",
    "social_orgs.funding",
)
WRITES: tuple[str, ...] = (
    "org_ties.active",
    "org_ties.weight",
    "governments.mean_satisfaction",
    "governments.performing",
)


def government_performance(model: GovernanceModel) -> None:
    """Mark local governments whose citizens' mean satisfaction did not fall."""
    gov = model.governments
    cit = model.citizens
    now = mean_by_jurisdiction(cit.jurisdiction, cit.satisfaction, gov.population)
    gov.performing[: gov.central] = now >= gov.mean_satisfaction - 1e-12
    gov.mean_satisfaction[:] = now


def tie_success(model: GovernanceModel) -> np.ndarray:
    """Joint success of every candidate tie this step."""
    ties = model.org_ties
    gov = model.governments
    partner_ok = np.zeros(ties.kind.size, dtype=bool)
    reg = ties.kind == OrgTies.REGULATION
    part = ties.kind == OrgTies.PARTNERSHIP
    coop = ties.kind == OrgTies.COOPERATION
    partner_ok[reg] = ~model.enterprises.violating[ties.partner[reg]]
    partner_ok[part] = model.social_orgs.funding[ties.partner[part]] > 0
    partner_ok[coop] = gov.performing[ties.partner[coop]]
    if model.params.cooperation.coalition is not None:
        partner_ok[coop] &= _within_coalition(model, ties, coop)[coop]
    return gov.performing[ties.government] & partner_ok


def _within_coalition(model: GovernanceModel, ties: OrgTies, cooperation: np.ndarray) -> np.ndarray:
    """Per candidate tie: a cooperation tie between two coalition members (False otherwise)."""
    members = member_mask(model.params.cooperation, model.governments.n_jurisdictions)
    partner = np.where(cooperation, ties.partner, 0)
    return cooperation & members[ties.government] & members[partner]


def evolve_ties(model: GovernanceModel) -> None:
    """Reinforce, decay, cut and form organisational ties."""
    government_performance(model)
    ties = model.org_ties
    p = model.params.network_evolution
    table = model.lever_table
    success = tie_success(model)
    on = ties.active
    ties.weight[:] = np.where(
        on & success,
        ties.weight + p.reinforcement * (1.0 - ties.weight),
        np.where(on, ties.weight * (1.0 - p.decay), 0.0),
    )
    cut = on & (ties.weight < p.removal_threshold)
    cooperation = ties.kind == OrgTies.COOPERATION
    openness = np.where(
        cooperation,
        _between_governments(table.local("intergovernmental_cooperation"), ties, cooperation),
        table.local("transparency", ties.government),
    )
    if model.params.cooperation.coalition is not None:  # no cooperation beyond the coalition
        openness = np.where(
            cooperation & ~_within_coalition(model, ties, cooperation), 0.0, openness
        )
    form = ~on & (model.rng.random(ties.kind.size) < p.formation_rate * openness)
    ties.active[:] = (on & ~cut) | form
    ties.weight[:] = np.where(form, p.initial_weight, np.where(ties.active, ties.weight, 0.0))
    model.mark_org_ties_changed()


def _between_governments(
    value: float | np.ndarray, ties: OrgTies, cooperation: np.ndarray
) -> float | np.ndarray:
    """A lever for a tie between two governments: the mean of their two values (pilot scope)."""
    if isinstance(value, float):
        return value
    partner = np.where(
        cooperation, ties.partner, ties.government
    )  # partners of other ties are orgs
    return 0.5 * (value[ties.government] + value[partner])
