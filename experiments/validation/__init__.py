"""Validation: the main model reduced to four canonical models (``govsim validate``).

One module per case (:mod:`~experiments.validation.coproduction`,
:mod:`~experiments.validation.compliance`, :mod:`~experiments.validation.unrest`,
:mod:`~experiments.validation.allocation`), each with ``run_case(variant, out)``;
:mod:`~experiments.validation.runner` runs them and prints the table. Configs are
in ``configs/validation/``; the write-up is ``docs/VALIDATION.md``.
"""

from experiments.validation.core import CaseResult, Check
from experiments.validation.runner import CASE_NAMES, render_table, resolve_cases, run_validation

__all__ = ["CASE_NAMES", "CaseResult", "Check", "render_table", "resolve_cases", "run_validation"]
