"""sim.phases.allocation and sim.phases.services: budgets, channels, leakage, spill-overs."""

from __future__ import annotations

import numpy as np
import pytest

from sim import GovernanceModel
from sim.phases.services import deliver_services, effective_provision

ALL_GOVERNMENT = {"enterprise_delivery_share": 0.0, "social_org_delivery_share": 0.0}


def test_effective_provision_by_hand() -> None:
    per_capita = np.array([[1.0, 0.0], [2.0, 0.0], [6.0, 3.0]])
    spillover = np.array([0.5, 0.0])
    # domain 0: mean of the others (9 - x) / 2 = 4, 3.5, 1.5; half own, half others
    # -> 2.5, 2.75, 3.75. Domain 1 does not spill over.
    expected = np.array([[2.5, 0.0], [2.75, 0.0], [3.75, 3.0]])
    result = effective_provision(per_capita, spillover)
    assert result == pytest.approx(expected, abs=1e-12)
    # spill-overs move provision between jurisdictions without creating or destroying it
    assert result.sum(axis=0) == pytest.approx(per_capita.sum(axis=0), abs=1e-12)


def test_effective_provision_single_jurisdiction_is_a_copy() -> None:
    per_capita = np.array([[1.0, 2.0]])
    result = effective_provision(per_capita, np.array([0.5, 0.5]))
    assert result.tolist() == [[1.0, 2.0]]
    result[0, 0] = 9.0
    assert per_capita[0, 0] == 1.0


def _built(small_params, **overrides) -> GovernanceModel:
    return GovernanceModel(small_params(overrides), rng=21, agent_views=False)


def test_transparency_removes_leakage_of_government_delivery(small_params) -> None:
    # at build, with reputation out of enterprises' choice (it is scaled by transparency),
    # allocation does not depend on transparency, so only leakage differs: output per
    # money unit is 1 - max_leakage (1 - transparency)
    no_reputation = {"reputation_weight": 0.0}
    no_fixed_cost = {"provider_fixed_cost": 0.0}
    opaque = _built(
        small_params,
        levers={**ALL_GOVERNMENT, "transparency": 0.0},
        compliance=no_reputation,
        services=no_fixed_cost,
    )
    clear = _built(
        small_params,
        levers={**ALL_GOVERNMENT, "transparency": 1.0},
        compliance=no_reputation,
        services=no_fixed_cost,
    )
    assert np.array_equal(opaque.governments.money, clear.governments.money)
    leakage = opaque.params.services.max_leakage
    assert opaque.governments.output == pytest.approx(
        (1.0 - leakage) * clear.governments.output, rel=1e-12
    )
    # no productivity premium: without leakage a money unit buys a unit of output
    # (less the providers' fixed cost, set to 0 here)
    assert clear.governments.output.sum() == pytest.approx(clear.governments.money.sum(), rel=1e-12)


def test_channel_without_providers_falls_back_to_government(small_params) -> None:
    base = {"enterprises": 0, "social_orgs": 0}
    in_house = _built(small_params, **base, levers=ALL_GOVERNMENT)
    contracted = _built(
        small_params,
        **base,
        levers={"enterprise_delivery_share": 0.5, "social_org_delivery_share": 0.3},
    )
    assert contracted.governments.output == pytest.approx(in_house.governments.output, rel=1e-12)
    assert not contracted.governments.nongov_output.any()
    assert contracted.indicators["nongov_provision_share"] == 0.0


def test_contracted_channels_pay_their_providers(small_params) -> None:
    model = _built(
        small_params,
        levers={"enterprise_delivery_share": 0.4, "social_org_delivery_share": 0.3},
        services={"provider_fixed_cost": 0.0},
    )
    money = model.governments.money.sum()
    assert model.enterprises.contract_revenue.sum() == pytest.approx(0.4 * money, rel=1e-9)
    assert model.social_orgs.funding.sum() == pytest.approx(0.3 * money, rel=1e-9)
    assert 0.0 < model.indicators["nongov_provision_share"] < 1.0


def test_coverage_is_full_when_provision_exceeds_the_standard(small_params) -> None:
    # the providers' fixed cost (scaled by population, not by the standard) would eat
    # the tiny need-based budgets of a tiny standard: it is switched off here
    rich = _built(small_params, services={"service_standard": 1e-4, "provider_fixed_cost": 0.0})
    # need-based budgets buy about the standard, so provision is raised by hand
    rich.governments.money *= 100.0
    deliver_services(rich)
    assert np.all(rich.citizens.coverage == pytest.approx(1.0, abs=1e-12))
    poor = _built(small_params, services={"service_standard": 100.0})
    assert np.all((poor.citizens.coverage > 0.0) & (poor.citizens.coverage < 0.05))


def _money_shares(model: GovernanceModel) -> np.ndarray:
    money = model.governments.money
    return money / money.sum(axis=1, keepdims=True)


def test_local_allocation_follows_perceived_need(small_params) -> None:
    # all authority local, no spill-overs, no tilt yet: shares = perceived need shares
    model = _built(small_params, decentralization=1.0, services={"spillover": {}})
    assert _money_shares(model) == pytest.approx(model.governments.perceived_local, abs=1e-12)


def test_local_governments_discount_spillovers_unless_they_cooperate(small_params) -> None:
    spill = {"spillover": {"environment": 0.6}}
    alone = _built(
        small_params,
        decentralization=1.0,
        services=spill,
        levers={"intergovernmental_cooperation": 0.0},
    )
    together = _built(
        small_params,
        decentralization=1.0,
        services=spill,
        levers={"intergovernmental_cooperation": 1.0},
    )
    env = alone.domain_index["environment"]
    need = alone.governments.perceived_local[:, env]
    assert np.all(_money_shares(alone)[:, env] < need)
    assert np.all(_money_shares(alone)[:, env] < _money_shares(together)[:, env])


def test_uniform_central_allocation_gives_every_jurisdiction_the_national_mix(
    small_params,
) -> None:
    model = _built(
        small_params,
        decentralization=0.0,
        services={"preference_heterogeneity": 1.0},
        levers={"allocation_centralization": 1.0},
    )
    gov = model.governments
    national = gov.population @ gov.perceived_central / gov.population.sum()
    shares = _money_shares(model)
    assert shares == pytest.approx(np.tile(national, (gov.n_jurisdictions, 1)), abs=1e-12)
    # the centre shares its budget per capita
    per_capita = gov.money.sum(axis=1) / gov.population
    assert per_capita == pytest.approx(np.full(gov.n_jurisdictions, per_capita[0]), rel=1e-12)
