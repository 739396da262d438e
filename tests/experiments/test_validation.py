"""experiments.validation and ``govsim validate``: the model reduces to four published models.

The quick variants run here (in CI); each case states its tolerances in its checks
(see ``docs/VALIDATION.md``). The full variants regenerate the docs figures and are
marked ``full_validation``, deselected by default (run them with
``pytest -m full_validation``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from experiments.errors import UserError
from experiments.validation import CASE_NAMES, resolve_cases, run_validation
from experiments.validation.coproduction import crossing
from experiments.validation.core import (
    CHECK_KINDS,
    CONFIG_DIR,
    CaseResult,
    Check,
    load_case_config,
)

QUICK_CASES = [
    pytest.param("compliance", id="compliance"),
    pytest.param("unrest", id="unrest"),
    pytest.param("allocation", id="allocation"),
    pytest.param("coproduction", id="coproduction", marks=pytest.mark.slow),
]


def _failed(result: CaseResult) -> str:
    return "; ".join(
        f"{c.name}: expected {c.expected}, measured {c.measured} ({c.tolerance})"
        for c in result.checks
        if not c.passed
    )


@pytest.mark.parametrize("case", QUICK_CASES)
def test_quick_variant_reproduces_the_source(case: str, tmp_path: Path) -> None:
    (result,) = run_validation([case], "quick", tmp_path)
    assert len(result.checks) >= 3
    assert result.passed, _failed(result)
    # every check says what it is: verification (own rule) or validation (published result)
    assert {c.kind for c in result.checks} <= set(CHECK_KINDS)
    assert any(c.kind == "validation" for c in result.checks)
    assert result.figure is not None and result.figure.stat().st_size > 5_000
    assert result.table is not None and result.table.read_text().count("\n") > 5
    assert (tmp_path / "validation_summary.csv").is_file()


@pytest.mark.full_validation
@pytest.mark.parametrize("case", CASE_NAMES)
def test_full_variant_reproduces_the_source(case: str, tmp_path: Path) -> None:
    (result,) = run_validation([case], "full", tmp_path)
    assert result.passed, _failed(result)


SWITCHED_ON = {
    "coproduction": {"coproduction"},
    "compliance": {"compliance"},
    "unrest": {"unrest"},
    "allocation": {"revenue", "information", "allocation", "services"},
}


@pytest.mark.parametrize("case", CASE_NAMES)
def test_configs_switch_off_every_other_phase(case: str) -> None:
    config = load_case_config(case)
    params = config.params()
    on = {name for name, value in params.mechanisms.model_dump().items() if value}
    assert on == SWITCHED_ON[case]
    # the YAML states every switch explicitly, so the doc's "exact configuration" is the file
    raw = yaml.safe_load((CONFIG_DIR / f"{case}.yaml").read_text())
    assert set(raw["model"]["mechanisms"]) == set(params.mechanisms.model_dump())


def test_case_names_and_aliases() -> None:
    assert resolve_cases([]) == list(CASE_NAMES)
    assert resolve_cases(["santos", "Becker", "unrest", "unrest"]) == [
        "coproduction",
        "compliance",
        "unrest",
    ]
    with pytest.raises(UserError, match="allowed: coproduction, compliance, unrest, allocation"):
        resolve_cases(["epstien"])


def test_crossing_interpolates_and_reports_none() -> None:
    etas = np.array([0.2, 0.4, 0.6])
    assert crossing(etas, np.array([0.0, 0.25, 1.0])) == pytest.approx(0.4 + 0.2 / 3)
    assert np.isnan(crossing(etas, np.array([0.0, 0.1, 0.2])))


def test_cli_unknown_case_exits_2_and_lists_allowed(capsys: pytest.CaptureFixture) -> None:
    from experiments.cli import main

    assert main(["validate", "santoss", "--quick"]) == 2
    err = capsys.readouterr().err
    assert "santoss" in err and "coproduction, compliance, unrest, allocation" in err


def test_cli_prints_table_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from experiments.cli import main

    assert main(["validate", "oates", "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for word in ("case", "kind", "expected", "measured", "tolerance", "pass", "allocation"):
        assert word in out
    assert "verification" in out and "validation" in out
    summary = (tmp_path / "validation_summary.csv").read_text().splitlines()
    assert summary[0].split(",")[:3] == ["case", "variant", "kind"]
    assert (tmp_path / "validation_allocation.png").is_file()


def test_cli_exits_1_when_a_check_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from experiments.cli import main
    from experiments.validation import allocation

    def failing(variant, out, config=None):
        return CaseResult(
            "allocation",
            "test",
            variant,
            [Check("claim", "1", "2", "0", passed=False, kind="validation")],
        )

    monkeypatch.setattr(allocation, "run_case", failing)
    assert main(["validate", "allocation", "--out", str(tmp_path)]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_bad_variant_settings_name_the_field(tmp_path: Path) -> None:
    config = load_case_config("allocation")
    broken = config.model_copy(update={"quick": {**config.quick, "steps": 0}})
    from experiments.validation.allocation import run_case

    with pytest.raises(UserError, match=r"allocation\.quick"):
        run_case("quick", tmp_path, broken)


@pytest.mark.parametrize(
    "module",
    ["core", "runner", "coproduction", "compliance", "unrest", "allocation"],
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    mod = importlib.import_module(f"experiments.validation.{module}")
    result = doctest.testmod(mod, verbose=False)
    assert result.attempted > 0 and result.failed == 0


def test_check_kind_is_required_and_checked() -> None:
    with pytest.raises(TypeError):
        Check("claim", "1", "1", "0", passed=True)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="verification, validation"):
        Check("claim", "1", "1", "0", passed=True, kind="validated")  # type: ignore[arg-type]


def test_documented_disagreement_is_shown_but_does_not_fail_the_case() -> None:
    agree = Check("a", "1", "1", "0", passed=True, kind="validation")
    known = Check("b", "1", "0", "0", passed=False, kind="validation", disagreement="why")
    unknown = Check("c", "1", "0", "0", passed=False, kind="validation")
    assert CaseResult("x", "s", "quick", [agree, known]).passed
    assert not CaseResult("x", "s", "quick", [agree, known, unknown]).passed


@pytest.mark.parametrize("module", CASE_NAMES)
def test_cases_run_the_model_not_its_phase_functions(module: str) -> None:
    """Validation goes through ``model.step()``: no case calls a phase function itself."""
    import importlib
    import inspect

    source = inspect.getsource(importlib.import_module(f"experiments.validation.{module}"))
    assert "from sim.phases" not in source and "import sim.phases" not in source
    assert "GovernanceModel" in source
    assert ".step()" in source or ".run(" in source


def test_docs_say_which_checks_verify_and_which_validate() -> None:
    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "VALIDATION.md").read_text()
    readme = (root / "README.md").read_text()
    assert "## Verification or validation: what each check is" in doc
    table = doc.split("## Verification or validation")[1].split("\n## ")[0]
    for case in CASE_NAMES:
        rows = [line for line in table.splitlines() if line.startswith(f"| {case} |")]
        kinds = {row.rstrip(" |").rsplit("|", 1)[-1].strip() for row in rows}
        assert any(k.startswith("verification") for k in kinds), case
        assert any(k.startswith("validation") for k in kinds), case
    assert "| validation: published result |" in readme and "verification: own rule |" in readme
    assert "reference_santos2008.yaml" in doc and "reference_santos2008.yaml" in readme
