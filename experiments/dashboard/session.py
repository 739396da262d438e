"""One browser tab's dashboard: its model, its pictures and the worker that runs them.

A :class:`Session` owns a model and its views and does everything to them on one
worker thread, in the order the commands arrive (Step, Play, Pause, Reset, view
options), so a button press never finds the model half-stepped and the page stays
responsive while the worker computes. After each command, and at each tick of
Play, it hands a :class:`Frame` (what the page shows) to a ``publish`` callback;
the page updates only the widgets whose part of the frame changed.

Play keeps a fixed pace (the play speed, :data:`DEFAULT_PLAY_RATE` steps per
second by default), like a game loop: steps missed while a frame was drawn are made
up. Every step updates the step counter and status line; the charts are redrawn
when there is time before the next step, otherwise after a pause twice as long as
a frame takes (so a slow or busy machine shows fewer frames rather than fewer
steps); the collaboration graph, several times a chart's cost, at most every
:data:`GRAPH_PERIOD` seconds. Step, Pause and Reset redraw everything.
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from experiments.dashboard.charts import GraphView, LineChart
from experiments.dashboard.controls import DashboardSetup, Settings, model_kwargs
from experiments.dashboard.jurisdictions import JURISDICTION_INDICATORS
from experiments.dashboard.model import DashboardModel
from experiments.present.style import INDICATOR_LABELS

__all__ = [
    "CITIZEN_INDICATORS",
    "DEFAULT_PLAY_RATE",
    "GOVERNANCE_INDICATORS",
    "GRAPH_PERIOD",
    "MIN_FRAME_GAP",
    "VIEWS",
    "Controls",
    "Frame",
    "Session",
]

CITIZEN_INDICATORS: tuple[str, ...] = (
    "mean_trust",
    "mean_satisfaction",
    "participation_rate",
    "unrest_rate",
)
GOVERNANCE_INDICATORS: tuple[str, ...] = (
    "compliance_rate",
    "service_coverage",
    "polycentricity",
    "jurisdiction_equity",
)
VIEWS: tuple[str, ...] = ("graph", "citizens", "governance", "jurisdictions")
DEFAULT_PLAY_RATE = 10  # steps per second Play aims at
GRAPH_PERIOD = 0.5  # seconds between graph redraws while playing
MIN_FRAME_GAP = 0.25  # seconds between frames while playing, when there is no time to spare
_RATE_WINDOW = 2.0  # seconds of play over which the shown rate is measured
_CATCH_UP = 2.0  # seconds behind the pace that Play still makes up
# per-jurisdiction indicators on the 0-1 scale (the others get a growing y range)
_UNIT_SCALE = frozenset(JURISDICTION_INDICATORS) - {"provision_per_capita", "enforcement_effort"}


@dataclass(frozen=True)
class Controls:
    """The part of a frame the buttons and settings depend on (it changes rarely).

    Attributes
    ----------
    ready
        Whether a model exists (Step and Play need one).
    playing
        Whether Play is on.
    busy
        What the worker is doing while it builds a model or steps; else None.
    error
        The last error, if any.
    settings
        The settings the current model was built from.
    """

    ready: bool = False
    playing: bool = False
    busy: str | None = None
    error: str | None = None
    settings: Settings | None = None


@dataclass(frozen=True)
class Frame:
    """What the page shows; a new one is published after every change.

    Attributes
    ----------
    step
        The model's step (None before the first model); while playing on a busy
        machine, the pictures may show an earlier one.
    status
        One line on the model (regime, decentralisation, levers in force).
    caption
        What the graph view draws.
    images
        PNG of each view of :data:`VIEWS` that has been drawn.
    rate
        Steps per second over the last seconds of Play (None when not playing).
    controls
        Play, busy and error state, and the settings in force.
    """

    step: int | None = None
    status: str = ""
    caption: str = ""
    images: Mapping[str, bytes] = field(default_factory=dict)
    rate: float | None = None
    controls: Controls = field(default_factory=Controls)


_CONTROL_FIELDS = frozenset(Controls.__dataclass_fields__)


class Session:
    """The model of one browser tab and the worker thread that steps and draws it.

    Parameters
    ----------
    setup
        The config the tab started from.
    publish
        Called (on the worker thread) with each new :class:`Frame`.
    play_rate
        Steps per second Play aims at.
    size_by, jurisdiction_indicator
        Initial options of the graph and per-jurisdiction views.
    connected
        Whether a browser still shows the tab; Play pauses when none does (a closed
        tab's server side lives on for a while, in case the browser reconnects).
    """

    def __init__(
        self,
        setup: DashboardSetup,
        publish: Callable[[Frame], None],
        play_rate: float = DEFAULT_PLAY_RATE,
        size_by: str = "capacity",
        jurisdiction_indicator: str = "mean_trust",
        connected: Callable[[], bool] = lambda: True,
    ) -> None:
        self.setup = setup
        self._publish = publish
        self._connected = connected
        self._commands: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="govsim-dashboard", daemon=True)
        self.frame = Frame()
        self.model: DashboardModel | None = None
        self.play_rate = float(play_rate)
        self.size_by = size_by
        self.jurisdiction_indicator = jurisdiction_indicator
        self._graph: GraphView | None = None
        self._charts: dict[str, LineChart] = {}
        self._played: deque[tuple[float, int]] = deque()  # (time, step) while playing
        self._graph_drawn_at = 0.0
        self._frame_drawn_at = 0.0
        # seconds to draw (and publish) the charts, and the graph: running estimates
        self._costs = {"charts": 0.0, "graph": 0.0}
        self._last_graph_cost = 0.0

    # ------------------------------------------------------------ commands (any thread)

    def start(self, settings: Settings) -> None:
        """Build the first model from ``settings`` and start the worker."""
        self._commands.put(("reset", settings))
        self._thread.start()

    def step(self) -> None:
        """Advance one step (ignored while playing)."""
        self._commands.put(("step", None))

    def play(self) -> None:
        """Step continuously at :attr:`play_rate` until :meth:`pause`."""
        self._commands.put(("play", None))

    def pause(self) -> None:
        """Stop playing."""
        self._commands.put(("pause", None))

    def reset(self, settings: Settings) -> None:
        """Stop playing and build a new model from ``settings``."""
        self._commands.put(("reset", settings))

    def set_play_rate(self, rate: float) -> None:
        """Steps per second Play aims at."""
        self._commands.put(("rate", float(rate)))

    def set_size_by(self, size_by: str) -> None:
        """Graph view: size nodes by ``"capacity"`` or ``"degree"`` (redrawn now)."""
        self._commands.put(("size_by", size_by))

    def set_jurisdiction_indicator(self, name: str) -> None:
        """Per-jurisdiction view: show indicator ``name`` (redrawn now)."""
        if name not in JURISDICTION_INDICATORS:
            raise ValueError(f"unknown per-jurisdiction indicator {name!r}")
        self._commands.put(("jurisdiction", name))

    def close(self, timeout: float | None = 5.0) -> None:
        """Stop the worker (the tab was closed)."""
        self._commands.put(("close", None))
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def wait_idle(self, timeout: float = 60.0) -> Frame:
        """Block until every command sent so far is done (for tests and scripts)."""
        done = threading.Event()
        self._commands.put(("signal", done))
        if not done.wait(timeout):
            raise TimeoutError("the dashboard worker did not finish its commands")
        return self.frame

    # ------------------------------------------------------------ the worker

    def _work(self) -> None:
        next_tick = 0.0
        while True:
            playing = self.frame.controls.playing
            timeout = max(0.0, next_tick - time.monotonic()) if playing else None
            try:
                command, argument = self._commands.get(timeout=timeout)
            except queue.Empty:
                # a fixed pace: steps missed while a frame was drawn are made up (without
                # drawing, see _tick), but never more than _CATCH_UP seconds' worth
                next_tick = max(next_tick + 1.0 / self.play_rate, time.monotonic() - _CATCH_UP)
                self._guarded(self._tick, next_tick)
                continue
            if command == "close":
                return
            if command == "play" and not playing:
                next_tick = time.monotonic()
            self._guarded(self._handle, command, argument)

    def _guarded(self, action: Callable[..., None], *args: Any) -> None:
        """Run ``action``; an error stops Play and is shown, the worker lives on."""
        try:
            action(*args)
        except Exception as error:  # shown on the page: the tab must survive it
            traceback.print_exc()
            try:
                self._show(
                    rate=None, busy=None, playing=False, error=f"{type(error).__name__}: {error}"
                )
            except Exception:  # the page cannot be told (gone): stop working for it
                self._commands.put(("close", None))

    def _handle(self, command: str, argument: Any) -> None:
        controls = self.frame.controls
        if command == "signal":
            argument.set()
        elif command == "reset":
            self._show(busy="Building the model…", playing=False, rate=None)
            self._build(argument)
        elif command == "step" and not controls.playing and self.model is not None:
            self._show(busy="Stepping…")
            self.model.step()
            self._show(busy=None, **self._draw(VIEWS))
        elif command == "play" and self.model is not None and not controls.playing:
            self._played.clear()
            self._show(playing=True, error=None)
        elif command == "pause" and controls.playing:
            self._show(playing=False, rate=None, **self._draw(VIEWS))
        elif command == "rate":
            self.play_rate = max(0.1, argument)
        elif command == "size_by" and argument != self.size_by:
            self.size_by = argument
            if self.model is not None:
                self._graph = GraphView(self.model, size_by=argument)
                self._show(**self._draw(("graph",)))
        elif command == "jurisdiction" and argument != self.jurisdiction_indicator:
            self.jurisdiction_indicator = argument
            if self.model is not None:
                self._charts["jurisdictions"] = self._jurisdiction_chart(self.model)
                self._show(**self._draw(("jurisdictions",)))

    def _tick(self, next_tick: float) -> None:
        """One step of Play, and a new frame when there is time for one.

        The charts are redrawn when the drawing fits before the next step is due;
        when it does not (a slow or busy machine), after a pause at least twice as
        long as a frame takes, and at least :data:`MIN_FRAME_GAP` seconds, so that
        drawing takes at most a third of the time and the model keeps the pace set
        by the play speed. The graph, costlier, is redrawn at most every
        :data:`GRAPH_PERIOD` seconds and after four times its drawing time.
        """
        model = self.model
        if model is None:
            return
        if not self._connected():
            self._show(playing=False, rate=None)
            return
        model.step()
        now = time.monotonic()
        self._played.append((now, model.steps))
        while now - self._played[0][0] > _RATE_WINDOW:
            self._played.popleft()
        (t0, s0), (t1, s1) = self._played[0], self._played[-1]
        rate = (s1 - s0) / (t1 - t0) if t1 > t0 else None
        fits = now + self._costs["charts"] <= next_tick
        due = now - self._frame_drawn_at >= max(MIN_FRAME_GAP, 2 * self._costs["charts"])
        if not (fits or due):
            # no pictures this time (the next frame shows this step's outcome), but the
            # counter and the status line, two short texts, follow every step
            self._show(rate=rate, step=model.steps, status=model.describe())
            return
        views = [view for view in VIEWS if view != "graph"]
        if now - self._graph_drawn_at >= max(GRAPH_PERIOD, 4 * self._costs["graph"]):
            views.append("graph")
        self._show(rate=rate, **self._draw(views))
        self._estimate("charts", time.monotonic() - now - self._last_graph_cost)

    def _estimate(self, part: str, seconds: float) -> None:
        """A running estimate of a part's drawing time, so that one slow frame is not the rule."""
        old = self._costs[part]
        self._costs[part] = seconds if old == 0.0 else 0.7 * old + 0.3 * seconds

    # ------------------------------------------------------------ building and drawing

    def _build(self, settings: Settings) -> None:
        model = DashboardModel(**model_kwargs(self.setup, settings))
        events = sorted({int(e["step"]) for e in self.setup.events})
        self.model = model
        self._graph = GraphView(model, size_by=self.size_by)
        self._charts = {
            "citizens": LineChart(
                "Citizens",
                "Share or index (0-1)",
                [INDICATOR_LABELS.get(n, n) for n in CITIZEN_INDICATORS],
                events=events,
            ),
            "governance": LineChart(
                "Governance",
                "Share or index (0-1)",
                [INDICATOR_LABELS.get(n, n) for n in GOVERNANCE_INDICATORS],
                events=events,
            ),
            "jurisdictions": self._jurisdiction_chart(model),
        }
        self._costs = {"charts": 0.0, "graph": 0.0}
        self._show(busy=None, settings=settings, error=None, ready=True, **self._draw(VIEWS))

    def _jurisdiction_chart(self, model: DashboardModel) -> LineChart:
        n_jur = model.governments.n_jurisdictions
        name = self.jurisdiction_indicator
        return LineChart(
            "By jurisdiction",
            JURISDICTION_INDICATORS[name],
            [f"Jurisdiction {j + 1}" for j in range(n_jur)] + ["All (whole model)"],
            ylim=(-0.02, 1.02) if name in _UNIT_SCALE else None,
            events=sorted({int(e["step"]) for e in self.setup.events}),
            legend_columns=3,
        )

    def _draw(self, views: tuple[str, ...] | list[str]) -> dict[str, Any]:
        """Redraw ``views`` of the current model; the frame fields that changed."""
        model = self.model
        assert model is not None
        images = dict(self.frame.images)
        self._last_graph_cost = 0.0
        if "graph" in views:
            assert self._graph is not None
            started = time.monotonic()
            images["graph"] = self._graph.render(model)
            self._graph_drawn_at = time.monotonic()
            self._last_graph_cost = self._graph_drawn_at - started
            self._estimate("graph", self._last_graph_cost)
        self._frame_drawn_at = time.monotonic()
        table = model.datacollector.model_vars  # lists, one entry per step from 0
        steps = np.arange(len(table["mean_trust"]))
        for view, names in (
            ("citizens", CITIZEN_INDICATORS),
            ("governance", GOVERNANCE_INDICATORS),
        ):
            if view in views:
                images[view] = self._charts[view].render(
                    steps, [np.asarray(table[name], dtype=np.float64) for name in names]
                )
        if "jurisdictions" in views:
            values = model.jurisdiction_series(self.jurisdiction_indicator)
            overall = _whole_model(model, self.jurisdiction_indicator, values)
            images["jurisdictions"] = self._charts["jurisdictions"].render(
                steps, [*values.T, overall]
            )
        return {
            "images": images,
            "step": model.steps,
            "status": model.describe(),
            "caption": f"{model.graph_layout.caption()}. Node size: {self.size_by} within each type.",
        }

    def _show(self, **changes: Any) -> None:
        """Publish the frame with ``changes`` (fields of :class:`Frame` or :class:`Controls`)."""
        controls = {k: changes.pop(k) for k in list(changes) if k in _CONTROL_FIELDS}
        if controls:
            changes["controls"] = replace(self.frame.controls, **controls)
        self.frame = replace(self.frame, **changes)
        self._publish(self.frame)


def _whole_model(model: DashboardModel, name: str, values: np.ndarray) -> np.ndarray:
    """The whole model's value of a per-jurisdiction indicator at each step.

    Citizens' indicators weight jurisdictions by population, compliance by number of
    enterprises (both fixed during a run); provision and effort by jurisdiction.
    """
    n_jur = values.shape[1]
    if name == "compliance_rate":
        weights = np.bincount(model.enterprises.jurisdiction, minlength=n_jur).astype(np.float64)
    elif name in ("provision_per_capita", "enforcement_effort"):
        weights = np.ones(n_jur)
    else:
        weights = np.bincount(model.citizens.jurisdiction, minlength=n_jur).astype(np.float64)
    present = np.isfinite(values)
    total = np.where(present, values, 0.0) @ weights
    return total / np.maximum(present @ weights, 1e-300)
