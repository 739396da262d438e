"""Exact, fast computations behind the costlier citizen indicators.

Two indicators would otherwise dominate the cost of recording a step: the Gini
coefficient of satisfaction, which needs the citizens in order of satisfaction,
and the service match, a sum over every citizen and domain. Both are computed
exactly (to floating-point rounding) from state kept between steps in
``model.derived`` (:class:`sim.derived.DerivedStructure`). The satisfaction ranking is checked against the current
satisfaction every time; the sorted needs are rebuilt when
:mod:`sim.structure` finds the needs or jurisdictions edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import gini_of_sorted

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "NeedIndex",
    "SatisfactionRanking",
    "need_index",
    "satisfaction_gini",
    "satisfaction_ranking",
    "service_match",
]

# entries compared first when checking whether an array changed: a changed array
# almost always differs in a spread-out sample, and then the full comparison is skipped
_SAMPLE = 64

# citizens below which the satisfaction Gini sorts the values afresh every time
# (:func:`satisfaction_gini`); from there on, re-sorting last step's order is cheaper
_SORT_BELOW = 8_192


@dataclass
class SatisfactionRanking:
    """Citizens in ascending order of satisfaction, as of the last computation.

    Attributes
    ----------
    order
        Citizen rows in ascending order of satisfaction.
    ascending
        Their satisfaction, ``satisfaction[order]`` when computed.
    ranks
        ``1.0 .. n``, the Gini coefficient's rank weights (kept, not rebuilt).
    gini
        Gini coefficient of ``ascending``, once computed.
    """

    order: np.ndarray
    ascending: np.ndarray
    ranks: np.ndarray
    gini: float | None = None


def _unchanged(current: np.ndarray, before: np.ndarray) -> bool:
    """Whether two equally long arrays are equal, checking a sample first."""
    stride = max(1, current.size // _SAMPLE)
    return bool((current[::stride] == before[::stride]).all()) and np.array_equal(current, before)


def satisfaction_ranking(model: GovernanceModel) -> SatisfactionRanking:
    """The citizens ranked by current satisfaction, re-sorted from last step's order.

    Satisfaction moves little in a step, so last step's order leaves it nearly
    sorted, and a run-adaptive merge sort (``kind="stable"``) finishes it in close
    to linear time. If nothing changed (a phase switched off, a quiet step) the
    last ranking is returned as it is, after checking every value.
    """
    satisfaction = model.citizens.satisfaction
    n = satisfaction.size
    ranking = model.derived.satisfaction_ranking
    if ranking is None or ranking.order.size != n:
        ranking = SatisfactionRanking(np.arange(n), np.full(n, np.nan), np.arange(1.0, n + 1.0))
    nearly_sorted = satisfaction[ranking.order]
    if _unchanged(nearly_sorted, ranking.ascending):
        return ranking
    fix = np.argsort(nearly_sorted, kind="stable")
    ranking = SatisfactionRanking(ranking.order[fix], nearly_sorted[fix], ranking.ranks)
    model.derived.satisfaction_ranking = ranking
    return ranking


def satisfaction_gini(model: GovernanceModel) -> float:
    """Gini coefficient of the citizens' satisfaction, exact, every ``inequality_every`` steps.

    Sorting the citizens is the one indicator cost that grows faster than their
    number, so it is refreshed on steps that are multiples of
    ``metrics.inequality_every`` (and at the first computation) and carried
    forward in between, as the organisational network metrics are. Below
    ``_SORT_BELOW`` citizens the values are sorted afresh and only the Gini is kept
    (``model.derived.satisfaction_gini``); from there on the ranking is re-sorted
    from last step's order (:func:`satisfaction_ranking`).
    """
    derived = model.derived
    every = model.params.metrics.inequality_every
    if derived.satisfaction_gini is not None and model.steps % every != 0:
        return derived.satisfaction_gini
    satisfaction = model.citizens.satisfaction
    if satisfaction.size < _SORT_BELOW:
        # a few thousand values: one plain sort costs less than re-sorting from last
        # step's order (gathers, the unchanged check, a stable argsort); the sorted
        # values, and so the Gini, are the same whichever sort produced them. Only
        # the Gini is kept: no ranking is stored whose order is not that of its values
        gini = gini_of_sorted(np.sort(satisfaction))
    else:
        ranking = satisfaction_ranking(model)
        if ranking.gini is None:
            ranking.gini = gini_of_sorted(ranking.ascending, ranks=ranking.ranks)
        gini = ranking.gini
    derived.satisfaction_gini = gini
    return gini


@dataclass(frozen=True)
class NeedIndex:
    """Every citizen's need share for every domain, sorted within (domain, jurisdiction) cells.

    A cell's keys are ``2 (d J + j) + n_id`` (need shares lie in [0, 1], so cells
    never overlap); ``cumulative`` sums the sorted need shares; ``cell_start`` and
    ``cell_end`` (J x D) bound each cell's keys. Built from the needs and
    jurisdictions of one moment and never changed, so a snapshot can keep it.
    """

    citizens: int
    keys: np.ndarray
    cumulative: np.ndarray
    cell_base: np.ndarray
    cell_start: np.ndarray
    cell_end: np.ndarray


def need_index(model: GovernanceModel) -> NeedIndex:
    """The sorted needs, built once and again only after the structure is edited.

    :func:`sim.structure.refresh_structure` drops it when needs or jurisdictions change.
    """
    index = model.derived.need_index
    if index is not None:
        return index
    cit = model.citizens
    n_jurisdictions = model.governments.n_jurisdictions
    n_domains = cit.need.shape[1]
    # each jurisdiction's needs, every domain sorted: cells in key order are
    # domain-major, (d, 0), (d, 1), ..., so that cell d J + j holds column d of block j
    grouped = np.argsort(cit.jurisdiction, kind="stable")
    counts = np.bincount(cit.jurisdiction, minlength=n_jurisdictions)
    blocks = np.split(cit.need[grouped], np.cumsum(counts)[:-1])
    by_jurisdiction = [np.sort(block, axis=0) for block in blocks]
    values = np.concatenate([block[:, d] for d in range(n_domains) for block in by_jurisdiction])
    cell_size = np.tile(counts, n_domains)
    keys = 2.0 * np.repeat(np.arange(cell_size.size), cell_size) + values
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    cell_start = np.concatenate([[0], np.cumsum(cell_size)[:-1]])
    cell_base = 2.0 * (np.arange(n_domains) * n_jurisdictions + np.arange(n_jurisdictions)[:, None])
    index = NeedIndex(
        citizens=len(cit),
        keys=keys,
        cumulative=cumulative,
        cell_base=cell_base,
        cell_start=cell_start.reshape(n_domains, n_jurisdictions).T,
        cell_end=(cell_start + cell_size).reshape(n_domains, n_jurisdictions).T,
    )
    model.derived.need_index = index
    return index


def service_match(index: NeedIndex, shares: np.ndarray) -> np.ndarray:
    """Mean over citizens of ``sum_d min(n_id, a_jd)``: need shares against allocation shares.

    ``shares`` holds T allocations (T x J x D, each row of a J x D block a
    jurisdiction's budget shares); the result has one value per allocation.
    Within a cell (jurisdiction j, domain d) the sum over its citizens is the
    needs below ``a_jd`` plus ``a_jd`` times the number above, so one binary
    search per cell over the sorted needs (:func:`need_index`) replaces a pass
    over every citizen and domain (the decentralisation theorem's match of
    provision to local needs: Oates 1972).
    """
    # shares lie in [0, 1], so each search ends inside its own cell; the keys'
    # rounding (about 2 J D x 1e-16) can only put a need that close to a_jd on the
    # wrong side, which changes the sum by less than that difference
    below = np.searchsorted(index.keys, index.cell_base + shares, side="right")
    below_sum = index.cumulative[below] - index.cumulative[index.cell_start]  # never negative
    total = below_sum.reshape(len(shares), -1).sum(axis=1)
    total += (shares * (index.cell_end - below)).reshape(len(shares), -1).sum(axis=1)
    return total / index.citizens
