"""Browser tests: Playwright driving Debian's chromium against a live Waypoint server.

One chromium per test process, started on first use and closed at exit; every test gets a fresh
browser context (cookies, storage) so journeys do not leak into each other. Screenshots of each
journey go to ``browser_tests/screenshots/``; ``assert_accessible`` runs axe-core (vendored in
``browser_tests/vendor/``) on the current page.
"""

from __future__ import annotations

import atexit
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any, cast

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import connections
from django.test import tag

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    ViewportSize,
    sync_playwright,
)

from waypoint.reference.models import Country
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
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
#: WCAG 2.0, 2.1 and 2.2, levels A and AA, as axe-core tags its rules.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
#: Violations of these impacts fail a test; axe's "minor" and "moderate" are left to review.
BLOCKING_IMPACTS = ("serious", "critical")
DESKTOP: ViewportSize = {"width": 1100, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 740}

#: Test case attributes that refer back to the test case (as SimpleTestCase.__getstate__ has it).
UNPICKLED = {"_outcome": None, "_subtest": None}

_browser: Browser | None = None


def browser() -> Browser:
    global _browser
    if _browser is None:
        own = {alias: connections[alias] for alias in connections}
        playwright = sync_playwright().start()
        keep_connections(own)
        _browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def close() -> None:
            _browser.close() if _browser else None
            playwright.stop()

        atexit.register(close)
    return _browser


def keep_connections(own: dict[str, Any]) -> None:
    """Give this thread the database connections it had before Playwright started.

    Between two calls Playwright's sync API leaves its event loop marked as running in the calling
    thread (``wait_for_future`` in ``playwright/_impl/_greenlets.py``). Django finds connections
    through an asgiref ``Local`` that keeps them per thread while no loop runs but per async
    context while one does, so after the start every lookup would make new connection objects.
    Those lack the copy of the test database that ``serialized_rollback`` restores after a flush:
    from the second live-server test of the process on (browser test or not) the reference data
    loaded by data migrations would be gone. On SQLite they would also be second connections to
    the shared in-memory database. Storing the thread's own connections in that context as well
    makes every later lookup in this thread answer the same objects as before.
    """
    for alias, connection in own.items():
        connections[alias] = connection
    moved = [alias for alias, connection in own.items() if connections[alias] is not connection]
    if moved:
        raise RuntimeError(f"the test thread lost its database connections: {moved}")


def pickles(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


@tag("browser", "slow")
class BrowserTestCase(StaticLiveServerTestCase):
    # Reference data comes from data migrations; restore it after each test's flush.
    serialized_rollback = True
    context: BrowserContext
    page: Page

    @classmethod
    def setUpClass(cls) -> None:
        # Start the browser before the live server: the server thread shares (on SQLite) the
        # connections this thread looks up, and they must be the ones kept above.
        browser()
        super().setUpClass()

    def __getstate__(self) -> dict[str, Any]:
        # A failed subtest reaches the parallel runner's main process with its test case, which
        # is pickled after the test has ended; by then SimpleTestCase.__getstate__ no longer
        # leaves out what does not pickle, such as the browser's handles.
        state = cast(dict[str, Any], super().__getstate__())
        kept = {key: value for key, value in state.items() if key not in UNPICKLED}
        return {key: value for key, value in kept.items() if pickles(value)} | UNPICKLED

    def setUp(self) -> None:
        super().setUp()
        # What the data migrations loaded is back after the previous test's flush, whichever ran.
        self.assertTrue(Country.objects.exists(), "the reference data are missing")
        #: What the browser refused under the Content-Security-Policy, as it reported it.
        self.csp_violations: list[str] = []
        self.open_context()

    def tearDown(self) -> None:
        self.context.close()
        super().tearDown()

    def open_context(self, viewport: ViewportSize = DESKTOP) -> None:
        """Start ``self.page`` afresh in a new browser context: no cookies, no language chosen."""
        if getattr(self, "context", None) is not None:
            self.context.close()
        self.context = browser().new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on("console", self._note_csp_violation)

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

    def switch_language(self, code: str) -> None:
        """Choose a language with the switcher every page carries, as a person would."""
        switcher = self.page.locator("form:has(select[name=language])")
        switcher.locator("select[name=language]").select_option(code)
        switcher.locator("[type=submit]").click()
        self.page.locator(f'html[lang="{code}"]').wait_for(state="attached")

    def assert_accessible(self, name: str) -> None:
        """Save a screenshot of the current page as ``name``, then fail listing every serious or
        critical violation of WCAG 2.0, 2.1 and 2.2 (A and AA) that axe-core finds on it."""
        self.screenshot(name)
        problems = self.accessibility_problems()
        if problems:
            self.fail(
                f"{len(problems)} serious or critical accessibility violation(s) on "
                f"{self.page.url} ({name}):\n" + "\n".join(problems)
            )

    def accessibility_problems(self) -> list[str]:
        """Run axe-core on the current page; answer one line per serious or critical violation:
        rule, impact, help, how many elements and the first few of them."""
        result = self.run_axe()
        return [
            f"- {violation['id']} ({violation['impact']}): {violation['help']}; "
            f"{len(violation['nodes'])} element(s): "
            + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            for violation in result["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]

    def run_axe(self) -> dict[str, Any]:
        # The page's Content-Security-Policy allows scripts from the site only (script-src
        # 'self', no nonce), so page.add_script_tag(), which adds an inline <script>, is refused.
        # Code that Playwright evaluates through the DevTools protocol is not subject to the
        # page's CSP, and axe needs no eval of its own: evaluating the file's source leaves the
        # policy in force, so axe judges the page as people get it. A context with
        # bypass_csp=True would also apply what the policy blocks (inline styles, say) and
        # could hide a problem or report one that nobody sees.
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(axe_source())
        return self.page.evaluate(
            """tags => axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            })""",
            AXE_TAGS,
        )
