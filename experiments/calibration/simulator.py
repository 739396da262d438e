"""The model as ABC sees it: free-parameter values in, summary statistics out.

:class:`Simulator` holds the experiment config (model and timeline), the free
parameters and the observations; calling it with one particle (a mapping of
pyabc names to values) runs the model up to the last observation and returns the
indicator values at the observations' steps. It is a plain picklable object, so
pyabc's process pool and a Dask cluster can run it.

Seeds. The model seed of a simulation is derived from the root seed and the
particle's values (:func:`particle_seed`): the same particle always gives the same
simulation, whichever process or machine runs it and in whatever order. Which
particles pyabc proposes is its own (numpy global) randomness; see
:mod:`experiments.calibration.engine`.

Mechanism terms. :func:`rule_terms` splits the household rule-compliance utility
(``sim/phases/rule_compliance.py``) into its terms - inspectors' and volunteers'
deterrence, reward, norm, habit, legitimacy and effort cost - averaged over
households, so posterior-predictive runs can say which mechanism carries
compliance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.targets import Targets, parameter_key
from experiments.errors import UserError, nearest, show

__all__ = [
    "TERM_COLUMNS",
    "Simulator",
    "abc_name",
    "build_simulator",
    "particle_seed",
    "predictive_run",
    "rule_terms",
]

TERM_COLUMNS: tuple[str, ...] = (
    "term_deterrence_inspectors",
    "term_deterrence_volunteers",
    "term_reward",
    "term_norm",
    "term_habit",
    "term_legitimacy",
    "term_effort_cost",
)


def abc_name(key: str) -> str:
    """The name a free parameter has inside pyabc and its database (an identifier).

    >>> abc_name("events[0].rule_compliance.monitoring")
    'events_0_rule_compliance_monitoring'
    """
    return re.sub(r"_+", "_", re.sub(r"\W", "_", key)).strip("_")


def particle_seed(root: int, values: Sequence[float], salt: int = 0) -> int:
    """The model seed of a simulation: a hash of the root seed and the particle's values.

    >>> particle_seed(1, [0.5, 2.0]) == particle_seed(1, [0.5, 2.0]) != particle_seed(1, [0.5, 2.1])
    True
    """
    words = np.frombuffer(np.asarray(values, dtype=np.float64).tobytes(), dtype=np.uint32)
    sequence = np.random.SeedSequence([int(root), int(salt), *(int(w) for w in words)])
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))


@dataclass(frozen=True)
class Simulator:
    """Runs the model for one particle and returns its summary statistics.

    Attributes
    ----------
    model
        ``ModelParams`` as a JSON-compatible dict.
    events
        The timeline as JSON-compatible dicts.
    keys
        Free-parameter keys as the targets file names them.
    observations
        ``(name, indicator, step, window)`` of each observation: the indicator's
        mean over steps ``step - window + 1 .. step``.
    root_seed
        The config's ``run.seed``.
    log_scale
        Per free parameter, whether pyabc works on its base-10 logarithm (log-uniform
        priors): the particle holds ``log10(value)``, so pyabc's perturbation kernel
        and importance weights are computed where the prior is flat.
    """

    model: dict[str, Any]
    events: tuple[dict[str, Any], ...]
    keys: tuple[str, ...]
    observations: tuple[tuple[str, str, int, int], ...]
    root_seed: int
    log_scale: tuple[bool, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """pyabc names of the free parameters, in order."""
        return tuple(abc_name(key) for key in self.keys)

    @property
    def last_step(self) -> int:
        """Step of the last observation."""
        return max(step for _, _, step, _ in self.observations)

    def values_of(self, particle: Mapping[str, float]) -> dict[str, float]:
        """A pyabc particle as ``{key: value}`` (log-scale parameters transformed back)."""
        logs = self.log_scale or (False,) * len(self.keys)
        return {
            key: float(10.0 ** particle[name]) if log else float(particle[name])
            for key, name, log in zip(self.keys, self.names, logs, strict=True)
        }

    def configured(self, values: Mapping[str, float]) -> tuple[Any, list[dict[str, Any]]]:
        """``(ModelParams, events)`` with the free parameters set to ``values``."""
        from sim.events import apply_settings
        from sim.params import ModelParams

        settings: dict[str, float] = {}
        events = [dict(e, set=dict(e.get("set", {}))) for e in self.events]
        for key, value in values.items():
            index, dotted = parameter_key(key)
            if index is None:
                settings[dotted] = value
            else:
                events[index]["set"][dotted] = value
        params = ModelParams.model_validate(self.model)
        if settings:
            params = apply_settings(params, settings)
        return params, events

    def run(self, values: Mapping[str, float], steps: int, seed: int) -> pd.DataFrame:
        """The indicator frame of one run (rows 0 .. steps)."""
        from sim import GovernanceModel

        params, events = self.configured(values)
        model = GovernanceModel(params, rng=seed, events=events, agent_views=False)
        model.run(steps)
        return model.indicator_frame()

    def __call__(self, particle: Mapping[str, float]) -> dict[str, float]:
        values = self.values_of(particle)
        seed = particle_seed(self.root_seed, list(values.values()))
        frame = self.run(values, self.last_step, seed)
        return {
            name: float(frame[indicator].iloc[step - window + 1 : step + 1].mean())
            for name, indicator, step, window in self.observations
        }


def build_simulator(config: Any, targets: Targets) -> Simulator:
    """A :class:`Simulator` for an :class:`~experiments.config.ExperimentConfig`.

    Raises
    ------
    UserError
        For an unknown indicator, an unknown or fixed parameter key, an event
        index out of range, or prior bounds the model refuses (each named).
    """
    from sim import INDICATORS

    for n, observation in enumerate(targets.observations):
        if observation.indicator not in INDICATORS:
            guess = nearest(observation.indicator, INDICATORS)
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise UserError(
                f"observations[{n}].indicator: unknown indicator {show(observation.indicator)}"
                f"{hint} (allowed: the columns listed by `govsim reference`, e.g. "
                "rule_compliance, mean_satisfaction, participation_rate)"
            )
    steps = targets.observation_steps()
    simulator = Simulator(
        model=config.model.model_dump(mode="json"),
        events=tuple(e.model_dump(mode="json", exclude_none=True) for e in config.events),
        keys=tuple(targets.parameters),
        observations=tuple(
            (o.name, o.indicator, steps[o.name], o.window) for o in targets.observations
        ),
        root_seed=config.run.seed,
        log_scale=tuple(p.distribution == "loguniform" for p in targets.parameters.values()),
    )
    names = simulator.names
    if len(set(names)) != len(names):
        raise UserError(
            "parameters: two keys give the same name once dots and brackets are dropped"
        )
    for key, prior in targets.parameters.items():
        index, dotted = parameter_key(key)
        if index is not None:
            if index >= len(config.events):
                raise UserError(
                    f"parameters.{key}: the config has {len(config.events)} event(s) "
                    f"(events[0] to events[{len(config.events) - 1}])"
                    if config.events
                    else f"parameters.{key}: the config has no events"
                )
            event_keys = list(config.events[index].set)
            if dotted not in event_keys:
                guess = nearest(dotted, event_keys)
                hint = f"; did you mean events[{index}].{guess}?" if guess else ""
                raise UserError(
                    f"parameters.{key}: event {index} does not set {show(dotted)}{hint} "
                    f"(it sets: {', '.join(event_keys) or 'nothing'}); give the key a value "
                    "in the config's event first"
                )
        for bound in (prior.low, prior.high):
            try:
                params, events = simulator.configured({key: bound})
                from sim.events import check_events

                check_events(params, [_event(e) for e in events])
            except (ValueError, TypeError) as error:
                raise UserError(
                    f"parameters.{key}: the prior bound {show(bound)}: {error}"
                ) from None
    return simulator


def _event(raw: Mapping[str, Any]) -> Any:
    from sim.events import Event

    return Event.model_validate(raw)


def rule_terms(model: Any) -> dict[str, float]:
    """Mean over households of each term of the rule-compliance utility, now.

    ``U_i = reward + p_i F + w_n n_i + w_h h_i + w_l trust_i - c_i`` with the
    detection ``p_i = 1 - (1 - m)(1 - v vol_i)`` split into inspectors' part
    ``m F`` and the volunteers' addition ``(p_i - m) F``. Computed from the state
    after the step (so ``n_i`` is this step's compliance, which the next decision
    reads). Zeros while no rule is in force.
    """
    from sim.phases.rule_compliance import detection_probability

    p = model.params.rule_compliance
    if not p.rule_in_force:
        return dict.fromkeys(TERM_COLUMNS, 0.0)
    cit = model.citizens
    volunteers = model.social.neighbour_mean(cit.cooperate.astype(np.float64))
    detect = detection_probability(p.monitoring, p.volunteer_detection, volunteers)
    norm = model.social.neighbour_mean(cit.rule_complying.astype(np.float64))
    cost = p.effort_cost / model.params.fiscal.mean_income * cit.income
    return {
        "term_deterrence_inspectors": p.monitoring * p.fine,
        "term_deterrence_volunteers": float(np.mean(detect - p.monitoring)) * p.fine,
        "term_reward": p.reward,
        "term_norm": p.norm_weight * float(np.mean(norm)),
        "term_habit": p.habit_weight * float(np.mean(cit.habit)),
        "term_legitimacy": p.legitimacy_weight * float(np.mean(cit.trust)),
        "term_effort_cost": float(np.mean(cost)),
    }


def predictive_run(
    simulator: Simulator, values: Mapping[str, float], seed: int, steps: int, draw: int
) -> pd.DataFrame:
    """One posterior-predictive run over ``steps`` steps: indicators and mechanism terms.

    Columns ``draw``, ``step``, every observed indicator and :data:`TERM_COLUMNS`.
    """
    from sim import GovernanceModel

    params, events = simulator.configured(values)
    model = GovernanceModel(params, rng=seed, events=events, agent_views=False)
    terms = [rule_terms(model)]
    for _ in range(steps):
        model.step()
        terms.append(rule_terms(model))
    indicators = sorted({indicator for _, indicator, _, _ in simulator.observations})
    frame = model.indicator_frame()[indicators].reset_index()
    frame = pd.concat([frame, pd.DataFrame(terms)], axis=1)
    frame.insert(0, "draw", draw)
    return frame
