"""The governance model: a Mesa model over array-backed populations.

See ``docs/ODD.md`` for the full description (ODD protocol) and each phase's
module in :mod:`sim.phases` for its equation and source.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from mesa.discrete_space import Network

from sim.agents import Citizen, Enterprise, Government, SocialOrganization
from sim.cooperation import endow_focal_city
from sim.derived import DerivedStructure
from sim.economy import EconomyState
from sim.events import Event, apply_event, apply_settings, check_events
from sim.indicators import (
    IndicatorCollector,
    IndicatorSnapshot,
    resolve_snapshots,
    take_snapshot,
)
from sim.initialisation import (
    initial_citizens,
    initial_enterprises,
    initial_governments,
    initial_social_orgs,
)
from sim.jurisdiction_frame import JurisdictionRecord, jurisdiction_inputs, tables_frame
from sim.lever_table import LeverTable
from sim.levers import Levers
from sim.mesa_space import network_space
from sim.model_kwargs import merge_model_kwargs
from sim.network import (
    NodeIds,
    build_collaboration_graph,
    build_org_ties,
    build_social_graph,
    social_adjacency,
    sync_org_ties,
)
from sim.params import ModelParams
from sim.phases import PHASES
from sim.phases.allocation import allocate_budgets
from sim.phases.budget import settle_initial_reserves
from sim.phases.compliance import deterrence, harm_citizens
from sim.phases.coproduction import update_volunteers
from sim.phases.economy import initialise_economy, produce
from sim.phases.environment import pollution_harm
from sim.phases.information import initial_need_drift
from sim.phases.services import deliver_services
from sim.phases.trust import decide_tax_compliance, initial_beliefs
from sim.risk import RiskLog
from sim.state import Ledger
from sim.strict import show
from sim.structure import refresh_structure, track_structure

__all__ = ["GovernanceModel"]


class GovernanceModel(mesa.Model):
    """Multi-centre governance: governments, enterprises, social organisations, citizens.

    Parameters
    ----------
    params
        A :class:`~sim.params.ModelParams`, a mapping validated into one, or None
        for all defaults.
    rng
        Seed or ``numpy.random.Generator``; the run's only source of randomness.
    events
        Timeline of :class:`~sim.events.Event` (or mappings validated into them).
    agent_views
        Create one Mesa agent per actor (views onto the arrays). Switch off for
        very large runs that never look at individual agents.
    **overrides
        Any :class:`~sim.params.ModelParams` field as a flat keyword
        (``citizens=100, regime="service"``), or a dotted path into a block
        (``**{"levers.fine": 3.0}``), applied on top of ``params``; this is how
        ``mesa.batch_run`` and SolaraViz pass parameters (see
        :mod:`sim.model_kwargs` and ``docs/MESA.md``). A keyword that contradicts
        a value ``params`` sets raises ``TypeError``.

    Examples
    --------
    >>> model = GovernanceModel(ModelParams(citizens=200, regime="top_down"), rng=7)
    >>> model.run(5)
    >>> frame = model.indicator_frame()
    >>> frame.index.tolist()
    [0, 1, 2, 3, 4, 5]
    >>> bool(0.0 <= frame["mean_trust"].iloc[-1] <= 1.0)
    True
    >>> GovernanceModel(citizens=100, regime="top_down", rng=1).params.citizens
    100
    """

    def __init__(
        self,
        params: ModelParams | Mapping[str, Any] | None = None,
        *,
        rng: int | np.random.Generator | None = None,
        events: Iterable[Event | Mapping[str, Any]] = (),
        agent_views: bool = True,
        **overrides: Any,
    ) -> None:
        super().__init__(rng=rng)
        if overrides:
            params = merge_model_kwargs(params, overrides)
        elif params is None:
            params = ModelParams()
        elif not isinstance(params, ModelParams):
            params = ModelParams.model_validate(params)
        timeline = [e if isinstance(e, Event) else Event.model_validate(e) for e in events]
        check_events(params, timeline)
        self.events: list[Event] = sorted(timeline, key=lambda e: e.step)
        # settings at step 0 shape the initial state (reserves, ties); shocks follow it
        for event in self.events:
            if event.step == 0 and event.set:
                params = apply_settings(params, event.set)
        self.params: ModelParams = params.model_copy(deep=True)
        self.levers: Levers = self.params.resolved_levers()
        # the levers in force in each jurisdiction (pilot scope); rebuilt with model.levers
        self.lever_table: LeverTable = LeverTable.build(self.params)
        # tables derived from the state, built lazily (see sim/derived.py)
        self.derived: DerivedStructure = DerivedStructure()
        self._org_ties_dirty = False
        self._graph: nx.Graph | None = None
        self._grid: Network | None = None

        p = self.params
        self.domain_index: dict[str, int] = {d: i for i, d in enumerate(p.services.domains)}
        self.spillover = self.spillover_vector()
        rng_ = self.rng
        self.social_graph: nx.Graph = build_social_graph(p.citizens, p.network, rng_)
        self.social = social_adjacency(self.social_graph, p.citizens)
        self.enterprises = initial_enterprises(p, rng_)
        self.social_orgs = initial_social_orgs(p, rng_)
        self.citizens, self.jurisdiction_profiles = initial_citizens(
            p, self.social_orgs.jurisdiction, self.enterprises.jurisdiction, rng_
        )
        initial_beliefs(self.citizens, p.trust)
        endow_focal_city(p.cooperation, self.citizens.jurisdiction, self.citizens.income)
        self.governments, reserves = initial_governments(
            p, self.citizens, self.enterprises.jurisdiction
        )
        self.jurisdiction_need = self.governments.perceived_local.copy()
        self.governments.pollution[:] = p.environment.initial_stock
        self.ledger = Ledger(reserves)
        # detections and incidents of the risk mechanism (sim.phases.risk), per step
        self.risk_log = RiskLog(p.risk.lag_window)
        self.org_ties = build_org_ties(
            p.jurisdictions,
            self.enterprises.jurisdiction,
            self.social_orgs.jurisdiction,
            p.network_evolution.initial_weight,
            self.levers.intergovernmental_cooperation,
        )
        # needs have drifted since the census the governments' estimate starts from
        self.governments.need_drift[:] = initial_need_drift(
            p.information, p.jurisdictions, len(p.services.domains), rng_
        )
        self.node_ids = NodeIds(p.citizens, p.enterprise_count, p.social_org_count, p.jurisdictions)
        track_structure(self)
        if agent_views:
            self._create_agents()

        for event in self.events:
            if event.step == 0 and event.shock is not None:
                apply_event(self, event.model_copy(update={"set": {}}))
        update_volunteers(self)
        # the economy (off by default): which firms are in the market, the hiring queue
        self.economy: EconomyState | None = None
        if self.params.mechanisms.economy:
            initialise_economy(self)
        # Step 0 is a first round of what the switched-on phases set up, so that no
        # indicator starts from an empty state: enterprises make their deterrence-
        # rational choice (not all compliant) and harm follows; budgets are spent and
        # citizens served.
        switches = self.params.mechanisms
        if switches.compliance:
            self.enterprises.violating[:] = (
                self.enterprises.violation_gain > deterrence(self)
            ) & self.enterprises.active
            harm_citizens(self)
        if switches.environment:
            pollution_harm(self)  # the stock's harm replaces the flow term of phase 6
        if switches.allocation:
            allocate_budgets(self)
        if switches.services:
            deliver_services(self)
        if self.economy is not None:
            produce(self, first=True)  # jobs and incomes before the fiscal start below
            active = max(int(np.count_nonzero(self.enterprises.active)), 1)
            self.economy.reference_output = self.economy.output / active
        if switches.trust:
            # citizens decide what to declare from their initial trust, so that the
            # revenue of step 1 is the one the fiscal start below expects
            decide_tax_compliance(self)
        if (
            switches.allocation
            and switches.services
            and p.fiscal.initial_reserves_per_capita is None
        ):
            settle_initial_reserves(self)  # start step 1 at the fiscal steady state
        self.indicator_snapshot: IndicatorSnapshot = take_snapshot(self)
        # resolved now: step 0's indicators are part of building the model (the first
        # resolution also sorts the citizens' needs once, for service_match)
        resolve_snapshots(self, [self.indicator_snapshot])
        self.datacollector = IndicatorCollector()
        self.datacollector.collect(self)
        # the recorded steps' inputs and the tables computed from them (sim.jurisdiction_frame)
        self._jurisdictions = JurisdictionRecord()
        self._record_jurisdiction_rows()

    def _create_agents(self) -> None:
        # the only place views are made: one per row (see ArrayAgent.__init__)
        self._making_views = True
        try:
            for i in range(len(self.citizens)):
                Citizen(self, i)
            for i in range(len(self.enterprises)):
                Enterprise(self, i)
            for i in range(len(self.social_orgs)):
                SocialOrganization(self, i)
            for i in range(len(self.governments)):
                Government(self, i)
        finally:
            self._making_views = False

    def spillover_vector(self) -> np.ndarray:
        """Spill-over share of each domain, in domain order."""
        svc = self.params.services
        return np.array([svc.spillover.get(d, 0.0) for d in svc.domains], dtype=np.float64)

    def step(self) -> None:
        """Apply this step's events, run every enabled phase, record indicators."""
        # hand edits of needs, jurisdictions or memberships; checked before anything
        # changes, so that a refused edit leaves the model as it was
        refresh_structure(self)
        for event in self.events:
            if event.step == self.steps:
                apply_event(self, event)
        self.ledger.start_step()
        switches = self.params.mechanisms
        for name, phase in PHASES:
            if getattr(switches, name):
                phase(self)
        self.indicator_snapshot = take_snapshot(self)
        self.datacollector.collect(self)
        self._record_jurisdiction_rows()

    @property
    def indicators(self) -> dict[str, float]:
        """Every indicator of :data:`sim.INDICATORS` after the last step (or at step 0)."""
        snapshot = self.indicator_snapshot
        if not snapshot.resolved:
            resolve_snapshots(self, [snapshot])
        return snapshot.values  # a new dict: editing it changes nothing recorded

    def run(self, steps: int) -> None:
        """Advance the model by ``steps`` steps.

        Raises
        ------
        TypeError
            If ``steps`` is not an integer (``True`` is refused, not taken as 1).
        ValueError
            If ``steps`` is negative.
        """
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
            raise TypeError(f"steps must be an integer (got {show(steps)})")
        if steps < 0:
            raise ValueError(f"steps must be 0 or more (got {show(steps)})")
        for _ in range(steps):
            self.step()

    def indicator_frame(self) -> pd.DataFrame:
        """Indicators recorded so far, one row per step (index ``step``, from 0)."""
        frame = self.datacollector.get_model_vars_dataframe()
        frame.index = pd.RangeIndex(len(frame), name="step")
        return frame

    def _record_jurisdiction_rows(self) -> None:
        every = self.params.metrics.jurisdictions_every
        if every and self.steps % every == 0:
            # the inputs of the step's table; the tables are computed when read
            self._jurisdictions.add(self.steps, jurisdiction_inputs(self))

    def jurisdiction_frame(self) -> pd.DataFrame:
        """Indicators per jurisdiction recorded so far: one row per step and jurisdiction.

        Columns ``step``, ``jurisdiction`` and those of
        :data:`sim.jurisdiction_frame.JURISDICTION_INDICATORS` (pilot scope: compare a
        pilot jurisdiction with its neighbours). Recorded at steps 0, k, 2k ... for
        ``k = metrics.jurisdictions_every`` (every step by default).
        """
        tables = self.jurisdiction_tables()
        return tables_frame(self.jurisdiction_steps(), tables)

    def jurisdiction_steps(self) -> list[int]:
        """The steps recorded per jurisdiction so far, in order (rows of :meth:`jurisdiction_tables`)."""
        return self._jurisdictions.steps

    def jurisdiction_tables(self) -> np.ndarray:
        """Indicators per jurisdiction recorded so far as a ``T x J x K`` array (read-only).

        One ``J x K`` table per recorded step (:meth:`jurisdiction_steps`), columns
        in :data:`sim.jurisdiction_frame.JURISDICTION_INDICATORS` order: the numbers
        of :meth:`jurisdiction_frame` without building the data frame. The tables
        of the steps recorded since the last read are computed (in one batch) and
        kept, and their inputs dropped, so a read costs only the new steps
        (:class:`sim.jurisdiction_frame.JurisdictionRecord`).
        """
        gov = self.governments
        return self._jurisdictions.tables(gov.n_jurisdictions, gov.n_domains)

    def mark_org_ties_changed(self) -> None:
        """Note that organisational ties changed, so the graph needs a sync."""
        self._org_ties_dirty = True
        self._grid = None

    @property
    def grid(self) -> Network:
        """The collaboration graph as a Mesa network space (built when first read).

        What Mesa's ``make_space_component`` draws: a
        ``mesa.discrete_space.Network`` over :attr:`graph` (``layout=None``), one
        cell per node holding that actor's agent view. It is rebuilt on the
        first read after organisational ties change, so it is never stale, and
        never built by runs that do not look at it. Agents do not move between
        cells: who is where is the model's structure, changed by its phases.
        """
        grid = self._grid
        graph = self.graph  # syncs organisational ties first
        if grid is None or grid.G is not graph:
            grid = self._grid = network_space(self, graph)
        return grid

    @property
    def space(self) -> Network:
        """Same as :attr:`grid` (Mesa's components look for either name)."""
        return self.grid

    @property
    def graph(self) -> nx.Graph:
        """The full collaboration graph (built on first access, then kept in sync).

        Nodes carry ``kind`` (citizen, enterprise, social_org, government),
        ``index`` and ``jurisdiction``; edges carry ``kind`` and ``weight``.
        """
        if self._graph is None:
            c = self.citizens
            self._graph = build_collaboration_graph(
                nx.Graph(self.social_graph),
                self.node_ids,
                c.jurisdiction,
                c.enterprise,
                c.social_org,
                self.enterprises.jurisdiction,
                self.social_orgs.jurisdiction,
                self.org_ties,
            )
            self._org_ties_dirty = False
        elif self._org_ties_dirty:
            sync_org_ties(self._graph, self.org_ties, self.node_ids)
            self._org_ties_dirty = False
        return self._graph
