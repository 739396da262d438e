"""Risk and incidents in violating enterprises: parameters and the run's record of detections.

The mechanism itself (hazards, risk-targeted inspection, incidents, detection lag)
is in :mod:`sim.phases.risk`; its equations are there and in ``docs/ODD.md``
(section 7.6.1). It is switched off by default (``risk.enabled``), which leaves
the model exactly as without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import Field

from sim.strict import StrictBlock

__all__ = ["InspectionTargeting", "RiskLog", "RiskParams"]

InspectionTargeting = Literal["random", "risk"]


class RiskParams(StrictBlock):
    """Hazards in violating enterprises, incidents, and how inspections are targeted."""

    enabled: bool = Field(
        False,
        description="Switch on hazards, incidents and detection lag (off: the model as without them).",
    )
    hazard_growth: float = Field(
        0.01,
        ge=0.0,
        description="Hazard a violating enterprise accumulates per step of violating; the "
        "incident probability per step is 1 - exp(-hazard).",
    )
    incident_harm: float = Field(
        1.0,
        ge=0.0,
        description="Harm, in the step of an incident, to each citizen linked to the enterprise "
        "(its customers).",
    )
    inspection_targeting: InspectionTargeting = Field(
        "random",
        description="random: each enterprise is inspected with its own probability (as without "
        "risk); risk: the same number of inspections per jurisdiction goes to the enterprises "
        "with the highest observed risk score.",
    )
    score_noise: float = Field(
        0.05,
        ge=0.0,
        description="Standard deviation of the error on the observed hazard (the risk score) "
        "without an information platform; it is scaled by 1 - platform capability.",
    )
    lag_window: int = Field(
        10,
        ge=1,
        le=10_000,
        description="Steps over which detection_lag averages the lags of detected violations.",
    )


@dataclass
class RiskLog:
    """Per-step counts of inspections, detections and incidents, recent and since the start.

    The last ``window`` steps' detections and summed lags are kept in a ring buffer
    (row ``step % window``) for the windowed ``detection_lag`` indicator; the
    totals since the start serve experiments that want the whole run's rates.
    """

    window: int
    inspections: int = 0
    hits: int = 0
    incidents: int = 0
    enterprises: int = 0
    total_inspections: int = 0
    total_hits: int = 0
    total_detections: int = 0
    total_lag: int = 0
    total_incidents: int = 0
    recent_detections: np.ndarray = field(init=False)
    recent_lag: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.recent_detections = np.zeros(self.window, dtype=np.int64)
        self.recent_lag = np.zeros(self.window, dtype=np.int64)

    def resize(self, window: int) -> None:
        """Start a new recent window of ``window`` steps (an event changed it); totals stay."""
        self.window = window
        self.__post_init__()

    def record(
        self,
        step: int,
        *,
        enterprises: int,
        inspections: int,
        hits: int,
        lags: np.ndarray,
        incidents: int,
    ) -> None:
        """Record one step: inspections made, violators caught, lags of detections, incidents."""
        self.enterprises = enterprises
        self.inspections, self.hits, self.incidents = inspections, hits, incidents
        row = step % self.window
        self.recent_detections[row] = lags.size
        self.recent_lag[row] = int(lags.sum())
        self.total_inspections += inspections
        self.total_hits += hits
        self.total_detections += int(lags.size)
        self.total_lag += int(lags.sum())
        self.total_incidents += incidents

    @property
    def incident_rate(self) -> float:
        """Share of enterprises with an incident in the last step (0 without enterprises)."""
        return self.incidents / self.enterprises if self.enterprises else 0.0

    @property
    def detection_lag(self) -> float:
        """Mean lag of the detections of the last ``window`` steps (0 when there were none)."""
        count = int(self.recent_detections.sum())
        return int(self.recent_lag.sum()) / count if count else 0.0

    @property
    def hit_rate(self) -> float:
        """Violators found per inspection in the last step (0 without inspections)."""
        return self.hits / self.inspections if self.inspections else 0.0

    @property
    def mean_lag(self) -> float:
        """Mean detection lag over the whole run so far (0 without detections)."""
        return self.total_lag / self.total_detections if self.total_detections else 0.0

    @property
    def mean_hit_rate(self) -> float:
        """Violators found per inspection over the whole run so far."""
        return self.total_hits / self.total_inspections if self.total_inspections else 0.0
