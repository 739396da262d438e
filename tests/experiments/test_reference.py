"""The committed config reference is what the schema generates (it cannot drift)."""

from __future__ import annotations

import json
from pathlib import Path

from experiments.cli import main
from experiments.reference import config_json_schema, render_reference
from sim import INDICATORS, Levers

ROOT = Path(__file__).resolve().parents[2]


def test_committed_reference_is_current() -> None:
    committed = (ROOT / "docs" / "CONFIG_REFERENCE.md").read_text(encoding="utf-8")
    assert committed == render_reference(), (
        "regenerate with: govsim reference --out docs/CONFIG_REFERENCE.md --overwrite"
    )


def test_reference_lists_every_lever_and_indicator() -> None:
    text = render_reference()
    for lever in Levers.model_fields:
        assert f"`model.levers.{lever}`" in text
    for indicator in INDICATORS:
        assert f"`{indicator}`" in text
    for key in (
        "`run.seed`",
        "`model.network.kind`",
        "`model.mechanisms.coproduction`",
        "`model.trust.trust_rate`",
    ):
        assert key in text


def test_schema_command_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    assert main(["schema", "--out", str(out)]) == 0
    schema = json.loads(out.read_text())
    assert schema == json.loads(json.dumps(config_json_schema()))
    assert "model" in schema["properties"]
