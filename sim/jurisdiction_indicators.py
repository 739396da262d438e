"""Indicators of budgets, provision, money and organisational ties, for many steps at once.

These indicators read only small arrays (J x D allocations and provision, J + 1
ledgers, the candidate organisational ties), so what costs is the number of numpy
calls, not the data. Each step therefore packs those arrays into one row
(:func:`record_inputs`: one copy), and :func:`jurisdiction_indicators` computes
the indicators of a whole batch of rows with the same few calls it would take for
one. The rows are copies, so a batch gives exactly the values of each step's
state, whenever it is computed.

The citizens' needs and jurisdictions are not copied: each snapshot keeps the
service-match index built from them when it was taken (:mod:`sim.structure`
rebuilds it after hand edits). Which candidate ties exist never changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import gini_rows
from sim.indicator_kernels import NeedIndex, service_match
from sim.indicator_registry import BATCHED
from sim.org_indicators import org_structure_of_rows
from sim.state import COST_CATEGORIES, SPENDING_CATEGORIES

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "BATCHED",
    "InputLayout",
    "input_layout",
    "jurisdiction_indicators",
    "normalised_entropy",
    "record_inputs",
]

# the indicators computed here are those sim.indicator_registry marks batched (BATCHED)

# names and shapes of the arrays one row holds, in order (J x D, J + 1, J, ties, 1)
_JURISDICTION_BY_DOMAIN = (
    "money",
    "jurisdiction_need",
    "demand_factor",
    "provision",
    "output",
    "nongov_output",
    "central_money",
    "social_org_output",
    "shaded_output",
)
_LEDGER = ("spending", "revenue", "reserves")


@dataclass(frozen=True)
class InputLayout:
    """Where each array sits in a packed row: ``slices[name]`` and the array's shape."""

    shapes: dict[str, tuple[int, ...]]
    slices: dict[str, slice]

    def unpack(self, rows: np.ndarray, name: str) -> np.ndarray:
        """The ``name`` array of every row: shape ``(T, *shape)`` (a view)."""
        return rows[:, self.slices[name]].reshape(rows.shape[0], *self.shapes[name])


def input_layout(model: GovernanceModel) -> InputLayout:
    """The packed-row layout for this model's sizes (built once, kept in ``model.derived``)."""
    gov = model.governments
    shape = (gov.n_jurisdictions, gov.n_domains, len(gov), model.org_ties.kind.size)
    layout = model.derived.indicator_inputs
    if layout is not None and layout[0] == shape:
        return layout[1]
    j, d, g, k = shape
    shapes: dict[str, tuple[int, ...]] = {name: (j, d) for name in _JURISDICTION_BY_DOMAIN}
    shapes.update({name: (g,) for name in _LEDGER})
    shapes["by_category"] = (len(SPENDING_CATEGORIES), g)
    shapes.update(population=(j,), enforcement_effort=(j,), tie_strength=(k,), active_ties=(1,))
    slices, start = {}, 0
    for name, dims in shapes.items():
        size = int(np.prod(dims))
        slices[name] = slice(start, start + size)
        start += size
    layout = InputLayout(shapes, slices)
    model.derived.indicator_inputs = (shape, layout)
    return layout


def record_inputs(model: GovernanceModel) -> np.ndarray:
    """One row holding a copy of every array these indicators read, in layout order."""
    gov, ledger, ties = model.governments, model.ledger, model.org_ties
    return np.concatenate(
        [
            gov.money.ravel(),
            model.jurisdiction_need.ravel(),
            gov.demand_factor().ravel(),
            gov.provision.ravel(),
            gov.output.ravel(),
            gov.nongov_output.ravel(),
            gov.central_money.ravel(),
            gov.social_org_output.ravel(),
            gov.shaded_output.ravel(),
            ledger.spending,
            ledger.revenue,
            ledger.reserves,
            ledger.by_category.ravel(),
            gov.population,
            gov.enforcement_effort,
            ties.weight * ties.active,  # an inactive tie weighs nothing, whatever it keeps
            [np.count_nonzero(ties.active)],
        ]
    )


