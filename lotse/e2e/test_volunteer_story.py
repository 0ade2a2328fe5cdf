"""The foundation's whole story in a real browser.

A visitor registers as a volunteer, confirms the e-mail, fills in the profile (with the district
suggested from the postcode), downloads their data; the coordinator of that district logs in with
TOTP and finds them; the coordinator of another district does not (404 in UI and API); the volunteer
reads their profile in Arabic, right to left. axe-core runs on every page visited.
"""

import json
import re

import pytest
from django.core import mail

from lotse.accounts.models import User
from lotse.e2e.conftest import (
    PASSWORD,
    axe_check,
    coordinator_with_totp,
    log_in_with_totp,
    screenshot,
    settle,
)
from lotse.regions.models import District
from lotse.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db(transaction=True)


def test_volunteer_registers_and_only_their_districts_coordinator_sees_them(
    live_server, new_page, settings
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    munich = District.objects.get(ags="09162")
    nuremberg = District.objects.get(ags="09564")
    _, munich_device = coordinator_with_totp("lotsin@muenchen.example", munich)
    _, nuremberg_device = coordinator_with_totp("lotse@nuernberg.example", nuremberg)

    # 1. A visitor registers.
    volunteer = new_page()
    volunteer.goto(base + "/")
    settle(volunteer, "story-01-home")
    volunteer.get_by_role("banner").get_by_role("link", name=re.compile("registrieren")).click()
    settle(volunteer, "story-02-register")
    volunteer.locator("#id_email").fill("yasmin.haddad@example.org")
    volunteer.locator("#id_password1").fill(PASSWORD)
    volunteer.locator("#id_password2").fill(PASSWORD)
    volunteer.locator("#id_consent").check()
    volunteer.locator("main form button[type=submit]").click()
    volunteer.wait_for_url(re.compile(r".*/accounts/register/done/"))
    settle(volunteer, "story-03-register-done")
    user = User.objects.get(email="yasmin.haddad@example.org")
    assert user.email_confirmed_at is None
    assert user.consents.get().version == settings.LOTSE_PRIVACY_NOTICE_VERSION

    # 2. The confirmation link from the mail logs them in and leads to the profile form.
    [message] = [m for m in mail.outbox if "yasmin.haddad@example.org" in m.to]
    link = re.search(r"https?://\S+/accounts/confirm/\S+", message.body).group(0)
    volunteer.goto(link)
    volunteer.wait_for_url(re.compile(r".*/volunteers/profile/edit/"))
    settle(volunteer, "story-04-profile-form")

    # 3. Profile: names, languages, topics, availability, postcode → suggested district.
    volunteer.locator("#id_first_name").fill("Yasmin")
    volunteer.locator("#id_last_name").fill("Haddad")
    volunteer.locator("#id_languages-0-language").select_option("ar")
    volunteer.locator("#id_languages-0-level").select_option("native")
    volunteer.locator('input[name="topics"][value="language_learning"]').check()
    volunteer.locator('input[name="topics"][value="health"]').check()
    volunteer.locator('input[name="availability"][value="1-2"]').check()
    volunteer.locator("#id_skills").fill("Arabisch und Deutsch, Erfahrung im Gesundheitswesen")
    volunteer.locator("#id_postcode").fill("80331")
    volunteer.locator("#id_postcode").blur()
    volunteer.wait_for_load_state("networkidle")
    axe_check(volunteer, "story-05-profile-filled")
    screenshot(volunteer, "story-05-profile-filled")
    volunteer.locator("main form button[type=submit]").last.click()
    volunteer.wait_for_url(re.compile(r".*/volunteers/profile/$"))
    settle(volunteer, "story-06-profile")
    profile = VolunteerProfile.objects.get(user__email="yasmin.haddad@example.org")
    assert profile.district == munich
    assert set(profile.languages.values_list("language", flat=True)) == {"ar"}
    assert volunteer.get_by_text("Haddad").first.is_visible()

    # 4. Download all my data.
    volunteer.goto(base + "/accounts/my-data/")
    settle(volunteer, "story-07-my-data")
    with volunteer.expect_download() as download_info:
        volunteer.locator('a[href="/accounts/my-data/export/"]').click()
    exported = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert "yasmin.haddad@example.org" in json.dumps(exported, ensure_ascii=False)

    # 5. The coordinator of München logs in with TOTP and finds the new volunteer.
    coordinator = new_page()
    log_in_with_totp(coordinator, base, "lotsin@muenchen.example", munich_device, "story-08-munich")
    coordinator.goto(base + "/volunteers/district/?language=ar")
    settle(coordinator, "story-09-district-list")
    coordinator.get_by_role("link", name=re.compile("Haddad")).first.click()
    coordinator.wait_for_url(re.compile(rf".*/volunteers/{profile.pk}/$"))
    settle(coordinator, "story-10-volunteer-detail")
    assert coordinator.get_by_text("yasmin.haddad@example.org").first.is_visible()

    # 6. The coordinator of Nürnberg does not: not in the list, 404 on the profile and in the API.
    other = new_page()
    log_in_with_totp(other, base, "lotse@nuernberg.example", nuremberg_device, "story-11-nuremberg")
    other.goto(base + "/volunteers/district/")
    settle(other, "story-12-other-district-list")
    assert other.get_by_text("Haddad").count() == 0
    response = other.goto(base + f"/volunteers/{profile.pk}/")
    assert response.status == 404
    settle(other, "story-13-other-404")
    api = other.request.get(base + f"/api/v1/volunteers/{profile.pk}/")
    assert api.status == 404
    assert other.request.get(base + f"/api/v1/volunteers/{profile.pk}/").status == 404

    # 7. The volunteer switches to Arabic: right to left, still accessible.
    volunteer.goto(base + "/volunteers/profile/")
    volunteer.locator("#language-switch").select_option("ar")
    volunteer.wait_for_load_state("networkidle")
    assert volunteer.locator("html").get_attribute("lang") == "ar"
    assert volunteer.locator("html").get_attribute("dir") == "rtl"
    settle(volunteer, "story-14-profile-arabic")
