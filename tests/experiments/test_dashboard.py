"""`govsim dashboard` in headless Chromium, offline: renders, steps, takes a control, resets.

The server is started through the CLI, exactly as a user would, on a config at the
default population size (2,000 citizens), so the graph view's speed is tested at the
size people will use. The browser is Debian's /usr/bin/chromium driven by Playwright
(``scripts/setup_dashboard.sh`` installs it and Solara's asset cache); every request
that leaves 127.0.0.1 is blocked and recorded. Set ``GOVSIM_SCREENSHOT_DIR`` to also
keep a copy of the final screenshot (docs/figures/dashboard.png was made this way).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from experiments.cli import main
from experiments.dashboard import (
    DashboardModel,
    initial_model_kwargs,
    model_params,
    setup_from_config,
)
from experiments.dashboard.controls import LEVER_SLIDERS
from experiments.dashboard.model import LEVER_CONTROLS
from sim import REGIME_PRESETS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60  # s until the server answers HTTP
SERVER_HARD_TIMEOUT = 300  # s after which the server is killed whatever happens
UI_TIMEOUT_MS = 30_000

# Default population size; the config only sets what the test checks for.
CONFIG = """
run: {seed: 7}
model: {regime: top_down, decentralization: 0.5}
events:
  - {step: 3, set: {regime: service}}
"""

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed (run scripts/setup_dashboard.sh)",
)


# ---------------------------------------------------------------- without a browser


def test_controls_start_at_the_config_and_rebuild_it(tmp_path: Path) -> None:
    path = tmp_path / "dash.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    setup = setup_from_config(path)
    controls = model_params(setup)
    assert controls["regime"]["value"] == "top_down"
    assert controls["rng"] == 7
    assert tuple(LEVER_SLIDERS) == LEVER_CONTROLS
    for lever in LEVER_CONTROLS:
        spec = controls[lever]
        assert spec["min"] <= spec["value"] <= spec["max"], lever
    first = DashboardModel(**initial_model_kwargs(setup))
    assert first.params.regime == "top_down" and first.params.citizens == 2000
    preset = REGIME_PRESETS["top_down"].fine
    assert first.levers.fine == preset
    # sliders are ignored until switched on, then override the preset
    kwargs = initial_model_kwargs(setup) | {"fine": 9.5, "citizens": 200}
    assert DashboardModel(**kwargs).levers.fine == preset
    assert DashboardModel(**(kwargs | {"use_lever_sliders": True})).levers.fine == 9.5
    # the layout is computed once: stepping keeps the same object and positions
    layout = first.graph_layout
    first.run(2)
    assert first.graph_layout is layout
    assert layout.citizens_shown == 300 and layout.citizens_total == 2000
    assert (layout.kinds != "citizen").sum() == 100 + 40 + 5 + 1


def test_dashboard_command_rejects_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dashboard", str(tmp_path / "missing.yaml")]) == 2
    assert "config file not found" in capsys.readouterr().err
    path = tmp_path / "dash.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    assert main(["dashboard", str(path), "--variant", "nope"]) == 2
    assert "--variant" in capsys.readouterr().err
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["dashboard", str(path), "--port", str(port)]) == 2
    assert f"--port {port}" in capsys.readouterr().err


# ---------------------------------------------------------------- in the browser


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started: its own process group, by its pid."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


@pytest.fixture
def dashboard_url(tmp_path: Path) -> Iterator[str]:
    import solara.server.settings as settings

    needed = (
        Path(settings.assets.proxy_cache_dir) / "@widgetti/solara-vuetify-app@10.1.1/dist/main8.css"
    )
    if not needed.exists():
        pytest.fail(
            f"Solara's asset cache is not filled ({needed} missing): run scripts/setup_dashboard.sh"
        )
    config = tmp_path / "dash.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    port = _free_port()
    log_path = tmp_path / "server.log"
    govsim = Path(sys.executable).with_name("govsim")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(govsim), "dashboard", str(config), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so teardown stops solara too
        )
        watchdog = threading.Timer(SERVER_HARD_TIMEOUT, _stop, args=(proc,))
        watchdog.daemon = True
        watchdog.start()
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while True:
                if proc.poll() is not None:
                    pytest.fail(
                        f"the server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}"
                    )
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"no answer within {SERVER_START_TIMEOUT} s:\n{log_path.read_text()[-3000:]}"
                    )
                time.sleep(0.25)
            yield url
        finally:
            watchdog.cancel()
            _stop(proc)


def _colours(png: bytes) -> int:
    """Distinct colours of an image: a drawn plot has many, a blank box one or two."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 20) or [])


ALL_IMAGES_LOADED = (
    "() => { const i = [...document.querySelectorAll('img.widget-image')];"
    " return i.length === 3 && i.every(x => x.complete && x.naturalWidth > 100); }"
)


