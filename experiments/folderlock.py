"""One writer per output folder: an exclusive ``flock`` on ``FOLDER/.lock``.

The OS releases the lock when its holder dies, even on ``kill -9``. The lock file
is deleted when the holder is done, so a folder never keeps it; a process that
opened the file just before it was deleted notices (its inode is no longer the
one at the path) and tries again, so two writers never both believe they hold it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from experiments.errors import UserError

__all__ = ["LOCK_NAME", "folder_lock"]

LOCK_NAME = ".lock"


@contextmanager
def folder_lock(root: Path, option: str = "--out") -> Iterator[None]:
    """Hold the exclusive lock of the existing folder ``root`` until the block ends.

    Raises
    ------
    UserError
        When another govsim process holds it, or the folder is not writable.
    """
    path = Path(root) / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise UserError(f"{option} {root}: cannot write there ({error.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise UserError(
                f"{option} {root}: another govsim process (a sweep or a run) is writing to this "
                "folder; wait for it to finish or choose another folder"
            ) from None
        if _same_file(fd, path):
            break
        os.close(fd)  # deleted by its previous holder after we opened it: take the new one
    try:
        yield
    finally:
        try:
            if _same_file(fd, path):
                path.unlink()
        finally:
            os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (here.st_dev, here.st_ino)
