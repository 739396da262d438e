"""The phases (submodels) of one step, in order (the economy and the environment off by default).

Each phase is a function of the model that updates whole arrays; the config's
``mechanisms.<name>`` switch turns it off, leaving its state as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.phases.adaptation import adapt
from sim.phases.allocation import allocate_budgets
from sim.phases.compliance import comply
from sim.phases.coproduction import coproduce
from sim.phases.economy import run_economy
from sim.phases.environment import update_environment
from sim.phases.information import update_perceived_demand
from sim.phases.network_evolution import evolve_ties
from sim.phases.revenue import collect_revenue
from sim.phases.rule_compliance import follow_rule
from sim.phases.services import deliver_services
from sim.phases.trust import assess
from sim.phases.unrest import unrest
from sim.phases.voice import voice

if TYPE_CHECKING:
    from sim.model import GovernanceModel

__all__ = ["PHASES"]

PHASES: tuple[tuple[str, Callable[[GovernanceModel], None]], ...] = (
    ("revenue", collect_revenue),
    ("information", update_perceived_demand),
    ("allocation", allocate_budgets),
    ("services", deliver_services),
    ("coproduction", coproduce),
    ("compliance", comply),
    ("economy", run_economy),  # off by default (mechanisms.economy)
    ("environment", update_environment),  # off by default (mechanisms.environment)
    ("trust", assess),
    ("voice", voice),
    ("unrest", unrest),
    ("network_evolution", evolve_ties),
    ("adaptation", adapt),
    ("rule_compliance", follow_rule),
)
