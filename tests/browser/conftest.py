"""A real `streamlit run server.py` on 127.0.0.1 with demo data, and headless Chromium driving it."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
# Reruns on a busy 2-core CI machine can take longer than Playwright's default 5 s.
expect.set_options(timeout=15_000)
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _chromium() -> str | None:
    """Debian's Chromium (or OAA_CHROMIUM); None lets Playwright use its own download."""
    candidate = os.environ.get("OAA_CHROMIUM") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else shutil.which("chromium")


def app_env(database_url: str, **extra_env: str) -> dict[str, str]:
    """The environment of an app process serving ``database_url`` in demo mode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OAA_DATABASE")}
    env.update(OAA_DATABASE_URL=database_url, OAA_DEMO="1", PYTHONUNBUFFERED="1", **extra_env)
    return env


def seed_demo(env: dict[str, str]) -> None:
    """Migrate the database of ``env`` and load the demo story into it."""
    for args in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)


def start_streamlit(env: dict[str, str], log: IO[str]) -> tuple[subprocess.Popen[bytes], str]:
    """Start `streamlit run server.py` on a free port of 127.0.0.1; return the process and its address."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    return proc, f"http://127.0.0.1:{port}"


def wait_until_healthy(url: str, log_name: str, timeout: float = 60) -> None:
    """Wait until ``url``/_stcore/health answers ok (also through a proxy)."""
    context = ssl._create_unverified_context()  # a test proxy's self-signed certificate
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2, context=context) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer; see {log_name}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End a process this test started: politely, then for sure."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def running_app(folder: Path, database_url: str | None = None, **extra_env: str) -> Iterator[str]:
    """Serve the app on a free port with a fresh SQLite database (in ``folder`` unless given) holding the demo story."""
    env = app_env(database_url or f"sqlite:///{folder / 'browser.sqlite3'}", **extra_env)
    seed_demo(env)
    log = (folder / "streamlit.log").open("w")
    proc, url = start_streamlit(env, log)
    try:
        wait_until_healthy(url, log.name)
        yield url
    finally:
        stop(proc)
        log.close()


@pytest.fixture(scope="session")
def app_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The SQLite database the app serves (a test may read it, or add what the demo story lacks)."""
    return f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.sqlite3'}"


@pytest.fixture(scope="session")
def app_url(app_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app on a free port with a fresh SQLite database holding the demo story."""
    with running_app(tmp_path_factory.mktemp("browser-app"), database_url=app_database_url) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=_chromium(),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context (own cookies) per test; a screenshot is kept in test-artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
