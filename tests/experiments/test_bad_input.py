"""Bad input through the CLI: exit code 2, the field named, no traceback, quickly.

One row per case of issue 14, section 2. Every row runs ``govsim run`` (or
``govsim sweep``) in-process: an exception that escapes :func:`experiments.cli.main`
is exactly what would reach the user as a traceback, so it fails the test. A
watchdog (SIGALRM) turns a hang into a failure.
"""

from __future__ import annotations

import codecs
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from experiments import load_config_text
from experiments.cli import main
from experiments.yaml_input import MAX_DEPTH, load_yaml
from sim import ModelParams

SECONDS = 5.0
"""Every refusal comes within this (most take milliseconds)."""

TINY = "run: {steps: 3, replicates: 1}\n"
SMALL = "citizens: 20, jurisdictions: 2, enterprises: 2, social_orgs: 2"


@dataclass(frozen=True)
class Case:
    """A bad input: the file's content, extra arguments and what the message must say."""

    id: str
    content: str | bytes
    expected: tuple[str, ...]
    args: tuple[str, ...] = ()
    command: str = "run"


def _laughs(levels: int) -> str:
    """A "billion laughs" value inside an event: each level is nine aliases of the one below."""
    items = ["&l0 lol"] + [
        f"&l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]" for level in range(1, levels + 1)
    ]
    return f"{TINY}events: [{{step: 1, set: {{levers.fine: [{', '.join(items)}]}}}}]\n"


SWEEP = TINY + "model: {" + SMALL + "}\nsweep:\n"

