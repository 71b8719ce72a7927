"""Browser tests: Playwright driving Debian's chromium against a live Waypoint server.

One chromium per test process, started on first use and closed at exit; every test gets a fresh
browser context (cookies, storage) so journeys do not leak into each other. Screenshots of each
journey go to ``browser_tests/screenshots/``.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import tag

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from waypoint.web.tests.helpers import code_for

CHROMIUM = os.environ.get("WAYPOINT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

_browser: Browser | None = None


def browser() -> Browser:
    global _browser
    if _browser is None:
        playwright = sync_playwright().start()
        _browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def close() -> None:
            _browser.close() if _browser else None
            playwright.stop()

        atexit.register(close)
    return _browser


@tag("browser", "slow")
class BrowserTestCase(StaticLiveServerTestCase):
    # Reference data comes from data migrations; restore it after each test's flush.
    serialized_rollback = True
    page: Page

    def setUp(self) -> None:
        super().setUp()
        self.context = browser().new_context(viewport={"width": 1100, "height": 800})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        #: What the browser refused under the Content-Security-Policy, as it reported it.
        self.csp_violations: list[str] = []
        self.page.on("console", self._note_csp_violation)

    def tearDown(self) -> None:
        self.context.close()
        super().tearDown()

    def _note_csp_violation(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def url(self, path: str) -> str:
        return f"{self.live_server_url}{path}"

    def screenshot(self, name: str, **options: Any) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True, **options)
        return path

    def sign_in(self, username: str, password: str) -> None:
        """Sign in with the password and, for a user with an authenticator app, its current code."""
        self.page.goto(self.url("/login/"))
        self.page.get_by_label("User name").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is not None:
            self.page.wait_for_url(self.url("/login/code/"))
            self.page.get_by_label("Code").fill(code_for(device))
            self.page.get_by_role("button", name="Continue").click()
        self.page.wait_for_url(self.url("/"))
