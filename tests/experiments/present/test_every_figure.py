"""Every public figure function of experiments.present, called on tiny input.

Figure functions are found, not listed: every name in a present module's
``__all__`` that starts with ``plot_`` or ``draw_`` or ends with ``_figure``. Each
must have a case here, so a figure module that nobody calls cannot rot unseen.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

import experiments.present
from sim import GovernanceModel, ModelParams

FIGURE_NAME = ("plot_", "draw_")


def _figure_functions() -> dict[str, Callable]:
    found = {}
    for info in pkgutil.iter_modules(experiments.present.__path__):
        module = importlib.import_module(f"experiments.present.{info.name}")
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and (
                name.startswith(FIGURE_NAME) or name.endswith("_figure")
            ):
                found[f"{info.name}.{name}"] = obj
    return found


FUNCTIONS = _figure_functions()


def _frame() -> pd.DataFrame:
    """Two variants x three replicates x six steps of every key indicator."""
    rng = np.random.default_rng(3)
    rows = []
    for variant, centre in (("top_down", 0.2), ("service", 0.6)):
        for replicate in range(3):
            for step in range(6):
                values = {
                    name: centre + 0.05 * rng.normal() + 0.01 * step
                    for name in experiments.present.style.INDICATOR_LABELS
                }
                rows.append({"variant": variant, "replicate": replicate, "step": step, **values})
    return pd.DataFrame(rows)


def _indices() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "method": "sobol",
                "indicator": indicator,
                "variant": variant,
                "parameter": parameter,
                "ST": 0.3 + 0.1 * k,
                "ST_conf": 0.05,
                "S1": 0.2,
                "S1_conf": 0.04,
            }
            for indicator in ("mean_trust", "welfare")
            for variant in ("top_down", "service")
            for k, parameter in enumerate(("model.decentralization", "levers.participation_reward"))
        ]
    )


def _orderings() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"indicator": i, "ordering": o, "probability": p, "low": p - 0.1, "high": p + 0.1}
            | {"headline": headline}
            for i in ("mean_trust", "welfare")
            for o, p, headline in (
                ("top_down < service", 0.7, True),
                ("service < top_down", 0.3, False),
            )
        ]
    )


def _attribution() -> pd.DataFrame:
    rows = [
        ("money", "block", 0.05, 0.5),
        ("voice", "block", 0.05, 0.5),
        ("gap", "gap", 0.1, float("nan")),
    ]
    return pd.DataFrame(
        [
            {"a": "top_down", "b": "service", "indicator": indicator, "block": block}
            | {"kind": kind, "mean": mean, "low": mean - 0.02, "high": mean + 0.02, "share": share}
            for indicator in ("mean_trust", "welfare")
            for block, kind, mean, share in rows
        ]
    )


def _calibration() -> tuple:
    from experiments.calibration.recovery import targets_for
    from experiments.calibration.targets import parse_targets

    targets = parse_targets(targets_for({"before": 0.3, "after": 0.6, "later": 0.65}))
    rng = np.random.default_rng(1)
    posterior = pd.DataFrame({key: rng.uniform(0.2, 0.4, 50) for key in targets.parameters})
    posterior["weight"] = rng.uniform(0.5, 1.0, 50)
    predictive = pd.DataFrame(
        {"draw": np.repeat(np.arange(8), 41), "step": np.tile(np.arange(41), 8)}
    )
    predictive["rule_compliance"] = 0.3 + 0.01 * predictive["step"] + 0.02 * rng.normal(size=328)
    return targets, posterior, predictive


def _validation() -> dict[str, tuple]:
    """Points of each validation case, as its run_case would pass them (few and synthetic)."""
    from experiments.validation.allocation import WelfareGap
    from experiments.validation.compliance import DeterrencePoint, uniform_cdf
    from experiments.validation.coproduction import Curve, load_reference
    from experiments.validation.unrest import (
        NoPolicePoint,
        UnrestSettings,
        active_share_without_police,
    )

    rng = np.random.default_rng(0)
    spill = (0.0, 0.3, 0.6)
    etas = np.linspace(0.2, 1.2, 6)
    names = ("sf_per_individual", "sf_per_game", "ring_per_game", "ring_per_individual")
    unrest = UnrestSettings.model_construct(
        police_legitimacy=0.8,
        gradual_steps=10,
        drop_step=5,
        drop_from=0.8,
        drop_to=0.5,
        drop_police=0.04,
    )
    return {
        "allocation": (
            [WelfareGap(h, 0.0, 0.1 * h, 0.09 * h) for h in (0.0, 0.5, 1.0)],
            [WelfareGap(0.0, x, -0.1 * x, -0.11 * x) for x in spill],
            {h: [WelfareGap(h, x, 0.1 * h - 0.2 * x, None) for x in spill] for h in (0.5, 1.0)},
        ),
        "compliance": (
            [
                DeterrencePoint(p, fine, 0.0, 0.0, 0.0, p * fine, min(1.0, p * fine / 2), 0)
                for p in (0.2, 0.5)
                for fine in (1.0, 2.0, 3.0)
            ],
            [DeterrencePoint(0.2, 1.0, 0.3, 0.5, 0.5, 0.6, 0.3, 0)],
            lambda x: uniform_cdf(x, 0.0, 2.0),
        ),
        "coproduction": (
            [Curve(n, n, etas, rng.uniform(0, 1, (6, 3)) * etas[:, None] / 1.2) for n in names],
            load_reference(),
        ),
        "unrest": (
            [NoPolicePoint(x, 0.5 - 0.5 * x, 0) for x in (0.2, 0.5, 0.8)],
            lambda legitimacy: active_share_without_police(legitimacy, 0.1),
            [0.0, 0.02, 0.04],
            (np.array([0.3, 0.2, 0.1]), np.array([0.05, 0.1, 0.12])),
            rng.uniform(0, 0.3, (3, 30)),
            rng.uniform(0, 0.3, (3, 30)),
            unrest,
        ),
    }


@pytest.fixture(scope="module")
def model() -> GovernanceModel:
    model = GovernanceModel(
        ModelParams(citizens=200, enterprises=10, social_orgs=4, jurisdictions=3), rng=2
    )
    model.run(3)
    return model


def _cases(request: pytest.FixtureRequest, out: Path) -> dict[str, Callable[[], object]]:
    """For each figure function, a call on tiny input that writes below ``out``."""
    from experiments.present import (
        calibration,
        final_state,
        folder,
        network,
        robust,
        style,
        sweep,
        timeseries,
        validation,
    )
    from experiments.present.network_layout import layout_collaboration_graph
    from experiments.sweep import load_results

    def fixture(name: str):  # fixtures only the cases that need them build
        return request.getfixturevalue(name)

    png = ["png"]

    def validation_case(name: str) -> Callable[[], object]:
        plot = getattr(validation, f"plot_{name}")
        return lambda: plot(*_validation()[name], out / f"validation_{name}.png")

    cases = {
        f"validation.plot_{name}": validation_case(name)
        for name in ("allocation", "compliance", "coproduction", "unrest")
    }
    return cases | {
        "style.save_figure": lambda: style.save_figure(
            final_state.final_state_figure(_frame()), out / "saved", formats=png
        ),
        "timeseries.timeseries_figure": lambda: timeseries.timeseries_figure(_frame()),
        "timeseries.plot_timeseries": lambda: timeseries.plot_timeseries(
            _frame(), out / "ts", formats=png
        ),
        "final_state.final_state_figure": lambda: final_state.final_state_figure(_frame()),
        "final_state.plot_final_state": lambda: final_state.plot_final_state(
            _frame(), out / "fs", formats=png
        ),
        "network.network_figure": lambda: network.network_figure(fixture("model"), 50),
        "network.plot_network": lambda: network.plot_network(
            fixture("model"), out / "net", formats=png, max_citizens=50
        ),
        "network.draw_collaboration_graph": lambda: _drawn(
            network.draw_collaboration_graph,
            fixture("model"),
            layout_collaboration_graph(fixture("model"), 50),
        ),
        "folder.plot_results_folder": lambda: folder.plot_results_folder(
            fixture("run_folder"), out / "folder", formats=png
        ),
        "folder.plot_network_snapshot": lambda: folder.plot_network_snapshot(
            fixture("run_folder"), out / "snapshot", formats=png
        ),
        "sweep.plot_heatmaps": lambda: sweep.plot_heatmaps(
            load_results(fixture("sweep_folder")), "mean_trust", out / "heat", formats=png
        ),
        "sweep.plot_sensitivity": lambda: sweep.plot_sensitivity(
            _indices(), out / "sens", formats=png
        ),
        "robust.plot_orderings": lambda: robust.plot_orderings(_orderings(), out / "ord.png"),
        "robust.plot_attribution": lambda: robust.plot_attribution(
            _attribution(), out / "attr.png"
        ),
        "calibration.plot_bands": lambda: calibration.plot_bands(
            _calibration()[2], _calibration()[0], out / "bands.png", title="tiny"
        ),
        "calibration.plot_posterior": lambda: calibration.plot_posterior(
            _calibration()[1], _calibration()[0], out / "posterior.png"
        ),
    }


def _drawn(draw: Callable, model: GovernanceModel, layout) -> Figure:
    fig = Figure(figsize=(4, 4))
    draw(fig.subplots(), model, layout)
    return fig


def test_every_figure_function_has_a_case(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    assert set(_cases(request, tmp_path)) == set(FUNCTIONS)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_figure_function_draws(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    case = _cases(request, tmp_path).get(name)
    assert case is not None, f"{name}: add a case to tests/experiments/present/test_every_figure.py"
    result = case()
    if isinstance(result, Figure):
        drawn = [ax for ax in result.axes if ax.get_visible()]
        assert drawn and any(ax.has_data() or ax.patches or ax.collections for ax in drawn)
        return
    written = result if isinstance(result, list) else [result]
    assert written and all(Path(p).parent.is_relative_to(tmp_path) for p in written)
    for path in written:
        with Image.open(path) as image:
            assert min(image.size) > 200
            # greys and colours, not a blank canvas
            assert len(image.convert("L").getcolors(maxcolors=1 << 16) or []) > 20
