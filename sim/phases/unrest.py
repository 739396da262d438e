"""Phase 11: unrest, Epstein's (2002) civil violence rule on the social graph.

Grievance is hardship times illegitimacy, ``G_i = H_i (1 - L_i)`` with ``L_i``
the citizen's trust. A citizen estimates its arrest probability from the
enforcement capacity ``C_i`` and the active citizens ``A_i`` (itself included)
in its neighbourhood (itself and its social neighbours):

    P_i = 1 - exp(-k C_i / A_i),   C_i = rho (k_i + 1),   A_i = 1 + sum_{N(i)} active

``rho`` is police per citizen (from the coercion of the citizen's own jurisdiction, pilot scope): ``police_per_citizen * (floor + (1 - floor) *
coercion)``. A free citizen is active iff ``G_i - R_i P_i > T``. The model uses
Epstein's *exact* ratio ``C/A`` (not NetLogo's floor or Mesa's round): on a graph
the expected number of police near a citizen is fractional, and rounding it down
would switch enforcement off altogether below one officer per neighbourhood.

Police arrest each active citizen with probability ``min(1, C_i / A_i)`` (one
arrest per officer, shared among the actives it sees); arrested citizens are
taken off the street for this step and jailed for a further term uniform on
``0 .. max_jail_term`` steps, during which they cannot be active (one uniform
is drawn per active citizen, in citizen order, then one term per arrest). Updating is synchronous, with last step's actives in
``A_i``. With no police, the active share is ``P(H (1 - L) > T)``, which is
``1 - T / (1 - L)`` for ``H ~ U[0, 1]`` and fixed ``L < 1 - T``.

Legitimacy ``L_i`` is the trust that phase 9 forms from experience. Coercion
happens to citizens: besides arrests, police make everyday coercive contacts
(stops, fines), each free citizen one with probability ``min(1, s rho)`` per step
(``s`` the stop rate; one uniform per citizen, drawn after the arrests). Arrested
or stopped citizens are ``coerced`` this step, which phase 9 reads as an unfair
experience (Tyler 2006) in the next step. Police cost money: each jurisdiction
pays ``police_cost * rho * N_j`` a step (policing), shared between the levels.

State contract (``READS`` / ``WRITES``, checked by ``tests/sim/test_phase_contracts.py``):

reads ``citizens.active``, ``citizens.coerced``, ``citizens.hardship``,
``citizens.jail_term``, ``citizens.jurisdiction``, ``citizens.risk_aversion``,
``citizens.trust``, ``governments.n_jurisdictions``, ``governments.population``,
``ledger``, ``levers``, ``params.unrest``, ``social``;

writes ``citizens.active``, ``citizens.jail_term``, ``citizens.coerced``, ``ledger``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["READS", "WRITES", "arrest_probability", "police_density", "unrest"]

READS: tuple[str, ...] = (
    "citizens.active",
    "citizens.coerced",
    "citizens.hardship",
    "citizens.jail_term",
    "citizens.jurisdiction",
    "citizens.risk_aversion",
    "citizens.trust",
    "governments.n_jurisdictions",
    "governments.population",
    "ledger",
    "levers",
    "params.unrest",
    "social",
)
WRITES: tuple[str, ...] = (
    "citizens.active",
    "citizens.jail_term",
    "citizens.coerced",
    "ledger",
)


def police_density(
    model: GovernanceModel, jurisdiction: np.ndarray | None = None
) -> float | np.ndarray:
    """Enforcement capacity per citizen, rising with coercion.

    A float when coercion is the same everywhere; with a pilot (coercion set per
    jurisdiction) one value per citizen, from the coercion of its jurisdiction
    (``jurisdiction``: one index per actor, defaulting to the citizens').
    """
    p = model.params.unrest
    where = model.citizens.jurisdiction if jurisdiction is None else jurisdiction
    coercion = model.lever_table.local("coercion", where)
    return p.police_per_citizen * (p.enforcement_floor + (1.0 - p.enforcement_floor) * coercion)


def policing_costs(model: GovernanceModel) -> np.ndarray:
    """Cost of police capacity per jurisdiction this step: ``c_p * rho_j * N_j``.

    ``rho_j`` comes from each jurisdiction's own coercion (pilot scope).
    """
    rho = police_density(model, np.arange(model.governments.n_jurisdictions))
    return model.params.unrest.police_cost * rho * model.governments.population


def arrest_probability(model: GovernanceModel) -> tuple[np.ndarray, np.ndarray]:
    """Each citizen's estimated arrest probability and its police-to-actives ratio."""
    cit = model.citizens
    social = model.social
    police = police_density(model) * (social.degree + 1.0)
    actives = 1.0 + social.neighbour_count(cit.active)
    ratio = np.divide(police, actives, out=actives)
    probability = np.multiply(-model.params.unrest.arrest_constant, ratio)
    np.exp(probability, out=probability)
    return np.subtract(1.0, probability, out=probability), ratio


def unrest(model: GovernanceModel) -> None:
    """Serve jail terms, decide who is active, arrest some actives, stop some citizens, pay police."""
    cit = model.citizens
    p = model.params.unrest
    rng = model.rng
    np.maximum(cit.jail_term - 1, 0, out=cit.jail_term)
    free = cit.jail_term == 0
    probability, ratio = arrest_probability(model)
    grievance = cit.hardship * (1.0 - cit.trust)
    grievance -= np.multiply(cit.risk_aversion, probability, out=probability)
    active = free & (grievance > p.threshold)
    candidates = active.nonzero()[0]
    caught = rng.random(candidates.size) < np.minimum(1.0, ratio[candidates])
    arrested = candidates[caught]
    if arrested.size:
        cit.jail_term[arrested] = rng.integers(0, p.max_jail_term + 1, arrested.size)
        active[arrested] = False
    cit.active[:] = active
    rho = police_density(model)
    stopped = rng.random(len(cit)) < np.minimum(1.0, p.stop_rate * rho)
    stopped &= free
    stopped[arrested] = True
    cit.coerced[:] = stopped
    if p.police_cost > 0 and np.any(rho > 0):
        model.ledger.pay_shared(policing_costs(model), model.params.decentralization, "policing")
