"""The dashboard's pictures, drawn once and then only where they change.

Redrawing a matplotlib figure from scratch costs 50-90 ms per view (axes, ticks,
text, legend); at every step of Play, for four views, that held Play at about two
steps per second. Each view here is a persistent figure whose static parts (axes,
ticks, labels, legend, jurisdictions' discs) are rendered once into a background
buffer; an update restores that buffer and draws only the changing artists on it
(blitting), then encodes the picture as PNG:

- :class:`LineChart`: the lines change; the axes are redrawn only when the x range
  (grown in 1-2-5 steps) or, for unbounded indicators, the y range must grow.
- :class:`GraphView`: the ties and nodes change; discs, labels and legend do not.

Legends sit outside the plotting area, so they never hide a line. Figures are
:class:`matplotlib.figure.Figure` objects with their own Agg canvas (no pyplot state
shared between sessions); each belongs to one session's worker thread.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator
from PIL import Image

from experiments.present.network import draw_collaboration_graph
from experiments.present.style import style_cycle

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from experiments.dashboard.model import DashboardModel

__all__ = ["DPI", "GraphView", "LineChart", "nice_ceiling", "png_of"]

DPI = 100
_FONT = 7.0
_LEGEND_ROW_IN = 0.17  # height of one legend row at the legend's font size (inches)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 x 10^k that is at least ``value`` (``value`` > 0).

    Examples
    --------
    >>> [nice_ceiling(v) for v in (0.3, 10, 11, 26, 150)]
    [0.5, 10.0, 20.0, 50.0, 200.0]
    """
    exponent = math.floor(math.log10(value))
    for mantissa in (1.0, 2.0, 5.0, 10.0):
        candidate = mantissa * 10.0**exponent
        if candidate >= value * (1 - 1e-12):
            return float(candidate)
    raise AssertionError("unreachable")  # mantissa 10 always suffices


def png_of(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's current pixels as PNG (RGB, fastest compression: speed over bytes)."""
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="png", compress_level=1)
    return out.getvalue()


class LineChart:
    """Indicators over time: one line per series, updated by blitting.

    Parameters
    ----------
    title, ylabel
        Chart title and y-axis label.
    labels
        Legend label of each series, in the order :meth:`render` receives them.
    ylim
        Fixed y range; None to grow it with the data (for indicators without bounds).
    events
        Steps of the timeline's events, marked by dotted vertical lines.
    figsize
        Inches; at :data:`DPI` dots per inch.
    legend_columns
        Columns of the legend below the plot.
    """

    def __init__(
        self,
        title: str,
        ylabel: str,
        labels: Sequence[str],
        ylim: tuple[float, float] | None = (-0.02, 1.02),
        events: Sequence[int] = (),
        figsize: tuple[float, float] = (5.2, 3.6),
        legend_columns: int = 2,
    ) -> None:
        self.figure = Figure(figsize=figsize, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        width, height = figsize
        rows = math.ceil(len(labels) / legend_columns)
        # below the axes, from the bottom: legend, x label, tick labels (inches)
        bottom = (0.08 + rows * _LEGEND_ROW_IN + 0.45) / height
        self.axes = ax = self.figure.add_axes(
            (0.6 / width, bottom, 1 - 0.75 / width, 0.86 - bottom)
        )
        self._fixed_ylim = ylim
        self._ylim = ylim if ylim is not None else (0.0, 1.0)
        self._xmax = 0.0
        self._background = None
        self.lines: list[Line2D] = []
        handles = []
        for k, label in enumerate(labels):
            style = style_cycle(k)
            # animated: left out of the background, drawn on it at each update
            (line,) = ax.plot(
                [], [], linewidth=1.4, markersize=3, markevery=0.1, animated=True, **style
            )
            self.lines.append(line)
            handles.append(Line2D([], [], linewidth=1.4, markersize=3, label=label, **style))
        for step in events:
            ax.axvline(step, color="#555555", linestyle=":", linewidth=1.0, zorder=0)
            ax.annotate(
                "event",
                (step, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(2, -2),
                textcoords="offset points",
                va="top",
                fontsize=_FONT,
                color="#555555",
                annotation_clip=True,
            )
        ax.set_xlabel("Step", fontsize=_FONT + 1)
        ax.set_ylabel(ylabel, fontsize=_FONT + 1)
        ax.set_title(title, fontsize=_FONT + 2)
        ax.tick_params(labelsize=_FONT)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are whole numbers
        ax.grid(alpha=0.3, linewidth=0.5)
        # outside the plotting area: a legend never hides a line
        self.figure.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=legend_columns,
            fontsize=_FONT,
            frameon=False,
            handlelength=2.6,
            columnspacing=1.2,
        )

    def render(self, steps: np.ndarray, series: Sequence[np.ndarray]) -> bytes:
        """PNG of the chart with ``series[k]`` (one value per step) as line ``k``."""
        xmax = nice_ceiling(max(10.0, float(steps[-1]) if len(steps) else 0.0))
        ylim = self._grown_ylim(series)
        if self._background is None or xmax != self._xmax or ylim != self._ylim:
            self._xmax, self._ylim = xmax, ylim
            self.axes.set_xlim(0, xmax)
            self.axes.set_ylim(*ylim)
            self.canvas.draw()  # everything but the lines
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self._background)
        for line, values in zip(self.lines, series, strict=True):
            line.set_data(steps, values)
            self.axes.draw_artist(line)
        return png_of(self.canvas)

    def _grown_ylim(self, series: Sequence[np.ndarray]) -> tuple[float, float]:
        """The fixed y range, or one that only grows (so the axes are rarely redrawn)."""
        if self._fixed_ylim is not None:
            return self._fixed_ylim
        values = np.concatenate([np.asarray(s, dtype=np.float64) for s in series])
        values = values[np.isfinite(values)]
        if values.size == 0:
            return self._ylim
        low, high = self._ylim
        top = float(values.max())
        if top > high:
            high = nice_ceiling(top * 1.1) if top > 0 else high
        if float(values.min()) < low:
            low = -nice_ceiling(-float(values.min()) * 1.1)
        return (low, high)


