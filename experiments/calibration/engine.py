"""Approximate Bayesian computation by sequential Monte Carlo (pyabc) over the model.

:func:`run_abc` fits the free parameters of a :class:`~.simulator.Simulator` to
the observations of a :class:`~.targets.Targets` with ``pyabc.ABCSMC``:

* distance: root mean square of the deviations in units of the stated errors,
  ``d = sqrt(mean_k ((x_k - y_k) / sigma_k)^2)`` (:class:`ErrorDistance`), so an
  acceptance threshold ``epsilon`` of 1 keeps simulations that miss the targets by
  one error on average;
* thresholds: the median of the last generation's distances (pyabc's
  ``MedianEpsilon``), until ``budget.minimum_epsilon``, ``budget.max_generations``
  or ``budget.max_simulations`` is reached;
* samplers: ``SingleCoreSampler`` for one worker, ``MulticoreEvalParallelSampler``
  (a local process pool) for more, ``DaskDistributedSampler`` when a Dask
  scheduler address is given.

Reproducibility. pyabc draws particles and perturbations from numpy's global
random state and offers no generator argument. Each simulation's model seed is a
hash of the root seed and the particle (:func:`~.simulator.particle_seed`), so a
given particle always yields the same simulation. With one worker, the global
state is seeded from the root seed for the duration of the run (and restored
afterwards): the whole calibration is then the same bit for bit. With a process
pool or a Dask cluster, pyabc's workers reseed from the operating system and
particles are accepted in the order they finish, so the posterior sample differs
between runs (as a sample, not in distribution).
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.simulator import Simulator
from experiments.calibration.targets import Targets
from experiments.errors import UserError

__all__ = ["AbcResult", "ErrorDistance", "global_numpy_seed", "make_prior", "run_abc"]


@dataclass(frozen=True)
class ErrorDistance:
    """Root mean square deviation from the targets in units of their errors."""

    errors: tuple[tuple[str, float], ...]

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        total = 0.0
        for name, error in self.errors:
            total += ((float(x[name]) - float(x0[name])) / error) ** 2
        return float(np.sqrt(total / len(self.errors)))


@dataclass
class AbcResult:
    """What one ABC run produced."""

    posterior: pd.DataFrame  # one row per particle of the last generation: keys..., weight
    generations: pd.DataFrame  # per generation: t, epsilon, particles, samples, acceptance
    simulations: int
    seconds: float
    sampler: str
    stopped_because: str
    effective_sample_size: float = float("nan")
    notes: list[str] = field(default_factory=list)


def make_prior(targets: Targets, names: tuple[str, ...]) -> Any:
    """The pyabc prior: independent uniforms, on ``log10`` for log-uniform parameters.

    A log-uniform parameter is sampled and perturbed on its logarithm (the
    simulator transforms it back), so the importance weights do not pile onto the
    particles nearest the lower bound, where a log-uniform density is largest.
    """
    import math

    import pyabc

    rvs = {}
    for name, prior in zip(names, targets.parameters.values(), strict=True):
        low, high = prior.low, prior.high
        if prior.distribution == "loguniform":
            low, high = math.log10(low), math.log10(high)
        rvs[name] = pyabc.RV("uniform", low, high - low)
    return pyabc.Distribution(**rvs)


@contextlib.contextmanager
def global_numpy_seed(seed: int) -> Iterator[None]:
    """Seed numpy's and Python's global random state, restoring both afterwards."""
    np_state = np.random.get_state()  # noqa: NPY002 - pyabc reads only the global state
    py_state = random.getstate()
    np.random.seed(int(seed) % 2**32)  # noqa: NPY002
    random.seed(int(seed))
    try:
        yield
    finally:
        np.random.set_state(np_state)  # noqa: NPY002
        random.setstate(py_state)


@contextlib.contextmanager
def _sampler(workers: int, scheduler: str | None) -> Iterator[tuple[Any, str]]:
    from pyabc.sampler import MulticoreEvalParallelSampler, SingleCoreSampler

    if scheduler:
        from dask.distributed import Client
        from pyabc.sampler import DaskDistributedSampler

        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as error:
            raise UserError(
                f"--scheduler {scheduler}: cannot reach the Dask scheduler ({error})"
            ) from None
        try:
            yield DaskDistributedSampler(dask_client=client), f"dask ({scheduler})"
        finally:
            client.close()
    elif workers <= 1:
        yield SingleCoreSampler(), "single core"
    else:
        yield MulticoreEvalParallelSampler(n_procs=workers), f"multicore ({workers} processes)"


def run_abc(
    simulator: Simulator,
    targets: Targets,
    database: Path,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> AbcResult:
    """Fit ``targets`` with ABC-SMC; pyabc's database goes to ``database`` (sqlite).

    See the module docstring for the distance, thresholds, samplers and seeds.
    """
    import logging

    import pyabc

    for name in ("ABC", "Sampler", "Epsilon", "Distance", "Acceptor", "pyabc"):
        logging.getLogger(name).setLevel(logging.WARNING)
        logging.getLogger(f"ABC.{name}").setLevel(logging.WARNING)

    budget = targets.budget
    observed = {o.name: o.value for o in targets.observations}
    distance = ErrorDistance(tuple((o.name, o.error) for o in targets.observations))
    prior = make_prior(targets, simulator.names)
    start = time.perf_counter()
    seeded = scheduler is None and workers <= 1
    seed_scope = global_numpy_seed(simulator.root_seed) if seeded else contextlib.nullcontext()
    with _sampler(workers, scheduler) as (sampler, sampler_name), seed_scope:
        sampler.show_progress = False
        abc = pyabc.ABCSMC(
            simulator,
            prior,
            distance,
            population_size=budget.population_size,
            sampler=sampler,
            eps=pyabc.epsilon.MedianEpsilon(),
        )
        abc.new(f"sqlite:///{database}", observed)
        history = abc.run(
            minimum_epsilon=budget.minimum_epsilon,
            max_nr_populations=budget.max_generations,
            max_total_nr_simulations=budget.max_simulations,
        )
    seconds = time.perf_counter() - start
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0].reset_index(drop=True)
    generations = pd.DataFrame(
        {
            "generation": populations["t"].astype(int),
            "epsilon": populations["epsilon"].astype(float),
            "simulations": populations["samples"].astype(int),
            "particles": [
                int(history.get_nr_particles_per_population().get(t, 0)) for t in populations["t"]
            ],
        }
    )
    generations["acceptance_rate"] = generations["particles"] / generations["simulations"]
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    logs = simulator.log_scale or (False,) * len(simulator.keys)
    posterior = pd.DataFrame(
        {
            key: 10.0 ** frame[name].to_numpy(dtype=float)
            if log
            else frame[name].to_numpy(dtype=float)
            for key, name, log in zip(simulator.keys, simulator.names, logs, strict=True)
        }
    )
    posterior["weight"] = np.asarray(weights, dtype=float)
    w = posterior["weight"].to_numpy() / posterior["weight"].sum()
    ess = float(1.0 / np.sum(w**2))
    total = int(history.total_nr_simulations)
    final_eps = float(generations["epsilon"].iloc[-1])
    if final_eps <= budget.minimum_epsilon:
        why = f"reached minimum_epsilon {budget.minimum_epsilon:g}"
    elif len(generations) >= budget.max_generations:
        why = f"reached max_generations {budget.max_generations}"
    elif total >= budget.max_simulations:
        why = f"reached max_simulations {budget.max_simulations}"
    else:
        why = "pyabc stopped (e.g. acceptance rate)"
    if progress:
        progress(
            f"ABC: {len(generations)} generation(s), {total} simulations, final epsilon "
            f"{final_eps:.3g}, effective sample size {ess:.1f} of {len(posterior)}, "
            f"{seconds:.1f} s ({sampler_name}); {why}"
        )
    return AbcResult(
        posterior=posterior,
        generations=generations,
        simulations=total,
        seconds=seconds,
        sampler=sampler_name,
        stopped_because=why,
        effective_sample_size=ess,
    )
