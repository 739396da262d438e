"""The dashboard page's parts: run controls, settings, and the four views.

What changes at every step of Play (the four pictures, the step counter, the status
line) is shown by widgets created once and then updated in place from the session's
worker (:class:`LiveOutputs`): a frame costs a few widget messages, not a re-render
of the page (which, with its dozen sliders, costs tens of milliseconds), and the
browser receives a picture only when it changed. The buttons and the settings are
ordinary Solara components, re-rendered when their reactive values change.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Mapping
from dataclasses import replace

import ipywidgets
import reacton.ipywidgets as rw
import solara

from experiments.dashboard.controls import (
    CITIZEN_RANGE,
    LEVER_SLIDERS,
    DashboardSetup,
    Settings,
    lever_range,
    slider_label,
    with_regime,
)
from experiments.dashboard.jurisdictions import JURISDICTION_INDICATORS
from experiments.dashboard.session import Controls, Frame, Session
from sim import REGIME_NAMES

__all__ = [
    "PENDING_NOTE",
    "SETTINGS_NOTE",
    "ApplyNote",
    "LiveOutputs",
    "LiveText",
    "LiveView",
    "RunControls",
    "SettingsPanel",
    "Views",
    "frame_outputs",
]

SETTINGS_NOTE = "Settings apply on Reset: Reset builds a new model from them."
PENDING_NOTE = "Changed settings: press Reset to apply them."


@solara.component
def RunControls(
    session: Session,
    controls: solara.Reactive[Controls],
    settings: solara.Reactive[Settings],
    outputs: LiveOutputs,
) -> None:
    """Reset, Play/Pause, Step, play speed, the step counter and the busy indicator."""
    state = controls.value
    rate = solara.use_reactive(session.play_rate)
    busy = state.busy is not None
    with solara.Card("Run"):
        with solara.Row(justify="space-between"):
            solara.Button(
                "Reset",
                color="primary",
                on_click=lambda: session.reset(settings.value),
                disabled=busy,
            )
            if state.playing:
                solara.Button(
                    "Pause", color="primary", icon_name="mdi-pause", on_click=session.pause
                )
            else:
                solara.Button(
                    "Play",
                    color="primary",
                    icon_name="mdi-play",
                    on_click=session.play,
                    disabled=busy or not state.ready,
                )
            solara.Button(
                "Step",
                color="primary",
                on_click=session.step,
                disabled=busy or state.playing or not state.ready,
            )

        def set_rate(value: int) -> None:
            rate.set(value)
            session.set_play_rate(value)

        solara.SliderInt(
            slider_label("Play speed (steps/s)", rate.value, 1),
            value=rate.value,
            on_value=set_rate,
            min=1,
            max=30,
            step=1,
        )
        with solara.Row(gap="12px"):
            LiveText(outputs, "step")
            LiveText(outputs, "rate")
        if busy:
            with solara.Column(classes=["govsim-busy"], gap="2px"):
                solara.ProgressLinear(True)
                solara.Text(state.busy or "")
        if state.error:
            solara.Error(state.error, classes=["govsim-error"])


@solara.component
def ApplyNote(controls: solara.Reactive[Controls], settings: solara.Reactive[Settings]) -> None:
    """The note that settings act on Reset, and a warning while some are not applied."""
    applied = controls.value.settings
    if applied is not None and applied != settings.value:
        solara.Warning(PENDING_NOTE, dense=True, classes=["govsim-pending"])
    else:
        solara.Info(SETTINGS_NOTE, dense=True, classes=["govsim-note"])


@solara.component
def SettingsPanel(setup: DashboardSetup, settings: solara.Reactive[Settings]) -> None:
    """Regime, decentralisation, population and lever sliders, each showing its value.

    Choosing a regime moves every lever slider to that regime's preset.
    """
    current = settings.value
    # every regime's preset is validated to find a range: once per page, not per render
    ranges = solara.use_memo(
        lambda: {lever: lever_range(setup, lever) for lever in LEVER_SLIDERS}, []
    )

    def update(**changes) -> None:
        settings.set(replace(settings.value, **changes))

    solara.Select(
        "Regime (lever sliders follow its preset)",
        value=current.regime,
        values=list(REGIME_NAMES),
        on_value=lambda regime: settings.set(with_regime(setup, settings.value, regime)),
    )
    solara.SliderFloat(
        slider_label("Decentralisation (0-1)", current.decentralization, 0.05),
        value=current.decentralization,
        on_value=lambda v: update(decentralization=round(float(v), 10)),
        min=0.0,
        max=1.0,
        step=0.05,
    )
    low, high, step = CITIZEN_RANGE
    solara.SliderInt(
        slider_label("Citizens", current.citizens, step),
        value=current.citizens,
        on_value=lambda v: update(citizens=int(v)),
        min=low,
        max=max(high, current.citizens),
        step=step,
    )
    solara.Text("Levers", style={"font-weight": "bold", "margin-top": "8px"})
    for lever, (label, *_rest) in LEVER_SLIDERS.items():
        low, high, step = ranges[lever]

        def set_lever(value: float, lever: str = lever) -> None:
            levers = dict(settings.value.levers)
            levers[lever] = round(float(value), 10)  # the slider's float noise is not a change
            update(levers=levers)

        solara.SliderFloat(
            slider_label(label, current.levers[lever], step),
            value=current.levers[lever],
            on_value=set_lever,
            min=low,
            max=high,
            step=step,
        )


class LiveOutputs:
    """Widgets updated in place, frame after frame, by name (views, step, status ...).

    Components register their widget when mounted (:meth:`attach`); the session's
    worker calls :meth:`show` with each frame's values (:func:`frame_outputs`). A
    value equal to the one shown is not sent again; a widget attached late gets the
    latest value.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._widgets: dict[str, ipywidgets.Widget] = {}
        self._values: dict[str, bytes | str] = {}

    def attach(self, name: str, widget: ipywidgets.Widget) -> None:
        """Show ``name``'s values in ``widget`` from now on."""
        with self._lock:
            self._widgets[name] = widget
            if name in self._values:
                widget.value = self._values[name]

    def detach(self, name: str, widget: ipywidgets.Widget) -> None:
        """Stop updating ``widget`` (its component was removed)."""
        with self._lock:
            if self._widgets.get(name) is widget:
                del self._widgets[name]

    def show(self, values: Mapping[str, bytes | str]) -> None:
        """Put each value in its widget, if it changed."""
        with self._lock:
            for name, value in values.items():
                old = self._values.get(name)
                if old is value or old == value:
                    continue
                self._values[name] = value
                widget = self._widgets.get(name)
                if widget is not None:
                    widget.value = value

    def value(self, name: str) -> bytes | str | None:
        """The last value shown under ``name``."""
        with self._lock:
            return self._values.get(name)


