"""Invariants over random valid configurations (hypothesis).

For any regime, decentralisation, lever setting, network, size and set of
switched-on mechanisms: shares stay shares, nothing becomes NaN or infinite, and
money is conserved in every step (revenue = spending + change in reserves).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import INDICATORS, PHASE_NAMES, REGIME_NAMES, GovernanceModel, ModelParams

NETWORK_KINDS = ("barabasi_albert", "ring", "watts_strogatz", "erdos_renyi", "lattice")
STEPS = 12

# Indicators that are shares, rates or normalised indices.
FRACTIONS = (
    "participation_rate",
    "compliance_rate",
    "mean_trust",
    "mean_satisfaction",
    "satisfaction_gini",
    "unrest_rate",
    "jailed_rate",
    "complaint_rate",
    "service_coverage",
    "service_match",
    "responsiveness",
    "jurisdiction_equity",
    "nongov_provision_share",
    "quality_shading",
    "provider_diversity",
    "decision_dispersion",
    "org_centralization",
    "polycentricity",
    "network_density",
    "org_clustering",
    "org_betweenness_centralization",
    "basic_service_equalisation",
)
NON_NEGATIVE = (
    "mean_harm",
    "governance_cost",
    "cost_effectiveness",
    "revenue_per_capita",
    "org_ties",
    "delivery_productivity",
    "pollution_stock",
    "cost_coordination",
)

# Subnormal lever values (below 2.2e-308) are excluded: they are not meaningful
# policy settings, and a subnormal inspection cost overflows cost_effectiveness
# (coverage / cost) to inf.
floats = partial(st.floats, allow_nan=False, allow_subnormal=False)
unit = floats(0.0, 1.0)


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    """A valid ModelParams mapping: small sizes, any regime, levers and switches."""
    jurisdictions = draw(st.integers(1, 4))
    enterprise_share = draw(unit)
    levers = {
        "allocation_centralization": draw(unit),
        "information_lag": draw(floats(0.0, 30.0)),
        "information_noise": draw(floats(0.0, 0.5)),
        "enterprise_delivery_share": enterprise_share,
        "social_org_delivery_share": draw(unit) * (1.0 - enterprise_share),
        "inspection_probability": draw(unit),
        "fine": draw(floats(0.0, 10.0)),
        "participation_reward": draw(floats(0.0, 0.3)),
        "compliance_subsidy": draw(floats(0.0, 0.5)),
        "voice_cost": draw(unit),
        "transparency": draw(unit),
        "coercion": draw(unit),
        "intergovernmental_cooperation": draw(unit),
    }
    # keep a random subset of the overrides, so the regime presets show through
    kept = draw(st.sets(st.sampled_from(sorted(levers))))
    # the two delivery shares only fit together (sum <= 1) when overridden together
    if kept & {"enterprise_delivery_share", "social_org_delivery_share"}:
        kept |= {"enterprise_delivery_share", "social_org_delivery_share"}
    return {
        "regime": draw(st.sampled_from(REGIME_NAMES)),
        "decentralization": draw(unit),
        "citizens": draw(st.integers(max(10, 2 * jurisdictions), 120)),
        "enterprises": draw(st.integers(0, 15)),
        "social_orgs": draw(st.integers(0, 8)),
        "jurisdictions": jurisdictions,
        "levers": {name: value for name, value in levers.items() if name in kept},
        "network": {
            "kind": draw(st.sampled_from(NETWORK_KINDS)),
            "m": draw(st.integers(1, 3)),
            "k": 2 * draw(st.integers(1, 3)),
            "p": draw(unit),
            "mean_degree": draw(floats(0.5, 6.0)),
        },
        "mechanisms": draw(st.fixed_dictionaries({name: st.booleans() for name in PHASE_NAMES})),
        "services": {"preference_heterogeneity": draw(unit)},
        "coproduction": {"cost_rule": draw(st.sampled_from(["per_game", "per_individual"]))},
        "compliance": {
            "decision_noise": draw(st.sampled_from([0.0, 0.5])),
            "imitation_rate": draw(st.sampled_from([0.0, 0.3])),
        },
    }


@st.composite
def timelines(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Zero to two events: a lever change or a shock at a random step."""
    events = []
    for _ in range(draw(st.integers(0, 2))):
        step = draw(st.integers(0, STEPS))
        if draw(st.booleans()):
            events.append({"step": step, "set": {"levers.transparency": draw(unit)}})
        else:
            kind = draw(st.sampled_from(["demand", "revenue", "trust", "hardship"]))
            shock: dict[str, Any] = {"kind": kind, "factor": draw(floats(0.0, 4.0))}
            if kind == "demand":
                shock["domain"] = draw(st.sampled_from(["education", "health", "environment"]))
            else:
                shock["delta"] = draw(floats(-0.5, 0.5))
            events.append({"step": step, "shock": shock})
    return events


@settings(max_examples=25, deadline=None)
@given(config=configurations(), events=timelines(), seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_for_random_configurations(
    config: dict[str, Any], events: list[dict[str, Any]], seed: int
) -> None:
    params = ModelParams.model_validate(config)
    model = GovernanceModel(params, rng=seed, events=events, agent_views=False)
    ledger = model.ledger
    for _ in range(STEPS):
        reserves_before = ledger.reserves.copy()
        model.step()
        revenue, spending = ledger.revenue.sum(), ledger.spending.sum()
        change = ledger.reserves.sum() - reserves_before.sum()
        # money is conserved: every flow goes through the ledger; the tolerance is
        # relative to the largest amount involved (sums of floats round)
        scale = max(
            abs(revenue),
            abs(spending),
            np.abs(reserves_before).sum(),
            np.abs(ledger.reserves).sum(),
        )
        assert abs(revenue - (spending + change)) <= 1e-9 * scale
        # per government too
        assert np.allclose(
            ledger.revenue,
            ledger.spending + ledger.reserves - reserves_before,
            rtol=0,
            atol=1e-9 * max(scale, 1.0),
        )
        assert np.all(ledger.revenue >= 0) and np.all(ledger.spending >= 0)
        for name in ("trust", "satisfaction", "coverage"):
            values = getattr(model.citizens, name)
            assert np.all((values >= 0.0) & (values <= 1.0)), name
        assert np.all(model.enterprises.reputation >= 0) and np.all(
            model.enterprises.reputation <= 1
        )
        effort = model.governments.enforcement_effort
        assert np.all((effort >= 0.0) & (effort <= 2.0))
        weights = model.org_ties.weight
        assert np.all((weights >= 0.0) & (weights <= 1.0))
        assert np.all(weights[~model.org_ties.active] == 0.0)

    frame = model.indicator_frame()
    assert list(frame.columns) == list(INDICATORS)
    assert len(frame) == STEPS + 1
    values = frame.to_numpy(dtype=float)
    assert np.isfinite(values).all(), frame.columns[~np.isfinite(values).all(axis=0)].tolist()
    for name in FRACTIONS:
        column = frame[name]
        assert column.between(0.0, 1.0).all(), (name, column.min(), column.max())
    for name in NON_NEGATIVE:
        assert (frame[name] >= 0.0).all(), name
    assert frame["mean_enforcement_effort"].between(0.0, 2.0).all()


def test_fraction_lists_cover_only_known_indicators() -> None:
    assert set(FRACTIONS) <= set(INDICATORS)
    assert set(NON_NEGATIVE) <= set(INDICATORS)
    assert not set(FRACTIONS) & set(NON_NEGATIVE)
