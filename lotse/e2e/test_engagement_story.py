"""Engagement and matching (issue 3) in a real browser.

1. Opportunities: an organisation admin (TOTP) posts an opportunity; visitors find it with the
   htmx filters; a volunteer applies; the admin accepts, the opportunity is full and leaves the
   public list; the volunteer sees "accepted".
2. Matching: a coordinator (TOTP) enters a help request for a newcomer, runs the matching, sends
   the suggestion; the volunteer accepts (without seeing the newcomer's phone); the newcomer
   confirms through the status link; the volunteer sees the phone in the Patenschaft, logs
   hours; the coordinator approves them; the volunteer issues an Engagementnachweis (PDF) whose
   code the public verification page confirms.
3. A newcomer asks for support in Ukrainian and follows the request on the status page.

axe-core runs on every page visited (`settle`/`visit`); CSP violations and JS errors fail.
Selectors are ids, names and URLs, not visible text (the translations change).
"""

import re

import pytest
from django.core import mail
from django.utils import translation

from lotse.accounts.tests.factories import UserFactory
from lotse.core.choices import LanguageLevel, Topic
from lotse.e2e.conftest import (
    PASSWORD,
    coordinator_with_totp,
    log_in,
    log_in_with_totp,
    settle,
    totp_device,
    visit,
)
from lotse.engagement.choices import (
    ApplicationStatus,
    HoursStatus,
    MatchingRunStatus,
    OpportunityStatus,
    PatenschaftStatus,
    ProposalOrigin,
    ProposalStatus,
    RequestStatus,
)
from lotse.engagement.explain import render_reasons, render_reasons_line
from lotse.engagement.models import (
    Application,
    Certificate,
    HelpRequest,
    HoursEntry,
    MatchingRun,
    Opportunity,
    Patenschaft,
    Proposal,
)
from lotse.engagement.tests.factories import OpportunityFactory
from lotse.organisations.choices import MembershipRole
from lotse.organisations.tests.factories import MembershipFactory, OrganisationFactory
from lotse.regions.models import District
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEWCOMER_PHONE = "+49 151 98765432"


def submit(page, form="main form.lotse-form"):
    """Click the primary submit button of the page's main form."""
    page.locator(f"{form} button[type=submit]").first.click()


