"""The citizens' structure: needs, jurisdictions and social-organisation memberships.

No phase changes them, so what is derived from them is computed once: each
jurisdiction's population and true need profile, the phases' cached tables and
the service-match index. They may still be edited by hand between steps (in a
notebook, through the arrays or the agents' attributes, in place or by
assigning new arrays). :func:`refresh_structure` notices such edits, once per
step, by comparing with copies taken when last checked, and then rebuilds what
depends on them, so that no phase or indicator works from stale state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["CitizenStructure", "jurisdiction_need_shares", "refresh_structure", "track_structure"]

# phase_cache entries derived from the citizens' structure
_DERIVED = ("citizen_need", "need_index", "membership", "public_goods_game")


@dataclass(frozen=True)
class CitizenStructure:
    """Copies of the structure arrays as last checked."""

    need: np.ndarray
    jurisdiction: np.ndarray
    social_org: np.ndarray


def jurisdiction_need_shares(
    jurisdiction: np.ndarray, need: np.ndarray, n_jurisdictions: int
) -> np.ndarray:
    """Each jurisdiction's true need profile: its citizens' needs summed, as shares (J x D)."""
    shares = by_jurisdiction(jurisdiction, need, n_jurisdictions)
    shares /= shares.sum(axis=1, keepdims=True)
    return shares


def track_structure(model: GovernanceModel) -> None:
    """Take the copies that later steps compare with (when the model is built)."""
    cit = model.citizens
    model.phase_cache["citizen_structure"] = CitizenStructure(
        cit.need.copy(), cit.jurisdiction.copy(), cit.social_org.copy()
    )


def refresh_structure(model: GovernanceModel) -> bool:
    """Rebuild what depends on the structure if it was edited; return whether it was.

    Costs one comparison of the needs (N x D) and two of N integers. An edit that
    leaves the model undefined (a need that is negative or not finite, an
    unknown jurisdiction or social organisation, a jurisdiction left without
    citizens) raises ``ValueError`` naming the array and the allowed values.
    """
    cit = model.citizens
    last: CitizenStructure | None = model.phase_cache.get("citizen_structure")
    if last is not None and (
        np.array_equal(cit.need, last.need)
        and np.array_equal(cit.jurisdiction, last.jurisdiction)
        and np.array_equal(cit.social_org, last.social_org)
    ):
        return False
    gov = model.governments
    _check_structure(model)
    gov.population[:] = np.bincount(cit.jurisdiction, minlength=gov.n_jurisdictions)
    model.jurisdiction_need[:] = jurisdiction_need_shares(
        cit.jurisdiction, cit.need, gov.n_jurisdictions
    )
    for key in _DERIVED:
        model.phase_cache.pop(key, None)
    track_structure(model)
    return True


def _check_structure(model: GovernanceModel) -> None:
    """Refuse edits that leave the model undefined, naming the array and what is allowed."""
    cit = model.citizens
    n, n_j = len(cit), model.governments.n_jurisdictions
    n_d, n_orgs = len(model.params.services.domains), len(model.social_orgs)
    if cit.need.shape != (n, n_d) or not (np.isfinite(cit.need).all() and (cit.need >= 0).all()):
        raise ValueError(
            f"citizens.need: must be a {n} x {n_d} array of finite, non-negative need shares"
        )
    if cit.jurisdiction.shape != (n,) or not np.isin(cit.jurisdiction, np.arange(n_j)).all():
        raise ValueError(f"citizens.jurisdiction: allowed values are 0 .. {n_j - 1}")
    empty = np.flatnonzero(np.bincount(cit.jurisdiction, minlength=n_j) == 0)
    if empty.size:
        raise ValueError(
            f"citizens.jurisdiction: jurisdiction {int(empty[0])} has no citizens; "
            "every jurisdiction needs at least one"
        )
    if cit.social_org.shape != (n,) or not np.isin(cit.social_org, np.arange(-1, n_orgs)).all():
        raise ValueError(f"citizens.social_org: allowed values are -1 (none) and 0 .. {n_orgs - 1}")
