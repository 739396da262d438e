"""Where commands write, under one set of rules that never lose or corrupt what is there.

Every command that writes (``run``, ``sweep``, ``validate``, ``plot``, ``rerun
--save``, ``reference``/``schema``/``bench --out``) resolves its path with
:func:`resolve_output` before doing any work:

- the path is made absolute and its ``..`` and symbolic links resolved first, so
  ``newdir/..`` means the folder it names, not a folder called ``..``;
- the current folder, any folder containing it, the home folder, any folder
  containing it, the filesystem root and anything under ``/proc``, ``/sys`` or
  ``/dev`` are refused, with or without ``--overwrite``;
- a symbolic link at the path is refused; with ``--overwrite`` the link itself is
  replaced, never what it points to;
- a name longer than the filesystem allows, or a path under a file or an unwritable
  folder, is refused before any work starts;
- an existing non-empty folder (folder outputs) or an existing file (file outputs)
  is refused without ``--overwrite``.

Folders are written into a hidden staging folder ``.NAME.partial-PID`` beside the
target and swapped in only when complete (:func:`staged_output`); with
``--overwrite`` the old folder is exchanged atomically with the new one and deleted
afterwards, so a kill at any moment leaves either the old or the new folder at the
path. Files are written to ``.NAME.partial-PID`` and renamed into place
(:func:`write_file_atomically`, :func:`publish_files`). Staging left by killed
processes (dead PID) is deleted by the next command writing into the same parent.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Literal

from experiments.errors import UserError
from experiments.folderlock import folder_lock

__all__ = [
    "check_output_dir",
    "clean_stale_partials",
    "publish_files",
    "resolve_output",
    "staged_output",
    "staging_folder",
    "write_file_atomically",
]

#: characters the staging name ``.NAME.partial-PID`` adds to NAME
_STAGING_EXTRA = 24
_SYSTEM_TREES = (Path("/proc"), Path("/sys"), Path("/dev"))
_STAGING = re.compile(r"^\.(?P<name>.+)\.(?P<role>partial|old)-(?P<pid>\d+)$")


def resolve_output(
    out: str | os.PathLike[str],
    *,
    kind: Literal["folder", "file"],
    overwrite: bool,
    option: str = "--out",
    allow_existing: bool = False,
    links: Literal["replace", "refuse"] = "replace",
) -> Path:
    """The absolute path a command will write, after checking every rule above.

    Parameters
    ----------
    out
        The path as the user gave it.
    kind
        ``"folder"`` for a folder the command owns, ``"file"`` for one file.
    overwrite
        Whether the user allowed replacing what is there.
    option
        The option name used in messages.
    allow_existing
        Accept an existing non-empty folder (a sweep, which the caller resumes or
        refuses itself; files added to a folder, checked one by one).
    links
        ``"replace"``: a symbolic link at the path may be replaced (itself, with
        ``overwrite``); ``"refuse"``: always refused (commands writing inside it).

    Returns
    -------
    Path
        The resolved path; a symbolic link (only with ``overwrite``) is returned as
        the link itself, in its resolved parent.

    Raises
    ------
    UserError
        Naming ``option``, the path and the rule it breaks.
    """
    text = os.fspath(out)
    if not text.strip():
        raise UserError(f"{option}: give a path")
    if "\x00" in text:
        raise UserError(f"{option} {text!r}: a path cannot contain a NUL character")
    stripped = text.rstrip("/") or "/"
    head, tail = os.path.split(stripped)
    link = tail not in ("", ".", "..") and os.path.islink(stripped)
    try:
        if link:
            target = Path(os.path.realpath(head or ".")) / tail
        else:
            target = Path(os.path.realpath(stripped))
    except OSError as error:  # e.g. a symbolic link loop
        raise UserError(f"{option} {text}: cannot resolve the path ({error.strerror})") from None
    _refuse_protected(target, text, option)
    _check_lengths(target, text, option)
    if link:
        if links == "refuse" or not overwrite:
            hint = (
                ""
                if links == "refuse"
                else (", or pass --overwrite to replace the link (what it points to is kept)")
            )
            raise UserError(
                f"{option} {text}: is a symbolic link to {os.path.realpath(stripped)}; give that "
                f"path instead{hint}"
            )
    else:
        try:
            _check_existing(target, text, option, kind, overwrite or allow_existing, overwrite)
        except OSError as error:
            raise UserError(f"{option} {text}: cannot inspect it ({error.strerror})") from None
    _check_parent(target, text, option)
    return target


def _check_existing(
    target: Path, text: str, option: str, kind: str, keep_folder: bool, overwrite: bool
) -> None:
    """Refuse what is at ``target`` if the command may not write there."""
    if not target.exists():
        return
    if kind == "folder":
        if not target.is_dir():
            raise UserError(f"{option} {text}: exists and is not a folder")
        if not keep_folder and any(target.iterdir()):
            raise UserError(
                f"{option} {text}: folder exists and is not empty; pass --overwrite to replace "
                "it, or choose a new folder"
            )
        return
    if target.is_dir():
        raise UserError(f"{option} {text}: is a folder; give a file name")
    if not target.is_file():
        raise UserError(f"{option} {text}: exists and is not a regular file")
    if not overwrite:
        raise UserError(
            f"{option} {text}: file exists; pass --overwrite to replace it, or choose another name"
        )


def check_output_dir(out: str | os.PathLike[str], overwrite: bool) -> Path:
    """:func:`resolve_output` for a folder output (kept for callers of the old name)."""
    return resolve_output(out, kind="folder", overwrite=overwrite)


@contextmanager
def staged_output(
    out: str | os.PathLike[str], overwrite: bool, option: str = "--out"
) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``out`` atomically, on failure it is removed.

    With ``overwrite`` the old folder is exchanged with the new one in one rename
    (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere moved aside to
    ``.NAME.old-PID``, the new one renamed in, then the old deleted: a kill in
    between is repaired by the next command, which puts the old folder back). A
    govsim sweep writing into the old folder (its lock held) makes this refuse.
    """
    target = resolve_output(out, kind="folder", overwrite=overwrite, option=option)
    if overwrite and target.is_dir() and not target.is_symlink():
        with folder_lock(target, option):  # refuse now, not after the whole run
            pass
    with staging_folder(target, option) as staging:
        yield staging
        _swap_in(staging, target, overwrite, option)