def frame_outputs(frame: Frame) -> dict[str, bytes | str]:
    """What a frame shows in the live widgets: pictures as PNG, texts as HTML."""
    values: dict[str, bytes | str] = dict(frame.images)
    step = "Step: -" if frame.step is None else f"Step: {frame.step}"
    values["step"] = f'<span style="font-size: 16px; font-weight: bold">{step}</span>'
    values["rate"] = "" if frame.rate is None else f"playing at {frame.rate:.1f} steps/s"
    values["status"] = f'<span style="font-size: 13px">{html.escape(frame.status)}</span>'
    values["caption"] = f'<span style="font-size: 12px">{html.escape(frame.caption)}</span>'
    return values


def _use_attached(outputs: LiveOutputs, name: str, element) -> None:
    def attach():
        widget = solara.get_widget(element)
        outputs.attach(name, widget)
        return lambda: outputs.detach(name, widget)

    solara.use_effect(attach, [])


@solara.component
def LiveText(outputs: LiveOutputs, name: str):
    """A text updated in place (class ``govsim-<name>``)."""
    # the value is never a prop, so a re-render cannot overwrite what the worker set
    element = rw.HTML(_dom_classes=[f"govsim-{name}"])
    _use_attached(outputs, name, element)
    return element


@solara.component
def LiveView(outputs: LiveOutputs, name: str):
    """A picture updated in place (class ``govsim-view-<name>``), as wide as its card."""
    element = rw.Image(format="png", layout={"width": "100%"}, _dom_classes=[f"govsim-view-{name}"])
    _use_attached(outputs, name, element)
    return element


@solara.component
def Views(session: Session, outputs: LiveOutputs) -> None:
    """The collaboration graph, the two indicator charts and the per-jurisdiction chart."""
    size_by = solara.use_reactive(session.size_by)
    indicator = solara.use_reactive(session.jurisdiction_indicator)

    def set_size_by(value: str) -> None:
        size_by.set(value)
        session.set_size_by(value)

    def set_indicator(label: str) -> None:
        name = next(k for k, v in JURISDICTION_INDICATORS.items() if v == label)
        indicator.set(name)
        session.set_jurisdiction_indicator(name)

    LiveText(outputs, "status")
    with solara.Columns([1, 1]):
        with solara.Card("Collaboration graph", margin=0):
            LiveText(outputs, "caption")
            LiveView(outputs, "graph")
            solara.Select(
                "Node size by",
                value=size_by.value,
                values=["capacity", "degree"],
                on_value=set_size_by,
            )
        with solara.Card("Citizens", margin=0):
            LiveView(outputs, "citizens")
    with solara.Columns([1, 1]):
        with solara.Card("Governance", margin=0):
            LiveView(outputs, "governance")
        with solara.Card("By jurisdiction", margin=0):
            LiveView(outputs, "jurisdictions")
            solara.Select(
                "Indicator by jurisdiction",
                value=JURISDICTION_INDICATORS[indicator.value],
                values=list(JURISDICTION_INDICATORS.values()),
                on_value=set_indicator,
            )
