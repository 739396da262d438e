"""govsim's model: multi-centre governance as an agent-based model on a network.

>>> from sim import GovernanceModel, ModelParams
>>> GovernanceModel(ModelParams(citizens=100), rng=3).params.citizens
100
"""

from sim.agents import Citizen, Enterprise, Government, SocialOrganization
from sim.events import Event, Shock
from sim.indicators import INDICATORS
from sim.levers import REGIME_NAMES, REGIME_PRESETS, Levers
from sim.model import GovernanceModel
from sim.params import PHASE_NAMES, ModelParams

__all__ = [
    "INDICATORS",
    "PHASE_NAMES",
    "REGIME_NAMES",
    "REGIME_PRESETS",
    "Citizen",
    "Enterprise",
    "Event",
    "GovernanceModel",
    "Government",
    "Levers",
    "ModelParams",
    "Shock",
    "SocialOrganization",
]
