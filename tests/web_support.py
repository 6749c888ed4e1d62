"""A real server on loopback and a real headless Chromium, for the API and page tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class LiveServer:
    """uvicorn serving ``app`` in a thread, on a socket bound to a free loopback port."""

    def __init__(self, app) -> None:
        import uvicorn

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    def start(self, timeout: float = 30) -> "LiveServer":
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=15)
        self._socket.close()


@contextmanager
def live_server(app) -> Iterator[LiveServer]:
    server = LiveServer(app).start()
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve_subprocess(*args: str, timeout: float = 120) -> Iterator[str]:
    """``python -m detector serve ARGS`` in a real process; yields its base URL once /healthz answers."""
    import httpx

    port = free_port()
    command = [sys.executable, "-m", "detector", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-access-log", *args]
    repo = Path(__file__).resolve().parents[1]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=repo, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"detector serve exited with {process.returncode}:\n{log.read().decode(errors='replace')}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("detector serve did not answer /healthz in time")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def chromium_or_skip() -> str:
    """Debian's chromium (``.ci/run`` installs it); CI fails without it, a bare checkout skips."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    message = f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def playwright_driver() -> Iterator[object]:
    """Playwright's driver; one per process (its sync API cannot be nested)."""
    from playwright.sync_api import sync_playwright

    chromium_or_skip()
    with sync_playwright() as playwright:
        yield playwright


@contextmanager
def chromium_context(playwright=None, **context_options) -> Iterator[object]:
    """A headless Chromium with a fresh profile, driven by Playwright (started here if not given)."""
    if playwright is None:
        with playwright_driver() as driver, chromium_context(driver, **context_options) as context:
            yield context
        return
    profile = tempfile.mkdtemp(prefix="detector-chromium-")
    try:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium_or_skip(),
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            **context_options,
        )
        try:
            yield context
        finally:
            context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
