"""The codebook: what every stored column means, and in what unit.

One place that knows every column govsim writes (``timeseries.parquet``, a
sweep's ``timeseries/`` and ``runs`` tables, ``design.parquet``, ``summary.csv``,
exports): identifiers, parameter columns (dotted config keys such as
``model.levers.fine``, described from the parameter schema), indicators
(described by :data:`sim.INDICATORS`, with the units below) and a sweep's
``final_<indicator>`` columns. Parquet files carry it in their schema (each
field's ``description`` and ``unit`` metadata, and the whole codebook as JSON
under the ``govsim.codebook`` key); folders carry it as ``codebook.json``.

:data:`SHARE_INDICATORS` declares the indicators bounded in [0, 1] (shares of
actors and 0-1 scores): their confidence intervals are Wilson intervals, which
stay in [0, 1] (:func:`experiments.analysis.mean_ci`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "CODEBOOK_KEY",
    "IDENTIFIERS",
    "INDICATOR_UNITS",
    "JURISDICTION_UNITS",
    "SHARE_INDICATORS",
    "codebook",
    "column_info",
    "table_with_codebook",
    "undocumented",
    "write_codebook",
    "write_parquet",
]

CODEBOOK_KEY = "govsim.codebook"

_SHARE = "share (0-1)"
_SCORE = "score (0-1)"

# unit of every indicator of sim.INDICATORS (a test checks none is missing)
INDICATOR_UNITS: dict[str, str] = {
    "participation_rate": "share of citizens (0-1)",
    "compliance_rate": "share of enterprises (0-1)",
    "mean_trust": _SCORE,
    "mean_satisfaction": _SCORE,
    "satisfaction_gini": "Gini coefficient (0-1)",
    "unrest_rate": "share of citizens (0-1)",
    "jailed_rate": "share of citizens (0-1)",
    "complaint_rate": "share of citizens (0-1)",
    "service_coverage": "share of need met (0-1)",
    "service_match": "overlap of shares (0-1)",
    "responsiveness": _SCORE,
    "mean_harm": "log-utility units per citizen",
    "welfare": "log-utility units per citizen",
    "governance_cost": "money units per citizen per step",
    "cost_effectiveness": "coverage share per money unit per citizen",
    "revenue_per_capita": "money units per citizen per step",
    "reserves_per_capita": "money units per citizen",
    "jurisdiction_equity": "1 - Gini (0-1)",
    "nongov_provision_share": _SHARE,
    "org_centralization": "centralisation index (0-1)",
    "polycentricity": _SCORE,
    "org_ties": "count of ties",
    "network_density": "share of possible ties (0-1)",
    "org_clustering": "clustering coefficient (0-1)",
    "org_betweenness_centralization": "centralisation index (0-1)",
    "mean_enforcement_effort": "multiplier of the inspection probability (1 = as set; >= 0)",
    "cost_services": "money units per citizen per step",
    "cost_administration": "money units per citizen per step",
    "cost_programmes": "money units per citizen per step",
    "cost_enforcement": "money units per citizen per step",
    "cost_policing": "money units per citizen per step",
    "cost_platform": "money units per citizen per step",
    "cost_contracting": "money units per citizen per step",
    "cost_monitoring": "money units per citizen per step",
    "refunds_per_capita": "money units per citizen per step",
    "delivery_productivity": "output units per money unit",
    "quality_shading": _SHARE,
    "provider_diversity": "normalised entropy (0-1)",
    "decision_dispersion": "normalised entropy (0-1)",
    "rule_compliance": "share of households (0-1)",
    # environment and inter-governmental cooperation (sim/environment.py, sim/cooperation.py)
    "pollution_stock": "pollution units (1 = one step of emissions of an average-sized jurisdiction "
    "whose every enterprise emits 1)",
    "basic_service_equalisation": "1 - Gini (0-1)",
    "cost_coordination": "money units per citizen per step",
}

# Indicators bounded in [0, 1]: their intervals are Wilson intervals (never outside
# [0, 1]); the others get Student-t intervals. The one place this is declared.
SHARE_INDICATORS: frozenset[str] = frozenset(
    name for name, unit in INDICATOR_UNITS.items() if unit.endswith("(0-1)")
)

# name -> (description, unit) of the columns that identify a row or a run
IDENTIFIERS: dict[str, tuple[str, str]] = {
    "variant": ("Name of the variant of the experiment config (baseline if none).", "name"),
    "replicate": ("Replicate number within the variant (or design point), from 0.", "index"),
    "seed": ("Integer seed of the run's random generator (reruns it bit for bit).", "seed"),
    "step": ("Model step; 0 is the state after initialisation.", "step"),
    "run_id": ("Sweep run id: (variant_index * points + point) * replicates + replicate.", "index"),
    "point": ("Sweep design point, a row of design.parquet, from 0.", "index"),
    "steps": ("Steps the run was set to last.", "steps"),
    "status": ("Outcome of the sweep run: ok or failed.", "category"),
    "error": ("Exception of a failed sweep run (type: message); empty if ok.", "text"),
    "traceback": ("Python traceback of a failed sweep run; empty if ok.", "text"),
    "wall_seconds": ("Wall-clock time the run took.", "seconds"),
    "batch": ("Number of the batch file the sweep run was written in.", "index"),
    "events": ("The run's timeline of events, as JSON (when variants differ in it).", "JSON"),
    "indicator": ("Name of the indicator summarised in this row.", "name"),
    "mean": ("Mean over replicates of the indicator's final value.", "unit of the indicator"),
    "ci_low": (
        "Lower end of the 95% interval of the mean (Wilson interval for 0-1 indicators, "
        "Student-t otherwise).",
        "unit of the indicator",
    ),
    "ci_high": ("Upper end of the 95% interval of the mean (see ci_low).", "unit of the indicator"),
    "n": ("Replicates the mean is over.", "count"),
    "failed": ("Failed runs at this design point.", "count"),
    "jurisdiction": ("Index of the jurisdiction the row is about (0..J-1).", "index"),
}

# units of the per-jurisdiction columns of jurisdictions.parquet that are not national
# indicators (sim.jurisdiction_frame.JURISDICTION_INDICATORS describes them)
JURISDICTION_UNITS: dict[str, str] = {
    "population": "citizens",
    "provision_per_capita": "output units per citizen",
    "enforcement_effort": "multiplier of the inspection probability (1 = as set; >= 0)",
}

_FINAL = "final_"
_UNIT_PREFIX = "unit_"


def column_info(name: str) -> dict[str, str] | None:
    """``description``, ``unit`` and ``kind`` of a stored column, or None if unknown.

    >>> column_info("mean_trust")["unit"]
    'score (0-1)'
    >>> column_info("model.levers.fine")["kind"]
    'parameter'
    """
    from sim.indicators import INDICATORS

    if name in INDICATORS:
        return {
            "description": INDICATORS[name],
            "unit": INDICATOR_UNITS.get(name, ""),
            "kind": "indicator",
        }
    if name.startswith(_FINAL) and name.removeprefix(_FINAL) in INDICATORS:
        base = column_info(name.removeprefix(_FINAL))
        assert base is not None
        return {
            "description": f"Value at the run's last step of {name.removeprefix(_FINAL)}: "
            + base["description"],
            "unit": base["unit"],
            "kind": "indicator",
        }
    if name in JURISDICTION_UNITS:
        from sim.jurisdiction_frame import JURISDICTION_INDICATORS

        return {
            "description": JURISDICTION_INDICATORS[name],
            "unit": JURISDICTION_UNITS[name],
            "kind": "indicator",
        }
    if name in IDENTIFIERS:
        description, unit = IDENTIFIERS[name]
        return {"description": description, "unit": unit, "kind": "identifier"}
    if name.startswith(_UNIT_PREFIX):
        inner = column_info(name.removeprefix(_UNIT_PREFIX))
        if inner is not None and inner["kind"] == "parameter":
            return {
                "description": "Design point's coordinate in the unit cube of the sampler, for "
                + name.removeprefix(_UNIT_PREFIX),
                "unit": "0-1",
                "kind": "design",
            }
    return _parameter_info(name)


def undocumented(columns: Iterable[str]) -> list[str]:
    """The columns the codebook does not know (a stored column must not be one)."""
    return [c for c in columns if column_info(c) is None or not column_info(c)["unit"]]


def codebook(columns: Iterable[str]) -> dict[str, dict[str, str]]:
    """Codebook entries of ``columns``, in order; unknown ones say so rather than vanish."""
    entries = {}
    for name in dict.fromkeys(columns):
        entries[name] = column_info(name) or {
            "description": "(not in the codebook)",
            "unit": "",
            "kind": "unknown",
        }
    return entries


def table_with_codebook(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table whose fields and schema carry the codebook."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    entries = codebook(table.column_names)
    fields = [
        field.with_metadata(
            {"description": entries[field.name]["description"], "unit": entries[field.name]["unit"]}
        )
        for field in table.schema
    ]
    metadata = dict(table.schema.metadata or {})
    metadata[CODEBOOK_KEY.encode()] = json.dumps(entries).encode("utf-8")
    return table.cast(pa.schema(fields, metadata=metadata))


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as Parquet (no index) with the codebook in its schema."""
    import pyarrow.parquet as pq

    pq.write_table(table_with_codebook(frame), path)


