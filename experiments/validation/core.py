"""Shared pieces of the validation cases: checks, results, case configs, parameter edits.

Every case reduces the main :class:`sim.GovernanceModel` to one canonical model by
switching the other phases off in ``configs/validation/<case>.yaml`` and compares
what the model does with a published result. A case returns a :class:`CaseResult`
holding one :class:`Check` per claim (expected value, measured value, tolerance,
pass) and the data behind its figure.

Each check is one of two kinds (``Check.kind``):

- **verification**: the code follows its own rule. The expected value is derived from
  the model's own equations (a per-agent decision rule, a closed form, an identity).
- **validation**: a published result is reproduced. The expected value or relation is
  taken from the source (a number read off its figure, a comparative static it states).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from experiments.errors import UserError
from sim.params import PHASE_NAMES, ModelParams
from sim.settings import with_settings

__all__ = [
    "CHECK_KINDS",
    "CONFIG_DIR",
    "CaseConfig",
    "CaseResult",
    "Check",
    "CheckKind",
    "Variant",
    "load_case_config",
    "only_mechanism",
    "with_settings",
]

Variant = Literal["quick", "full"]
CheckKind = Literal["verification", "validation"]
CHECK_KINDS: tuple[CheckKind, ...] = ("verification", "validation")

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs" / "validation"


@dataclass(frozen=True)
class Check:
    """One claim of a source, tested against the model.

    Attributes
    ----------
    name
        What is checked, in the source's terms.
    expected
        The source's value or relation, as text for the table.
    measured
        What the model gave, as text.
    tolerance
        The allowed deviation and why (as text).
    passed
        Whether the measured value is within tolerance.
    kind
        ``"verification"`` (the code follows its own rule: the expected value is derived
        from the model's equations) or ``"validation"`` (a published result reproduced:
        the expected value comes from the source).
    disagreement
        Empty, or why the model is known to disagree with the source here (a documented
        disagreement, explained in ``docs/VALIDATION.md``). Such a check is still
        computed and shown; when it does not pass it does not fail the case.
    """

    name: str
    expected: str
    measured: str
    tolerance: str
    passed: bool
    kind: CheckKind
    disagreement: str = ""

    @property
    def ok(self) -> bool:
        """Passed, or failed where a disagreement with the source is documented."""
        return self.passed or bool(self.disagreement)

    def __post_init__(self) -> None:
        if self.kind not in CHECK_KINDS:
            raise ValueError(f"Check.kind: {self.kind!r}; allowed: {', '.join(CHECK_KINDS)}")


@dataclass
class CaseResult:
    """Outcome of one validation case."""

    case: str
    source: str
    variant: Variant
    checks: list[Check] = field(default_factory=list)
    figure: Path | None = None
    table: Path | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        """True when every check passed or is a documented disagreement."""
        return all(check.ok for check in self.checks)


class CaseConfig(BaseModel):
    """A validation case's YAML: the reduced model and the two run sizes.

    ``model`` is a :class:`sim.ModelParams` mapping (the base configuration, the
    other phases switched off); ``quick`` and ``full`` hold the case's own run
    settings, validated by the case module.
    """

    model_config = ConfigDict(extra="forbid")

    case: str
    source: str
    seed: int = Field(ge=0)
    model: dict[str, Any]
    quick: dict[str, Any]
    full: dict[str, Any]

    def params(self) -> ModelParams:
        """The base model parameters, validated."""
        try:
            return ModelParams.model_validate(self.model)
        except ValidationError as error:
            raise UserError(f"{self.case}.model: {error}") from error

    def settings[S: BaseModel](self, variant: Variant, schema: type[S]) -> S:
        """The run settings of one variant, validated against the case's schema."""
        try:
            return schema.model_validate(getattr(self, variant))
        except ValidationError as error:
            raise UserError(f"{self.case}.{variant}: {error}") from error


def load_case_config(case: str, config_dir: Path | None = None) -> CaseConfig:
    """Read ``<config_dir>/<case>.yaml`` (default ``configs/validation``)."""
    path = (config_dir or CONFIG_DIR) / f"{case}.yaml"
    if not path.is_file():
        raise UserError(f"validation config {path}: file not found")
    from experiments.inputfile import read_text_input
    from experiments.yaml_input import load_yaml  # duplicate keys refused, depth capped

    data = load_yaml(read_text_input(path, "validation config"), str(path))
    try:
        return CaseConfig.model_validate(data)
    except ValidationError as error:
        raise UserError(f"validation config {path}: {error}") from error


def only_mechanism(*names: str) -> dict[str, bool]:
    """Mechanism switches with only ``names`` on.

    >>> sorted(k for k, v in only_mechanism("unrest").items() if v)
    ['unrest']
    """
    unknown = set(names) - set(PHASE_NAMES)
    if unknown:
        raise ValueError(f"unknown phases {sorted(unknown)}; allowed: {list(PHASE_NAMES)}")
    return {name: name in names for name in PHASE_NAMES}