def test_organisation_posts_an_opportunity_and_accepts_a_volunteer(live_server, new_page, settings):
    settings.SITE_URL = live_server.url
    base = live_server.url
    munich = District.objects.get(ags="09162")
    organisation = OrganisationFactory(name="Café Miteinander", districts=[munich])
    admin = UserFactory(email="admin@cafe.example", password=PASSWORD)
    MembershipFactory(organisation=organisation, user=admin, role=MembershipRole.ADMIN)
    device = totp_device(admin)
    # Another open opportunity of another topic: the topic filter must hide it.
    other = OpportunityFactory(organisation=organisation, topic=Topic.SCHOOL_CHILDCARE)
    volunteer_user = UserFactory(
        email="lena.berg@example.org", password=PASSWORD, first_name="Lena", last_name="Berg"
    )
    VolunteerProfileFactory(user=volunteer_user)

    # 1. The organisation admin logs in with TOTP and posts an opportunity.
    org = new_page()
    log_in_with_totp(org, base, "admin@cafe.example", device, "opp-01-admin")
    org.goto(base + "/engagement/opportunities/new/")
    settle(org, "opp-02-form")
    org.locator("#id_title").fill("Sprachcafé am Marienplatz")
    org.locator("#id_description").fill("Jeden Dienstag Deutsch sprechen bei Kaffee und Kuchen.")
    org.locator("#id_topic").select_option(Topic.LANGUAGE_LEARNING)
    org.locator('input[name="kind"][value="ongoing"]').check()
    org.locator("#id_postcode").fill("80331")
    org.locator("#id_places").fill("1")
    org.locator('input[name="languages"][value="de"]').check()
    org.locator('input[name="languages"][value="ar"]').check()
    submit(org)
    org.wait_for_url(re.compile(r".*/engagement/opportunities/\d+/$"))
    settle(org, "opp-03-detail")
    opportunity = Opportunity.objects.get(title="Sprachcafé am Marienplatz")
    assert opportunity.organisation == organisation
    assert opportunity.district == munich
    assert opportunity.places == 1
    assert set(opportunity.languages.values_list("language", flat=True)) == {"ar", "de"}
    assert org.url == f"{base}/engagement/opportunities/{opportunity.pk}/"

    # 2. A visitor finds it in the public list; the topic filter updates the results by htmx.
    visitor = new_page()
    visit(visitor, base + "/engagement/opportunities/", "opp-04-public-list")
    detail_link = f'#opportunity-results a[href="/engagement/opportunities/{opportunity.pk}/"]'
    other_link = f'#opportunity-results a[href="/engagement/opportunities/{other.pk}/"]'
    assert visitor.locator(detail_link).count() == 1
    assert visitor.locator(other_link).count() == 1
    with visitor.expect_response(
        lambda response: (
            "/engagement/opportunities/?" in response.url
            and response.request.headers.get("hx-request") == "true"
        )
    ) as htmx:
        visitor.locator("#id_topic").select_option(Topic.LANGUAGE_LEARNING)
    assert htmx.value.status == 200
    visitor.locator(other_link).wait_for(state="detached")
    assert visitor.locator(detail_link).count() == 1
    visitor.wait_for_url(re.compile(r".*topic=language_learning.*"))
    settle(visitor, "opp-05-public-list-filtered")
    visitor.locator(detail_link).click()
    visitor.wait_for_url(f"{base}/engagement/opportunities/{opportunity.pk}/")
    settle(visitor, "opp-06-public-detail")
    assert visitor.locator('main a[href^="/accounts/login/?next="]').count() == 1

    # 3. A volunteer logs in, opens it and applies with a message.
    volunteer = new_page()
    log_in(volunteer, base, "lena.berg@example.org", "opp-07-volunteer")
    volunteer.goto(base + "/engagement/opportunities/")
    settle(volunteer, "opp-08-volunteer-list")
    volunteer.locator(detail_link).click()
    volunteer.wait_for_url(f"{base}/engagement/opportunities/{opportunity.pk}/")
    settle(volunteer, "opp-09-volunteer-detail")
    volunteer.locator("#id_message").fill("Ich spreche Arabisch und habe dienstags Zeit.")
    submit(volunteer, f'main form[action="/engagement/opportunities/{opportunity.pk}/apply/"]')
    volunteer.wait_for_url(re.compile(r".*/engagement/applications/\d+/$"))
    settle(volunteer, "opp-10-application-sent")
    application = Application.objects.get(opportunity=opportunity)
    assert application.status == ApplicationStatus.PENDING
    assert application.message == "Ich spreche Arabisch und habe dienstags Zeit."

    # 4. The admin sees the application among their opportunities and accepts it.
    org.goto(base + "/engagement/opportunities/mine/")
    settle(org, "opp-11-our-opportunities")
    org.locator(f'a[href="/engagement/opportunities/{opportunity.pk}/applications/"]').click()
    org.wait_for_url(f"{base}/engagement/opportunities/{opportunity.pk}/applications/")
    settle(org, "opp-12-applications")
    assert org.get_by_text("Ich spreche Arabisch und habe dienstags Zeit.").count() == 1
    org.locator(f'a[href="/engagement/applications/{application.pk}/"]').click()
    org.wait_for_url(f"{base}/engagement/applications/{application.pk}/")
    settle(org, "opp-13-application")
    assert org.get_by_text("lena.berg@example.org").first.is_visible()
    org.locator("#id_decision_note").fill("Willkommen! Wir freuen uns auf Sie.")
    org.locator('button[name="decision"][value="accept"]').click()
    org.wait_for_url(f"{base}/engagement/opportunities/{opportunity.pk}/applications/")
    settle(org, "opp-14-accepted")
    application.refresh_from_db()
    opportunity.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert opportunity.status == OpportunityStatus.FULL

    # 5. Full: it has left the public list (the other opportunity is still there).
    visit(visitor, base + "/engagement/opportunities/", "opp-15-public-list-after")
    assert visitor.locator(detail_link).count() == 0
    assert visitor.locator(other_link).count() == 1

    # 6. The volunteer sees "accepted" in "my applications" and was told so.
    volunteer.goto(base + "/engagement/applications/")
    settle(volunteer, "opp-16-my-applications")
    row = volunteer.locator("main table tbody tr").filter(
        has=volunteer.locator(f'a[href="/engagement/applications/{application.pk}/"]')
    )
    with translation.override("de"):
        accepted_label = str(ApplicationStatus.ACCEPTED.label)
    assert accepted_label in row.inner_text()
    assert any("lena.berg@example.org" in message.to for message in mail.outbox)


