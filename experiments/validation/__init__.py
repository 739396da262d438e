"""Validation: the main model reduced to four canonical models (``govsim validate``).

One module per case (:mod:`~experiments.validation.coproduction`,
:mod:`~experiments.validation.compliance`, :mod:`~experiments.validation.unrest`,
:mod:`~experiments.validation.allocation`), each with ``run_case(variant, out)``;
:mod:`~experiments.validation.runner` runs them; :mod:`experiments.present.validation`
prints the table and draws the figures. Configs are
in ``configs/validation/``; the write-up is ``docs/VALIDATION.md``.
"""

from experiments.validation.core import CaseResult, Check
from experiments.validation.runner import CASE_NAMES, resolve_cases, run_validation

__all__ = ["CASE_NAMES", "CaseResult", "Check", "resolve_cases", "run_validation"]