class GraphView:
    """The collaboration graph at its fixed layout: discs, labels and legend drawn once.

    The picture is that of :func:`experiments.present.network.draw_collaboration_graph`:
    an update draws the graph on a hidden twin of the axes and blits only its ties,
    nodes and the centre's label onto the static background.

    Parameters
    ----------
    model
        The model (its ``graph_layout`` places the nodes).
    size_by
        ``"capacity"`` or ``"degree"``, as in ``draw_collaboration_graph``.
    figsize
        Inches; at :data:`DPI` dots per inch.
    """

    def __init__(
        self,
        model: DashboardModel,
        size_by: str = "capacity",
        figsize: tuple[float, float] = (5.2, 3.6),
    ) -> None:
        self.layout = model.graph_layout
        self.size_by = size_by
        self.figure = Figure(figsize=figsize, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        self._rect = rect = (0.0, 0.2, 1.0, 0.8)  # legend underneath, in the bottom fifth
        static = self.figure.add_axes(rect)
        draw_collaboration_graph(
            static,
            model,
            self.layout,
            size_by=size_by,
            legend="below",
            fontsize=6.0,
            legend_columns=3,
        )
        for artist in [*static.collections, *self._annotations(static)]:
            artist.remove()  # ties and nodes change at every step
        self._layer = self.figure.add_axes(rect, label="ties and nodes")
        self._layer.set_visible(False)  # its artists are blitted one by one
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)

    @staticmethod
    def _annotations(ax: Axes) -> list[Annotation]:
        return [text for text in ax.texts if isinstance(text, Annotation)]

    def render(self, model: DashboardModel) -> bytes:
        """PNG of the model's current collaboration graph."""
        layer = self._layer
        for artist in [*layer.collections, *layer.patches, *layer.texts]:
            artist.remove()
        # marker sizes scale with the axes' width, which an equal aspect shrinks: start
        # from the box the static axes had when they were drawn
        layer.set_aspect("auto")
        layer.set_position(self._rect)
        draw_collaboration_graph(
            layer, model, self.layout, size_by=self.size_by, legend=None, fontsize=6.0
        )
        layer.apply_aspect()  # as drawing the static axes did
        self.canvas.restore_region(self._background)
        for artist in [*layer.collections, *self._annotations(layer)]:
            layer.draw_artist(artist)
        return png_of(self.canvas)
