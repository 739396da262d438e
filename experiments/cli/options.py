"""Command-line options shared by the commands that run simulations.

One declaration per option, so ``--set``, ``--workers``, ``--scheduler`` and
``--dask-local`` read and behave the same in every command that takes them.
"""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["DaskLocalOption", "SchedulerOption", "SetOption", "WorkersOption"]

SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a config key: key.path=value (repeatable)."),
]

WorkersOption = Annotated[
    int,
    typer.Option(help="Local worker processes; 0 uses every core, 1 runs in-process.", min=0),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(help="Run on an existing Dask cluster: its scheduler address (tcp://host:8786)."),
]
DaskLocalOption = Annotated[
    int | None,
    typer.Option("--dask-local", help="Start a Dask LocalCluster of N worker processes.", min=1),
]
