"""Pages of opportunities: public list (filters, htmx, pagination, query counts), detail,
the organisation's pages, applying, deciding, withdrawing, and 404s across organisations."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lotse.accounts.tests.factories import UserFactory
from lotse.conftest import login_verified
from lotse.core.choices import Topic
from lotse.core.models import AuditEvent
from lotse.engagement.choices import ApplicationStatus, OpportunityKind, OpportunityStatus
from lotse.engagement.models import Application, Opportunity
from lotse.engagement.tests.factories import ApplicationFactory, OpportunityFactory
from lotse.organisations.choices import MembershipRole
from lotse.organisations.tests.factories import MembershipFactory, OrganisationFactory
from lotse.regions.models import Postcode
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
LIST = reverse("engagement:opportunity_list")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def organisation(munich):
    return OrganisationFactory(name="Miteinander München", districts=[munich])


@pytest.fixture
def other_organisation(nuremberg):
    return OrganisationFactory(name="Brücke Nürnberg", districts=[nuremberg])


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def other_admin_client(other_organisation) -> Client:
    admin = MembershipFactory(organisation=other_organisation, role=MembershipRole.ADMIN).user
    return login_verified(Client(), admin)


@pytest.fixture
def volunteer(db):
    return VolunteerProfileFactory(user=UserFactory(first_name="Anna", last_name="Berg")).user


@pytest.fixture
def volunteer_client(volunteer) -> Client:
    client = Client()
    client.force_login(volunteer)
    return client


@pytest.fixture
def opportunity(organisation):
    return OpportunityFactory(organisation=organisation, title="Lernpaten", places=2)


def _titles(response) -> list[str]:
    return re.findall(
        r'href="/engagement/opportunities/\d+/">([^<]+)</a>', response.content.decode()
    )


def _in(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


# --- public list -------------------------------------------------------------------------------


def test_list_shows_only_open_current_opportunities_of_published_organisations(
    client, organisation
):
    OpportunityFactory(organisation=organisation, title="Offen")
    OpportunityFactory(organisation=organisation, title="Voll", status=OpportunityStatus.FULL)
    OpportunityFactory(organisation=organisation, title="Zu", status=OpportunityStatus.CLOSED)
    OpportunityFactory(
        organisation=organisation, title="Vorbei", kind=OpportunityKind.ONE_OFF, starts_at=_in(-2)
    )
    OpportunityFactory(
        organisation=organisation, title="Heute", kind=OpportunityKind.ONE_OFF, starts_at=_in(0)
    )
    OpportunityFactory(
        organisation=OrganisationFactory(
            is_published=False, districts=[organisation.districts.get()]
        ),
        title="Versteckt",
    )
    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(_titles(response)) == ["Heute", "Offen"]


@pytest.fixture
def catalogue(organisation, other_organisation):
    """Opportunities in München, Nürnberg and online, one-off and ongoing."""
    nuremberg_postcode = Postcode.objects.get(code="90402")
    OpportunityFactory(
        organisation=organisation,
        title="Sprachcafé",
        topic=Topic.LANGUAGE_LEARNING,
        languages=["de", "uk"],
    )
    OpportunityFactory(
        organisation=organisation,
        title="Sommerfest",
        topic=Topic.LEISURE,
        kind=OpportunityKind.ONE_OFF,
        starts_at=_in(20),
    )
    OpportunityFactory(
        organisation=organisation,
        title="Umzugshilfe",
        topic=Topic.HOUSING,
        kind=OpportunityKind.ONE_OFF,
        starts_at=_in(3),
    )
    OpportunityFactory(
        organisation=other_organisation,
        title="Nürnberger Lernhilfe",
        postcode=nuremberg_postcode,
        languages=["ar"],
    )
    OpportunityFactory(
        organisation=organisation,
        title="Online-Mentoring",
        is_online=True,
        postcode=None,
        district=organisation.districts.get(),
        place_name="",
        topic=Topic.WORK,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"topic": "housing"}, ["Umzugshilfe"]),
        ({"language": "uk"}, ["Sprachcafé"]),
        ({"district": "nuernberg"}, ["Nürnberger Lernhilfe"]),
        ({"online": "on"}, ["Online-Mentoring"]),
        ({"topic": "health"}, []),
    ],
)
def test_filters(client, catalogue, query, expected, nuremberg):
    if "district" in query:
        query = {"district": nuremberg.slug}
    assert sorted(_titles(client.get(LIST, query))) == sorted(expected)


def test_date_filter_shows_one_off_opportunities_from_that_day(client, catalogue):
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = client.get(LIST, {"date": day.isoformat()})
    assert _titles(response) == ["Sommerfest"]
    # Without a date, the ongoing ones are listed too.
    assert len(_titles(client.get(LIST))) == 5


def test_distance_filter_keeps_places_nearby_and_online(client, catalogue):
    response = client.get(LIST, {"near": "80331", "distance": "20"})
    titles = _titles(response)
    assert "Nürnberger Lernhilfe" not in titles
    assert sorted(titles) == sorted(["Sprachcafé", "Sommerfest", "Umzugshilfe", "Online-Mentoring"])
    # Online opportunities come last when ordered by distance.
    assert titles[-1] == "Online-Mentoring"
    assert "km away" in response.content.decode()


def test_near_without_distance_orders_by_distance(client, catalogue):
    titles = _titles(client.get(LIST, {"near": "90402"}))
    assert titles[0] == "Nürnberger Lernhilfe"
    assert titles[-1] == "Online-Mentoring"


def test_unknown_postcode_is_explained_and_filters_nothing(client, catalogue):
    response = client.get(LIST, {"near": "00000", "distance": "5"})
    assert response.status_code == 200
    assert "We do not know this postcode" in response.content.decode()
    assert len(_titles(response)) == 5


def test_htmx_gets_the_results_partial_only(client, catalogue):
    response = client.get(LIST, {"topic": "housing"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert _titles(response) == ["Umzugshilfe"]
    assert "1 opportunity" in html


def test_without_javascript_the_filter_form_is_a_plain_get_form(client):
    html = client.get(LIST).content.decode()
    assert f'action="{LIST}"' in html
    assert 'method="get"' in html
    assert 'id="opportunity-results"' in html


def test_pagination_20_per_page(client, organisation):
    OpportunityFactory.create_batch(25, organisation=organisation)
    assert len(_titles(client.get(LIST))) == 20
    assert len(_titles(client.get(LIST, {"page": 2}))) == 5


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"near": "80331", "distance": "30", "language": "de", "topic": "school_childcare"}],
)
def test_list_query_count_does_not_grow(
    client, organisation, params, django_assert_max_num_queries
):
    OpportunityFactory.create_batch(3, organisation=organisation, languages=["de", "ar"])
    few = _count_queries(client, LIST, params)
    OpportunityFactory.create_batch(27, organisation=organisation, languages=["de", "ar"])
    many = _count_queries(client, LIST, params)
    assert few == many
    with django_assert_max_num_queries(8):
        client.get(LIST, params)


# --- detail ------------------------------------------------------------------------------------


def test_anonymous_visitors_see_no_contact_data(client, opportunity):
    html = client.get(reverse("engagement:opportunity_detail", args=[opportunity.pk])).content
    html = html.decode()
    assert opportunity.title in html
    assert opportunity.contact_email not in html
    assert "Log in to apply" in html
    assert f"?next=/engagement/opportunities/{opportunity.pk}/" in html


def test_logged_in_visitors_see_the_contact_and_the_form(volunteer_client, opportunity):
    html = volunteer_client.get(
        reverse("engagement:opportunity_detail", args=[opportunity.pk])
    ).content.decode()
    assert opportunity.contact_email in html
    assert reverse("engagement:opportunity_apply", args=[opportunity.pk]) in html
    assert 'name="message"' in html


def test_an_unpublished_organisation_opportunity_is_hidden(client, member_client, munich):
    hidden_org = OrganisationFactory(is_published=False, districts=[munich])
    hidden = OpportunityFactory(organisation=hidden_org)
    url = reverse("engagement:opportunity_detail", args=[hidden.pk])
    assert client.get(url).status_code == 404
    insider = MembershipFactory(organisation=hidden_org).user
    insider_client = Client()
    insider_client.force_login(insider)
    assert insider_client.get(url).status_code == 200


# --- the organisation's pages ------------------------------------------------------------------


def _form_data(**overrides) -> dict:
    start = timezone.localtime() + datetime.timedelta(days=5)
    data = {
        "title": "Fahrradwerkstatt",
        "description": "Wir reparieren gemeinsam Fahrräder.",
        "topic": Topic.LEISURE,
        "kind": OpportunityKind.ONE_OFF,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "postcode": "80331",
        "place_name": "Hinterhof",
        "places": "4",
        "languages": ["de", "fa"],
        "contact_name": "Herr Rad",
        "contact_email": "rad@verein.example",
        "contact_phone": "089 123",
    }
    data.update(overrides)
    return data


def test_member_posts_an_opportunity(member_client, organisation, munich):
    response = member_client.post(reverse("engagement:opportunity_create"), _form_data())
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("engagement:opportunity_detail", args=[opportunity.pk])
    assert opportunity.organisation == organisation
    assert opportunity.district == munich
    assert opportunity.places == 4
    assert sorted(opportunity.languages.values_list("language", flat=True)) == ["de", "fa"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"places": "0"}, "greater than or equal to 1"),
        ({"places": "501"}, "less than or equal to 500"),
        ({"postcode": "99999"}, "We do not know this postcode"),
        ({"description": "x" * 5001}, "at most 5000 characters"),
        ({"title": "<script>x</script>"}, "without HTML tags"),
        ({"starts_at": "2020-01-01T10:00", "ends_at": ""}, "cannot be in the past"),
    ],
)
def test_invalid_opportunity_shows_errors_and_saves_nothing(member_client, overrides, message):
    response = member_client.post(reverse("engagement:opportunity_create"), _form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Opportunity.objects.exists()


def test_end_before_start_is_shown(member_client):
    start = timezone.localtime() + datetime.timedelta(days=5)
    data = _form_data(ends_at=(start - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    data["starts_at"] = start.strftime("%Y-%m-%dT%H:%M")
    response = member_client.post(reverse("engagement:opportunity_create"), data)
    assert "The end must be after the start." in response.content.decode()
    assert not Opportunity.objects.exists()


def test_member_edits_and_places_below_taken_are_refused(member_client, opportunity):
    Opportunity.objects.filter(pk=opportunity.pk).update(places_taken=2)
    url = reverse("engagement:opportunity_edit", args=[opportunity.pk])
    assert member_client.get(url).status_code == 200
    response = member_client.post(url, _form_data(places="1", kind=OpportunityKind.ONGOING))
    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    response = member_client.post(url, _form_data(places="5", kind=OpportunityKind.ONGOING))
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.places, opportunity.title) == (5, "Fahrradwerkstatt")


def test_other_organisation_gets_404_on_every_management_page(other_admin_client, opportunity):
    application = ApplicationFactory(opportunity=opportunity)
    for name, pk, writes in [
        ("engagement:opportunity_edit", opportunity.pk, True),
        ("engagement:opportunity_close", opportunity.pk, True),
        ("engagement:opportunity_applications", opportunity.pk, False),
        ("engagement:application_detail", application.pk, False),
        ("engagement:application_decide", application.pk, True),
    ]:
        url = reverse(name, args=[pk])
        assert other_admin_client.get(url).status_code == 404, name
        if writes:
            response = other_admin_client.post(url, {"decision": "accept", **_form_data()})
            assert response.status_code == 404, name
    opportunity.refresh_from_db()
    application.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN
    assert application.status == ApplicationStatus.PENDING


def test_close(member_client, opportunity):
    url = reverse("engagement:opportunity_close", args=[opportunity.pk])
    assert "Close the opportunity" in member_client.get(url).content.decode()
    response = member_client.post(url)
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.CLOSED


def test_our_opportunities_show_counts(member_client, organisation, opportunity):
    ApplicationFactory.create_batch(3, opportunity=opportunity)
    Opportunity.objects.filter(pk=opportunity.pk).update(places=5, places_taken=1)
    OpportunityFactory(organisation=OrganisationFactory(), title="Fremd")
    response = member_client.get(reverse("engagement:opportunity_mine"))
    html = response.content.decode()
    assert "Lernpaten" in html and "Fremd" not in html
    assert re.search(r">3<span class=\"kern-sr-only\">", html)
    assert "4 of 5" in html


def test_our_opportunities_query_count_does_not_grow(member_client, organisation):
    def make(count):
        for opportunity in OpportunityFactory.create_batch(count, organisation=organisation):
            ApplicationFactory(opportunity=opportunity)

    make(3)
    few = _count_queries(member_client, reverse("engagement:opportunity_mine"))
    make(27)
    many = _count_queries(member_client, reverse("engagement:opportunity_mine"))
    assert few == many


def test_applications_page_lists_and_audits(member_client, member, opportunity):
    ApplicationFactory(opportunity=opportunity, message="Ich kann dienstags.")
    response = member_client.get(
        reverse("engagement:opportunity_applications", args=[opportunity.pk])
    )
    assert "Ich kann dienstags." in response.content.decode()
    assert AuditEvent.objects.filter(
        action="engagement.opportunity.applications_viewed", actor=member
    ).exists()


def test_applications_page_query_count_does_not_grow(member_client, opportunity):
    url = reverse("engagement:opportunity_applications", args=[opportunity.pk])
    ApplicationFactory.create_batch(3, opportunity=opportunity)
    few = _count_queries(member_client, url)
    ApplicationFactory.create_batch(27, opportunity=opportunity)
    many = _count_queries(member_client, url)
    assert few == many


# --- applying, deciding, withdrawing -----------------------------------------------------------


def test_volunteer_applies_once(volunteer_client, volunteer, opportunity, member):
    url = reverse("engagement:opportunity_apply", args=[opportunity.pk])
    response = volunteer_client.post(url, {"message": "Ich helfe gern."})
    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("engagement:application_detail", args=[application.pk])
    assert application.volunteer.user == volunteer
    # A second attempt: a clear message, no second row, no error page.
    response = volunteer_client.post(url, {"message": "Nochmal"}, follow=True)
    assert response.status_code == 200
    assert "You have already applied for this opportunity." in response.content.decode()
    assert Application.objects.count() == 1


def test_applying_with_markup_shows_the_error(volunteer_client, opportunity):
    url = reverse("engagement:opportunity_apply", args=[opportunity.pk])
    response = volunteer_client.post(url, {"message": "<b>Hallo</b>"})
    assert response.status_code == 200
    assert "without HTML tags" in response.content.decode()
    assert not Application.objects.exists()


def test_applying_to_a_full_opportunity_shows_the_error(volunteer_client, opportunity):
    url = reverse("engagement:opportunity_apply", args=[opportunity.pk])
    form_page = volunteer_client.get(url)
    assert form_page.status_code == 200
    Opportunity.objects.filter(pk=opportunity.pk).update(status=OpportunityStatus.FULL)
    response = volunteer_client.post(url, {"message": ""})
    assert response.status_code == 200
    assert "All places of this opportunity are taken." in response.content.decode()
    assert not Application.objects.exists()
    # The form is not offered any more.
    assert volunteer_client.get(url).status_code == 302


def test_users_without_profile_are_sent_to_create_one(opportunity):
    client = Client()
    client.force_login(UserFactory())
    response = client.post(reverse("engagement:opportunity_apply", args=[opportunity.pk]))
    assert response.status_code == 302
    assert response.url == reverse("volunteers:profile_edit")
    assert not Application.objects.exists()


def test_my_applications_and_other_volunteers_404(volunteer_client, volunteer, opportunity):
    own = ApplicationFactory(opportunity=opportunity, volunteer=volunteer.volunteer_profile)
    others = ApplicationFactory(opportunity=OpportunityFactory(title="Anderes"))
    html = volunteer_client.get(reverse("engagement:application_list_mine")).content.decode()
    assert "Lernpaten" in html and "Anderes" not in html
    assert "Waiting for an answer" in html
    for name in ("application_detail", "application_withdraw", "application_decide"):
        assert (
            volunteer_client.get(reverse(f"engagement:{name}", args=[others.pk])).status_code == 404
        )
    assert (
        volunteer_client.get(reverse("engagement:application_detail", args=[own.pk])).status_code
        == 200
    )
    # The volunteer is not the organisation: no deciding on the own application either.
    assert (
        volunteer_client.post(
            reverse("engagement:application_decide", args=[own.pk]), {"decision": "accept"}
        ).status_code
        == 404
    )


def test_member_accepts_and_declines(member_client, member, opportunity):
    first, second = ApplicationFactory.create_batch(2, opportunity=opportunity)
    detail = member_client.get(reverse("engagement:application_detail", args=[first.pk]))
    assert 'value="accept"' in detail.content.decode()
    assert AuditEvent.objects.filter(action="engagement.application.viewed", actor=member).exists()
    response = member_client.post(
        reverse("engagement:application_decide", args=[first.pk]),
        {"decision": "accept", "decision_note": "Bis Dienstag!"},
    )
    assert response.status_code == 302
    response = member_client.post(
        reverse("engagement:application_decide", args=[second.pk]),
        {"decision": "decline", "decision_note": "<b>nein</b>"},
    )
    assert response.status_code == 200
    assert "without HTML tags" in response.content.decode()
    member_client.post(
        reverse("engagement:application_decide", args=[second.pk]), {"decision": "decline"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    opportunity.refresh_from_db()
    assert (first.status, first.decision_note) == (ApplicationStatus.ACCEPTED, "Bis Dienstag!")
    assert second.status == ApplicationStatus.DECLINED
    assert opportunity.places_taken == 1


def test_accepting_beyond_the_places_shows_the_error(member_client, organisation):
    one_place = OpportunityFactory(organisation=organisation, places=1)
    first, second = ApplicationFactory.create_batch(2, opportunity=one_place)
    url = "engagement:application_decide"
    member_client.post(reverse(url, args=[first.pk]), {"decision": "accept"})
    response = member_client.post(reverse(url, args=[second.pk]), {"decision": "accept"})
    assert response.status_code == 200
    assert "All places of this opportunity are taken." in response.content.decode()
    second.refresh_from_db()
    assert second.status == ApplicationStatus.PENDING


def test_volunteer_withdraws_an_accepted_application(
    volunteer_client, volunteer, member, organisation
):
    one_place = OpportunityFactory(
        organisation=organisation, places=1, places_taken=1, status=OpportunityStatus.FULL
    )
    application = ApplicationFactory(
        opportunity=one_place,
        volunteer=volunteer.volunteer_profile,
        status=ApplicationStatus.ACCEPTED,
    )
    url = reverse("engagement:application_withdraw", args=[application.pk])
    assert "your place is given free" in volunteer_client.get(url).content.decode()
    response = volunteer_client.post(url)
    assert response.status_code == 302
    application.refresh_from_db()
    one_place.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert (one_place.places_taken, one_place.status) == (0, OpportunityStatus.OPEN)


def test_navigation_and_dashboard_links(volunteer_client, member_client):
    html = volunteer_client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{LIST}"' in html
    assert reverse("engagement:application_list_mine") in html
    assert reverse("engagement:opportunity_mine") not in html
    member_html = member_client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("engagement:opportunity_mine") in member_html