@pytest.mark.slow
@needs_chromium
def test_dashboard_in_browser(dashboard_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT_MS)
    clock = time.monotonic()
    timings: dict[str, float] = {}  # seconds from page load, printed for diagnosis

    def mark(name: str) -> None:
        timings[name] = round(time.monotonic() - clock, 2)

    external: list[str] = []
    console_errors: list[str] = []

    def offline_only(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in (
            "127.0.0.1",
            "localhost",
        ):
            route.continue_()
        else:  # the machine is offline anyway: fail fast and record it
            external.append(url)
            route.abort()

    def snap(locator) -> bytes:
        """A screenshot of ``locator`` once every image has loaded.

        A redraw replaces the image elements, so a screenshot taken at that moment
        finds no node; it is retried.
        """
        from playwright.sync_api import Error as PlaywrightError

        for _ in range(40):
            try:
                page.wait_for_function(ALL_IMAGES_LOADED)
                return locator.screenshot(timeout=2_000)
            except PlaywrightError:
                page.wait_for_timeout(250)
        raise AssertionError("the view never settled long enough for a screenshot")

    def drawn(locator) -> bytes:
        """A screenshot of ``locator`` once it shows more than a blank image."""
        for _ in range(40):
            png = snap(locator)
            if _colours(png) > 20:
                return png
            page.wait_for_timeout(250)
        raise AssertionError("the view stayed blank")

    def changed(locator, before: bytes) -> bytes:
        """Screenshot ``locator`` until it differs from ``before`` (images arrive asynchronously)."""
        for _ in range(40):
            after = snap(locator)
            if after != before:
                return after
            page.wait_for_timeout(250)
        raise AssertionError("the view did not change")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.route("**/*", offline_only)
            page.on(
                "console", lambda m: console_errors.append(m.text) if m.type == "error" else None
            )

            # 1. the page renders the config's model: graph + two charts + status line
            clock = time.monotonic()
            page.goto(dashboard_url)
            expect(page.get_by_text("Time: 0.0")).to_be_visible()
            page.wait_for_function(ALL_IMAGES_LOADED)
            status = page.locator(".govsim-status")
            expect(status).to_contain_text("Step 0 | regime top_down | decentralisation 0.50")
            expect(page.get_by_text("300 of 2,000 citizens")).to_be_visible()
            images = page.locator("img.widget-image")
            graph, citizens_chart = images.nth(0), images.nth(1)
            drawn(graph)  # the graph is not blank
            mark("rendered")

            # 2. Step: the counter, the status line and the charts move on
            chart_before = drawn(citizens_chart)
            page.get_by_role("button", name="Step").click()
            expect(page.get_by_text("Time: 1.0")).to_be_visible()
            expect(status).to_contain_text("Step 1 | regime top_down")
            chart_after = changed(citizens_chart, chart_before)
            assert _colours(chart_after) > 20
            mark("stepped")

            # 3. controls: regime -> service, decentralisation 0.50 -> 0.60; they act on Reset
            page.locator(".v-select").filter(has_text="Regime").click()
            page.locator(".v-menu__content .v-list-item").filter(has_text="service").click()
            expect(page.locator(".v-select").filter(has_text="Regime")).to_contain_text("service")
            slider = page.get_by_role("slider", name="Decentralisation (0-1)")
            slider.focus()
            slider.press("ArrowRight")
            slider.press("ArrowRight")
            expect(slider).to_have_attribute("aria-valuenow", "0.6")
            expect(status).to_contain_text("Step 1 | regime top_down | decentralisation 0.50")
            page.get_by_role("button", name="Reset").click()
            expect(status).to_contain_text("Step 0 | regime service | decentralisation 0.60")
            expect(page.get_by_text("Time: 0.0")).to_be_visible()
            mark("reset")

            # 4. a few steps of the new model; the charts differ from the top-down run's
            graph_before = snap(graph)
            for k in (1, 2):
                page.get_by_role("button", name="Step").click()
                expect(status).to_contain_text(f"Step {k} | regime service")
            page.wait_for_function(ALL_IMAGES_LOADED)
            changed(citizens_chart, chart_after)
            changed(graph, graph_before)  # tie weights and co-producers moved
            mark("stepped after reset")

            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            assert _colours(shot.read_bytes()) > 50
            if os.environ.get("GOVSIM_SCREENSHOT_DIR"):
                keep = Path(os.environ["GOVSIM_SCREENSHOT_DIR"])
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, keep / "dashboard.png")
        finally:
            browser.close()
            print(f"dashboard timings (s): {timings}")

    assert not external, f"the page tried to reach the internet: {external}"
    assert not console_errors, f"browser console errors: {console_errors}"
