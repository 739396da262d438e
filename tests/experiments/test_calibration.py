"""govsim calibrate: recovery of known parameters, reproducibility, outputs, bad input.

The recovery test simulates the household rule-compliance model with known values
of two free parameters, calibrates on the result with ABC-SMC (pyabc) and checks
that each true value lies inside its 90% posterior interval and that the interval
is much narrower than the prior's (the data taught the calibration something).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from experiments.calibration.recovery import CONFIG, OBSERVED_AT, PRIORS, TRUE, observe, targets_for
from experiments.calibration.simulator import build_simulator, particle_seed
from experiments.calibration.targets import parse_targets
from experiments.cli import main
from experiments.config import load_config_text


def _targets(observed: dict[str, float], budget: dict[str, float]) -> dict:
    return targets_for(observed, budget)


def _observed() -> dict[str, float]:
    """The model's values with the true parameters (a seed no particle uses)."""
    return observe(TRUE, seed=123456789)


def _write(tmp_path: Path, budget: dict[str, float], observed: dict[str, float] | None = None):
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    targets = tmp_path / "targets.yaml"
    targets.write_text(yaml.safe_dump(_targets(observed or _observed(), budget), sort_keys=False))
    return config, targets


@pytest.mark.slow
def test_recovers_known_parameters_within_90_percent_intervals(tmp_path: Path, capsys) -> None:
    observed = _observed()
    assert 0.05 < observed["before"] < observed["after"] < 0.95  # the rule moved behaviour
    config, targets = _write(
        tmp_path,
        {
            "population_size": 30,
            "max_generations": 4,
            "minimum_epsilon": 0.5,
            "max_simulations": 500,
            "predictive_draws": 10,
        },
        observed,
    )
    out = tmp_path / "out"
    assert main(["calibrate", str(config), "--targets", str(targets), "--out", str(out)]) == 0
    summary = pd.read_csv(out / "posterior_summary.csv").set_index("parameter")
    for key, truth in TRUE.items():
        row = summary.loc[key]
        assert row["posterior_q05"] <= truth <= row["posterior_q95"], (key, truth, dict(row))
        # the data taught it something: the 90% interval is well inside the prior's (30
        # particles drawn from the prior alone give a shrinkage of about 0 +- 0.06)
        assert row["shrinkage"] > 0.3, (key, dict(row))
    fit = pd.read_csv(out / "fit.csv")
    assert (
        (fit["predicted_q05"] <= fit["observed"] + 0.1)
        & (fit["observed"] - 0.1 <= fit["predicted_q95"])
    ).all(), fit


