"""Derived structure: tables computed from the model's state and kept between steps.

Each field is built lazily by the function named in its description (``None``
until then) and is pure bookkeeping: dropping any field only costs its
rebuild, never changes a result. The citizens' structure (needs,
jurisdictions, social-organisation memberships) is the one input that can be
replaced during a run; :func:`sim.structure.refresh_structure` then calls
:meth:`DerivedStructure.clear_citizen_structure`, which drops exactly the
fields built from it. The other fields check their own inputs when used (array
identity, sizes or values), so they need no clearing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from sim.indicator_kernels import NeedIndex, SatisfactionRanking
    from sim.jurisdiction_indicators import InputLayout
    from sim.phases.coproduction import _Game
    from sim.structure import CitizenStructure

__all__ = ["DerivedStructure"]


@dataclass
class DerivedStructure:
    """One typed slot per derived table; all ``None`` until first built.

    Attributes
    ----------
    citizen_structure
        The adopted structure arrays and copies of their values
        (:func:`sim.structure.track_structure`); compared at every step start.
    citizen_need
        ``(need, scratch N x D, total need per citizen, log need)``
        (:func:`sim.phases.services.citizen_need_tables`); built from the needs.
    need_index
        Needs sorted within (domain, jurisdiction) cells, for the service match
        (:func:`sim.indicator_kernels.need_index`); built from needs and jurisdictions.
    membership
        ``(social_org array, member rows, their organisation, members per organisation)``
        (:func:`sim.phases.coproduction.update_volunteers`); built from memberships.
    public_goods_game
        The public-goods game's constant arrays and the parameters they were built
        for (:mod:`sim.phases.coproduction`); built from memberships and the graph.
    org_tie_incidence
        ``(ties.partner, ties.kind, node x tie incidence matrix)``
        (:mod:`sim.org_indicators`); rebuilt when the candidate ties are replaced.
    network_metrics
        ``((active, weight) copies, metrics)``: the organisational network's
        clustering and betweenness, carried forward while the ties are unchanged
        (:func:`sim.org_indicators.org_network_metrics`).
    indicator_inputs
        ``(sizes, layout)`` of the packed per-step indicator inputs
        (:func:`sim.jurisdiction_indicators.input_layout`).
    satisfaction_ranking
        Citizens in order of satisfaction as of the last computation, and its Gini
        (:func:`sim.indicator_kernels.satisfaction_ranking`).
    jurisdiction_members
        ``(jurisdiction array, J x N membership matrix or None, K x N scratch)``
        (:mod:`sim.jurisdiction_frame`); rebuilt when the jurisdictions are replaced.
    """

    citizen_structure: CitizenStructure | None = None
    citizen_need: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    need_index: NeedIndex | None = None
    membership: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    public_goods_game: _Game | None = None
    org_tie_incidence: tuple[np.ndarray, np.ndarray, Any] | None = None
    network_metrics: tuple[tuple[np.ndarray, np.ndarray], dict[str, float]] | None = None
    indicator_inputs: tuple[tuple[int, ...], InputLayout] | None = None
    satisfaction_ranking: SatisfactionRanking | None = None
    jurisdiction_members: tuple[np.ndarray, np.ndarray | None, np.ndarray] | None = None

    def clear_citizen_structure(self) -> None:
        """Drop the tables built from the citizens' needs, jurisdictions or memberships.

        Called by :func:`sim.structure.refresh_structure` when one of those arrays
        was replaced (``jurisdiction_members`` checks the array itself).
        """
        self.citizen_need = None
        self.need_index = None
        self.membership = None
        self.public_goods_game = None
