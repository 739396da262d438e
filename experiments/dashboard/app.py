"""The dashboard page: ``solara run experiments/dashboard/app.py`` (``govsim dashboard`` does it).

The config comes from the environment (:data:`~experiments.dashboard.CONFIG_ENV`);
without one, the model has every default of :mod:`sim.params` (2,000 citizens).
Each browser tab gets its own :class:`~experiments.dashboard.session.Session`
(model and worker thread), stopped when the tab goes away. Settings take effect on
**Reset**, which rebuilds the model from them; Step and Play advance the current
model; view options (node size, the per-jurisdiction indicator, play speed) act at
once.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from experiments.dashboard.components import (
    ApplyNote,
    LiveOutputs,
    RunControls,
    SettingsPanel,
    Views,
    frame_outputs,
)
from experiments.dashboard.controls import initial_settings, setup_from_environment
from experiments.dashboard.session import Controls, Frame, Session

__all__ = ["Page"]


@solara.component
def Page() -> None:
    """One session per browser tab (a module-level model would be shared by all)."""
    setup = solara.use_memo(setup_from_environment, [])
    start = solara.use_memo(lambda: initial_settings(setup), [])
    settings = solara.use_reactive(start)
    # buttons and notes re-render when the controls change (rarely); pictures and
    # counters are updated in place, without a re-render
    controls = solara.use_reactive(Controls())
    outputs = solara.use_memo(LiveOutputs, [])

    def publish(frame: Frame) -> None:
        controls.set(frame.controls)  # no update when equal
        outputs.show(frame_outputs(frame))

    # the worker publishes into this tab's reactive values (a thread started here
    # carries the tab's context, so its updates reach this tab only)
    session = solara.use_memo(lambda: Session(setup, publish, connected=_page_watcher()), [])

    def run_session():
        session.start(start)
        return session.close

    solara.use_effect(run_session, [])

    solara.Title(setup.title)
    with solara.AppBar():
        solara.AppBarTitle(setup.title)
    with solara.Sidebar():
        RunControls(session, controls, settings, outputs)
        with solara.Card("Settings"):
            ApplyNote(controls, settings)
            SettingsPanel(setup, settings)
    Views(session, outputs)


def _page_watcher() -> Callable[[], bool]:
    """Whether a browser page still shows this tab's kernel (Play pauses otherwise)."""
    from solara.server import kernel_context

    try:
        context = kernel_context.get_current_context()
    except RuntimeError:  # not served (solara.render in a test): always shown
        return lambda: True
    return lambda: kernel_context.PageStatus.CONNECTED in context.page_status.values()
