"""The ``govsim`` command line.

Each command lives in its own module of this package and imports heavy libraries
(the model, pandas, matplotlib, dask) inside the command function, so that
``govsim --help`` answers fast. Bad input raises :class:`experiments.errors.UserError`,
which :func:`main` prints as a one-paragraph message with exit code 2.
"""

from __future__ import annotations

import os
import sys

import typer

from experiments.errors import UserError

__all__ = ["app", "main"]

app = typer.Typer(
    name="govsim",
    help="Simulate multi-centre governance: run experiments, sweeps and validation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib import metadata

        try:
            version = metadata.version("govsim")
        except metadata.PackageNotFoundError:
            version = "unknown (not installed as a package)"
        typer.echo(f"govsim {version}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Simulate multi-centre governance: run experiments, sweeps and validation."""


def _register() -> None:
    from experiments.cli import (
        analyze,
        bench,
        calibrate,
        cases,
        compare,
        dashboard,
        export,
        plot,
        reference,
        run,
        swaps,
        sweep,
        validate,
    )

    for module in (
        run,
        sweep,
        compare,
        swaps,
        cases,
        analyze,
        export,
        reference,
        dashboard,
        plot,
        validate,
        bench,
        calibrate,
    ):
        module.register(app)


_register()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning user errors into exit code 2 with a message."""
    # figures are files here, whatever display the shell has
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        # outside standalone mode click returns a command's typer.Exit code instead of raising it
        code = app(args=argv, standalone_mode=False)
        if isinstance(code, int) and code:
            return code
    except UserError as error:
        typer.echo(f"error: {error}", err=True)
        return 2
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 130
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    except typer.TyperException as error:  # usage errors: unknown option, bad value
        show = getattr(error, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"error: {error}", err=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
