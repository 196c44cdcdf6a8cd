"""Browser tests: Debian's headless Chromium driven by Playwright against a real `kg serve`.

Playwright uses ``/usr/bin/chromium`` (installed by ``.ci/setup-browser.sh``) and never
downloads a browser. Every page a test opens is watched: a console error, an uncaught
exception, a failed request or a request to anything but the test server fails the test.
Screenshots go to ``artifacts/screenshots/`` at the project root (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.live import kg_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The browser binary; its absence fails (never skips) the browser tests."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's chromium. "
                    "Run .ci/setup-browser.sh (apt-get install chromium) first.", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="session")
def server(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kg serve` on the seed graph, on a free port of 127.0.0.1."""
    with kg_server(seed_store, "--workers", "2", log_dir=tmp_path_factory.mktemp("browser-server")) as base:
        yield base


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package playwright is missing: pip install -e '.[test]'", pytrace=False)

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watch:
    """What a page did that a test must not see: console errors, page errors, foreign or failed requests."""

    base: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    statuses: list[tuple[str, int]] = field(default_factory=list)
    expected: set[tuple[str, int]] = field(default_factory=set)

    def expect_error_status(self, path: str, status: int) -> None:
        """Accept the console's 'Failed to load resource … status of <status>' for a request to ``path``.

        Chromium logs every 4xx answer to ``fetch`` in the console; a test that provokes one
        on purpose (a malformed query) declares it, and it must then actually happen.
        """
        self.expected.add((self.base + path, status))

    def response(self, response) -> None:
        self.statuses.append((response.url.split("?")[0], response.status))

    def check(self) -> list[str]:
        """The problems seen, minus the console lines of declared error statuses that did occur."""
        seen = [s for s in self.statuses if s in self.expected]
        missing = [f"expected an HTTP {st} from {url}, got none" for url, st in self.expected if (url, st) not in seen]
        allowed = {f"console error: Failed to load resource: the server responded with a status of {st}"
                   for _, st in seen}
        return [p for p in self.problems if not any(p.startswith(a) for a in allowed)] + missing

    def request(self, request) -> None:
        self.requests.append(request.url)
        if not (request.url.startswith(self.base + "/") or request.url == self.base):
            self.problems.append(f"request left the test server: {request.url}")

    def console(self, message) -> None:
        if message.type in ("error", "warning") and "DevTools" not in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def failed(self, request) -> None:
        self.problems.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture()
def watch(server: str) -> Watch:
    return Watch(server)


@pytest.fixture()
def page(browser, watch: Watch) -> Iterator[object]:
    """A fresh 1280-wide page; the test fails on any console error or non-local request."""
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1, service_workers="block")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.on("request", watch.request)
    tab.on("console", watch.console)
    tab.on("pageerror", lambda error: watch.problems.append(f"page error: {error}"))
    tab.on("requestfailed", watch.failed)
    tab.on("response", watch.response)
    yield tab
    context.close()
    assert watch.requests, "the page made no request at all"
    problems = watch.check()
    assert not problems, "\n".join(problems)


def screenshot(page, name: str, *, full_page: bool = True, element: str | None = None) -> Path:
    """Save ``artifacts/screenshots/<name>-<width>.png``: the page, or the first visible ``element``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{page.viewport_size['width']}.png"
    if element:
        page.locator(element).locator("visible=true").first.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full_page)
    return path