CASES = [
    # --- tracebacks before ----------------------------------------------------------
    Case(
        "invalid-utf8",
        b"run: {steps: 3}\nmodel: {regime: serv\xffice}\n",
        ("not valid UTF-8", "line 2, column 21", "save the file as UTF-8"),
    ),
    Case(
        "invalid-utf16",
        codecs.BOM_UTF16_LE + "model: {}\n".encode("utf-16-le") + b"\x00\xd8",
        ("not valid UTF-16", "save the file as UTF-8"),
    ),
    Case(
        "utf16-without-bom",
        "model: {citizens: 60}\n".encode("utf-16-le"),
        ("NUL bytes", "UTF-16"),
    ),
    Case(
        "deep-nesting-flow",
        TINY + "model: {levers: " + "[" * 10_000 + "]" * 10_000 + "}\n",
        (f"nested deeper than {MAX_DEPTH} levels", "line 2"),
    ),
    Case(
        "deep-nesting-mappings",
        TINY + "model: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        (f"nested deeper than {MAX_DEPTH} levels",),
    ),
    Case(
        "5000-digit-integer",
        TINY + "model: {citizens: 1" + "0" * 5000 + "}\n",
        ("model.citizens", "an integer of 5001 digits", "line 2"),
    ),
    Case(
        "citizens-1e12",
        TINY + "model: {citizens: 1000000000000}\n",
        ("citizens 1000000000000", "would need about 1.46 PB", "per citizen", "more than its"),
    ),
    Case(
        "enterprises-1e12",
        TINY + "model: {enterprises: 1000000000000}\n",
        ("enterprises 1000000000000", "would need about", "more than its"),
    ),
    Case(
        "citizens-1e30",
        TINY + "model: {citizens: 1000000000000000000000000000000}\n",
        ("citizens 1000000000000000000000000000000", "10^33 B"),
    ),
    Case(
        "max-jail-term-1e30",
        TINY + "model: {unrest: {max_jail_term: 1000000000000000000000000000000}}\n",
        ("model.unrest.max_jail_term", "less than or equal to 1000000"),
    ),
    Case(
        "watts-strogatz-k-above-n",
        TINY + "model: {" + SMALL + ", network: {kind: watts_strogatz, k: 30}}\n",
        ("network.k (30) must be smaller than citizens (20)", "watts_strogatz"),
    ),
    Case(
        "watts-strogatz-k-above-n-in-sweep",
        SWEEP + "  parameters: {model.network.kind: [watts_strogatz], model.network.k: [4, 30]}\n",
        ("sweep point 1", "model.network.k=30", "must be smaller than citizens"),
        command="sweep",
    ),
    Case(
        "citizens-1e12-in-sweep",
        SWEEP + "  parameters: {model.citizens: [20, 1000000000000]}\n",
        ("sweep point 1", "model: too large for this machine", "citizens 1000000000000"),
        command="sweep",
    ),
    Case(
        "grid-of-1e10-points",
        SWEEP
        + "  parameters:\n"
        + "    model.enterprises: {low: 0, high: 99999, integer: true}\n"
        + "    model.social_orgs: {low: 0, high: 99999, integer: true}\n",
        ("sweep: parameters:", "10000000000 points", "more than the 1,000,000"),
        command="sweep",
    ),
    Case(
        "grid-levels-in-the-billions",
        SWEEP + "  parameters: {model.decentralization: {low: 0, high: 1, levels: 2000000000}}\n",
        ("sweep.parameters.model.decentralization.levels", "less than or equal to 1000000"),
        command="sweep",
    ),
    Case(
        "lhs-samples-in-the-billions",
        SWEEP
        + "  design: lhs\n  samples: 3000000000\n"
        + "  parameters: {model.decentralization: {low: 0, high: 1}}\n",
        ("sweep.samples", "less than or equal to 1000000"),
        command="sweep",
    ),
    Case(
        "sobol-design-too-large",
        SWEEP
        + "  design: sobol\n  samples: 524288\n  parameters:\n"
        + "".join(f"    model.levers.{k}: {{low: 0, high: 1}}\n" for k in ("fine", "coercion")),
        ("sweep: samples:", "sobol design would have 2097152 points"),
        command="sweep",
    ),
    Case(
        "sweep-runs-too-many",
        SWEEP
        + "  design: lhs\n  samples: 1000000\n  replicates: 20\n"
        + "  parameters: {model.decentralization: {low: 0, high: 1}}\n",
        ("sweep: 20000000 runs", "more than the 10,000,000"),
        command="sweep",
    ),
    # --- accepted but wrong before --------------------------------------------------
    Case(
        "duplicate-key",
        TINY + "model: {regime: top_down}\nmodel: {citizens: 60}\n",
        ("duplicate key 'model' at line 3 (first at line 2)",),
    ),
    Case(
        "duplicate-nested-key",
        TINY + "model:\n  levers: {fine: 1, fine: 2}\n",
        ("model.levers: duplicate key 'fine' at line 3",),
    ),
    Case("nan-lever", TINY + "model: {levers: {fine: .nan}}\n", ("model.levers.fine", "finite")),
    Case(
        "infinite-float", TINY + "model: {levers: {fine: .inf}}\n", ("model.levers.fine", "finite")
    ),
    Case(
        "negative-infinite-float",
        TINY + "model: {compliance: {base_profit: -.inf}}\n",
        ("model.compliance.base_profit", "finite"),
    ),
    Case(
        "infinite-spillover",
        TINY + "model: {services: {spillover: {environment: .inf}}}\n",
        ("model.services.spillover.environment", "finite"),
    ),
    Case(
        "infinite-shock",
        TINY + "events: [{step: 1, shock: {kind: revenue, factor: .inf}}]\n",
        ("events.0.shock.factor", "finite"),
    ),
    Case(
        "infinite-in-event-set",
        TINY + "events: [{step: 1, set: {levers.fine: .inf}}]\n",
        ("events[0]", "levers.fine", "finite"),
    ),
    Case(
        "infinite-sweep-value",
        SWEEP + "  parameters: {model.levers.fine: [1, .inf]}\n",
        ("sweep.parameters.model.levers.fine.values", "finite"),
        command="sweep",
    ),
    Case(
        "infinite-sweep-range",
        SWEEP
        + "  design: lhs\n  samples: 4\n  parameters: {model.levers.fine: {low: 0, high: .inf}}\n",
        ("sweep.parameters.model.levers.fine.high", "finite"),
        command="sweep",
    ),
    Case(
        "steps-true",
        "run: {steps: true}\n",
        ("run.steps", "must be an integer, not a boolean"),
    ),
    Case(
        "steps-text",
        "run: {steps: '20'}\n",
        ("run.steps", "must be an integer, not text", "'20'"),
    ),
    Case(
        "decentralization-true",
        TINY + "model: {decentralization: true}\n",
        ("model.decentralization", "must be a number, not a boolean"),
    ),
    Case(
        "lever-as-text",
        TINY + "model: {levers: {fine: '3'}}\n",
        ("model.levers.fine", "must be a number, not text"),
    ),
    Case(
        "switch-as-number",
        TINY + "model: {mechanisms: {voice: 1}}\n",
        ("model.mechanisms.voice", "must be true or false"),
    ),
    Case(
        "ring-k-equal-to-citizens",
        TINY + "model: {" + SMALL + ", network: {kind: ring, k: 20}}\n",
        ("network.k (20) must be smaller than citizens (20)", "ring"),
    ),
    Case(
        "event-after-the-last-step",
        TINY + "events: [{step: 9, set: {levers.fine: 2}}]\n",
        ("events[0].step", "after the last step (run.steps = 3)", "allowed: 0 to 3"),
    ),
    Case(
        "event-after-the-last-step-in-a-variant",
        "run: {steps: 10, replicates: 1}\nevents: [{step: 9, set: {levers.fine: 2}}]\n"
        + "variants: {short: {run.steps: 5}}\n",
        ("variants.short", "events[0].step", "after the last step (run.steps = 5)"),
    ),
    Case(  # within the alias limit: refused by the model, the value shown cut short
        "billion-laughs-5-levels",
        _laughs(5),
        ("events[0]", "levers.fine", "(got ['lol', ['lol', 'lol',"),
    ),
    Case("billion-laughs-8-levels", _laughs(8), ("aliases expand", "more than 1,000,000")),
    Case("billion-laughs-9-levels", _laughs(9), ("aliases expand", "more than 1,000,000")),
    Case(
        "long-value-in-an-event",
        TINY + "events: [{step: 1, set: {levers.fine: [" + ", ".join(["1"] * 5000) + "]}}]\n",
        ("events[0]", "levers.fine", "(got [1, 1, 1, 1, 1, 1, ...])"),
    ),
    Case(
        "long-text-value",
        TINY + "model: {regime: " + "x" * 100_000 + "}\n",
        ("model.regime", "'top_down', 'regulatory' or 'service'", "xxx..."),
    ),
    Case(
        "long-unknown-key",
        TINY + "model: {" + "k" * 1000 + ": 1}\n",  # PyYAML's longest plain key: 1024
        ("model.kkkk", "...: unknown key"),
    ),
    Case("recursive-alias", TINY + "model: &m {levers: *m}\n", ("refers to itself",)),
    Case("control-character", TINY + "model: {regime: a\x01}\n", ("not allowed in YAML", "line 2")),
    Case(
        "set-dot", TINY, ("--set '.'", "every part of a dotted key needs a name"), ("--set", ".=1")
    ),
    Case(
        "set-empty-part",
        TINY,
        ("--set 'model..regime'", "every part"),
        ("--set", "model..regime=service"),
    ),
    Case(
        "set-deep-value",
        TINY,
        ("--set", f"nested deeper than {MAX_DEPTH} levels"),
        ("--set", "model.levers.fine=" + "[" * 5000 + "]" * 5000),
    ),
    Case(
        "set-duplicate-key",
        TINY,
        ("--set", "duplicate key 'regime'"),
        ("--set", "model={regime: service, regime: top_down}"),
    ),
]

