"""The Engagementnachweis: issuing, codes, the PDF, the public verification, revoking."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lotse.core.models import AuditEvent
from lotse.engagement.choices import HoursStatus, PatenschaftStatus
from lotse.engagement.models import Certificate
from lotse.engagement.services.certificates import (
    CODE_ALPHABET,
    certificate_code_new,
    certificate_code_normalise,
    certificate_html,
    certificate_issue,
    certificate_revoke,
    certificate_verify_url,
)
from lotse.engagement.services.hours import hours_approve, hours_log

from .patenschaften_support import (
    accepted_opportunity,
    coordinator,
    days_ago,
    hours,
    patenschaft,
    user_client,
    volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def anna(munich):
    return volunteer(first_name="Anna", last_name="Berg")


@pytest.fixture
def engaged(anna, munich):
    """Anna with a Patenschaft (approved 2 + 1.5 h, pending 4 h, rejected 3 h) and an
    opportunity (approved 2.25 h)."""
    running = patenschaft(anna, started_days_ago=60)
    hours(running, status=HoursStatus.APPROVED, hours="2.00", date=days_ago(20))
    hours(running, status=HoursStatus.APPROVED, hours="1.50", date=days_ago(10))
    hours(running, status=HoursStatus.PENDING, hours="4.00", date=days_ago(5))
    hours(running, status=HoursStatus.REJECTED, hours="3.00", date=days_ago(4))
    organisation_member = coordinator(munich)  # reviewer identity does not matter here
    opportunity = accepted_opportunity(anna)
    from lotse.organisations.tests.factories import MembershipFactory

    MembershipFactory(user=organisation_member, organisation=opportunity.organisation)
    entry = hours_log(
        actor=anna.user,
        volunteer=anna,
        opportunity=opportunity,
        date=days_ago(3),
        hours="2.25",
        activity="Hausaufgabenhilfe",
    )
    hours_approve(actor=organisation_member, entry=entry)
    return {"patenschaft": running, "opportunity": opportunity}


# --- codes -------------------------------------------------------------------------------------


def test_codes_are_16_unambiguous_characters_in_groups():
    codes = {certificate_code_new() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
        assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
        assert not set(code) & set("ILOU")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abcd-efgh-jkmn-pqrs", "ABCD-EFGH-JKMN-PQRS"),
        ("ABCDEFGHJKMNPQRS", "ABCD-EFGH-JKMN-PQRS"),
        (" abcd efgh jkmn pqrs ", "ABCD-EFGH-JKMN-PQRS"),
        ("oi1l-0000-0000-0000", "0111-0000-0000-0000"),
        ("ABCD-EFGH-JKMN-PQR", None),
        ("ABCD-EFGH-JKMN-PQRS-T", None),
        ("ABCD-EFGH-JKMN-PQR!", None),
        ("", None),
    ],
)
def test_code_normalisation(typed, expected):
    assert certificate_code_normalise(typed) == expected


# --- issuing -----------------------------------------------------------------------------------


def test_issue_snapshots_approved_hours_grouped_by_activity(anna, engaged, munich):
    certificate = certificate_issue(actor=anna.user, volunteer=anna, language="en")
    assert certificate.holder_name == "Anna Berg"
    assert certificate.district == munich
    assert certificate.total_hours == Decimal("5.75")
    # The period starts with the Patenschaft (before its first approved hours).
    assert certificate.period_start == engaged["patenschaft"].started_on == days_ago(60)
    assert certificate.period_end == days_ago(0)
    assert certificate_code_normalise(certificate.code) == certificate.code
    activities = certificate.activities
    assert [row["kind"] for row in activities] == ["patenschaft", "opportunity"]
    assert activities[0]["title"] == "Patenschaft (Language learning)"
    assert activities[0]["start"] == engaged["patenschaft"].started_on.isoformat()
    assert activities[0]["end"] is None
    assert activities[0]["hours"] == "3.50"
    assert activities[1]["title"] == engaged["opportunity"].title
    assert activities[1]["organisation"] == engaged["opportunity"].organisation.name
    assert activities[1]["hours"] == "2.25"
    assert AuditEvent.objects.filter(
        action="engagement.certificate.issued", object_id=str(certificate.pk)
    ).exists()


def test_issue_for_a_period_only(anna, engaged):
    certificate = certificate_issue(
        actor=anna.user, volunteer=anna, period_start=days_ago(12), period_end=days_ago(2)
    )
    assert certificate.total_hours == Decimal("3.75")
    assert certificate.period_start == days_ago(12)


def test_no_approved_hours_is_a_clear_error(anna):
    hours(patenschaft(anna), status=HoursStatus.PENDING)
    with pytest.raises(ValidationError) as error:
        certificate_issue(actor=anna.user, volunteer=anna)
    assert "no approved hours" in " ".join(error.value.messages)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period_end": days_ago(-1)}, "period_end"),
        ({"period_start": days_ago(1), "period_end": days_ago(2)}, "period_start"),
        ({"language": "xx"}, "language"),
    ],
)
def test_issue_refuses_bad_periods(anna, engaged, changes, field):
    with pytest.raises(ValidationError) as error:
        certificate_issue(actor=anna.user, volunteer=anna, **changes)
    assert field in error.value.message_dict
    assert not Certificate.objects.exists()


def test_only_the_volunteer_issues_and_revokes(anna, engaged, munich):
    with pytest.raises(PermissionDenied):
        certificate_issue(actor=coordinator(munich), volunteer=anna)
    certificate = certificate_issue(actor=anna.user, volunteer=anna)
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=volunteer().user, certificate=certificate)
    certificate_revoke(actor=anna.user, certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    with pytest.raises(ValidationError):
        certificate_revoke(actor=anna.user, certificate=certificate)


def test_the_printed_html_states_everything_with_code_url_and_qr(anna, engaged, settings):
    settings.SITE_URL = "https://lotse.example"
    certificate = certificate_issue(actor=anna.user, volunteer=anna, language="en")
    html = certificate_html(certificate=certificate)
    assert "Engagementnachweis" in html
    assert "Anna Berg" in html
    assert certificate.code in html
    url = certificate_verify_url(certificate)
    assert url == f"https://lotse.example/engagement/certificates/verify/{certificate.code}/"
    assert url in html
    assert "<svg" in html  # the QR code, inline
    assert "Patenschaft (Language learning)" in html
    assert engaged["opportunity"].organisation.name in html
    assert "5.75" in html
    assert "3.50" in html
    assert "München" in html
    assert "http://" not in html.replace(url, "")  # nothing remote
    assert "style=" not in html


def test_the_printed_html_follows_the_certificates_language(anna, engaged):
    certificate = certificate_issue(actor=anna.user, volunteer=anna, language="ar")
    html = certificate_html(certificate=certificate)
    assert 'lang="ar" dir="rtl"' in html


# --- pages -------------------------------------------------------------------------------------


def test_issue_download_and_verify(anna, engaged):
    client = user_client(anna.user)
    response = client.post(reverse("engagement:certificate_list"), {"language": "en"})
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    listing = client.get(reverse("engagement:certificate_list")).content.decode()
    assert certificate.code in listing

    pdf = client.get(reverse("engagement:certificate_pdf", args=[certificate.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="Engagementnachweis-{certificate.code}.pdf"'
    )
    assert "no-store" in pdf["Cache-Control"]
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="engagement.certificate.downloaded").count() == 1

    # Another volunteer: 404 for the PDF.
    other = user_client(volunteer().user)
    assert (
        other.get(reverse("engagement:certificate_pdf", args=[certificate.pk])).status_code == 404
    )
    assert (
        other.post(reverse("engagement:certificate_revoke", args=[certificate.pk])).status_code
        == 404
    )


def test_issue_page_shows_the_no_hours_error(anna):
    response = user_client(anna.user).post(
        reverse("engagement:certificate_list"), {"language": "de"}
    )
    assert response.status_code == 200
    assert "There are no approved hours in this period yet" in response.content.decode()


def test_public_verification_shows_only_what_the_certificate_states(anna, engaged, client):
    certificate = certificate_issue(actor=anna.user, volunteer=anna)
    lower = certificate.code.lower().replace("-", "")
    found = client.get(reverse("engagement:certificate_verify"), {"code": lower})
    assert found.status_code == 302
    assert found["Location"] == reverse(
        "engagement:certificate_verify_code", args=[certificate.code]
    )
    page = client.get(found["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "This certificate is genuine." in html
    assert "Anna Berg" in html
    assert "5.75" in html
    assert "München" in html
    # Nothing beyond: no activities, no contact data, no newcomer.
    assert "Hausaufgabenhilfe" not in html
    assert "Patenschaft (" not in html
    assert engaged["opportunity"].organisation.name not in html
    assert anna.user.email not in html
    assert engaged["patenschaft"].request.first_name not in html
    assert page["X-Robots-Tag"] == "noindex"
    # A mistyped-case code redirects to the canonical one.
    assert (
        client.get(reverse("engagement:certificate_verify_code", args=[lower])).status_code == 302
    )


def test_unknown_and_revoked_codes_are_404(anna, engaged, client):
    certificate = certificate_issue(actor=anna.user, volunteer=anna)
    url = reverse("engagement:certificate_verify_code", args=[certificate.code])
    unknown = client.get(
        reverse("engagement:certificate_verify_code", args=["0000-0000-0000-0000"])
    )
    assert unknown.status_code == 404
    assert "There is no valid certificate with this code." in unknown.content.decode()
    garbage = client.get(reverse("engagement:certificate_verify_code", args=["<script>"]))
    assert garbage.status_code == 404
    bad_form = client.get(reverse("engagement:certificate_verify"), {"code": "kurz"})
    assert bad_form.status_code == 200
    assert "This is not a verification code" in bad_form.content.decode()

    confirm = user_client(anna.user).get(
        reverse("engagement:certificate_revoke", args=[certificate.pk])
    )
    assert confirm.status_code == 200
    assert client.get(url).status_code == 200  # asking to confirm changed nothing
    revoke = user_client(anna.user).post(
        reverse("engagement:certificate_revoke", args=[certificate.pk])
    )
    assert revoke.status_code == 302
    assert client.get(url).status_code == 404
    api = client.get(reverse("api:certificate-verify", args=[certificate.code]))
    assert api.status_code == 404
    # A revoked certificate is no longer downloadable either.
    pdf = user_client(anna.user).get(reverse("engagement:certificate_pdf", args=[certificate.pk]))
    assert pdf.status_code == 404


def test_api_verify_returns_the_minimal_fields(anna, engaged, client):
    certificate = certificate_issue(actor=anna.user, volunteer=anna)
    response = client.get(reverse("api:certificate-verify", args=[certificate.code.lower()]))
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {
        "genuine",
        "code",
        "holder_name",
        "issuer_district",
        "issued_on",
        "period_start",
        "period_end",
        "total_hours",
    }
    assert data["genuine"] is True
    assert data["holder_name"] == "Anna Berg"
    assert Decimal(data["total_hours"]) == Decimal("5.75")


def test_certificate_list_queries_stay_constant(anna, engaged, django_assert_max_num_queries):
    client = user_client(anna.user)

    def queries_for(count):
        for _ in range(count):
            certificate_issue(actor=anna.user, volunteer=anna)
        with django_assert_max_num_queries(14) as context:
            client.get(reverse("engagement:certificate_list"))
        return len(context.captured_queries)

    assert queries_for(2) == queries_for(12)


def test_hours_api_lists_and_logs_own_hours(anna, engaged):
    client = user_client(anna.user)
    listing = client.get(reverse("api:hours-list")).json()
    assert listing["count"] == 5
    running = engaged["patenschaft"]
    created = client.post(
        reverse("api:hours-list"),
        {
            "patenschaft": running.pk,
            "date": days_ago(1).isoformat(),
            "hours": "1.75",
            "activity": "Arzttermin",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["status"] == HoursStatus.PENDING
    foreign = patenschaft(volunteer())
    refused = client.post(
        reverse("api:hours-list"),
        {"patenschaft": foreign.pk, "date": days_ago(1).isoformat(), "hours": "1", "activity": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "patenschaft" in refused.json()
    too_much = client.post(
        reverse("api:hours-list"),
        {
            "patenschaft": running.pk,
            "date": days_ago(1).isoformat(),
            "hours": "0.3",
            "activity": "x",
        },
        content_type="application/json",
    )
    assert too_much.status_code == 400
    other = user_client(volunteer().user).get(reverse("api:hours-list")).json()
    assert other["count"] == 0
    assert running.status == PatenschaftStatus.ACTIVE
