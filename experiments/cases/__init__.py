"""The source's cases and general claims as scenarios: control vs treated, claim as a check.

See ``docs/CASES.md``. :mod:`experiments.cases.schema` reads and validates case
files (``configs/cases/``), :mod:`experiments.cases.verdict` turns paired
differences into verdicts and side effects, :mod:`experiments.cases.run` runs
them on any executor and tabulates the results (``govsim cases``).
"""

from experiments.cases.schema import (
    CASES_DIR,
    CLAIMS_DIR,
    Case,
    CaseBlock,
    ClaimSpec,
    case_ids,
    load_case,
    load_case_text,
    resolve_cases,
)
from experiments.cases.verdict import (
    GOOD_DIRECTION,
    NOT_EXPRESSIBLE,
    NOT_REPRODUCED,
    OPPOSITE,
    REPRODUCED,
    PairedEffect,
    judge,
    paired_differences,
    paired_effect,
    side_effects,
)

__all__ = [
    "CASES_DIR",
    "CLAIMS_DIR",
    "GOOD_DIRECTION",
    "NOT_EXPRESSIBLE",
    "NOT_REPRODUCED",
    "OPPOSITE",
    "REPRODUCED",
    "Case",
    "CaseBlock",
    "ClaimSpec",
    "PairedEffect",
    "case_ids",
    "judge",
    "load_case",
    "load_case_text",
    "paired_differences",
    "paired_effect",
    "resolve_cases",
    "side_effects",
]
