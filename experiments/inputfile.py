"""Reading a small text input (a config, a manifest) without trusting what the path is.

A path that is not a regular file (``/dev/zero``, a FIFO, a folder) is refused
before it is opened, since opening a FIFO blocks and reading a device never
ends; a regular file is read up to a size limit, so an endless ``/proc`` file or a
huge file cannot exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from experiments.errors import UserError

__all__ = ["MAX_INPUT_BYTES", "read_text_input"]

#: the largest config or manifest read (configs are a few kB; manifests of big sweeps < 1 MB)
MAX_INPUT_BYTES = 16 * 1024 * 1024


def read_text_input(path: str | Path, what: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of the regular file ``path``.

    Raises
    ------
    UserError
        Naming ``what`` and the path: missing, not a regular file, unreadable,
        larger than ``max_bytes`` or not UTF-8.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UserError(f"{what} file not found: {path}") from None
    except OSError as error:
        raise UserError(f"cannot read {what} {path}: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"{what} {path}: not a regular file (a folder, device or pipe)")
    if info.st_size > max_bytes:
        raise UserError(f"{what} {path}: too large ({info.st_size} bytes; at most {max_bytes})")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise UserError(f"cannot read {what} {path}: {error.strerror}") from None
    if len(data) > max_bytes:  # grew, or a /proc file reporting size 0
        raise UserError(f"{what} {path}: too large (more than {max_bytes} bytes)")
    from experiments.yaml_input import decode_text  # UTF-8, or UTF-16/32 with a BOM

    return decode_text(data, f"{what} {path}")