def jurisdiction_indicators(
    model: GovernanceModel, rows: np.ndarray, service_coverage: np.ndarray, index: NeedIndex
) -> dict[str, np.ndarray]:
    """The indicators of packed rows (one per step), each an array of length T.

    ``service_coverage`` (length T) is each step's mean coverage, which
    ``cost_effectiveness`` divides by the cost; ``index`` holds the citizens'
    sorted needs as they were at those steps. The formulas are those of
    ``docs/ODD.md``, section Indicators.
    """
    layout = input_layout(model)
    n = index.citizens
    money = layout.unpack(rows, "money")
    allocated = money.sum(axis=2, keepdims=True)
    shares = money / np.where(allocated > 0, allocated, 1.0)  # 0 where nothing was allocated
    demand = layout.unpack(rows, "jurisdiction_need") * layout.unpack(rows, "demand_factor")
    truth = demand / demand.sum(axis=2, keepdims=True)
    # 1 - population-weighted mean of 0.5 sum_d |a_jd - true_jd| (every citizen lives somewhere)
    population = layout.unpack(rows, "population")[:, :, None]
    gap = (population * np.abs(shares - truth)).reshape(len(rows), -1).sum(axis=1)

    # per category and per capita (T x K); the cost of governing leaves out refunds
    by_category = layout.unpack(rows, "by_category").sum(axis=2) / n
    costs = {
        f"cost_{name}": by_category[:, SPENDING_CATEGORIES.index(name)] for name in COST_CATEGORIES
    }
    cost = by_category[:, : len(COST_CATEGORIES)].sum(axis=1)
    # below a millionth of a money unit per citizen nothing is really being spent
    spends = cost > 1e-6
    effectiveness = np.divide(service_coverage, cost, out=np.zeros_like(cost), where=spends)
    output = _total(layout.unpack(rows, "output"))
    allocated_total = allocated.reshape(len(rows), -1).sum(axis=1)
    nongov = _total(layout.unpack(rows, "nongov_output"))
    nongov_share = np.divide(nongov, output, out=np.zeros_like(output), where=output > 0)
    so = _total(layout.unpack(rows, "social_org_output"))
    shaded = _total(layout.unpack(rows, "shaded_output"))
    contracted = nongov + shaded
    # realised output shares of government agencies, enterprises, social organisations
    by_type = np.stack([output - nongov, nongov - so, so], axis=1)
    central = layout.unpack(rows, "central_money").sum(axis=2)  # T x J
    local = money.sum(axis=2) - central
    # money each government decided on: the J local governments, then the centre
    decided = np.concatenate([local, central.sum(axis=1, keepdims=True)], axis=1)
    provider_diversity = normalised_entropy(by_type)
    decision_dispersion = normalised_entropy(decided)
    org = org_structure_of_rows(
        model, layout.unpack(rows, "tie_strength"), layout.unpack(rows, "active_ties")[:, 0]
    )
    effort = layout.unpack(rows, "enforcement_effort")
    return {
        "service_match": service_match(index, shares),
        "responsiveness": 1.0 - 0.5 * gap / n,
        "governance_cost": cost,
        **costs,
        "refunds_per_capita": by_category[:, SPENDING_CATEGORIES.index("refunds")],
        "cost_effectiveness": effectiveness,
        "revenue_per_capita": layout.unpack(rows, "revenue").sum(axis=1) / n,
        "reserves_per_capita": layout.unpack(rows, "reserves").sum(axis=1) / n,
        "jurisdiction_equity": 1.0 - gini_rows(layout.unpack(rows, "provision").sum(axis=2)),
        "nongov_provision_share": nongov_share,
        "delivery_productivity": np.divide(
            output, allocated_total, out=np.zeros_like(output), where=allocated_total > 0
        ),
        "quality_shading": np.divide(
            shaded, contracted, out=np.zeros_like(shaded), where=contracted > 0
        ),
        "provider_diversity": provider_diversity,
        "decision_dispersion": decision_dispersion,
        "org_centralization": org["org_centralization"],
        "polycentricity": (
            provider_diversity + decision_dispersion + 1.0 - org["org_centralization"]
        )
        / 3.0,
        "org_ties": org["org_ties"],
        "network_density": org["network_density"],
        "mean_enforcement_effort": effort.sum(axis=1) / effort.shape[1],
    }


def _total(tables: np.ndarray) -> np.ndarray:
    """Sum of each of T tables (T x J x D -> T)."""
    return tables.reshape(len(tables), -1).sum(axis=1)


def normalised_entropy(amounts: np.ndarray) -> np.ndarray:
    """Shannon entropy of each row's shares over its K columns, divided by ``log K``.

    0 when one column holds everything (or nothing is there), 1 when all are equal.

    >>> normalised_entropy(np.array([[1.0, 1.0], [3.0, 0.0], [0.0, 0.0]])).tolist()
    [1.0, 0.0, 0.0]
    """
    amounts = np.maximum(amounts, 0.0)
    total = amounts.sum(axis=1, keepdims=True)
    shares = np.divide(amounts, total, out=np.zeros_like(amounts), where=total > 0)
    terms = np.zeros_like(shares)
    np.multiply(shares, np.log(shares, out=terms, where=shares > 0), out=terms, where=shares > 0)
    width = amounts.shape[1]
    if width < 2:
        return np.zeros(len(amounts))
    return 0.0 - terms.sum(axis=1) / np.log(width)  # 0.0 - x turns -0.0 into 0.0