def write_codebook(files: Mapping[str, Sequence[str]], path: str | Path) -> Path:
    """Write ``codebook.json``: which file holds which columns, and what each column means.

    Parameters
    ----------
    files
        File name (relative to the folder) -> its columns.
    """
    columns = [c for names in files.values() for c in names]
    document: dict[str, Any] = {
        "about": "govsim codebook: meaning and unit of every stored column "
        "(parameter columns are dotted config keys; see docs/CONFIG_REFERENCE.md)",
        "files": {name: list(names) for name, names in files.items()},
        "columns": codebook(columns),
        "intervals": "95% intervals of means over replicates: Wilson intervals for the 0-1 "
        "indicators (" + ", ".join(sorted(SHARE_INDICATORS)) + "), Student-t otherwise",
    }
    path = Path(path)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def _parameter_info(name: str) -> dict[str, str] | None:
    """A dotted config key (``model.levers.fine``, ``run.steps``) described from its schema."""
    from experiments.config import RunSpec
    from sim.levers import Levers
    from sim.params import ModelParams

    root, _, rest = name.partition(".")
    schemas: dict[str, type[BaseModel]] = {"model": ModelParams, "run": RunSpec}
    cls: Any = schemas.get(root)
    if cls is None or not rest:
        return None
    parts = rest.split(".")
    for depth, part in enumerate(parts):
        if cls is ModelParams and part == "levers":
            cls = Levers  # the overrides' fields are the levers' fields
            continue
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            # a key inside a free-form mapping (e.g. services.spillover.<domain>)
            return {
                "description": f"Entry {'.'.join(parts[depth:])} of {root}.{'.'.join(parts[:depth])}.",
                "unit": "as the block",
                "kind": "parameter",
            }
        field = cls.model_fields.get(part)
        if field is None:
            return None
        if depth == len(parts) - 1:
            return {
                "description": field.description
                or f"{(cls.__doc__ or name).strip().splitlines()[0]} ({part})",
                "unit": _unit_of(field),
                "kind": "parameter",
            }
        cls = _inner(field.annotation)
    return None


def _inner(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return dict  # a mapping or list of values: its entries are free-form


def _unit_of(field: Any) -> str:
    """A unit from the field's type and bounds (the description gives the rest)."""
    annotation = field.annotation
    bounds = {
        kind: getattr(m, kind.lower())
        for m in field.metadata
        for kind in ("Ge", "Gt", "Le", "Lt")
        if type(m).__name__ == kind
    }
    if annotation is bool:
        return "true/false"
    if annotation is int:
        return "count"
    if annotation is float or annotation == float | None:
        low, high = bounds.get("Ge", bounds.get("Gt")), bounds.get("Le", bounds.get("Lt"))
        if low == 0.0 and high == 1.0:
            return "0-1"
        return "number (see description)"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "block"
    return "category"
