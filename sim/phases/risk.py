"""Risk and incidents: hazards in violating enterprises, targeted inspection, detection lag.

Part of phase 6 (:func:`sim.phases.compliance.comply` calls it when
``risk.enabled``; off by default). Risk prevention (风险防控) in the source's
school food-safety case: violations do not only harm continuously (phase 6's
``h_i``), they build up a hazard that may break out as an incident, and
data-driven inspection (risk early warning) aims to find the hazardous ones
before it does.

**Hazard.** A violation spell of enterprise ``e`` starts in the first step it
violates (``start_e = t``) and ends when it stops violating or is detected. While
it runs, a hazard builds up (assumption: a linear build-up, the simplest
cumulative hazard):

    h_e <- h_e + g    if violate_e,      h_e <- 0 otherwise

**Inspection.** ``random`` (default, as without risk): each enterprise is
inspected with its own probability ``p_e`` (phase 6). ``risk``: the same number of
inspections per jurisdiction, ``k_j = sum_{e in j} inspected_e`` of that same draw,
goes to the ``k_j`` enterprises with the highest risk score, the hazard observed
with an error that shrinks with the information platform's capability ``pi_j``
(section 7.2; data-driven, risk-based inspection needs data):

    s_e = h_e + sigma_s (1 - pi_j(e)) eps_e,     eps_e ~ N(0, 1)

(ties broken at random). Risk-based targeting of inspections and public disclosure
of their results is the restaurant-hygiene literature's setting (Jin & Leslie
2003; Starbird 2005); deterrence stays Becker's (1968): enterprises decide on the
nominal inspection probability ``p_e`` (they do not know the targeting rule;
assumption).

**Detection and incidents.** A caught violator is detected and its hazard is
removed (``h_e <- 0``). Each remaining hazard breaks out as an incident with the
probability of a constant hazard rate ``h_e`` over one step:

    incident_e ~ Bernoulli(1 - exp(-h_e))

An incident harms every citizen linked to the enterprise (its customers) in this
step, on top of phase 6's harm, ``h_i += H [incident_e(i)]``, and reveals the
violation (it is detected too and its hazard is removed). Citizens experience the
harm (phase 9: quality ``coverage - w_h h``), so incidents lower satisfaction and,
through it, trust; nothing here touches an attitude. The detection lag of a spell
is ``t - start_e`` (0: found in the step it began); spells that end without
detection are not counted. ``incident_rate`` is the share of enterprises with an
incident in the step, ``detection_lag`` the mean lag of the detections of the last
``risk.lag_window`` steps (0 when there were none), ``inspection_hit_rate`` the
violators found per inspection in the step.

State contract (``READS`` / ``WRITES``; phase 6 declares them too):

reads ``citizens.enterprise``, ``citizens.harm``, ``enterprises.hazard``,
``enterprises.incident``, ``enterprises.jurisdiction``, ``enterprises.spell_start``,
``governments.n_jurisdictions``, ``levers``, ``params.information``, ``params.risk``,
``risk_log``;

writes ``enterprises.hazard``, ``enterprises.spell_start``, ``enterprises.incident``,
``citizens.harm``, ``risk_log``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.phases.information import platform_capability

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = [
    "READS",
    "WRITES",
    "grow_hazards",
    "settle_risks",
    "target_inspections",
    "top_k_per_group",
]

READS: tuple[str, ...] = (
    "citizens.enterprise",
    "citizens.harm",
    "enterprises.hazard",
    "enterprises.incident",
    "enterprises.jurisdiction",
    "enterprises.spell_start",
    "governments.n_jurisdictions",
    "levers",
    "params.information",
    "params.risk",
    "risk_log",
)
WRITES: tuple[str, ...] = (
    "enterprises.hazard",
    "enterprises.spell_start",
    "enterprises.incident",
    "citizens.harm",
    "risk_log",
)


def grow_hazards(model: GovernanceModel, violate: np.ndarray) -> None:
    """Start and end violation spells and build up the hazard of this step's violators."""
    ent = model.enterprises
    starting = violate & (ent.spell_start < 0)
    ent.spell_start[starting] = model.steps
    ent.spell_start[~violate] = -1
    ent.hazard[~violate] = 0.0
    ent.hazard[violate] += model.params.risk.hazard_growth


def top_k_per_group(
    score: np.ndarray, group: np.ndarray, k: np.ndarray, tiebreak: np.ndarray
) -> np.ndarray:
    """Mask of the ``k[g]`` highest scores within each group ``g`` (ties by ``tiebreak``).

    >>> top_k_per_group(np.array([0.1, 0.9, 0.5, 0.2]), np.array([0, 0, 1, 1]),
    ...                 np.array([1, 2]), np.zeros(4)).tolist()
    [False, True, True, True]
    """
    n_groups = k.size
    order = np.lexsort((tiebreak, -score, group))
    counts = np.bincount(group, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sorted_group = group[order]
    rank = np.arange(score.size) - starts[sorted_group]
    chosen = np.zeros(score.size, dtype=bool)
    chosen[order] = rank < k[sorted_group]
    return chosen


def target_inspections(model: GovernanceModel, inspected: np.ndarray) -> np.ndarray:
    """The inspections made: ``inspected`` (random) or as many per jurisdiction by risk score.

    The score's errors and tie-breaks are drawn in both modes, so that random and
    risk-targeted runs of one seed use the same random numbers (paired comparisons).
    """
    ent = model.enterprises
    risk = model.params.risk
    rng = model.rng
    n = len(ent)
    eps = rng.standard_normal(n)
    tiebreak = rng.random(n)
    if risk.inspection_targeting == "random":
        return inspected
    table = model.lever_table
    capability = np.broadcast_to(
        platform_capability(
            table.local("information_lag"),
            table.local("information_noise"),
            model.params.information.noise_reference,
        ),
        (model.governments.n_jurisdictions,),
    )
    noise = risk.score_noise * (1.0 - np.take(capability, ent.jurisdiction))
    score = ent.hazard + noise * eps
    k = np.bincount(
        ent.jurisdiction, weights=inspected, minlength=model.governments.n_jurisdictions
    )
    return top_k_per_group(score, ent.jurisdiction, k.astype(np.int64), tiebreak)


def settle_risks(model: GovernanceModel, inspected: np.ndarray, caught: np.ndarray) -> None:
    """Detect the caught, draw incidents, harm the incidents' customers, record lags."""
    ent = model.enterprises
    cit = model.citizens
    risk = model.params.risk
    if model.risk_log.window != risk.lag_window:
        model.risk_log.resize(risk.lag_window)
    ent.hazard[caught] = 0.0
    ent.incident[:] = model.rng.random(len(ent)) < -np.expm1(-ent.hazard)
    ent.hazard[ent.incident] = 0.0
    detected = caught | ent.incident
    lags = model.steps - ent.spell_start[detected]
    ent.spell_start[detected] = -1
    model.risk_log.record(
        model.steps,
        enterprises=len(ent),
        inspections=int(np.count_nonzero(inspected)),
        hits=int(np.count_nonzero(caught)),
        lags=lags,
        incidents=int(np.count_nonzero(ent.incident)),
    )
    if risk.incident_harm > 0 and ent.incident.any():
        direct = np.concatenate([[0.0], risk.incident_harm * ent.incident])
        cit.harm += np.take(direct, cit.enterprise + 1)
