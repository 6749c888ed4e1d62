"""Shared fixtures: one Detector per profile for the whole session, loaded once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "myanmar-repatriation.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(os.environ.get("DETECTOR_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def fast_detector():
    from detector import Detector

    return Detector.load(profile="fast")


@pytest.fixture(scope="session")
def accurate_detector():
    from detector import Detector

    return Detector.load(profile="accurate")


@pytest.fixture(scope="session")
def report_schema():
    import json

    return json.loads((REPO / "detector" / "schema" / "report.schema.json").read_text())


@pytest.fixture(scope="session")
def validate_report(report_schema):
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(report_schema)

    def validate(payload: dict) -> None:
        errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.path))
        assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])

    return validate


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m detector`` as a user would, in a real subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "detector", *args],
        input=stdin,
        capture_output=True,
        env=full_env,
        cwd=REPO,
        timeout=timeout,
    )


def shared_data_available() -> bool:
    return (SHARED_DATA / "ai_text").is_dir()


needs_shared_data = pytest.mark.skipif(not shared_data_available(), reason="../shared/data is not beside the checkout")


# -- the HTTP server and the page (tests/test_server_api.py, tests/test_web_page.py) --


@pytest.fixture(scope="session")
def live_server(fast_detector):
    """The real application around the session's fast Detector, on a loopback port, default limits."""
    from detector.server import create_app

    from .web_support import live_server as serve

    with serve(create_app(fast_detector)) as server:
        yield server


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright's driver for the session (skips, or fails under CI, without /usr/bin/chromium)."""
    from .web_support import playwright_driver as driver

    with driver() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """One headless Chromium (Debian's, driven by Playwright) for the session, laptop-sized window.

    The page's Content-Security-Policy is bypassed so that the injection tests prove
    the page's own code renders text as text, not merely that the policy blocks scripts.
    """
    from .web_support import chromium_context

    with chromium_context(playwright_driver, viewport={"width": 1366, "height": 768}, bypass_csp=True) as context:
        yield context


@pytest.fixture
def browser_page(chromium):
    """A fresh tab that records every request, console error and dialog it sees."""
    page = chromium.new_page()
    page.requests, page.dialogs, page.errors = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    page.close()
