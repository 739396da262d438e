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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.indicator_kernels import NeedIndex, SatisfactionRanking
    from sim.jurisdiction_indicators import InputLayout
    from sim.network import SocialAdjacency
    from sim.phases.coproduction import _Game
    from sim.structure import CitizenStructure

__all__ = ["DerivedStructure", "FlagCounts"]

# citizens from which neighbour counts of flags are kept by differences; below,
# one product over the graph costs less than finding what changed
_DIFFERENCES_FROM = 8_192


@dataclass
class FlagCounts:
    """Each citizen's number of social neighbours whose flag is set, and the flags counted.

    ``counts`` is ``A @ flags`` for the social adjacency ``A`` (ones), as floats:
    whole numbers, so exact whatever the order they are summed in.
    """

    social: SocialAdjacency
    flags: np.ndarray  # a copy of the boolean array counted
    counts: np.ndarray


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
    satisfaction_gini
        The satisfaction Gini as of its last computation, carried forward between
        refreshes (:func:`sim.indicator_kernels.satisfaction_gini`).
    jurisdiction_members
        ``(jurisdiction array, J x N membership matrix or None, K x N scratch)``
        (:mod:`sim.jurisdiction_frame`); rebuilt when the jurisdictions are replaced.
    flag_counts
        Neighbour counts of boolean citizen arrays by name (``"cooperate"``), kept
        up to date from the citizens whose flag changed (:meth:`neighbour_mean_of_flags`).
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
    satisfaction_gini: float | None = None
    jurisdiction_members: tuple[np.ndarray, np.ndarray | None, np.ndarray] | None = None
    flag_counts: dict[str, FlagCounts] = field(default_factory=dict)

    def clear_citizen_structure(self) -> None:
        """Drop the tables built from the citizens' needs, jurisdictions or memberships.

        Called by :func:`sim.structure.refresh_structure` when one of those arrays
        was replaced (``jurisdiction_members`` checks the array itself).
        """
        self.citizen_need = None
        self.need_index = None
        self.membership = None
        self.public_goods_game = None

    def neighbour_count_of_flags(
        self, social: SocialAdjacency, name: str, flags: np.ndarray
    ) -> np.ndarray:
        """``social.matrix @ flags`` (floats) for a boolean citizen array, exactly.

        The counts of the last call under ``name`` are updated from the citizens
        whose flag changed since, each adding (or taking) one to each of its
        neighbours: far cheaper than a product over the graph when few changed
        (co-production's imitation switches about 5% of citizens a step); from
        ``_DIFFERENCES_FROM`` (8,192) citizens, below which the product is cheaper. Counts
        are whole numbers, so the result equals the product bit for bit whatever
        changed in between (phases, events, hand edits): the flags are compared
        with a copy, never assumed unchanged. The array returned is the cache's
        own: read it, do not write into it.
        """
        if flags.size < _DIFFERENCES_FROM:
            return social.neighbour_sum(flags.astype(np.float64))
        kept = self.flag_counts.get(name)
        if kept is None or kept.social is not social or kept.flags.shape != flags.shape:
            kept = FlagCounts(social, flags.copy(), social.neighbour_sum(flags.astype(np.float64)))
            self.flag_counts[name] = kept
            return kept.counts
        changed = (flags != kept.flags).nonzero()[0]
        if changed.size * 8 > flags.size:
            kept.counts = social.neighbour_sum(flags.astype(np.float64))
        elif changed.size:
            starts = social.indptr[changed]
            lengths = social.indptr[changed + 1] - starts
            # positions of every changed citizen's neighbour-list entries, run by run
            runs = (starts - lengths.cumsum() + lengths).repeat(lengths)
            positions = runs + np.arange(runs.size, dtype=runs.dtype)
            sign = np.where(flags[changed], 1.0, -1.0)
            np.add.at(kept.counts, social.indices[positions], sign.repeat(lengths))
        kept.flags[changed] = flags[changed]
        return kept.counts

    def neighbour_mean_of_flags(
        self, social: SocialAdjacency, name: str, flags: np.ndarray
    ) -> np.ndarray:
        """``social.neighbour_mean(flags.astype(float))``, bit for bit, from the kept counts.

        A new array (the caller may write into it); see :meth:`neighbour_count_of_flags`.
        """
        counts = self.neighbour_count_of_flags(social, name, flags)
        if social.isolated == 0:
            return counts / social.degree
        own = flags.astype(np.float64)
        return np.divide(counts, social.degree, out=own, where=social.degree > 0)
