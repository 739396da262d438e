"""A sweep's folder: a Parquet dataset written as runs finish, resumable after any stop.

Layout of ``DIR``::

    manifest.json          resolved config and its hash, design, seeds, versions, sessions
    design.parquet         one row per design point
    timeseries/part-N.parquet   per-step indicators of the runs of batch N
    runs/part-N.parquet    one row per run of batch N: identity, status, error, final indicators
    runs.parquet           all runs in one file, rewritten at the end of every session

A batch is committed when its ``runs`` part exists: every file is written under a
hidden temporary name and renamed into place (atomic on POSIX), the ``timeseries``
part first. A reader only ever opens parts of committed batches, and a new session
first deletes temporary files and timeseries parts of uncommitted batches, so a
kill -9 at any moment loses at most the unflushed runs - never corrupts or
duplicates a row.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from experiments.codebook import write_parquet
from experiments.errors import UserError
from experiments.folderlock import folder_lock
from experiments.inputfile import read_text_input
from experiments.outdir import resolve_output

__all__ = [
    "NOT_A_RESULTS_FOLDER",
    "BatchWriter",
    "SweepStore",
    "check_sweep_manifest",
    "config_diff",
    "config_hash",
    "read_results_manifest",
    "results_kind",
]

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
RUNS = "runs.parquet"
_PART = re.compile(r"^part-(\d{6,})\.parquet$")

NOT_A_RESULTS_FOLDER = (
    "not a results folder: expected manifest.json with timeseries.parquet (from govsim run) "
    "or a sweep folder (from govsim sweep)"
)


def results_kind(folder: str | Path) -> tuple[Path, str]:
    """The folder and whether it holds a ``run`` (``govsim run``) or a ``sweep``.

    Raises
    ------
    UserError
        When ``folder`` is missing or holds neither.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder")
    kind = read_results_manifest(folder).get("kind")
    if kind == "run" and (folder / "timeseries.parquet").is_file():
        return folder, "run"
    if kind == "sweep":
        return folder, "sweep"
    raise UserError(f"{folder}: {NOT_A_RESULTS_FOLDER}")


def read_results_manifest(folder: Path) -> dict[str, Any]:
    """The ``manifest.json`` of a results folder, as a dict (a clear error otherwise)."""
    path = folder / MANIFEST
    if not path.is_file():
        raise UserError(f"{folder}: {NOT_A_RESULTS_FOLDER}")
    try:
        manifest = json.loads(read_text_input(path, "manifest"))  # never a pipe or a huge file
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: unreadable ({error})") from None
    if not isinstance(manifest, dict):
        raise UserError(f"{path}: not a govsim manifest")
    return manifest