def write_file_atomically(
    target: Path, write: Callable[[Path], object], overwrite: bool, option: str = "--out"
) -> Path:
    """Write one file through ``write(temporary_path)`` and rename it to ``target``.

    ``target`` comes from :func:`resolve_output` (``kind="file"``). Without
    ``overwrite`` the file is linked into place, which fails if one appeared
    meanwhile: an existing file is never replaced.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{option} {target}: cannot create its folder ({error.strerror})") from None
    clean_stale_partials(target.parent)
    tmp = _staging_path(target)
    _remove(tmp)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:  # on disk before it is visible under its name
            os.fsync(handle.fileno())
        _place(tmp, target, overwrite, option)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def publish_files(staging: Path, out: Path, overwrite: bool, option: str = "--out") -> list[Path]:
    """Move every file of the folder ``staging`` to the same relative place in ``out``.

    Files already in ``out`` under other names are left alone. A file of the same
    name is replaced only with ``overwrite``; without it nothing is moved and the
    command is refused, naming the files. Each file appears whole (one rename).
    Returns the published paths.
    """
    files = sorted(p for p in staging.rglob("*") if p.is_file() and not p.is_symlink())
    pairs = [(src, out / src.relative_to(staging)) for src in files]
    taken = [dst for _, dst in pairs if os.path.lexists(dst)]
    folders = [dst for dst in taken if dst.is_dir() and not dst.is_symlink()]
    if folders:
        raise UserError(f"{option} {out}: {folders[0]} is a folder; it would be replaced by a file")
    if taken and not overwrite:
        names = ", ".join(str(p.relative_to(out)) for p in taken[:6])
        more = f" and {len(taken) - 6} more" if len(taken) > 6 else ""
        raise UserError(
            f"{option} {out}: {len(taken)} file(s) to write exist already ({names}{more}); pass "
            "--overwrite to replace them, or choose another folder"
        )
    written = []
    for src, dst in pairs:
        dst.parent.mkdir(parents=True, exist_ok=True)
        _place(src, dst, overwrite, option)
        written.append(dst)
    return written


@contextmanager
def staging_folder(out: Path, option: str = "--out") -> Iterator[Path]:
    """A hidden empty folder beside ``out`` (same filesystem), removed when the block ends.

    Parent folders it had to create are removed again if nothing was put at ``out``.
    """
    created = [p for p in out.parents if not os.path.lexists(p)]
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{option} {out}: cannot create its parent ({error.strerror})") from None
    clean_stale_partials(out.parent)
    staging = _staging_path(out)
    _remove(staging)  # only a leftover of a dead process with our PID can be there
    staging.mkdir()
    try:
        yield staging
    finally:
        _remove(staging)
        if not os.path.lexists(out):
            for folder in created:  # deepest first; stops at one that holds something
                try:
                    folder.rmdir()
                except OSError:
                    break


def clean_stale_partials(parent: Path) -> list[Path]:
    """Delete the staging files and folders of dead govsim processes in ``parent``.

    Only hidden ``.NAME.partial-PID`` and ``.NAME.old-PID`` entries whose process
    is gone are touched. An ``.old`` folder whose ``NAME`` is missing (a kill
    between the two renames of a replacement) is renamed back to ``NAME``.
    Returns the paths removed or restored.
    """
    touched: list[Path] = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return touched
    for entry in entries:
        match = _STAGING.match(entry.name)
        if match is None or _alive(int(match.group("pid"))):
            continue
        home = entry.with_name(match.group("name"))
        if match.group("role") == "old" and not os.path.lexists(home):
            os.rename(entry, home)
        elif match.group("role") == "partial" and entry.is_symlink():
            continue  # never made by govsim
        else:
            _remove(entry)
        touched.append(entry)
    return touched


# -- internals -----------------------------------------------------------------
def _refuse_protected(target: Path, text: str, option: str) -> None:
    cwd = Path.cwd()
    if target == cwd:
        raise UserError(f"{option} {text}: is the current folder; give a new folder")
    if target in cwd.parents:
        what = (
            "the filesystem root"
            if target == Path("/")
            else f"{target}, which contains the current folder"
        )
        raise UserError(f"{option} {text}: is {what}; give a new folder")
    home = Path.home().resolve()
    if target == home or target in home.parents:
        raise UserError(f"{option} {text}: is {target}, your home folder or one containing it")
    for tree in _SYSTEM_TREES:
        if target == tree or tree in target.parents:
            raise UserError(f"{option} {text}: is under {tree}, a system folder; write elsewhere")


def _check_lengths(target: Path, text: str, option: str) -> None:
    existing = _nearest_existing(target)
    try:
        name_max = os.pathconf(existing, "PC_NAME_MAX")
        path_max = os.pathconf(existing, "PC_PATH_MAX")
    except (OSError, ValueError):
        name_max, path_max = 255, 4096
    for index, part in enumerate(target.parts[1:], start=1):
        room = name_max - (_STAGING_EXTRA if index == len(target.parts) - 1 else 0)
        size = len(os.fsencode(part))
        if size > room:
            raise UserError(
                f"{option} {text}: the name {part[:24]}... is {size} bytes long; at most {room} "
                "are allowed here"
            )
    if len(os.fsencode(str(target))) + _STAGING_EXTRA > path_max:
        raise UserError(f"{option} {text}: the path is too long (at most {path_max} bytes)")


def _check_parent(target: Path, text: str, option: str) -> None:
    parent = _nearest_existing(target.parent)
    if not parent.is_dir():
        raise UserError(f"{option} {text}: cannot create it inside {parent}, which is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"{option} {text}: cannot write in {parent} (permission denied)")


def _nearest_existing(path: Path) -> Path:
    while not os.path.lexists(path):
        path = path.parent
    return path


def _staging_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # ours: in use by this process, removed by its owner
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _remove(path: Path) -> None:
    """Delete a file, a symbolic link (never what it points to) or a folder tree."""
    if path.is_symlink() or (os.path.lexists(path) and not path.is_dir()):
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path)


def _place(src: Path, dst: Path, overwrite: bool, option: str) -> None:
    """Rename ``src`` to ``dst``; without ``overwrite`` never replace an existing ``dst``."""
    if overwrite:
        os.replace(src, dst)
        return
    try:
        os.link(src, dst)  # fails if dst exists, atomically
    except FileExistsError:
        raise UserError(
            f"{option} {dst}: file exists; pass --overwrite to replace it, or choose another name"
        ) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if os.path.lexists(dst):  # a filesystem without hard links: check, then rename
            raise UserError(
                f"{option} {dst}: file exists; pass --overwrite to replace it"
            ) from None
        os.replace(src, dst)
        return
    src.unlink()


def _swap_in(staging: Path, target: Path, overwrite: bool, option: str) -> None:
    if not os.path.lexists(target):
        try:
            os.rename(staging, target)
        except OSError:  # a folder appeared at the path during the run
            raise UserError(
                f"{option} {target}: something was created there during the run; results not moved in"
            ) from None
        return
    if not overwrite:  # appeared meanwhile: an empty folder is fine, anything else is kept
        if target.is_dir() and not target.is_symlink() and not any(target.iterdir()):
            os.rename(staging, target)
            return
        raise UserError(f"{option} {target}: something was written there during the run; kept it")
    real_dir = target.is_dir() and not target.is_symlink()
    with folder_lock(target, option) if real_dir else nullcontext():
        if _exchange(staging, target):
            _remove(staging)  # now the old folder
            return
        aside = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, aside)
        os.rename(staging, target)
    _remove(aside)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic rename (Linux); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0