def test_coordinator_matches_a_newcomer_with_a_volunteer_up_to_the_certificate(
    live_server, new_page, settings
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    munich = District.objects.get(ags="09162")
    _, device = coordinator_with_totp("lotsin@muenchen.example", munich)
    volunteer_user = UserFactory(
        email="samir.nasser@example.org", password=PASSWORD, first_name="Samir", last_name="Nasser"
    )
    profile = VolunteerProfileFactory(
        user=volunteer_user,
        languages=[("ar", LanguageLevel.NATIVE), ("de", LanguageLevel.FLUENT)],
        topics=[Topic.AUTHORITIES],
        travel_radius_km=10,
        max_patenschaften=1,
    )

    # 1. The coordinator logs in with TOTP and enters a request on a newcomer's behalf.
    coordinator = new_page()
    log_in_with_totp(coordinator, base, "lotsin@muenchen.example", device, "match-01-coordinator")
    coordinator.goto(base + "/engagement/requests/new/")
    settle(coordinator, "match-02-request-form")
    coordinator.locator("#id_first_name").fill("Amal")
    coordinator.locator('input[name="languages"][value="ar"]').check()
    coordinator.locator('input[name="languages"][value="de"]').check()
    coordinator.locator(f'input[name="topic"][value="{Topic.AUTHORITIES}"]').check()
    coordinator.locator("#id_needs").fill("Hilfe mit einem Brief vom Jobcenter.")
    coordinator.locator("#id_postcode").fill("80331")
    coordinator.locator('input[name="contact_channel"][value="phone"]').check()
    coordinator.locator("#id_contact_value").fill(NEWCOMER_PHONE)
    coordinator.locator("#id_consent").check()
    submit(coordinator)
    coordinator.wait_for_url(f"{base}/engagement/requests/new/done/")
    settle(coordinator, "match-03-handover")
    help_request = HelpRequest.objects.get(first_name="Amal")
    assert help_request.district == munich
    assert help_request.status == RequestStatus.OPEN
    status_url = coordinator.locator("main .lotse-secret").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(base)}/engagement/request-status/\S+/", status_url)
    assert coordinator.locator("main .lotse-qr svg").count() == 1

    # 2. Matching: run it now (tasks run at once in tests), the run page shows it done.
    coordinator.goto(base + "/engagement/matching/")
    settle(coordinator, "match-04-matching-overview")
    run_button = (
        'main form[action="/engagement/matching/"]'
        f':has(input[name="district"][value="{munich.pk}"]) button[type=submit]'
    )
    coordinator.locator(run_button).click()
    coordinator.wait_for_url(re.compile(r".*/engagement/matching/runs/\d+/$"))
    settle(coordinator, "match-05-run-done")
    run = MatchingRun.objects.get(district=munich)
    assert run.status == MatchingRunStatus.DONE
    assert run.progress == 100
    assert coordinator.locator("#progress .kern-alert--success").count() == 1
    assert coordinator.locator("#run-progress").count() == 0  # no progress bar any more
    proposal = Proposal.objects.get(request=help_request)
    assert proposal.volunteer == profile
    assert proposal.status == ProposalStatus.SUGGESTED
    # The reasons in words (as the German page renders them).
    with translation.override("de"):
        reasons = render_reasons_line(proposal.reasons)
    assert reasons
    assert reasons in coordinator.locator("main table").inner_text()

    # 3. The coordinator sends the suggestion to the volunteer.
    coordinator.locator(f'main a[href="/engagement/proposals/{proposal.pk}/send/"]').click()
    coordinator.wait_for_url(f"{base}/engagement/proposals/{proposal.pk}/send/")
    settle(coordinator, "match-06-send")
    submit(coordinator)
    coordinator.wait_for_url(f"{base}/engagement/requests/{help_request.pk}/")
    settle(coordinator, "match-07-request-detail")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED

    # 4. The volunteer logs in, sees the notification, opens the proposal: no phone number.
    volunteer = new_page()
    log_in(volunteer, base, "samir.nasser@example.org", "match-08-volunteer")
    assert volunteer.locator('header a[href="/notifications/"] .kern-badge').count() == 1
    volunteer.goto(base + "/notifications/")
    settle(volunteer, "match-09-notifications")
    volunteer.locator("main .lotse-notification form button[type=submit]").first.click()
    volunteer.wait_for_url(f"{base}/engagement/proposals/{proposal.pk}/")
    settle(volunteer, "match-10-proposal")
    assert NEWCOMER_PHONE not in volunteer.content()
    assert "Jobcenter" in volunteer.content()
    volunteer.locator(f'main a[href="/engagement/proposals/{proposal.pk}/accept/"]').click()
    volunteer.wait_for_url(f"{base}/engagement/proposals/{proposal.pk}/accept/")
    settle(volunteer, "match-11-accept")
    assert NEWCOMER_PHONE not in volunteer.content()
    volunteer.locator("#id_volunteer_contact").fill("Samir, Telefon 0176 1234567")
    submit(volunteer)
    volunteer.wait_for_url(f"{base}/engagement/proposals/{proposal.pk}/")
    settle(volunteer, "match-12-accepted")
    assert NEWCOMER_PHONE not in volunteer.content()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED

    # 5. The newcomer opens the status link (no account) and says yes.
    newcomer = new_page()
    newcomer.goto(status_url)
    settle(newcomer, "match-13-status-proposal")
    assert "Samir" in newcomer.content()
    assert "Nasser" not in newcomer.content()  # the first name only
    newcomer.locator(
        'main form:has(input[name="action"][value="confirm"]) button[type=submit]'
    ).click()
    newcomer.wait_for_url(status_url)
    settle(newcomer, "match-14-status-confirmed")
    assert "0176 1234567" in newcomer.content()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    patenschaft = Patenschaft.objects.get(proposal=proposal)
    assert patenschaft.status == PatenschaftStatus.ACTIVE

    # 6. The volunteer now sees the newcomer's phone in the Patenschaft and logs hours.
    volunteer.goto(base + "/engagement/patenschaften/")
    settle(volunteer, "match-15-my-patenschaften")
    volunteer.locator(f'main a[href="/engagement/patenschaften/{patenschaft.pk}/"]').first.click()
    volunteer.wait_for_url(f"{base}/engagement/patenschaften/{patenschaft.pk}/")
    settle(volunteer, "match-16-patenschaft")
    assert NEWCOMER_PHONE in volunteer.content()
    volunteer.locator(f'main a[href="/engagement/hours/?for=p-{patenschaft.pk}#log-hours"]').click()
    volunteer.wait_for_url(re.compile(r".*/engagement/hours/\?for=p-\d+#log-hours$"))
    settle(volunteer, "match-17-hours-form")
    assert volunteer.locator("#id_target").input_value() == f"p-{patenschaft.pk}"
    volunteer.locator("#id_hours").fill("2.5")
    volunteer.locator("#id_activity").fill("Brief vom Jobcenter gemeinsam beantwortet")
    submit(volunteer)
    # The redirect keeps the fragment (#log-hours).
    volunteer.wait_for_url(re.compile(r".*/engagement/hours/(#log-hours)?$"))
    settle(volunteer, "match-18-hours-logged")
    entry = HoursEntry.objects.get(patenschaft=patenschaft)
    assert entry.status == HoursStatus.PENDING

    # 7. The coordinator approves the hours in the review queue.
    coordinator.goto(base + "/engagement/hours/review/")
    settle(coordinator, "match-19-hours-review")
    coordinator.locator(f'main button[name="approve_one"][value="{entry.pk}"]').click()
    coordinator.wait_for_load_state("networkidle")
    settle(coordinator, "match-20-hours-approved")
    entry.refresh_from_db()
    assert entry.status == HoursStatus.APPROVED
    assert coordinator.locator(f'main button[name="approve_one"][value="{entry.pk}"]').count() == 0

    # 8. The volunteer issues an Engagementnachweis and downloads the PDF.
    volunteer.goto(base + "/engagement/certificates/")
    settle(volunteer, "match-21-certificates")
    submit(volunteer)
    volunteer.wait_for_url(f"{base}/engagement/certificates/")
    settle(volunteer, "match-22-certificate-issued")
    certificate = Certificate.objects.get(volunteer=profile)
    assert certificate.total_hours == entry.hours
    # The first PDF converts the fonts once: allow for a slow first download.
    with volunteer.expect_download(timeout=60_000) as download_info:
        volunteer.locator(f'main a[href="/engagement/certificates/{certificate.pk}/pdf/"]').click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")

    # 9. Anyone can verify its code: genuine, with the holder's name.
    checker = new_page()
    visit(checker, f"{base}/engagement/certificates/verify/{certificate.code}/", "match-23-verify")
    assert checker.locator("main .kern-alert--success").count() == 1
    assert "Samir Nasser" in checker.locator("main").inner_text()


