"""One look for every figure: labels, the series style cycle, saving to files.

Variants differ by line style and marker as well as colour (a colour-blind-safe
palette, Okabe-Ito), so a figure printed in black and white still tells them
apart. Series are styled by their position (:func:`style_cycle`); every figure
module picks its colours here, never on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

__all__ = [
    "FIGURE_FORMATS",
    "HATCHES",
    "INDICATOR_LABELS",
    "OKABE_ITO",
    "indicator_label",
    "save_figure",
    "short_key",
    "style_cycle",
    "wrap_label",
]

FIGURE_FORMATS: tuple[str, ...] = ("png", "pdf", "svg")

INDICATOR_LABELS: dict[str, str] = {
    "participation_rate": "Participation (share of citizens)",
    "compliance_rate": "Compliance (share of enterprises)",
    "mean_trust": "Trust in government (0-1)",
    "mean_satisfaction": "Satisfaction (0-1)",
    "satisfaction_gini": "Satisfaction inequality (Gini)",
    "unrest_rate": "Unrest (share of citizens active)",
    "service_coverage": "Service coverage (share of need met)",
    "governance_cost": "Governance cost (money per citizen per step)",
    "welfare": "Welfare (log-utility units)",
    "polycentricity": "Polycentricity (0-1)",
    "responsiveness": "Responsiveness (0-1)",
    "service_match": "Service match (0-1)",
    "complaint_rate": "Complaints (share of citizens)",
    "jurisdiction_equity": "Equity between jurisdictions (0-1)",
    "cost_effectiveness": "Coverage per unit cost",
}

HATCHES: tuple[str, ...] = ("", "//", "..", "xx", "\\\\", "++", "oo")
"""Bar fills of the series, in :func:`style_cycle` order (greyscale-safe bars)."""

OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish green": "#009E73",
    "reddish purple": "#CC79A7",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "black": "#000000",
}
"""The colour-blind-safe palette (Okabe and Ito 2008) every figure draws from."""

_COLOURS = tuple(OKABE_ITO.values())
_LINES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 2)))
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def style_cycle(index: int) -> dict[str, object]:
    """Colour, line style and marker of the ``index``-th series.

    Parameters
    ----------
    index
        Position of the series (a variant or regime) in its figure; wraps around.

    Returns
    -------
    dict
        ``color``, ``linestyle`` and ``marker``, ready for ``Axes.plot``.
    """
    return {
        "color": _COLOURS[index % len(_COLOURS)],
        "linestyle": _LINES[index % len(_LINES)],
        "marker": _MARKERS[index % len(_MARKERS)],
    }


def indicator_label(indicator: str) -> str:
    """The axis label of an indicator (its name when it has no label)."""
    return INDICATOR_LABELS.get(indicator, indicator)


def short_key(key: str) -> str:
    """A swept key without its ``model.`` or ``levers.`` prefix, for axis labels."""
    return key.removeprefix("model.").removeprefix("levers.")


def wrap_label(label: str, width: int = 24) -> str:
    """Break a long panel title at a space near ``width`` characters."""
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width + 1)
    return label if cut <= 0 else label[:cut] + "\n" + label[cut + 1 :]


def save_figure(
    fig: Figure,
    out: Path,
    formats: Sequence[str] = ("png", "pdf"),
    dpi: int = 200,
    tight: bool = True,
) -> list[Path]:
    """Write ``fig`` as ``out.<format>`` for each format; returns the paths.

    Parameters
    ----------
    fig
        The figure (a :class:`matplotlib.figure.Figure`, no pyplot state to close).
    out
        Path without suffix (a suffix is replaced); its folder is created.
    formats
        Each one of :data:`FIGURE_FORMATS`.
    dpi
        Resolution of raster formats.
    tight
        Crop to the drawn content (``bbox_inches="tight"``).

    Raises
    ------
    ValueError
        For a format outside :data:`FIGURE_FORMATS`.
    """
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown:
        raise ValueError(
            f"unknown figure format {unknown[0]!r}; allowed: {', '.join(FIGURE_FORMATS)}"
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = out.with_suffix(f".{fmt}")
        fig.savefig(path, dpi=dpi, bbox_inches="tight" if tight else None)
        written.append(path)
    return written
