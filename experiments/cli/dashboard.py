"""``govsim dashboard``: explore one model in the browser (a Solara page)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def dashboard(
    config: Annotated[
        Path | None,
        typer.Argument(
            help="Experiment config (YAML); its model, events and seed. Default: all defaults."
        ),
    ] = None,
    variant: Annotated[str | None, typer.Option(help="Start from this variant of CONFIG.")] = None,
    port: Annotated[int, typer.Option(help="Port to serve on.", min=1, max=65535)] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to serve on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    dev: Annotated[
        bool, typer.Option(help="Solara's development mode: reload when the source changes.")
    ] = False,
) -> None:
    """Serve an interactive dashboard of one model: the collaboration graph, indicators over
    time overall and by jurisdiction, and controls for regime, decentralisation, levers and
    incentives (applied on Reset)."""
    import importlib.util
    import os
    import shutil
    import socket
    import sys

    from experiments.dashboard.controls import CONFIG_ENV, VARIANT_ENV, setup_from_config
    from experiments.errors import UserError

    setup_from_config(config, variant)  # a bad config or variant fails here, not in the browser
    if importlib.util.find_spec("solara") is None:
        raise UserError(
            "the dashboard needs its optional dependencies: pip install -e '.[dashboard]' "
            "and then scripts/setup_dashboard.sh (browser assets for offline use)"
        )
    solara_exe = Path(sys.executable).with_name("solara")
    if not solara_exe.exists():
        found = shutil.which("solara")
        if found is None:
            raise UserError("the 'solara' command is not installed: pip install -e '.[dashboard]'")
        solara_exe = Path(found)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # as the server will: a port left in TIME_WAIT by a stopped server is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(
                f"--port {port}: cannot serve on {host}:{port} ({error.strerror}); try another port"
            ) from None

    import experiments.dashboard

    app = Path(experiments.dashboard.__file__).with_name("app.py")
    env = dict(os.environ)
    env.pop(CONFIG_ENV, None)
    env.pop(VARIANT_ENV, None)
    if config is not None:
        env[CONFIG_ENV] = str(config.resolve())
    if variant is not None:
        env[VARIANT_ENV] = variant
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no phoning home
    # Solara's "runs on Solara" banner sits over the bottom right corner of the views
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    command = [str(solara_exe), "run", str(app), "--host", host, "--port", str(port), "--no-open"]
    if not dev:
        command.append("--production")
    typer.echo(f"serving http://{host}:{port}/  (Ctrl+C to stop)", err=True)
    sys.stderr.flush()
    # become the server (no child left behind if this process is signalled)
    os.execve(solara_exe, command, env)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("dashboard")(dashboard)
