"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

- Chromium comes from the system (`/usr/bin/chromium`, or LOTSE_CHROMIUM); Playwright never
  downloads a browser. Without Chromium the tests are skipped, except when
  LOTSE_REQUIRE_BROWSER=1 (CI), where a missing browser fails.
- axe-core (vendored in lotse/tests_support) is injected as an init script, which the page's
  Content-Security-Policy does not block; `axe_check(page)` fails on any WCAG 2.1 A/AA violation.
- Every CSP violation or JavaScript error on a page fails the test.
- Screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "lotse" / "tests_support" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("LOTSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Browser tests need the live server in a real thread with committed data.
pytestmark = [pytest.mark.browser]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "lotse/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # One xdist group: browser tests share one Chromium per worker.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("LOTSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} (LOTSE_REQUIRE_BROWSER=1)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


class PageProblems:
    """Collects CSP violations, JavaScript errors and server errors (5xx, also of a background
    poll) seen by a page."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            self.messages.append(f"CSP: {text}")

    def page_error(self, error: Any) -> None:
        self.messages.append(f"JS error: {error}")

    def response(self, response: Any) -> None:
        if response.status >= 500:
            self.messages.append(f"{response.status} {response.request.method} {response.url}")


@pytest.fixture
def new_page(browser: Any, request: Any) -> Iterator[Any]:
    """Return a factory for pages in fresh browser contexts (separate cookies = separate users)."""
    contexts = []
    problems = PageProblems()

    def make(locale: str = "de-DE") -> Any:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.add_init_script(path=str(AXE))
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", problems.console)
        page.on("pageerror", problems.page_error)
        page.on("response", problems.response)
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems.messages == [], "\n".join(problems.messages)


@pytest.fixture
def page(new_page: Any) -> Any:
    return new_page()


def axe_check(page: Any, context: str = "") -> None:
    """Run axe-core on the current page; fail with a readable list of violations."""
    results = page.evaluate(
        "tags => axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    violations = results["violations"]
    if violations:
        lines = [f"axe: {len(violations)} violation(s) on {page.url} {context}"]
        for violation in violations:
            targets = [node["target"] for node in violation["nodes"][:5]]
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} {targets}"
            )
        raise AssertionError("\n".join(lines))


# Playwright's screenshots may still leave an empty `style=""` attribute behind; htmx copies
# the attributes of an element with the same id onto its replacement while it settles, and
# setting a style attribute from script breaks the CSP (style-src 'self'). The pages themselves
# never have style attributes: remove the leftovers after every screenshot.
_DROP_SCREENSHOT_STYLES = (
    "() => document.querySelectorAll('[style=\"\"]')"
    ".forEach(element => element.removeAttribute('style'))"
)


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artefact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    # caret="initial": hiding the caret leaves style="" on inputs (see above).
    page.screenshot(path=str(path), full_page=True, caret="initial")
    page.evaluate(_DROP_SCREENSHOT_STYLES)
    return path


def visit(page: Any, url: str, name: str) -> None:
    """Open a page, check accessibility, take a screenshot."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    axe_check(page, name)
    screenshot(page, name)


# --- shared story helpers (logins, settling a page) ---------------------------------------------

PASSWORD = "ein-sicheres-Passwort-2026"


def settle(page: Any, name: str) -> None:
    """Wait until the page is quiet, then check accessibility and take a screenshot."""
    page.wait_for_load_state("networkidle")
    axe_check(page, name)
    screenshot(page, name)


def totp_device(user: Any) -> Any:
    """A confirmed TOTP device for a staff user (coordinator, organisation admin, …)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)


def coordinator_with_totp(email: str, district: Any) -> tuple[Any, Any]:
    """A coordinator of `district` with a TOTP device."""
    from lotse.accounts.roles import Role
    from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory

    user = UserFactory(email=email, password=PASSWORD)
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=district)
    return user, totp_device(user)


def log_in(page: Any, base: str, email: str, name: str) -> None:
    """Log a user without a staff role in through the login form (no second factor)."""
    page.goto(base + "/accounts/login/")
    settle(page, f"{name}-login")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    settle(page, f"{name}-logged-in")


def log_in_with_totp(page: Any, base: str, email: str, device: Any, name: str) -> None:
    """Log a staff user in: password, then the current TOTP code of `device`."""
    from django_otp.oath import totp

    page.goto(base + "/accounts/login/")
    settle(page, f"{name}-login")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/accounts/two-factor/.*"))
    settle(page, f"{name}-two-factor")
    page.locator("#id_code").fill(f"{totp(device.bin_key):06d}")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/two-factor/" not in url)
    settle(page, f"{name}-logged-in")
