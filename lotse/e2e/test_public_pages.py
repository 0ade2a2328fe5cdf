"""Public pages in German and in Arabic (right-to-left), accessible and within the CSP."""

import pytest

from lotse.e2e.conftest import axe_check, screenshot, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_and_legal_pages_in_german(live_server, page):
    visit(page, live_server.url + "/", "home-de")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("html").get_attribute("dir") == "ltr"
    for link, name in (
        ("Impressum", "imprint"),
        ("Datenschutzerklärung", "privacy"),
        ("Erklärung zur Barrierefreiheit", "accessibility"),
        ("Barriere melden", "accessibility-feedback"),
    ):
        page.goto(live_server.url + "/")
        page.get_by_role("contentinfo").get_by_role("link", name=link).click()
        page.wait_for_load_state("networkidle")
        axe_check(page, name)
        screenshot(page, f"{name}-de")


def test_language_switch_to_arabic_renders_right_to_left(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_label("Sprache").select_option("ar")
    page.wait_for_url(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    axe_check(page, "home-ar")
    screenshot(page, "home-ar")
    visit(page, live_server.url + "/regions/districts/?state=BY", "districts-ar")
    assert page.locator("html").get_attribute("dir") == "rtl"


@pytest.mark.parametrize("language", ["en", "uk", "fa", "tr", "ru"])
def test_home_in_every_language(live_server, page, language):
    page.context.add_cookies(
        [{"name": "lotse_language", "value": language, "url": live_server.url}]
    )
    visit(page, live_server.url + "/", f"home-{language}")
    assert page.locator("html").get_attribute("lang") == language
    expected_dir = "rtl" if language == "fa" else "ltr"
    assert page.locator("html").get_attribute("dir") == expected_dir


def test_district_directory_filters_with_htmx(live_server, page):
    visit(page, live_server.url + "/regions/districts/", "districts-de")
    page.get_by_label("Land").select_option("BY")
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Ingolstadt").wait_for()
    assert "96 Landkreise und kreisfreie Städte" in page.content() or "96" in page.content()
    axe_check(page, "districts-filtered")