def config_hash(config: Mapping[str, Any]) -> str:
    """SHA-256 of the resolved config as canonical JSON (sorted keys)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def config_diff(old: Mapping[str, Any], new: Mapping[str, Any], limit: int = 8) -> list[str]:
    """Dotted keys whose values differ between two config dumps (at most ``limit``)."""
    flat_old, flat_new = _flatten(old), _flatten(new)
    keys = sorted(
        k for k in flat_old.keys() | flat_new.keys() if flat_old.get(k, ...) != flat_new.get(k, ...)
    )
    return keys[:limit] + ([f"... {len(keys) - limit} more"] if len(keys) > limit else [])


class SweepStore:
    """Reading and writing the files of one sweep folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.timeseries_dir = self.root / "timeseries"
        self.runs_dir = self.root / "runs"

    # -- manifest and design -------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None when the folder holds none."""
        path = self.root / MANIFEST
        if not os.path.lexists(path):
            return None
        try:
            manifest = json.loads(read_text_input(path, "manifest"))
        except json.JSONDecodeError as error:
            raise UserError(f"{path}: unreadable manifest ({error})") from None
        if not isinstance(manifest, dict):
            raise UserError(
                f"{path}: not a govsim manifest (holds a {type(manifest).__name__}, not an object)"
            )
        return manifest

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        """Write the manifest atomically."""
        _atomic_write(
            self.root / MANIFEST,
            lambda tmp: tmp.write_text(json.dumps(manifest, indent=2), "utf-8"),
        )

    def write_design(self, frame: pd.DataFrame) -> None:
        """Write ``design.parquet`` atomically."""
        _atomic_write(self.root / DESIGN, lambda tmp: write_parquet(frame, tmp))

    def read_design(self) -> pd.DataFrame:
        """The stored design table."""
        path = self.root / DESIGN
        try:
            return pd.read_parquet(path)
        except Exception as error:  # any reader error: missing or damaged file
            raise UserError(f"{path}: unreadable design table ({type(error).__name__})") from None

    # -- batches ---------------------------------------------------------------
    def committed_batches(self) -> list[int]:
        """Numbers of the batches whose runs part exists."""
        return sorted(_parts(self.runs_dir))

    def clean(self) -> int:
        """Delete temporary files and timeseries parts of uncommitted batches; return how many."""
        removed = 0
        committed = set(self.committed_batches())
        for folder in (self.root, self.timeseries_dir, self.runs_dir):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.startswith(".") and path.name.endswith(".tmp"):
                    path.unlink(missing_ok=True)
                    removed += 1
        for batch, path in _parts(self.timeseries_dir).items():
            if batch not in committed:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def next_batch(self) -> int:
        """One more than any batch number on disk."""
        numbers = [*_parts(self.runs_dir), *_parts(self.timeseries_dir)]
        return max(numbers, default=0) + 1

    def write_batch(self, batch: int, runs: pd.DataFrame, timeseries: pd.DataFrame | None) -> None:
        """Write one batch: its timeseries part, then its runs part (the commit)."""
        name = f"part-{batch:06d}.parquet"
        if timeseries is not None and len(timeseries):
            self.timeseries_dir.mkdir(exist_ok=True)
            _atomic_write(self.timeseries_dir / name, lambda tmp: write_parquet(timeseries, tmp))
        self.runs_dir.mkdir(exist_ok=True)
        _atomic_write(self.runs_dir / name, lambda tmp: write_parquet(runs, tmp))

    def read_runs(self) -> pd.DataFrame:
        """Every committed run row, sorted by run id; a retried run keeps its latest row."""
        parts = _parts(self.runs_dir)
        if not parts:
            return pd.DataFrame(columns=["run_id", "status"])
        frame = pd.concat([_read_part(parts[b]) for b in sorted(parts)], ignore_index=True)
        frame = frame.drop_duplicates("run_id", keep="last")
        return frame.sort_values("run_id", kind="stable").reset_index(drop=True)

    def consolidate(self) -> Path:
        """Rewrite ``runs.parquet`` from the committed parts."""
        runs = self.read_runs()
        _atomic_write(self.root / RUNS, lambda tmp: write_parquet(runs, tmp))
        return self.root / RUNS

    def read_timeseries(
        self, columns: Sequence[str] | None = None, run_ids: Sequence[int] | None = None
    ) -> pd.DataFrame:
        """Per-step rows of committed batches, sorted by run id and step."""
        committed = set(self.committed_batches())
        files = [str(p) for b, p in sorted(_parts(self.timeseries_dir).items()) if b in committed]
        if not files:
            return pd.DataFrame(columns=list(columns or ["run_id", "step"]))
        wanted = None if columns is None else list(dict.fromkeys(["run_id", "step", *columns]))
        where = None if run_ids is None else ds.field("run_id").isin([int(k) for k in run_ids])
        try:
            dataset = ds.dataset(files, format="parquet")
            frame = dataset.to_table(columns=wanted, filter=where).to_pandas()
        except (OSError, ValueError) as error:  # pyarrow's errors for damaged files
            raise UserError(
                f"{self.timeseries_dir}: a part is unreadable ({error}); run the same govsim "
                "sweep command again to verify the parts and redo the damaged runs"
            ) from None
        return frame.sort_values(["run_id", "step"], kind="stable").reset_index(drop=True)

    # -- one writer at a time --------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock on the folder (released by the OS even on kill -9).

        The folder (and missing parents) is created for the session; a session that
        ends leaving it empty (refused, or failed before writing) removes what it
        created, and the lock file is removed when the session ends.
        """
        created = [p for p in (self.root, *self.root.parents) if not os.path.lexists(p)]
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"--out {self.root}: cannot write there ({error.strerror})") from None
        try:
            with folder_lock(self.root):
                yield
        finally:
            for folder in created:  # deepest first; stops at the first that holds something
                try:
                    folder.rmdir()
                except OSError:
                    break

    # -- checking what a resume counts -----------------------------------------
    def verify(self, rows_per_run: Callable[[int], int]) -> list[str]:
        """Check every committed batch; move damaged ones to ``damaged/`` so their runs are redone.

        A batch is damaged when its runs part cannot be read or lacks ``run_id`` and
        ``status``, or when its timeseries part is missing, unreadable, or does not
        hold exactly ``rows_per_run(run_id)`` rows for each of its ``ok`` runs (and
        none for others). Nothing is deleted: the files are moved aside.

        Returns
        -------
        list of str
            One line per damaged batch, naming its files and the problem.
        """
        notes = []
        series_parts = _parts(self.timeseries_dir)
        for batch, runs_path in sorted(_parts(self.runs_dir).items()):
            series_path = series_parts.get(batch)
            problem = None
            try:
                runs = pd.read_parquet(runs_path, columns=["run_id", "status"])
            except Exception as error:  # any reader error means the file is damaged
                runs, problem = None, f"{runs_path.name} unreadable ({type(error).__name__})"
            if runs is not None:
                expected = {
                    int(k): rows_per_run(int(k))
                    for k, status in zip(runs["run_id"], runs["status"], strict=True)
                    if status == "ok"
                }
                expected = {k: n for k, n in expected.items() if n}
                problem = _check_series(series_path, expected, pq)
            if problem is not None:
                moved = self._set_aside(batch, [runs_path, series_path])
                notes.append(f"batch {batch}: {problem}; moved {', '.join(moved)} to damaged/")
        return notes

    def _set_aside(self, batch: int, paths: Sequence[Path | None]) -> list[str]:
        folder = self.root / "damaged"
        folder.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        moved = []
        for path in paths:
            if path is None or not path.exists():
                continue
            name = f"{path.parent.name}-part-{batch:06d}-{stamp}-{os.getpid()}.parquet"
            os.replace(path, folder / name)
            moved.append(str(path.relative_to(self.root)))
        return moved


def prepare_folder(root: Path, config: Mapping[str, Any], overwrite: bool) -> dict[str, Any] | None:
    """Decide what to do with ``root`` before a sweep: return the manifest to resume, or None to start.

    Raises
    ------
    UserError
        When the folder holds a sweep of another config (unless ``overwrite``),
        or anything else that is not empty (unless ``overwrite``).
    """
    store = SweepStore(root)
    root = Path(root)
    manifest = store.read_manifest() if root.is_dir() else None
    if manifest is not None and manifest.get("kind") == "sweep":
        if manifest.get("config_hash") == config_hash(config):
            check_sweep_manifest(manifest, root / MANIFEST)
            return manifest
        if not overwrite:
            changed = (
                ", ".join(config_diff(manifest.get("config", {}), config)) or "(formatting only)"
            )
            raise UserError(
                f"--out {root}: holds a sweep of a different config (changed: {changed}); "
                "resuming would mix results. Pass --overwrite to replace it, or choose another --out"
            )
    elif not _only_leftovers(root):
        resolve_output(root, kind="folder", overwrite=overwrite)
    if root.is_dir():
        for path in root.iterdir():
            if path.name == ".lock":
                continue
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    return None


def check_sweep_manifest(manifest: Mapping[str, Any], path: Path) -> None:
    """Refuse a sweep manifest missing what reading the sweep back needs.

    Raises
    ------
    UserError
        Naming ``path`` and the missing or malformed entry.
    """
    design = manifest.get("design")
    if not isinstance(design, Mapping) or not isinstance(design.get("kind"), str):
        raise UserError(f"{path}: damaged sweep manifest: 'design' with its 'kind' is missing")
    runs = manifest.get("runs")
    if not isinstance(runs, Mapping) or not isinstance(runs.get("variants"), list):
        raise UserError(f"{path}: damaged sweep manifest: 'runs' with its 'variants' is missing")
    if not isinstance(manifest.get("config"), Mapping):
        raise UserError(f"{path}: damaged sweep manifest: 'config' is missing")


class BatchWriter:
    """Buffers finished runs and writes them as one batch when enough have gathered.

    A batch is written when it holds ``max_runs`` runs or ``max_rows`` timeseries
    rows, or ``max_seconds`` after its first run - few files, little lost on a kill.
    """

    def __init__(
        self,
        store: SweepStore,
        max_runs: int = 256,
        max_rows: int = 500_000,
        max_seconds: float = 30.0,
    ) -> None:
        self.store = store
        self.max_runs, self.max_rows, self.max_seconds = max_runs, max_rows, max_seconds
        self.batch = store.next_batch()
        self._runs: list[dict[str, Any]] = []
        self._frames: list[pd.DataFrame] = []
        self._rows = 0
        self._since = time.monotonic()
        self.written = 0

    def add(self, run: dict[str, Any], timeseries: pd.DataFrame | None) -> None:
        """Buffer one run's row and its per-step rows."""
        if not self._runs:
            self._since = time.monotonic()
        self._runs.append(run)
        if timeseries is not None:
            self._frames.append(timeseries)
            self._rows += len(timeseries)

    def due(self) -> bool:
        """Whether the buffer should be written now."""
        if not self._runs:
            return False
        full = len(self._runs) >= self.max_runs or self._rows >= self.max_rows
        return full or time.monotonic() - self._since >= self.max_seconds

    def flush(self) -> int:
        """Write the buffer as one batch; return the number of runs written."""
        if not self._runs:
            return 0
        runs = pd.DataFrame(self._runs)
        runs["batch"] = self.batch
        for column in ("error", "traceback"):
            runs[column] = runs[column].astype("string")
        timeseries = pd.concat(self._frames, ignore_index=True) if self._frames else None
        self.store.write_batch(self.batch, runs, timeseries)
        count = len(self._runs)
        self.written += count
        self.batch += 1
        self._runs, self._frames, self._rows = [], [], 0
        return count


