"""The citizens' structure: needs, jurisdictions and social-organisation memberships.

No phase changes them, so what is derived from them is computed once: each
jurisdiction's population and true need profile, the phases' cached tables and
the service-match index. To keep those right, the model holds the three arrays
read-only: an edit in place raises numpy's "assignment destination is
read-only". To change them between steps, assign a new array
(``model.citizens.need = new_need``); :func:`refresh_structure` notices it at the
start of the next step, checks it, takes a read-only copy and rebuilds what
depends on it. (If an array is made writeable again, by hand or by unpickling,
its values are compared with the copy kept at the last check instead.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import by_jurisdiction

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["CitizenStructure", "jurisdiction_need_shares", "refresh_structure", "track_structure"]

_STRUCTURE = ("need", "jurisdiction", "social_org")


@dataclass(frozen=True)
class CitizenStructure:
    """The structure arrays the model adopted (read-only), and copies of their values."""

    arrays: tuple[np.ndarray, ...]
    values: tuple[np.ndarray, ...]


def jurisdiction_need_shares(
    jurisdiction: np.ndarray, need: np.ndarray, n_jurisdictions: int
) -> np.ndarray:
    """Each jurisdiction's true need profile: its citizens' needs summed, as shares (J x D)."""
    shares = by_jurisdiction(jurisdiction, need, n_jurisdictions)
    shares /= shares.sum(axis=1, keepdims=True)
    return shares


def track_structure(model: GovernanceModel) -> None:
    """Adopt the structure arrays: read-only, with copies of their values."""
    cit = model.citizens
    arrays = []
    for name in _STRUCTURE:
        array = getattr(cit, name)
        if array.flags.writeable or array.base is not None:
            array = np.array(array, copy=True)  # the model's own, so no other view can edit it
            array.flags.writeable = False
            setattr(cit, name, array)
        arrays.append(array)
    model.derived.citizen_structure = CitizenStructure(
        tuple(arrays), tuple(array.copy() for array in arrays)
    )


def refresh_structure(model: GovernanceModel) -> bool:
    """Rebuild what depends on the structure if it was replaced; return whether it was.

    Costs three identity checks, unless an array was made writeable again (then
    its values are compared). A new array that leaves the model undefined (a
    need that is negative or not finite, an unknown jurisdiction or social
    organisation, a jurisdiction left without citizens) raises ``ValueError``
    naming the array and the allowed values.
    """
    cit = model.citizens
    last: CitizenStructure | None = model.derived.citizen_structure
    if last is not None and all(
        getattr(cit, name) is array and (not array.flags.writeable or np.array_equal(array, values))
        for name, array, values in zip(_STRUCTURE, last.arrays, last.values, strict=True)
    ):
        for array in last.arrays:
            if array.flags.writeable:  # unchanged, so read-only again
                array.flags.writeable = False
        return False
    _check_structure(model)
    gov = model.governments
    gov.population[:] = np.bincount(cit.jurisdiction, minlength=gov.n_jurisdictions)
    model.jurisdiction_need[:] = jurisdiction_need_shares(
        cit.jurisdiction, cit.need, gov.n_jurisdictions
    )
    model.derived.clear_citizen_structure()
    track_structure(model)
    return True


def _check_structure(model: GovernanceModel) -> None:
    """Refuse edits that leave the model undefined, naming the array and what is allowed."""
    cit = model.citizens
    n, n_j = len(cit), model.governments.n_jurisdictions
    n_d, n_orgs = len(model.params.services.domains), len(model.social_orgs)
    need = cit.need
    if (
        need.shape != (n, n_d)
        or not (np.isfinite(need).all() and (need >= 0).all())
        or not np.allclose(need.sum(axis=1), 1.0, rtol=0.0, atol=1e-9)
    ):
        raise ValueError(
            f"citizens.need: must be a {n} x {n_d} array of need shares, each row "
            "finite, non-negative and summing to 1"
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
