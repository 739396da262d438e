"""Intrinsic motivation and its crowding-out by rewards (motivation crowding theory).

Citizens co-produce and follow household rules partly for reasons of their own:
the norm payoff of conditional cooperation in the public goods game
(:mod:`sim.phases.coproduction`) and the norm and legitimacy terms of the rule
decision (:mod:`sim.phases.rule_compliance`). Each citizen holds an intrinsic
motivation ``m_i`` in [0, 1], relative to its uncrowded level (1 = intact), that
multiplies those intrinsic terms. Extrinsic rewards raise behaviour now (they add
to the material payoff) and erode intrinsic motivation (Frey & Jegen 2001, "Motivation
crowding theory", J. Econ. Surveys 15:589; Deci, Koestner & Ryan 1999: expected
tangible rewards undermine the intrinsic motivation of those who receive them).
A citizen who receives a reward in a step moves its motivation toward a crowded-out
floor; one who receives none recovers toward 1:

    m_i <- m_i - e * max(m_i - (1 - kappa w_f), 0)      rewarded in this step
    m_i <- m_i + g * (1 - m_i)                          not rewarded

``kappa`` is ``crowding_out`` (the share of intrinsic motivation that a cash reward
displaces in the long run), ``e`` the ``erosion_rate`` per rewarded step and ``g``
the ``recovery_rate`` per unrewarded step. The form weight ``w_f`` is 1 for cash
and smaller for points and in-kind rewards: payment in money frames the activity
as a market exchange, payment in kind much less so (Heyman & Ariely 2004, "Effort
for payment", Psychol. Sci. 15:787: small candy payments did not lower effort
below unpaid effort, small cash payments did; candy with its price stated acted
like cash). Points redeemable for goods (the waste-sorting case) lie between; the
values of ``w_points`` and ``w_in_kind`` are an assumption, their order is the
source's. Erosion depends on being paid, not on the amount (the payment turns
the act into a transaction: Gneezy & Rustichini 2000a, "Pay enough or don't pay
at all", QJE 115:791); the reward's amount acts on the material payoff.

Recovery defaults to 0: crowding-out persists after a reward is withdrawn (Frey &
Jegen 2001; Gneezy & Rustichini 2000b, "A fine is a price", J. Legal Stud. 29:1:
late pick-ups stayed at their raised level for all the weeks observed after the
fine was removed); no study measures a recovery rate, so ``recovery_rate`` is a
free parameter. One motivation serves both activities, so a reward for sorting
also erodes motivation to volunteer (the spill-over effect of Frey & Jegen 2001).
With ``crowding_out = 0`` the floor is 1, ``m`` stays exactly 1 and both decisions
are today's, bit for bit.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from sim.strict import StrictBlock

__all__ = ["IncentiveParams", "RewardForm", "crowd_out", "recover"]

RewardForm = Literal["cash", "points", "in_kind"]


class IncentiveParams(StrictBlock):
    """Crowding-out of citizens' intrinsic motivation by rewards (:mod:`sim.incentives`)."""

    crowding_out: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Share of intrinsic motivation a cash reward displaces in the long run "
        "(0: rewards leave intrinsic motivation intact).",
    )
    reward_form: RewardForm = Field(
        "cash",
        description="Form of the participation and rule rewards: cash, points or in_kind "
        "(cash crowds out most).",
    )
    points_weight: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Crowding-out of a points reward relative to cash (assumption; below 1).",
    )
    in_kind_weight: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="Crowding-out of an in-kind reward relative to cash (assumption; below points).",
    )
    erosion_rate: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="Step of a rewarded citizen's intrinsic motivation toward its crowded-out floor.",
    )
    recovery_rate: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Step of an unrewarded citizen's intrinsic motivation back toward 1 "
        "(0: crowding-out persists).",
    )

    def form_weight(self) -> float:
        """Crowding-out of the configured reward form relative to cash (``w_f``).

        >>> IncentiveParams(reward_form="points").form_weight()
        0.5
        """
        return {"cash": 1.0, "points": self.points_weight, "in_kind": self.in_kind_weight}[
            self.reward_form
        ]

    @property
    def inert(self) -> bool:
        """Whether motivation can change at all (no crowding-out and no recovery)."""
        return self.crowding_out == 0.0 and self.recovery_rate == 0.0


def crowd_out(motivation: np.ndarray, rewarded: np.ndarray, params: IncentiveParams) -> None:
    """Move rewarded citizens' motivation toward the crowded-out floor, in place.

    >>> m = np.array([1.0, 1.0, 0.5])
    >>> crowd_out(m, np.array([True, False, True]), IncentiveParams(crowding_out=0.4))
    >>> m.tolist()
    [0.98, 1.0, 0.5]
    """
    if params.crowding_out == 0.0 or not rewarded.any():
        return
    floor = 1.0 - params.crowding_out * params.form_weight()
    rows = rewarded.nonzero()[0]
    m = motivation[rows]
    motivation[rows] = m - params.erosion_rate * np.maximum(m - floor, 0.0)


def recover(motivation: np.ndarray, unrewarded: np.ndarray, params: IncentiveParams) -> None:
    """Move unrewarded citizens' motivation back toward 1, in place.

    >>> m = np.array([0.5, 0.5])
    >>> recover(m, np.array([True, False]), IncentiveParams(recovery_rate=0.1))
    >>> m.tolist()
    [0.55, 0.5]
    """
    if params.recovery_rate == 0.0:
        return
    rows = (unrewarded & (motivation < 1.0)).nonzero()[0]
    motivation[rows] += params.recovery_rate * (1.0 - motivation[rows])