def test_newcomer_asks_for_support_in_ukrainian(live_server, new_page, settings):
    settings.SITE_URL = live_server.url
    base = live_server.url
    newcomer = new_page(locale="uk-UA")

    # 1. A browser set to Ukrainian gets the form in Ukrainian (Accept-Language).
    visit(newcomer, base + "/engagement/help/", "help-uk-01-form")
    assert newcomer.locator("html").get_attribute("lang") == "uk"
    assert newcomer.locator("html").get_attribute("dir") == "ltr"

    # 2. Filled in Ukrainian and sent.
    newcomer.locator("#id_first_name").fill("Олена")
    newcomer.locator('input[name="languages"][value="uk"]').check()
    newcomer.locator('input[name="languages"][value="ru"]').check()
    newcomer.locator(f'input[name="topic"][value="{Topic.HOUSING}"]').check()
    newcomer.locator("#id_needs").fill(
        "Шукаю допомогу з пошуком квартири та листами від орендодавця."
    )
    newcomer.locator('input[name="preferred_times"]').first.check()
    newcomer.locator("#id_postcode").fill("80331")
    newcomer.locator('input[name="contact_channel"][value="messenger"]').check()
    newcomer.locator("#id_contact_value").fill("+49 160 5550123")
    newcomer.locator("#id_consent").check()
    submit(newcomer)
    newcomer.wait_for_url(base + "/engagement/help/thanks/")
    settle(newcomer, "help-uk-02-thanks")
    assert newcomer.locator("html").get_attribute("lang") == "uk"
    help_request = HelpRequest.objects.get(first_name="Олена")
    assert help_request.form_language == "uk"
    assert help_request.status == RequestStatus.OPEN
    assert help_request.district == District.objects.get(ags="09162")
    assert set(help_request.languages.values_list("language", flat=True)) == {"uk", "ru"}
    status_link = newcomer.locator("main .lotse-secret a")
    status_url = status_link.get_attribute("href")
    assert re.fullmatch(rf"{re.escape(base)}/engagement/request-status/\S+/", status_url)

    # 3. The status page, in Ukrainian: still waiting for a volunteer.
    status_link.click()
    newcomer.wait_for_url(status_url)
    settle(newcomer, "help-uk-03-status")
    assert newcomer.locator("html").get_attribute("lang") == "uk"
    assert "+49 160 5550123" not in newcomer.content()  # the page shows no contact data
    with translation.override("uk"):
        waiting = str(translation.gettext("Please look at this page again later."))
    assert waiting in newcomer.locator("main").inner_text()

    # 4. The language switch works on the private page too (its forms pass the CSRF check).
    newcomer.locator("#language-switch").select_option("de")
    newcomer.locator('html[lang="de"]').wait_for(state="attached")
    assert newcomer.url == status_url
    settle(newcomer, "help-uk-04-status-de")