def test_single_worker_calibration_is_reproducible_and_writes_its_outputs(tmp_path: Path) -> None:
    observed = {"before": 0.2, "after": 0.7, "later": 0.8}
    budget = {
        "population_size": 8,
        "max_generations": 2,
        "max_simulations": 200,
        "predictive_draws": 5,
    }
    config, targets = _write(tmp_path, budget, observed)
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        args = ["calibrate", str(config), "-t", str(targets), "-o", str(out), "--quiet"]
        assert main(args) == 0
    first, second = (pd.read_parquet(o / "posterior.parquet") for o in outs)
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == [*PRIORS, "weight"]
    assert first["weight"].sum() == pytest.approx(1.0)
    for key, prior in PRIORS.items():
        assert first[key].between(prior["low"], prior["high"]).all()
    pd.testing.assert_frame_equal(
        pd.read_parquet(outs[0] / "predictive.parquet"),
        pd.read_parquet(outs[1] / "predictive.parquet"),
    )
    names = {p.name for p in outs[0].iterdir()}
    assert {
        "posterior.parquet",
        "abc.sqlite",
        "manifest.json",
        "calibration.png",
        "posterior.png",
        "predictions.csv",
        "fit.csv",
        "posterior_summary.csv",
        "generations.csv",
        "mechanisms.csv",
        "predictive.parquet",
    } <= names
    manifest = json.loads((outs[0] / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["versions"]["pyabc"].startswith("0.")
    assert manifest["engine"]["sampler"] == "single core"
    assert len(manifest["config_sha256"]) == 64 and manifest["budget"]["population_size"] == 8
    predictions = pd.read_csv(outs[0] / "predictions.csv")
    assert list(predictions["prediction"]) == ["final"]
    assert (predictions["q05"] <= predictions["median"]).all()
    assert (predictions["median"] <= predictions["q95"]).all()
    # pyabc's database holds every generation
    import pyabc

    history = pyabc.History(f"sqlite:///{outs[0] / 'abc.sqlite'}")
    assert history.max_t == 1
    # the output folder is never replaced without --overwrite
    args = ["calibrate", str(config), "-t", str(targets), "-o", str(outs[0]), "--quiet"]
    assert main(args) == 2


def test_particle_seed_depends_on_root_values_and_salt() -> None:
    seeds = {
        particle_seed(1, [0.5]),
        particle_seed(2, [0.5]),
        particle_seed(1, [0.5000001]),
        particle_seed(1, [0.5], salt=1),
    }
    assert len(seeds) == 4
    assert particle_seed(1, [0.5]) == particle_seed(1, [0.5])


def test_simulator_sets_model_and_event_parameters() -> None:
    config = load_config_text(CONFIG)
    targets = parse_targets(_targets(dict.fromkeys(OBSERVED_AT, 0.5), {}))
    simulator = build_simulator(config, targets)
    params, events = simulator.configured(TRUE)
    assert params.rule_compliance.effort_cost == TRUE["model.rule_compliance.effort_cost"]
    assert (
        events[0]["set"]["rule_compliance.monitoring"]
        == TRUE["events[0].rule_compliance.monitoring"]
    )
    assert config.events[0].set["rule_compliance.monitoring"] == 0.2  # the config is untouched
    # monitoring from step 12 raises compliance (the event is applied)
    low = simulator.run({**TRUE, "events[0].rule_compliance.monitoring": 0.0}, 30, seed=3)
    high = simulator.run(TRUE, 30, seed=3)
    assert high["rule_compliance"].iloc[30] > low["rule_compliance"].iloc[30]
    assert high["rule_compliance"].iloc[11] == low["rule_compliance"].iloc[11]


@pytest.mark.slow
def test_multicore_sampler_runs(tmp_path: Path) -> None:
    observed = {"before": 0.2, "after": 0.7, "later": 0.8}
    budget = {
        "population_size": 6,
        "max_generations": 1,
        "max_simulations": 100,
        "predictive_draws": 5,
    }
    config, targets = _write(tmp_path, budget, observed)
    out = tmp_path / "out"
    args = [
        "calibrate",
        str(config),
        "-t",
        str(targets),
        "-o",
        str(out),
        "--workers",
        "2",
        "--quiet",
    ]
    assert main(args) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"]["sampler"] == "multicore (2 processes)"
    assert len(pd.read_parquet(out / "posterior.parquet")) == 6


BAD = [
    ("missing_observations", lambda t: t.pop("observations"), "observations: missing"),
    (
        "missing_error",
        lambda t: t["observations"][0].pop("error"),
        "observations[0].error: missing",
    ),
    (
        "inverted_prior",
        lambda t: t["parameters"].update(
            {"model.rule_compliance.effort_cost": {"low": 2, "high": 1}}
        ),
        "must be below high",
    ),
    (
        "unknown_parameter",
        lambda t: t["parameters"].update(
            {"model.rule_compliance.norm_wieght": {"low": 0, "high": 1}}
        ),
        "did you mean 'rule_compliance.norm_weight'",
    ),
    (
        "parameter_not_in_event",
        lambda t: t["parameters"].update({"events[0].rule_compliance.fine": {"low": 0, "high": 1}}),
        "event 0 does not set 'rule_compliance.fine'",
    ),
    (
        "event_out_of_range",
        lambda t: t["parameters"].update({"events[3].rule_compliance.fine": {"low": 0, "high": 1}}),
        "the config has 1 event(s)",
    ),
    (
        "bare_key",
        lambda t: t["parameters"].update({"fine": {"low": 0, "high": 1}}),
        "parameters.fine: a free parameter is model.",
    ),
    (
        "prior_outside_model_bounds",
        lambda t: t["parameters"].update(
            {"events[0].rule_compliance.monitoring": {"low": 0, "high": 2}}
        ),
        "parameters.events[0].rule_compliance.monitoring: the prior bound 2",
    ),
    (
        "unknown_indicator",
        lambda t: t["observations"][0].update(indicator="rule_complience"),
        "did you mean 'rule_compliance'",
    ),
    (
        "unknown_key",
        lambda t: t["budget"].update(populaton_size=5),
        "budget.populaton_size: unknown key; did you mean 'population_size'",
    ),
    (
        "date_and_step",
        lambda t: t["observations"][0].update(date="2020-02-01"),
        "exactly one of 'date' and 'step'",
    ),
    (
        "before_origin",
        lambda t: t["observations"][0].update(step=None, date="2019-01-01"),
        "starts before step 0",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_targets_exit_2_naming_the_field(tmp_path: Path, capsys, mutate, expected) -> None:
    targets = _targets({"before": 0.2, "after": 0.7, "later": 0.8}, {"population_size": 5})
    mutate(targets)
    config, path = tmp_path / "config.yaml", tmp_path / "targets.yaml"
    config.write_text(CONFIG)
    path.write_text(yaml.safe_dump(targets, sort_keys=False))
    code = main(["calibrate", str(config), "-t", str(path), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert expected in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_missing_targets_file_exits_2(tmp_path: Path, capsys) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    code = main(
        ["calibrate", str(config), "-t", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "out")]
    )
    assert code == 2
    assert "nope.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["shanghai_waste_sorting", "zhejiang_one_visit"])
def test_shipped_calibration_configs_validate(name: str) -> None:
    from experiments.calibration.targets import load_targets
    from experiments.config import load_config

    root = Path(__file__).resolve().parents[2] / "configs" / "calibration"
    config = load_config(root / f"{name}.yaml")
    targets = load_targets(root / f"{name}.targets.yaml")
    simulator = build_simulator(config, targets)
    assert targets.horizon() <= config.run.steps
    assert all(step > config.events[0].step for _, _, step, _ in simulator.observations[1:])


@pytest.mark.slow
def test_dask_sampler_runs_on_a_scheduler_address(tmp_path: Path) -> None:
    from distributed import LocalCluster

    observed = {"before": 0.2, "after": 0.7, "later": 0.8}
    budget = {
        "population_size": 5,
        "max_generations": 1,
        "max_simulations": 100,
        "predictive_draws": 5,
    }
    config, targets = _write(tmp_path, budget, observed)
    out = tmp_path / "out"
    with LocalCluster(
        n_workers=1, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        args = [
            "calibrate",
            str(config),
            "-t",
            str(targets),
            "-o",
            str(out),
            "--quiet",
            "--scheduler",
            cluster.scheduler_address,
        ]
        assert main(args) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"]["sampler"].startswith("dask")
    assert len(pd.read_parquet(out / "posterior.parquet")) == 5


def test_unreachable_scheduler_exits_2(tmp_path: Path, capsys) -> None:
    config, targets = _write(
        tmp_path, {"population_size": 5}, {"before": 0.2, "after": 0.7, "later": 0.8}
    )
    args = [
        "calibrate",
        str(config),
        "-t",
        str(targets),
        "-o",
        str(tmp_path / "out"),
        "--quiet",
        "--scheduler",
        "tcp://127.0.0.1:9",
    ]
    assert main(args) == 2
    assert "--scheduler tcp://127.0.0.1:9" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["targets", "simulator", "report", "engine", "recovery"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    module = importlib.import_module(f"experiments.calibration.{name}")
    result = doctest.testmod(module, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_log_uniform_priors_are_sampled_on_the_logarithm() -> None:
    import numpy as np

    from experiments.calibration.engine import global_numpy_seed, make_prior

    document = _targets({"before": 0.2, "after": 0.7, "later": 0.8}, {})
    document["parameters"]["model.rule_compliance.effort_cost"] = {
        "distribution": "loguniform",
        "low": 0.01,
        "high": 1.0,
    }
    targets = parse_targets(document)
    simulator = build_simulator(load_config_text(CONFIG), targets)
    assert simulator.log_scale == (True, False)
    prior = make_prior(targets, simulator.names)
    with global_numpy_seed(5):
        draws = [simulator.values_of(prior.rvs()) for _ in range(400)]
    cost = np.array([d["model.rule_compliance.effort_cost"] for d in draws])
    assert cost.min() >= 0.01 and cost.max() <= 1.0
    # log-uniform: about half of the draws below the geometric midpoint 0.1
    assert 0.4 < np.mean(cost < 0.1) < 0.6