MESSAGE_LIMIT = 2000
"""No message about one bad value is longer than this (the values in it are capped)."""


@pytest.fixture
def watchdog() -> Iterator[None]:
    """Fail a case that takes far longer than it should instead of hanging the suite."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer within {4 * SECONDS:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(int(4 * SECONDS))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_input_exits_2_naming_the_field(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], watchdog: None
) -> None:
    config = tmp_path / "config.yaml"
    if isinstance(case.content, bytes):
        config.write_bytes(case.content)
    else:
        config.write_text(case.content, encoding="utf-8")
    out = tmp_path / "out"
    start = time.perf_counter()
    code = main([case.command, str(config), "--out", str(out), *case.args])
    elapsed = time.perf_counter() - start
    captured = capsys.readouterr()
    message = captured.err
    assert code == 2, f"exit {code}: {message or captured.out}"
    assert "Traceback" not in message + captured.out
    for fragment in case.expected:
        assert fragment in message, f"{fragment!r} not in: {message[:MESSAGE_LIMIT]}"
    assert len(message) < MESSAGE_LIMIT, f"{len(message)} characters"
    assert elapsed < SECONDS, f"{elapsed:.1f} s"
    # nothing ran: no results appeared
    assert not any(out.rglob("*.parquet")) if out.exists() else True


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.id in ("invalid-utf8", "billion-laughs-9-levels")],
    ids=lambda case: case.id,
)
def test_the_installed_command_prints_no_traceback(case: Case, tmp_path: Path) -> None:
    """The same through a real process: the console script, stderr and exit status."""
    config = tmp_path / "config.yaml"
    if isinstance(case.content, bytes):
        config.write_bytes(case.content)
    else:
        config.write_text(case.content, encoding="utf-8")
    govsim = Path(sys.executable).with_name("govsim")
    done = subprocess.run(
        [str(govsim), case.command, str(config), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")
    assert case.expected[0] in done.stderr


MODEL_CASES = (
    "citizens-1e12",
    "enterprises-1e12",
    "citizens-1e30",
    "max-jail-term-1e30",
    "watts-strogatz-k-above-n",
    "nan-lever",
    "infinite-float",
    "negative-infinite-float",
    "infinite-spillover",
    "decentralization-true",
    "lever-as-text",
    "switch-as-number",
    "ring-k-equal-to-citizens",
    "long-text-value",
)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.id in MODEL_CASES], ids=lambda case: case.id
)
def test_python_api_refuses_the_same_model_values(case: Case) -> None:
    """Every bad ``model:`` block the CLI refuses, ModelParams refuses too."""
    raw = yaml.safe_load(case.content)
    with pytest.raises(ValueError):  # pydantic's ValidationError is a ValueError
        ModelParams.model_validate(raw["model"])


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """What Windows editors save as "Unicode" is decoded, not refused."""
    from experiments import load_config

    for encoding in ("utf-16", "utf-32", "utf-8-sig"):
        path = tmp_path / f"{encoding}.yaml"
        path.write_bytes("model: {citizens: 60, regime: top_down}\n".encode(encoding))
        assert load_config(path).model.citizens == 60


def test_nested_variant_overrides_merge_into_the_model_block() -> None:
    """``{model: {regime: ...}}`` changes the regime only, like ``{model.regime: ...}``."""
    config = load_config_text(
        "model: {citizens: 60, levers: {fine: 7}}\n"
        "variants:\n"
        "  nested: {model: {regime: top_down, levers: {transparency: 0.9}}}\n"
        "  dotted: {model.regime: top_down, model.levers.transparency: 0.9}\n"
    )
    variants = config.resolved_variants()
    assert variants["nested"].model == variants["dotted"].model
    assert variants["nested"].model.citizens == 60
    assert variants["nested"].model.levers.fine == 7
    assert variants["nested"].model.regime == "top_down"


def test_nested_set_merges_and_a_value_mapping_is_replaced() -> None:
    config = load_config_text(
        "model: {citizens: 60, services: {spillover: {environment: 0.3}}}",
        ["model={regime: top_down}", "model.services={spillover: {health: 0.1}}"],
    )
    assert config.model.citizens == 60
    assert config.model.regime == "top_down"
    assert config.model.services.spillover == {"health": 0.1}  # a value: replaced, not merged


def test_yaml_merge_keys_are_not_duplicates() -> None:
    data = load_yaml(
        "base: &base {citizens: 60, regime: top_down}\nmodel: {<<: *base, regime: service}"
    )
    assert data["model"] == {"citizens": 60, "regime": "service"}


def test_an_event_at_the_last_step_is_allowed() -> None:
    config = load_config_text("run: {steps: 5}\nevents: [{step: 5, set: {levers.fine: 2}}]")
    assert config.events[0].step == 5