def test_newcomer_and_volunteer_in_arabic_right_to_left(live_server, new_page, settings):
    """The newcomer's form and status page and the volunteer's proposal, Patenschaften and hours
    pages in Arabic: `lang="ar" dir="rtl"`, axe clean, reasons joined with the Arabic comma."""
    settings.SITE_URL = live_server.url
    base = live_server.url
    newcomer = new_page(locale="ar")

    visit(newcomer, base + "/engagement/help/", "help-ar-01-form")
    assert newcomer.locator("html").get_attribute("lang") == "ar"
    assert newcomer.locator("html").get_attribute("dir") == "rtl"
    newcomer.locator("#id_first_name").fill("أمل")
    newcomer.locator('input[name="languages"][value="ar"]').check()
    newcomer.locator(f'input[name="topic"][value="{Topic.AUTHORITIES}"]').check()
    newcomer.locator("#id_needs").fill("أحتاج مساعدة في فهم رسالة من مركز العمل.")
    newcomer.locator("#id_postcode").fill("80331")
    newcomer.locator('input[name="contact_channel"][value="phone"]').check()
    newcomer.locator("#id_contact_value").fill("+49 151 5550199")
    newcomer.locator("#id_consent").check()
    submit(newcomer)
    newcomer.wait_for_url(base + "/engagement/help/thanks/")
    settle(newcomer, "help-ar-02-thanks")
    help_request = HelpRequest.objects.get(first_name="أمل")
    assert help_request.form_language == "ar"
    status_url = newcomer.locator("main .lotse-secret a").get_attribute("href")
    newcomer.goto(status_url)
    settle(newcomer, "help-ar-03-status")
    assert newcomer.locator("html").get_attribute("dir") == "rtl"

    # A volunteer who reads Lotse in Arabic gets the proposal for this request.
    user = UserFactory(email="sami@example.org", password=PASSWORD, preferred_language="ar")
    volunteer = VolunteerProfileFactory(
        user=user,
        languages=[("ar", LanguageLevel.NATIVE), ("de", LanguageLevel.FLUENT)],
        topics=[Topic.AUTHORITIES],
    )
    reasons = {"languages": ["ar", "de"], "distance_km": 1.5, "waiting_days": 3}
    proposal = Proposal.objects.create(
        request=help_request,
        volunteer=volunteer,
        origin=ProposalOrigin.MANUAL,
        status=ProposalStatus.PROPOSED,
        score=70,
        reasons=reasons,
    )
    reader = new_page(locale="ar")
    log_in(reader, base, user.email, "volunteer-ar")
    visit(reader, f"{base}/engagement/proposals/{proposal.pk}/", "volunteer-ar-01-proposal")
    assert reader.locator("html").get_attribute("dir") == "rtl"
    with translation.override("ar"):
        line = render_reasons_line(reasons)
        sentences = render_reasons(reasons)
    assert "، " in line  # the Arabic comma between the reasons
    text = reader.locator("main").inner_text()
    assert all(sentence in text for sentence in sentences)
    assert "+49 151 5550199" not in reader.content()
    for path, name in (
        ("/engagement/patenschaften/", "volunteer-ar-02-patenschaften"),
        ("/engagement/hours/", "volunteer-ar-03-hours"),
        ("/engagement/certificates/", "volunteer-ar-04-certificates"),
    ):
        visit(reader, base + path, name)
        assert reader.locator("html").get_attribute("dir") == "rtl"