def _only_leftovers(root: Path) -> bool:
    """True for a missing folder, or one holding only what a session killed before its manifest leaves."""
    if not root.is_dir():
        return not root.exists()
    return all(p.name in (".lock", DESIGN) or p.name.endswith(".tmp") for p in root.iterdir())


def _check_series(path: Path | None, expected: dict[int, int], pq: Any) -> str | None:
    """What is wrong with a batch's timeseries part, given the rows its ok runs should have."""
    if not expected:
        return None if path is None else f"{path.name} holds rows of no successful run"
    if path is None:
        return "its timeseries part is missing"
    try:
        ids = pq.read_table(path, columns=["run_id"]).column("run_id").to_numpy()
    except Exception as error:  # any reader error means the file is damaged
        return f"timeseries/{path.name} unreadable ({type(error).__name__})"
    counts = pd.Series(ids).value_counts().to_dict()
    if {int(k): int(n) for k, n in counts.items()} != expected:
        return f"timeseries/{path.name} does not hold the expected rows of its runs"
    return None


def _parts(folder: Path) -> dict[int, Path]:
    if not folder.is_dir():
        return {}
    found = {}
    for path in folder.iterdir():
        match = _PART.match(path.name)
        if match:
            found[int(match.group(1))] = path
    return found


def _read_part(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as error:  # any reader error means the file is damaged
        raise UserError(
            f"{path}: unreadable ({type(error).__name__}); run the same govsim sweep command "
            "again to verify the parts and redo the damaged runs"
        ) from None


def _atomic_write(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, Mapping):
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): data}
