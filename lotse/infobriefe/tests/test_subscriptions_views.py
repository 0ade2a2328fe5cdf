"""HTML views of the subscriptions: double opt-in end to end, no enumeration, the signed
manage and unsubscribe links (RFC 8058 one-click included), one click from the volunteer's
profile, "send me my link", bad input, rate limits and query counts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lotse.accounts.tests.factories import UserFactory
from lotse.core.choices import Topic
from lotse.infobriefe import tokens
from lotse.infobriefe.choices import (
    ConsentAction,
    SubscriptionSource,
    SubscriptionStatus,
    WithdrawalChannel,
    topics_to_mask,
)
from lotse.infobriefe.models import (
    MAX_DISTRICTS_PER_SUBSCRIPTION,
    ConsentRecord,
    Subscription,
    SubscriptionRequest,
)
from lotse.infobriefe.services.subscriptions import email_normalise
from lotse.infobriefe.tests.factories import InfobriefFactory, SubscriptionFactory
from lotse.infobriefe.views.subscriptions import PER_ADDRESS_PER_HOUR, PER_CLIENT_PER_HOUR
from lotse.regions.models import District, State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("infobriefe:subscribe")
SENT = reverse("infobriefe:subscribe_sent")
ACCOUNT = reverse("infobriefe:subscribe_account")
REQUEST_LINK = reverse("infobriefe:request_link")
PROFILE = reverse("volunteers:profile")
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/infobriefe/confirm/\S+/)")
MANAGE_LINK = re.compile(r"https?://[^/\s]+(/infobriefe/manage/\S+/)")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the mail task) of what happens inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _form(email="neu@example.org", **overrides):
    return {
        "email": email,
        "language": "en",
        "state": "BY",
        "area": "state",
        "topics": [],
        "consent": "on",
        "website": "",
    } | overrides


def _html(response) -> str:
    return response.content.decode()


def _page(response) -> str:
    """The page without its CSRF tokens (masked anew for every response)."""
    return CSRF_TOKEN.sub("", _html(response))


def _link(purpose: str, subscription: Subscription, infobrief_id: int | None = None) -> str:
    token = tokens.make_link_token(
        purpose=purpose,
        subscription_id=subscription.pk,
        key=subscription.key,
        infobrief_id=infobrief_id,
    )
    return reverse(f"infobriefe:{purpose}", kwargs={"token": token})


def _nothing_stored():
    return (
        not SubscriptionRequest.objects.exists()
        and not Subscription.objects.exists()
        and mail.outbox == []
    )


# --- double opt-in end to end ----------------------------------------------------------------


def test_double_opt_in_through_the_pages(client, commit, munich, nuremberg):
    page = client.get(SUBSCRIBE)
    assert page.status_code == 200
    assert "Version of this text" in _html(page)

    with commit():
        response = client.post(
            SUBSCRIBE,
            _form(
                email=" Neu@Example.org ",
                area="districts",
                districts=[munich.pk, nuremberg.pk],
                topics=[Topic.HEALTH, Topic.HOUSING],
            ),
        )

    assert response.status_code == 302
    assert response["Location"] == SENT
    assert client.get(SENT).status_code == 200
    assert not Subscription.objects.exists()
    [message] = mail.outbox
    assert message.to == ["neu@example.org"]
    assert message.subject == "Please confirm your subscription to the Infobriefe"
    confirm_path = CONFIRM_LINK.search(message.body).group(1)

    # Opening the link (or a mail scanner following it) subscribes nothing.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "neu@example.org" in _html(page)
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert not Subscription.objects.exists()

    done = client.post(confirm_path)

    assert done.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.email == "neu@example.org"
    assert subscription.language == "en"
    assert set(subscription.districts.all()) == {munich, nuremberg}
    assert subscription.topics_mask == topics_to_mask([Topic.HEALTH, Topic.HOUSING])
    assert _link("manage", subscription) in _html(done)
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.text_version, consent.language, consent.source) == (
        ConsentAction.GIVEN,
        "2026-11-22",
        "en",
        SubscriptionSource.FORM,
    )
    assert not SubscriptionRequest.objects.exists()


def test_the_consent_language_is_the_language_of_the_page(client, commit):
    with commit():
        client.post(SUBSCRIBE, _form(language="uk"), HTTP_ACCEPT_LANGUAGE="de")
    request = SubscriptionRequest.objects.get()
    assert (request.language, request.consent_language) == ("uk", "de")


def test_confirming_twice_is_harmless(client, commit):
    with commit():
        client.post(SUBSCRIBE, _form())
    confirm_path = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    assert client.post(confirm_path).status_code == 200

    again = client.post(confirm_path)

    assert again.status_code == 404
    assert "This link is not valid" in _html(again)
    assert client.get(confirm_path).status_code == 404
    assert Subscription.objects.count() == 1
    assert ConsentRecord.objects.count() == 1


def test_an_expired_link_is_410_and_subscribes_nothing(client, commit):
    with commit():
        client.post(SUBSCRIBE, _form())
    confirm_path = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    SubscriptionRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    page = client.get(confirm_path)
    posted = client.post(confirm_path)

    assert page.status_code == posted.status_code == 410
    assert "This link has expired" in _html(posted)
    assert not Subscription.objects.exists()
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize("token", ["unbekannt", "A" * 43, "x" * 300, "..", "%00", "a:b:c"])
def test_unknown_or_forged_confirmation_links_are_404(client, token):
    url = reverse("infobriefe:confirm", kwargs={"token": token})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Subscription.objects.exists()


# --- no enumeration --------------------------------------------------------------------------


def test_every_address_gets_the_same_answer(client, commit):
    active = SubscriptionFactory(email="aktiv@example.org", language="en")
    SubscriptionFactory(
        email="weg@example.org",
        status=SubscriptionStatus.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
    )
    answers = []
    for email in ("neu@example.org", "aktiv@example.org", "weg@example.org"):
        with commit():
            response = client.post(SUBSCRIBE, _form(email=email))
        answers.append((response.status_code, response["Location"], _page(client.get(SENT))))

    assert answers[0] == answers[1] == answers[2]
    assert answers[0][:2] == (302, SENT)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "neu@example.org": "Please confirm your subscription to the Infobriefe",
        "aktiv@example.org": "You are already subscribed to the Infobriefe",
        "weg@example.org": "Please confirm your subscription to the Infobriefe",
    }
    active_mail = next(m for m in mail.outbox if m.to == ["aktiv@example.org"])
    assert MANAGE_LINK.search(active_mail.body).group(1) == _link("manage", active)
    assert "/confirm/" not in active_mail.body
    assert set(SubscriptionRequest.objects.values_list("email", flat=True)) == {
        "neu@example.org",
        "weg@example.org",
    }


def test_subscribing_someone_else_changes_nothing_until_they_confirm(client, commit, munich):
    victim = SubscriptionFactory(email="opfer@example.org", language="en", topics_mask=2)
    with commit():
        client.post(
            SUBSCRIBE,
            _form(email="opfer@example.org", area="districts", districts=[munich.pk]),
        )
        client.post(SUBSCRIBE, _form(email="fremd@example.org"))

    victim.refresh_from_db()
    assert (victim.whole_state, victim.topics_mask, victim.status) == (
        True,
        2,
        SubscriptionStatus.ACTIVE,
    )
    assert not ConsentRecord.objects.exists()
    assert not Subscription.objects.filter(email="fremd@example.org").exists()


def test_the_honeypot_gets_the_same_answer_and_stores_nothing(client, commit):
    with commit():
        response = client.post(SUBSCRIBE, _form(website="http://spam.example"))
    assert (response.status_code, response["Location"]) == (302, SENT)
    assert _nothing_stored()


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("keine-adresse", "Please enter a valid e-mail address"),
        ("a@b.de\r\nBcc: x@y.de", "line breaks or other invalid characters"),
        ("anna\x01@example.org", "line breaks or other invalid characters"),
        ("", "Please enter your e-mail address."),
    ],
)
def test_invalid_addresses_are_refused_clearly(client, commit, email, message):
    with commit():
        response = client.post(SUBSCRIBE, _form(email=email))
    assert response.status_code == 200
    assert message in _html(response)
    assert _nothing_stored()


def test_too_many_districts_are_refused(client, commit):
    bavaria = State.objects.get(code="BY")
    districts = District.objects.filter(state=bavaria).values_list("pk", flat=True)
    chosen = list(districts[: MAX_DISTRICTS_PER_SUBSCRIPTION + 1])
    with commit():
        response = client.post(SUBSCRIBE, _form(area="districts", districts=chosen))
    assert response.status_code == 200
    assert "Please choose at most 30 districts (you chose 31)" in _html(response)
    assert _nothing_stored()


def test_a_district_of_another_land_is_refused(client, commit):
    stuttgart = District.objects.get(ags="08111")
    with commit():
        response = client.post(SUBSCRIBE, _form(area="districts", districts=[stuttgart.pk]))
    assert response.status_code == 200
    assert "Please choose only districts of the chosen Land." in _html(response)
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"area": "districts"}, "Please choose at least one district, or the whole Land."),
        ({"consent": ""}, "Please agree so that we may send you the Infobriefe."),
        ({"state": "XX"}, "Please choose one of the offered Länder."),
        ({"language": "xx"}, "Please choose one of the offered languages."),
        ({"area": "galaxy"}, "Please choose the whole Land or some districts."),
        ({"topics": ["nope"]}, "Please choose only the offered topics."),
        ({"districts": ["abc"], "area": "districts"}, "Please choose only districts"),
    ],
)
def test_incomplete_forms_explain_what_is_missing(client, commit, overrides, message):
    with commit():
        response = client.post(SUBSCRIBE, _form(**overrides))
    assert response.status_code == 200
    assert message in _html(response)
    assert _nothing_stored()


def test_the_district_list_follows_the_land(client):
    page = _html(client.get(SUBSCRIBE))
    assert "München" in page
    assert "Stuttgart" not in page
    assert "Oberbayern" in page  # grouped by Regierungsbezirk

    partial = client.get(SUBSCRIBE, {"state": "BW"}, HTTP_HX_REQUEST="true")

    html = _html(partial)
    assert partial.status_code == 200
    assert "Stuttgart" in html
    assert "München" not in html
    assert "<html" not in html
    assert 'hx-swap-oob="innerHTML:#area-announcer"' in html


def test_a_land_without_regierungsbezirke_lists_its_districts(client):
    html = _html(client.get(SUBSCRIBE, {"state": "SH"}, HTTP_HX_REQUEST="true"))
    assert "Kiel" in html
    assert "<details" not in html


# What a browser can send: no lone surrogates (they have no UTF-8 form).
SENDABLE = st.characters(blacklist_categories=("Cs",))


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    email=st.one_of(
        st.text(SENDABLE, max_size=300),
        st.emails().map(lambda address: f" {address.upper()}\n"),
    ),
    language=st.sampled_from(["de", "en", "xx", ""]),
    state=st.sampled_from(["BY", "BW", "", "ZZ"]),
    area=st.sampled_from(["state", "districts", ""]),
    districts=st.lists(st.sampled_from(["1", "226", "-3", "x", "99999"]), max_size=3),
    consent=st.sampled_from(["", "on"]),
)
def test_the_form_never_fails_on_arbitrary_input(
    client, email, language, state, area, districts, consent
):
    cache.clear()  # one rate-limit window per example
    SubscriptionRequest.objects.all().delete()
    response = client.post(
        SUBSCRIBE,
        {
            "email": email,
            "language": language,
            "state": state,
            "area": area,
            "districts": districts,
            "consent": consent,
        },
    )
    assert response.status_code in (200, 302)
    stored = list(SubscriptionRequest.objects.values_list("email", flat=True))
    if response.status_code == 200:
        assert stored == []
    else:
        assert stored == [email_normalise(email)]


# --- rate limits -----------------------------------------------------------------------------


def test_one_address_is_limited(client, commit):
    with commit():
        for _index in range(PER_ADDRESS_PER_HOUR):
            assert client.post(SUBSCRIBE, _form()).status_code == 302
        # Another client address, the same e-mail address.
        limited = client.post(SUBSCRIBE, _form(), REMOTE_ADDR="192.0.2.9")
    assert limited.status_code == 429
    assert "several times in a short time" in _html(limited)
    assert len(mail.outbox) == PER_ADDRESS_PER_HOUR


def test_one_client_is_limited(client, commit):
    with commit():
        for index in range(PER_CLIENT_PER_HOUR):
            response = client.post(SUBSCRIBE, _form(email=f"person{index}@example.org"))
            assert response.status_code == 302
        limited = client.post(SUBSCRIBE, _form(email="noch-eine@example.org"))
    assert limited.status_code == 429
    assert not SubscriptionRequest.objects.filter(email="noch-eine@example.org").exists()
    assert len(mail.outbox) == PER_CLIENT_PER_HOUR


# --- manage ----------------------------------------------------------------------------------


def test_preferences_are_changed_through_the_manage_link(client, munich):
    subscription = SubscriptionFactory(language="en")
    url = _link("manage", subscription)
    page = client.get(url)
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert subscription.email in _html(page)

    response = client.post(
        url,
        {
            "action": "save",
            "language": "uk",
            "state": "BY",
            "area": "districts",
            "districts": [munich.pk],
            "topics": [Topic.WORK],
        },
    )

    assert (response.status_code, response["Location"]) == (302, url)
    subscription.refresh_from_db()
    assert subscription.language == "uk"
    assert list(subscription.districts.all()) == [munich]
    assert subscription.topics_mask == topics_to_mask([Topic.WORK])
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.text_version) == (ConsentAction.CHANGED, "2026-11-22")
    assert "Your preferences have been saved." in _html(client.get(url))


def test_bad_preferences_are_explained_and_change_nothing(client):
    subscription = SubscriptionFactory(language="en")
    stuttgart = District.objects.get(ags="08111")
    response = client.post(
        _link("manage", subscription),
        {
            "action": "save",
            "language": "en",
            "state": "BY",
            "area": "districts",
            "districts": [stuttgart.pk],
        },
    )
    assert response.status_code == 200
    assert "Please choose only districts of the chosen Land." in _html(response)
    subscription.refresh_from_db()
    assert subscription.whole_state is True
    assert not ConsentRecord.objects.exists()


def test_unsubscribing_and_subscribing_again_on_the_manage_page(client):
    infobrief = InfobriefFactory()
    subscription = SubscriptionFactory(language="en")
    url = _link("manage", subscription, infobrief_id=infobrief.pk)

    assert client.post(url, {"action": "unsubscribe"}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    infobrief.refresh_from_db()
    assert infobrief.unsubscribes == 1
    page = _html(client.get(url))
    assert "Subscribe again" in page

    refused = client.post(url, {"action": "resubscribe"})
    assert refused.status_code == 200
    assert "Please agree so that we may send you the Infobriefe." in _html(refused)
    assert client.post(url, {"action": "resubscribe", "consent": "on"}).status_code == 302

    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert list(ConsentRecord.objects.values_list("action", "channel")) == [
        (ConsentAction.WITHDRAWN, WithdrawalChannel.LINK),
        (ConsentAction.GIVEN, ""),
    ]


def test_an_unknown_action_changes_nothing(client):
    subscription = SubscriptionFactory(language="en")
    response = client.post(_link("manage", subscription), {"action": "delete-everything"})
    assert response.status_code == 302
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE


# --- forged and outdated links ---------------------------------------------------------------


def _forged_tokens(subscription: Subscription, purpose: str) -> list[str]:
    genuine = tokens.make_link_token(
        purpose=purpose, subscription_id=subscription.pk, key=subscription.key
    )
    other_purpose = "unsubscribe" if purpose == "manage" else "manage"
    return [
        genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
        f"{subscription.pk}.0.{subscription.key}",
        tokens.make_link_token(
            purpose=other_purpose, subscription_id=subscription.pk, key=subscription.key
        ),
        tokens.make_link_token(purpose=purpose, subscription_id=subscription.pk, key="falsch"),
        tokens.make_link_token(purpose=purpose, subscription_id=999_999, key=subscription.key),
        "x" * 300,
    ]


@pytest.mark.parametrize("purpose", ["manage", "unsubscribe"])
def test_forged_links_are_404_and_change_nothing(client, purpose):
    subscription = SubscriptionFactory(language="en")
    for token in _forged_tokens(subscription, purpose):
        url = reverse(f"infobriefe:{purpose}", kwargs={"token": token})
        assert client.get(url).status_code == 404, token
        response = client.post(url, {"action": "unsubscribe", "List-Unsubscribe": "One-Click"})
        assert response.status_code == 404, token
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE
    assert not ConsentRecord.objects.exists()


def test_old_links_stop_working_after_the_key_changes(client, commit):
    subscription = SubscriptionFactory(email="neu@example.org", language="en")
    old_manage = _link("manage", subscription)
    old_unsubscribe = _link("unsubscribe", subscription)
    client.post(old_unsubscribe)
    # Subscribing again through the form gives a new key.
    with commit():
        client.post(SUBSCRIBE, _form())
    client.post(CONFIRM_LINK.search(mail.outbox[-1].body).group(1))
    subscription.refresh_from_db()

    assert client.get(old_manage).status_code == 404
    assert client.post(old_unsubscribe).status_code == 404
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert client.get(_link("manage", subscription)).status_code == 200


# --- unsubscribe -----------------------------------------------------------------------------


def test_the_unsubscribe_page_asks_first(client):
    subscription = SubscriptionFactory(language="en")
    url = _link("unsubscribe", subscription)

    page = client.get(url)

    assert page.status_code == 200
    assert "Yes, unsubscribe me" in _html(page)
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE

    response = client.post(url)

    assert (response.status_code, response["Location"]) == (302, url)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert subscription.unsubscribed_at is not None
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.channel) == (ConsentAction.WITHDRAWN, WithdrawalChannel.LINK)
    assert "is unsubscribed and receives no more Infobriefe" in _html(client.get(url))
    # Twice is harmless.
    assert client.post(url).status_code == 302
    assert ConsentRecord.objects.count() == 1


def test_rfc_8058_one_click_works_without_a_csrf_token():
    infobrief = InfobriefFactory()
    subscription = SubscriptionFactory(language="en")
    url = _link("unsubscribe", subscription, infobrief_id=infobrief.pk)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(url, {"List-Unsubscribe": "One-Click"})
    again = strict.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == again.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.channel, consent.language) == (
        ConsentAction.WITHDRAWN,
        WithdrawalChannel.ONE_CLICK,
        "en",
    )
    infobrief.refresh_from_db()
    assert infobrief.unsubscribes == 1


def test_one_click_as_multipart_form_data():
    """Some mail programs send the body as multipart/form-data (RFC 8058 allows both)."""
    subscription = SubscriptionFactory(language="en")
    response = Client(enforce_csrf_checks=True).post(
        _link("unsubscribe", subscription), {"List-Unsubscribe": "One-Click"}, format="multipart"
    )
    assert response.status_code == 200
    assert Subscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED


def test_csrf_stays_on_for_the_other_forms(commit):
    subscription = SubscriptionFactory(language="en")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(SUBSCRIBE, _form()).status_code == 403
    assert strict.post(_link("manage", subscription), {"action": "unsubscribe"}).status_code == 403
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE


def test_unsubscribes_of_different_subscribers_add_up():
    infobrief = InfobriefFactory()
    for _index in range(3):
        url = _link("unsubscribe", SubscriptionFactory(), infobrief_id=infobrief.pk)
        Client().post(url, {"List-Unsubscribe": "One-Click"})
        Client().post(url)
    infobrief.refresh_from_db()
    assert infobrief.unsubscribes == 3


# --- registered volunteers -------------------------------------------------------------------


def test_a_volunteer_subscribes_with_one_click_from_the_profile(client, munich):
    volunteer = VolunteerProfileFactory(user=UserFactory(preferred_language="uk")).user
    client.force_login(volunteer)
    page = _html(client.get(PROFILE))
    assert ACCOUNT in page
    assert "Version of this text" in page

    response = client.post(ACCOUNT)

    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _link("manage", subscription)
    assert subscription.user == volunteer
    assert subscription.language == "uk"
    assert list(subscription.districts.all()) == [munich]
    assert subscription.source == SubscriptionSource.ACCOUNT
    assert ConsentRecord.objects.get().source == SubscriptionSource.ACCOUNT
    page = _html(client.get(PROFILE))
    assert _link("manage", subscription) in page
    assert ACCOUNT not in page


def test_one_click_is_post_only_and_needs_a_login(client):
    assert client.post(ACCOUNT).status_code == 302
    assert not Subscription.objects.exists()
    client.force_login(UserFactory())
    assert client.get(ACCOUNT).status_code == 405
    assert not Subscription.objects.exists()


def test_the_profile_card_offers_to_subscribe_again(client):
    volunteer = VolunteerProfileFactory().user
    subscription = SubscriptionFactory(
        email=volunteer.email,
        status=SubscriptionStatus.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
    )
    client.force_login(volunteer)
    page = _html(client.get(PROFILE))
    assert "You have unsubscribed from the Infobriefe." in page
    assert ACCOUNT in page
    assert _link("manage", subscription) in page


def test_the_card_costs_one_query(django_assert_num_queries):
    user = UserFactory()
    SubscriptionFactory(email=user.email)
    template = Template("{% load infobriefe %}{% infobrief_subscription_card user %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"user": user}))
    assert "You receive the Infobriefe at" in html


@pytest.mark.parametrize("subscribed", [False, True])
def test_the_profile_page_costs_the_same_with_and_without_a_subscription(
    client, subscribed, django_assert_num_queries
):
    volunteer = VolunteerProfileFactory().user
    if subscribed:
        SubscriptionFactory(email=volunteer.email, districts=list(District.objects.all()[:5]))
    client.force_login(volunteer)
    client.get(PROFILE)
    with django_assert_num_queries(PROFILE_QUERIES):
        assert client.get(PROFILE).status_code == 200


# Session, user, role assignments, organisation admin?, the profile, its languages, topics
# and roles, the unread badge – and the Infobrief card's one query (with or without one).
PROFILE_QUERIES = 10


# --- "send me my link" -----------------------------------------------------------------------


def test_request_link_gives_every_address_the_same_answer(client, commit):
    subscription = SubscriptionFactory(email="da@example.org", language="en")
    answers = []
    for email in ("da@example.org", "niemand@example.org"):
        with commit():
            response = client.post(REQUEST_LINK, {"email": email, "website": ""})
        answers.append(
            (response.status_code, response["Location"], _page(client.get(REQUEST_LINK)))
        )
    assert answers[0] == answers[1]
    assert "we have sent it an e-mail" in answers[0][2]
    [message] = mail.outbox
    assert message.to == ["da@example.org"]
    assert MANAGE_LINK.search(message.body).group(1) == _link("manage", subscription)


def test_request_link_refuses_bad_addresses_and_is_limited(client, commit):
    with commit():
        bad = client.post(REQUEST_LINK, {"email": "a@b.de\r\nBcc: x@y.de"})
        for _index in range(PER_ADDRESS_PER_HOUR):
            client.post(REQUEST_LINK, {"email": "da@example.org"})
        limited = client.post(REQUEST_LINK, {"email": "da@example.org"})
    assert bad.status_code == 200
    assert "line breaks or other invalid characters" in _html(bad)
    assert limited.status_code == 429
    assert "several times in a short time" in _html(limited)


# --- query counts ----------------------------------------------------------------------------


def test_the_public_pages_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    client.get(SUBSCRIBE)
    # The Länder and the districts of the default Land.
    with django_assert_max_num_queries(2):
        assert client.get(SUBSCRIBE).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(REQUEST_LINK).status_code == 200


@pytest.mark.parametrize("districts", [1, 30])
def test_the_manage_page_costs_the_same_for_1_and_30_districts(
    client, districts, django_assert_num_queries
):
    bavaria = State.objects.get(code="BY")
    subscription = SubscriptionFactory(
        language="en", districts=list(District.objects.filter(state=bavaria)[:districts])
    )
    url = _link("manage", subscription)
    client.get(url)
    # Subscription (+ Land, account), its districts, the Länder, the Land's districts.
    with django_assert_num_queries(MANAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(UNSUBSCRIBE_QUERIES):
        assert client.get(_link("unsubscribe", subscription)).status_code == 200


MANAGE_QUERIES = 4
UNSUBSCRIBE_QUERIES = 2
