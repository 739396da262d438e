"""Files are never lost: output paths resolved and refused before any work, atomic replacement,
stale staging cleaned, single files never replaced without --overwrite, locks honoured,
pool workers exit with their parent, endless config paths refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments import outdir
from experiments.cli import main
from experiments.errors import UserError
from experiments.folderlock import folder_lock
from experiments.outdir import (
    clean_stale_partials,
    publish_files,
    resolve_output,
    staged_output,
    write_file_atomically,
)
from experiments.pipeline.store import SweepStore
from tests.experiments.sweep_helpers import GRID, write_config

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes), hidden ones included."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def dead_pid() -> int:
    """The PID of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current folder holding a user's file, with a parent holding another."""
    (tmp_path / "parent_file.txt").write_text("keep me too")
    here = tmp_path / "project"
    here.mkdir()
    (here / "notes.txt").write_text("user data")
    monkeypatch.chdir(here)
    return here


# -- resolving --out before anything else ----------------------------------------------
@pytest.mark.parametrize(
    "out, extra",
    [
        ("newdir/..", []),
        ("newdir/..", ["--overwrite"]),
        (".", []),
        (".", ["--overwrite"]),
        ("./", ["--overwrite"]),
        ("..", ["--overwrite"]),
        ("/", ["--overwrite"]),
    ],
)
def test_run_refuses_current_folder_and_its_parents(
    workdir: Path, tiny_config: Path, out: str, extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before, above = snapshot(workdir), snapshot(workdir.parent)
    code = main(["run", str(tiny_config), "--out", out, "--workers", "1", "--quiet", *extra])
    assert code == 2
    err = capsys.readouterr().err
    assert "--out" in err and "Traceback" not in err
    assert snapshot(workdir) == before and snapshot(workdir.parent) == above
    assert not (workdir / "newdir").exists()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(
        st.sampled_from(["..", ".", "new", "data", "x/..", "", "data/../.."]), max_size=6
    ),
    overwrite=st.booleans(),
)
def test_no_path_resolves_to_the_current_folder_or_above(
    workdir: Path, parts: list[str], overwrite: bool
) -> None:
    """Invariant: whatever relative path, resolving either refuses or names a folder strictly
    inside neither the current folder's ancestors nor the current folder itself."""
    (workdir / "data").mkdir(exist_ok=True)
    text = "/".join(parts) or "."
    try:
        target = resolve_output(text, kind="folder", overwrite=overwrite)
    except UserError:
        return
    here = Path.cwd()
    assert target != here and target not in here.parents
    assert target == Path(os.path.realpath(text))


