"""Every table and figure of govsim: one presentation package over stored results.

The pipeline plans, executes and stores runs; this package draws and tabulates
what was stored. One module per thing shown:

=======================  ==============================================================
:mod:`.style`            palette, series style cycle, indicator labels, ``save_figure``
:mod:`.timeseries`       indicators over time by variant, 95% bands
:mod:`.final_state`      final state by variant with confidence intervals
:mod:`.network_layout`   which nodes of the collaboration graph are drawn, and where
:mod:`.network`          drawing the collaboration graph; the network figure
:mod:`.folder`           ``govsim plot DIR``: every figure a results folder supports
:mod:`.sweep`            sweep heatmaps and sensitivity bar charts
:mod:`.sweep_tables`     ``govsim analyze`` tables: aggregates by point, sensitivity indices
:mod:`.swaps`            ``govsim swaps`` table: the gap and what each lever swap explains
:mod:`.robust`           robust comparison: ordering and attribution figures, summary.md
:mod:`.calibration`      calibration bands and posterior histograms
:mod:`.cases`            ``govsim cases``: terminal tables and the Markdown report
:mod:`.validation`       ``govsim validate``: the table of checks and the four case figures
:mod:`.tables`           terminal tables that fit 80 columns; the final-state summary
=======================  ==============================================================

Figures are :class:`matplotlib.figure.Figure` objects (no pyplot, no global
state, any backend); modules import matplotlib at their top, so import them
where a figure is needed, and lazily only from the CLI (fast ``govsim --help``).
This ``__init__`` imports nothing.
"""

__all__: list[str] = []
