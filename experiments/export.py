"""Export a results folder for R, Stata, Excel or xarray users: CSV or netCDF, with the codebook.

``govsim export DIR --format csv`` writes ``timeseries.csv`` (and, for a sweep,
``runs.csv``) and ``codebook.json``; ``--format netcdf`` writes
``timeseries.nc``: every indicator as a variable over ``(run, step)``, the
identifiers and parameter values as coordinates along ``run``, each with its
``description`` and ``units`` attributes from :mod:`experiments.codebook`.
netCDF needs xarray (``pip install govsim[export]``); it is written with the
netCDF4 engine when installed, else as netCDF3 with scipy.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EXPORT_FORMATS", "export_folder", "to_dataset"]

EXPORT_FORMATS: tuple[str, ...] = ("csv", "netcdf")
XARRAY_MISSING = "--format netcdf needs xarray: pip install govsim[export]"


def export_folder(folder: str | Path, fmt: str, out: str | Path | None = None) -> list[Path]:
    """Write the folder's tidy tables as ``fmt`` into ``out`` (default ``folder/export``).

    Raises
    ------
    UserError
        For an unknown format, a folder that holds no results, or netCDF
        without xarray installed.
    """
    from experiments.codebook import write_codebook
    from experiments.pipeline.store import results_kind

    if fmt not in EXPORT_FORMATS:
        raise UserError(f"--format {fmt}: unknown; allowed: {', '.join(EXPORT_FORMATS)}")
    if fmt == "netcdf":
        _require_xarray()
    folder, kind = results_kind(folder)
    out = Path(out) if out is not None else folder / "export"
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder")
    series, runs = _tables(folder, kind)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    files: dict[str, Sequence[str]] = {}
    if fmt == "csv":
        if series is not None:
            series.to_csv(out / "timeseries.csv", index=False)
            files["timeseries.csv"] = list(series.columns)
            written.append(out / "timeseries.csv")
        if runs is not None:
            runs.to_csv(out / "runs.csv", index=False)
            files["runs.csv"] = list(runs.columns)
            written.append(out / "runs.csv")
    else:
        table = series if series is not None else runs
        assert table is not None
        dataset = to_dataset(table, source=str(folder))
        path = out / ("timeseries.nc" if series is not None else "runs.nc")
        dataset.to_netcdf(path, engine=_netcdf_engine())
        files[path.name] = [*dataset.coords, *dataset.data_vars]
        written.append(path)
    written.append(write_codebook(files, out / "codebook.json"))
    return written


def to_dataset(frame: pd.DataFrame, source: str = "") -> Any:
    """A tidy table as an ``xarray.Dataset``: indicators over (run, step), run-level coordinates.

    Rows are grouped into runs by ``run_id`` (sweeps) or ``(variant, replicate)``
    (runs). Columns constant within a run (identifiers, parameters) become
    coordinates along ``run``; integers too large for netCDF3 (seeds) are stored
    as text.
    """
    import numpy as np
    import pandas as pd

    from experiments.codebook import SHARE_INDICATORS, codebook

    xr = _require_xarray()
    entries = codebook(frame.columns)
    keys = ["run_id"] if "run_id" in frame.columns else ["variant", "replicate"]
    has_step = "step" in frame.columns
    values = [c for c in frame.columns if entries[c]["kind"] == "indicator"]
    per_run = [c for c in frame.columns if c not in values and c != "step"]
    runs = frame[per_run].drop_duplicates(keys).reset_index(drop=True)
    runs["run"] = np.arange(len(runs))
    table = frame.merge(runs[[*keys, "run"]], on=keys, how="left")
    index = ["run", "step"] if has_step else ["run"]
    dataset = xr.Dataset.from_dataframe(table.set_index(index)[values])
    for column in per_run:
        data = runs[column].to_numpy()
        if data.dtype.kind in "iu" and len(data) and np.abs(data).max() >= 2**31:
            data = data.astype(str)  # netCDF3 has no 64-bit integers
        elif data.dtype == object:
            data = pd.Series(data).astype(str).to_numpy()
        dataset = dataset.assign_coords({column: ("run", data)})
    for name in [*values, *per_run, *(["step"] if has_step else [])]:
        entry = entries.get(name) or {"description": "Model step.", "unit": "step"}
        dataset[name].attrs.update(description=entry["description"], units=entry["unit"])
    dataset.attrs.update(
        title="govsim results",
        source=source,
        conventions="tidy: indicators over (run, step); identifiers and parameters along run",
        intervals="shares (" + ", ".join(sorted(SHARE_INDICATORS)) + ") lie in [0, 1]",
    )
    return dataset


def _tables(folder: Path, kind: str) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    import pandas as pd

    if kind == "run":
        return pd.read_parquet(folder / "timeseries.parquet"), None
    from experiments.sweep.results import load_results

    results = load_results(folder)
    series = results.timeseries()
    runs = results.runs.drop(columns=["traceback"], errors="ignore")
    return (series if len(series) else None), runs


def _require_xarray() -> Any:
    try:
        import xarray
    except ImportError:
        raise UserError(XARRAY_MISSING) from None
    return xarray


def _netcdf_engine() -> str:
    try:
        import netCDF4  # noqa: F401
    except ImportError:
        return "scipy"  # netCDF3, written by scipy (always installed)
    return "netcdf4"