@pytest.mark.parametrize("out", ["newdir/..", ".", ".."])
def test_sweep_plot_validate_refuse_current_folder_and_parents(
    workdir: Path, out: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(workdir.parent)
    before, above = snapshot(workdir), snapshot(workdir.parent)
    for argv in (
        ["sweep", str(config), "--out", out, "--workers", "1", "--quiet", "--overwrite"],
        ["validate", "oates", "--out", out, "--overwrite"],
        ["plot", str(workdir), "--out", out, "--overwrite"],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert f"--out {out}:" in err and "Traceback" not in err
    assert snapshot(workdir) == before and snapshot(workdir.parent) == above


def test_data_dotdot_with_overwrite_keeps_the_parent(
    workdir: Path, tiny_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "data").mkdir()
    (workdir / "data" / "x.csv").write_text("1,2")
    before = snapshot(workdir)
    assert main(["run", str(tiny_config), "--out", "data/..", "--overwrite", "--quiet"]) == 2
    assert "current folder" in capsys.readouterr().err
    assert snapshot(workdir) == before


def test_home_and_system_folders_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home" / "user"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    for path in (
        home,
        home.parent,
        Path("/proc/self/x"),
        Path("/sys/kernel/x"),
        Path("/dev/shm/x"),
    ):
        with pytest.raises(UserError, match="--out"):
            resolve_output(path, kind="folder", overwrite=True)
    assert main(["reference", "--out", "/proc/self/oom_score_adj", "--overwrite"]) == 2
    assert "system folder" in capsys.readouterr().err


def test_long_names_refused_before_work(
    tmp_path: Path, tiny_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = tmp_path / ("x" * 300)
    assert main(["run", str(tiny_config), "--out", str(long), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "300 bytes" in err and "Traceback" not in err
    # a name that fits but leaves no room for the staging folder is refused too
    with pytest.raises(UserError, match="bytes long"):
        resolve_output(tmp_path / ("y" * 250), kind="folder", overwrite=False)
    assert main(["sweep", str(tiny_config), "--out", str(long), "--quiet"]) == 2
    assert main(["reference", "--out", str(long)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]


def test_symlink_refused_unless_overwrite_which_replaces_only_the_link(
    tmp_path: Path, tiny_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "precious.txt").write_text("data")
    link = tmp_path / "link"
    link.symlink_to(real)
    assert main(["run", str(tiny_config), "--out", str(link), "--quiet"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert link.is_symlink()
    args = ["run", str(tiny_config), "--out", str(link), "--quiet", "--overwrite", "--workers", "1"]
    assert main(args) == 0
    assert not link.is_symlink() and (link / "timeseries.parquet").is_file()
    assert snapshot(real) == {"precious.txt": b"data"}
    # a file symlink as a file output: same rule
    target = tmp_path / "target.md"
    target.write_text("mine")
    (tmp_path / "ref.md").symlink_to(target)
    assert main(["reference", "--out", str(tmp_path / "ref.md")]) == 2
    assert target.read_text() == "mine"


def test_run_resolves_out_before_reading_the_config(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "missing.yaml", "--out", "."]) == 2
    assert "current folder" in capsys.readouterr().err


# -- atomic replacement and stale staging --------------------------------------------------
def test_overwrite_swaps_folders_and_leaves_no_staging(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with staged_output(out, overwrite=True) as staging:
        (staging / "new.txt").write_text("new")
        assert (out / "old.txt").read_text() == "old"  # untouched while the run works
    assert snapshot(out) == {"new.txt": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_overwrite_without_exchange_moves_old_aside_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fallback order: old folder renamed aside, new one renamed in, then the old deleted."""
    monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)
    events: list[tuple[str, str]] = []
    real_rename = os.rename

    def spy(src: str | Path, dst: str | Path) -> None:
        events.append((Path(src).name, Path(dst).name))
        real_rename(src, dst)

    monkeypatch.setattr(outdir.os, "rename", spy)
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with staged_output(out, overwrite=True) as staging:
        (staging / "new.txt").write_text("new")
    pid = os.getpid()
    assert events == [("out", f".out.old-{pid}"), (f".out.partial-{pid}", "out")]
    assert snapshot(out) == {"new.txt": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_kill_between_renames_restores_the_old_folder(tmp_path: Path) -> None:
    """State after a kill between 'old aside' and 'new in': the next command puts the old back."""
    pid = dead_pid()
    old = tmp_path / f".out.old-{pid}"
    old.mkdir()
    (old / "old.txt").write_text("old")
    new = tmp_path / f".out.partial-{pid}"
    new.mkdir()
    (new / "half.txt").write_text("?")
    touched = clean_stale_partials(tmp_path)
    assert len(touched) == 2
    assert snapshot(tmp_path) == {"out/old.txt": b"old"}


def test_stale_partials_of_dead_processes_cleaned_live_ones_kept(
    tmp_path: Path, tiny_config: Path
) -> None:
    dead = dead_pid()
    stale = tmp_path / f".results.partial-{dead}"
    stale.mkdir()
    (stale / "timeseries.parquet").write_text("half")
    stale_file = tmp_path / f".ref.md.partial-{dead}"
    stale_file.write_text("half")
    live_owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".other.partial-{live_owner.pid}"
        live.mkdir()
        finished_old = tmp_path / "done"  # a finished swap: its .old leftover is deleted
        finished_old.mkdir()
        (tmp_path / f".done.old-{dead}").mkdir()
        user = tmp_path / ".mine.partial-notapid"
        user.mkdir()
        code = main(
            ["run", str(tiny_config), "--out", str(tmp_path / "r"), "--quiet", "--workers", "1"]
        )
        assert code == 0
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == sorted(["tiny.yaml", "r", "done", live.name, user.name])
    finally:
        live_owner.kill()
        live_owner.wait()


@pytest.mark.slow
def test_kill_9_during_overwrite_leaves_old_or_new_never_half(tmp_path: Path) -> None:
    """A process killed while replacing a large folder: the path holds the old or the new folder."""
    out = tmp_path / "out"
    out.mkdir()
    for k in range(3000):
        (out / f"old-{k}.txt").write_text("old")
    script = f"""
import sys
from experiments.outdir import staged_output
with staged_output({str(out)!r}, overwrite=True) as s:
    for k in range(3000):
        (s / f"new-{{k}}.txt").write_text("new")
    print("ready", flush=True)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in (0.0, 0.005, 0.02, 0.05):
        child = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE)
        assert child.stdout is not None
        child.stdout.readline()
        time.sleep(delay)
        child.kill()
        child.wait()
        clean_stale_partials(tmp_path)
        # a kill while the swap holds the old folder's lock can leave the empty lock
        # file (a kill -9 runs no clean-up); the next command takes it over
        names = {p.name for p in out.iterdir()} - {".lock"}
        kinds = {n.split("-")[0] for n in names}
        assert kinds in ({"old"}, {"new"}) and len(names) == 3000
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_overwrite_refused_while_a_sweep_holds_the_lock(
    tmp_path: Path, tiny_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sweep"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    with SweepStore(out).lock():  # what a running sweep holds
        before = snapshot(out)
        code = main(["run", str(tiny_config), "--out", str(out), "--overwrite", "--quiet"])
        assert code == 2
        assert "another govsim process" in capsys.readouterr().err
        assert snapshot(out) == before
    assert not (out / ".lock").exists()  # the holder removes it


# -- single files ----------------------------------------------------------------------------
def test_write_file_atomically_never_replaces_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_file_atomically(target, lambda p: p.write_text("one"), overwrite=False)
    with pytest.raises(UserError, match="exists"):
        write_file_atomically(target, lambda p: p.write_text("two"), overwrite=False)
    assert target.read_text() == "one"

    def fails(path: Path) -> None:
        path.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_file_atomically(target, fails, overwrite=True)
    assert target.read_text() == "one"
    write_file_atomically(target, lambda p: p.write_text("two"), overwrite=True)
    assert target.read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


@pytest.mark.parametrize("command", ["reference", "schema"])
def test_reference_and_schema_out_need_overwrite(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "doc.md"
    target.write_text("my notes")
    assert main([command, "--out", str(target)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert target.read_text() == "my notes"
    assert main([command, "--out", str(target), "--overwrite"]) == 0
    assert target.read_text() != "my notes"
    assert main([command, "--out", str(tmp_path)]) == 2  # a folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.md"]


def test_publish_files_all_or_nothing(tmp_path: Path) -> None:
    staging, out = tmp_path / "s", tmp_path / "o"
    staging.mkdir()
    out.mkdir()
    (staging / "a.png").write_text("new a")
    (staging / "b.png").write_text("new b")
    (out / "b.png").write_text("user b")
    (out / "c.txt").write_text("user c")
    with pytest.raises(UserError, match=r"b\.png"):
        publish_files(staging, out, overwrite=False)
    assert snapshot(out) == {"b.png": b"user b", "c.txt": b"user c"}
    publish_files(staging, out, overwrite=True)
    assert snapshot(out) == {"a.png": b"new a", "b.png": b"new b", "c.txt": b"user c"}


def test_config_path_must_be_a_regular_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = time.perf_counter()
    assert main(["run", "/dev/zero", "--out", str(tmp_path / "o")]) == 2
    assert "regular file" in capsys.readouterr().err
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert main(["run", str(fifo), "--out", str(tmp_path / "o")]) == 2  # would block on open
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: 64 MB of NULs without writing them
    assert main(["run", str(huge), "--out", str(tmp_path / "o")]) == 2
    assert "too large" in capsys.readouterr().err
    assert time.perf_counter() - start < 10
    assert not (tmp_path / "o").exists()


def test_manifest_json_unchanged_by_refusals(tmp_path: Path, tiny_config: Path) -> None:
    """A finished run folder survives every refused command byte for byte."""
    out = tmp_path / "r"
    assert main(["run", str(tiny_config), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    before = snapshot(out)
    assert main(["run", str(tiny_config), "--out", str(out), "--quiet"]) == 2
    assert main(["sweep", str(tiny_config), "--out", str(out), "--quiet"]) == 2
    assert main(["reference", "--out", str(out / "manifest.json")]) == 2
    assert snapshot(out) == before
    assert json.loads((out / "manifest.json").read_text())["kind"] == "run"


# -- refused sweeps leave nothing behind -------------------------------------------------------
def test_refused_sweeps_leave_no_lock_and_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    plain = write_config(tmp_path, "run: {steps: 3}\n", "plain.yaml")
    bad = write_config(
        tmp_path,
        GRID.replace("model.decentralization: [0.2, 0.8]", "model.citizens: [5]"),
        "b.yaml",
    )
    new = tmp_path / "new" / "deeper"
    for cfg in (plain, bad):  # no sweep block; a design the model rejects
        assert main(["sweep", str(cfg), "--out", str(new), "--workers", "1", "--quiet"]) == 2
        assert not (tmp_path / "new").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "data.csv").write_text("1")
    assert main(["sweep", str(config), "--out", str(other), "--quiet"]) == 2
    assert snapshot(other) == {"data.csv": b"1"} and [p.name for p in other.iterdir()] == [
        "data.csv"
    ]
    done = tmp_path / "done"
    assert main(["sweep", str(config), "--out", str(done), "--workers", "1", "--quiet"]) == 0
    assert not (done / ".lock").exists()
    before = snapshot(done)
    changed = write_config(tmp_path, GRID.replace("seed: 7", "seed: 8"), "changed.yaml")
    assert main(["sweep", str(changed), "--out", str(done), "--quiet"]) == 2
    with SweepStore(done).lock():
        assert main(["sweep", str(config), "--out", str(done), "--quiet"]) == 2
        assert "another govsim process" in capsys.readouterr().err
    assert snapshot(done) == before


def test_lock_is_exclusive_and_its_file_removed_after(tmp_path: Path) -> None:
    with folder_lock(tmp_path):
        with pytest.raises(UserError, match="another govsim process"):
            with folder_lock(tmp_path):
                pass
    with folder_lock(tmp_path):  # released, and its file removed
        pass
    assert not (tmp_path / ".lock").exists()


def test_sweep_refuses_a_symlinked_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "keep.txt").write_text("k")
    (tmp_path / "link").symlink_to(real)
    config = write_config(tmp_path)
    for extra in ([], ["--overwrite"]):
        argv = ["sweep", str(config), "--out", str(tmp_path / "link"), "--quiet", *extra]
        assert main(argv) == 2
        assert "symbolic link" in capsys.readouterr().err
    assert snapshot(real) == {"keep.txt": b"k"}


# -- pool workers do not outlive their parent --------------------------------------------------
LONG_RUNS = """
run: {steps: 20000, replicates: 4, seed: 1}
model: {citizens: 300, enterprises: 6, social_orgs: 4, jurisdictions: 2}
sweep:
  design: grid
  parameters:
    model.decentralization: [0.2, 0.8]
  per_step: []
"""


def _pool_processes(pid: int) -> list:
    """The forkserver and pool workers under ``pid``."""
    import psutil

    found = []
    for process in psutil.Process(pid).children(recursive=True):
        try:
            if "multiprocessing" in " ".join(process.cmdline()):
                found.append(process)
        except psutil.Error:  # a short-lived helper (git) already gone
            pass
    return found


@pytest.mark.slow
@pytest.mark.parametrize("command", ["sweep", "run"])
def test_pool_workers_exit_when_the_parent_is_killed(tmp_path: Path, command: str) -> None:
    import psutil

    config = write_config(tmp_path, LONG_RUNS)
    argv = [command, str(config), "--out", str(tmp_path / "out"), "--workers", "2", "--quiet"]
    script = f"import sys; from experiments.cli import main; sys.exit(main({argv!r}))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.monotonic() + 60
        family: list[psutil.Process] = []
        while time.monotonic() < deadline and len(family) < 3:
            time.sleep(0.2)
            family = _pool_processes(parent.pid)
        assert len(family) >= 3, "the forkserver and two workers did not start"
        time.sleep(2.0)  # the workers are inside a run (each takes many seconds)
    finally:
        parent.kill()
        parent.wait()

    def running(p: psutil.Process) -> bool:
        try:
            return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(running(p) for p in family):
        time.sleep(0.1)
    left = [p.pid for p in family if running(p)]
    for pid in left:  # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []


# -- every writing command leaves existing files alone without --overwrite ------------------------
@pytest.fixture
def results(tmp_path: Path, tiny_config: Path) -> dict[str, Path]:
    """A finished run folder and sweep folder."""
    run, sweep = tmp_path / "run", tmp_path / "sweep"
    assert main(["run", str(tiny_config), "--out", str(run), "--workers", "1", "--quiet"]) == 0
    config = write_config(tmp_path)
    assert main(["sweep", str(config), "--out", str(sweep), "--workers", "1", "--quiet"]) == 0
    return {"run": run, "sweep": sweep, "config": config}


def test_plot_never_replaces_figures_without_overwrite(
    tmp_path: Path, results: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    run = results["run"]
    figs = tmp_path / "figs"
    figs.mkdir()
    (figs / "indicators.png").write_bytes(b"user figure")
    (figs / "notes.txt").write_text("keep")
    argv = ["plot", str(run), "--out", str(figs), "--format", "png", "--no-network"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "indicators.png" in err and "--overwrite" in err
    assert snapshot(figs) == {"indicators.png": b"user figure", "notes.txt": b"keep"}
    # the default folder holds the figure govsim run drew: kept too
    before = snapshot(run)
    assert main(["plot", str(run), "--format", "png", "--no-network"]) == 2
    assert snapshot(run) == before
    assert main([*argv, "--overwrite"]) == 0
    after = snapshot(figs)
    assert after["notes.txt"] == b"keep" and after["indicators.png"].startswith(b"\x89PNG")
    assert "final_state.png" in after
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
    # a plot refused for bad input creates nothing
    assert main(["plot", str(tmp_path / "missing"), "--out", str(tmp_path / "new" / "f")]) == 2
    assert not (tmp_path / "new").exists() and not (tmp_path / "missing").exists()


def test_rerun_save_and_analyze_never_replace_without_overwrite(
    tmp_path: Path, results: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sweep = results["sweep"]
    save = tmp_path / "run5.parquet"
    save.write_bytes(b"my data")
    assert main(["rerun", str(sweep), "5", "--save", str(save)]) == 2
    assert "--save" in capsys.readouterr().err and save.read_bytes() == b"my data"
    assert main(["rerun", str(sweep), "5", "--save", str(save), "--overwrite"]) == 0
    assert save.read_bytes().startswith(b"PAR1")

    assert main(["analyze", str(sweep), "-i", "mean_trust"]) == 0
    aggregates = sweep / "analysis" / "aggregates.csv"
    aggregates.write_text("edited by hand")
    before = snapshot(sweep)
    assert main(["analyze", str(sweep), "-i", "mean_trust"]) == 2
    assert "aggregates.csv" in capsys.readouterr().err
    assert snapshot(sweep) == before
    assert main(["analyze", str(sweep), "-i", "mean_trust", "--overwrite"]) == 0
    assert aggregates.read_text() != "edited by hand"
    assert not [p for p in sweep.iterdir() if ".partial-" in p.name]


def test_validate_never_replaces_without_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "v"
    out.mkdir()
    (out / "validation_allocation.png").write_bytes(b"mine")
    (out / "other.txt").write_text("keep")
    assert main(["validate", "oates", "--quick", "--out", str(out)]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert snapshot(out) == {"validation_allocation.png": b"mine", "other.txt": b"keep"}
    assert main(["validate", "oates", "--quick", "--out", str(out), "--overwrite"]) == 0
    after = snapshot(out)
    assert after["other.txt"] == b"keep" and after["validation_allocation.png"] != b"mine"
    assert {"validation_allocation.csv", "validation_summary.csv"} <= set(after)
    assert main(["validate", "oates", "--quick", "--out", "."]) == 2  # the current folder


def test_bench_out_refused_before_benchmarking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "bench.txt"
    table.write_text("old table")
    start = time.perf_counter()
    assert main(["bench", "--quick", "--out", str(table)]) == 2
    assert time.perf_counter() - start < 5 and table.read_text() == "old table"
    assert "--overwrite" in capsys.readouterr().err
