"""User-facing errors: a message naming the field and what is allowed, never a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from sim.strict import show

__all__ = ["UserError", "nearest", "show"]


class UserError(Exception):
    """Bad input from the user (config, command-line option, output folder).

    The CLI prints the message and exits with code 2.
    """


def nearest(name: str, allowed: Iterable[str]) -> str | None:
    """The allowed name closest to ``name``, if any is close.

    >>> nearest("inspection_probabilty", ["fine", "inspection_probability"])
    'inspection_probability'
    """
    if len(name) > 200:  # no valid name is that long; difflib would take a while to say so
        return None
    matches = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    return matches[0] if matches else None
