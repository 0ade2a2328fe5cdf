"""Services of the subscriptions: double opt-in (request, confirmation, expiry), one click for
volunteers, preferences, unsubscribe (exactly once, counted for the Infobrief), resubscribe,
"send me my link", the purge, and the account's data (export, erasure, audit)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from lotse.accounts import services as account_services
from lotse.accounts.tests.factories import UserFactory
from lotse.core.choices import Topic
from lotse.core.models import AuditEvent
from lotse.core.privacy import erase_user, export_user_data
from lotse.core.tests.concurrency import postgresql_only, race, transactional
from lotse.infobriefe import tasks, tokens
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
    Delivery,
    Infobrief,
    Subscription,
    SubscriptionRequest,
)
from lotse.infobriefe.services.subscriptions import (
    ConfirmationLinkError,
    SubscribeOutcome,
    email_normalise,
    subscription_confirm,
    subscription_manage_link_send,
    subscription_request_create,
    subscription_resubscribe,
    subscription_subscribe_account,
    subscription_unsubscribe,
    subscription_update_preferences,
    subscriptions_purge,
)
from lotse.infobriefe.tests.factories import (
    DeliveryFactory,
    InfobriefFactory,
    SubscriptionFactory,
)
from lotse.regions.models import District, State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


VERSION = settings.LOTSE_INFOBRIEF_CONSENT_VERSION
LINK = re.compile(r"https?://\S+/infobriefe/confirm/(\S+)/")


@pytest.fixture
def bavaria(db) -> State:
    return State.objects.get(code="BY")


@pytest.fixture
def stuttgart(db) -> District:
    return District.objects.get(ags="08111")


def _request(email="neu@example.org", **overrides):
    arguments = {
        "email": email,
        "language": "en",
        "state": State.objects.get(code="BY"),
        "whole_state": True,
        "districts": [],
        "topics_mask": 0,
        "consent_language": "de",
    } | overrides
    return subscription_request_create(**arguments)


def _secret_from_mail(message) -> str:
    return LINK.search(message.body).group(1)


def _subscribe(capture, email="neu@example.org", **overrides) -> Subscription:
    """The whole double opt-in: request, mail, confirmation."""
    with capture(execute=True):
        _request(email, **overrides)
    return subscription_confirm(secret=_secret_from_mail(mail.outbox[-1]))


# --- addresses -------------------------------------------------------------------------------


def test_addresses_are_stripped_and_lower_cased():
    assert email_normalise("  Anna.Schmidt@Example.ORG \n") == "anna.schmidt@example.org"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("keine-adresse", "invalid"),
        ("anna@", "invalid"),
        ("anna@example", "invalid"),
        ("a@b.de\r\nBcc: x@y.de", "control"),
        ("a@b.de\nBcc:x@y.de", "control"),
        ("anna\x00@example.org", "control"),
        ("anna@exam\u2028ple.org", "control"),
        ("anna@exam\u200bple.org", "control"),
        ("anna schmidt@example.org", "control"),
        ("a" * 250 + "@example.org", "max_length"),
    ],
)
def test_invalid_addresses_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        email_normalise(value)
    assert error.value.code == code
    assert error.value.messages[0]


# --- the public form: requests ---------------------------------------------------------------


def test_a_new_address_gets_a_request_and_a_confirmation_mail(
    django_capture_on_commit_callbacks, munich, nuremberg
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = _request(
            " Neu@Example.org ",
            whole_state=False,
            districts=[munich, nuremberg.pk],
            topics_mask=topics_to_mask([Topic.HEALTH, Topic.WORK]),
        )

    assert outcome == SubscribeOutcome.CONFIRMATION_SENT
    request = SubscriptionRequest.objects.get()
    assert request.email == "neu@example.org"
    assert request.language == "en"
    assert request.whole_state is False
    assert sorted(request.district_ids) == sorted([munich.pk, nuremberg.pk])
    assert request.topics_mask == topics_to_mask([Topic.HEALTH, Topic.WORK])
    assert request.consent_version == VERSION
    assert request.consent_language == "de"
    hours = settings.LOTSE_INFOBRIEF_CONFIRM_HOURS
    expected = timezone.now() + datetime.timedelta(hours=hours)
    assert abs((request.expires_at - expected).total_seconds()) < 60
    assert not Subscription.objects.exists()
    [message] = mail.outbox
    assert message.to == ["neu@example.org"]
    secret = _secret_from_mail(message)
    # Only the hash of the secret is stored.
    assert request.token_hash == tokens.hash_secret(secret)
    assert secret not in request.token_hash


def test_a_new_request_replaces_the_unconfirmed_one_of_the_address(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _request()
        _request(language="de")
    first, second = (_secret_from_mail(message) for message in mail.outbox)
    assert SubscriptionRequest.objects.get().language == "de"
    with pytest.raises(ConfirmationLinkError):
        subscription_confirm(secret=first)
    assert subscription_confirm(secret=second).language == "de"


def test_an_active_address_gets_its_manage_link_and_nothing_changes(
    django_capture_on_commit_callbacks, munich
):
    subscription = SubscriptionFactory(email="aktiv@example.org", language="uk", topics_mask=4)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = _request(
            "AKTIV@example.org", whole_state=False, districts=[munich], topics_mask=1
        )

    assert outcome == SubscribeOutcome.MANAGE_LINK_SENT
    assert not SubscriptionRequest.objects.exists()
    unchanged = Subscription.objects.get()
    assert (unchanged.language, unchanged.whole_state, unchanged.topics_mask) == ("uk", True, 4)
    assert unchanged.key == subscription.key
    assert not ConsentRecord.objects.exists()
    [message] = mail.outbox
    assert message.to == ["aktiv@example.org"]
    token = tokens.make_link_token(
        purpose="manage", subscription_id=subscription.pk, key=subscription.key
    )
    assert f"/infobriefe/manage/{token}/" in message.body
    assert "/confirm/" not in message.body


def test_an_unsubscribed_address_gets_a_confirmation_link(django_capture_on_commit_callbacks):
    SubscriptionFactory(
        email="weg@example.org",
        status=SubscriptionStatus.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = _request("weg@example.org")
    assert outcome == SubscribeOutcome.CONFIRMATION_SENT
    assert SubscriptionRequest.objects.count() == 1
    assert Subscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED
    assert LINK.search(mail.outbox[0].body)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "a@b.de\r\nBcc: x@y.de"}, "email"),
        ({"email": "keine-adresse"}, "email"),
        ({"language": "xx"}, "language"),
        ({"state": None}, "state"),
        ({"whole_state": False, "districts": []}, "districts"),
        ({"topics_mask": 1 << 20}, "topics"),
    ],
)
def test_bad_requests_store_and_mail_nothing(django_capture_on_commit_callbacks, overrides, field):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        _request(**overrides)
    assert field in error.value.message_dict
    assert not SubscriptionRequest.objects.exists()
    assert mail.outbox == []


def test_districts_must_belong_to_the_chosen_land(
    django_capture_on_commit_callbacks, munich, stuttgart
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        _request(whole_state=False, districts=[munich, stuttgart])
    assert error.value.message_dict["districts"] == [
        "Please choose only districts of the chosen Land."
    ]
    assert not SubscriptionRequest.objects.exists()
    assert mail.outbox == []


def test_at_most_the_maximum_number_of_districts(bavaria):
    districts = list(District.objects.filter(state=bavaria)[: MAX_DISTRICTS_PER_SUBSCRIPTION + 1])
    with pytest.raises(ValidationError) as error:
        _request(whole_state=False, districts=districts)
    assert "at most 30 districts" in error.value.message_dict["districts"][0]
    assert not SubscriptionRequest.objects.exists()
    _request(whole_state=False, districts=districts[:MAX_DISTRICTS_PER_SUBSCRIPTION])
    assert len(SubscriptionRequest.objects.get().district_ids) == MAX_DISTRICTS_PER_SUBSCRIPTION


# --- confirmation ----------------------------------------------------------------------------


def test_confirming_subscribes_with_the_preferences_and_records_consent(
    django_capture_on_commit_callbacks, munich
):
    subscription = _subscribe(
        django_capture_on_commit_callbacks,
        language="uk",
        whole_state=False,
        districts=[munich],
        topics_mask=topics_to_mask([Topic.HOUSING]),
        consent_language="ar",
    )

    subscription.refresh_from_db()
    assert subscription.email == "neu@example.org"
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.source == SubscriptionSource.FORM
    assert subscription.language == "uk"
    assert subscription.whole_state is False
    assert list(subscription.districts.all()) == [munich]
    assert subscription.topics_mask == topics_to_mask([Topic.HOUSING])
    assert subscription.confirmed_at is not None
    assert subscription.user is None
    assert len(subscription.key) >= 16
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.text_version, consent.language, consent.source) == (
        ConsentAction.GIVEN,
        VERSION,
        "ar",
        SubscriptionSource.FORM,
    )
    assert not SubscriptionRequest.objects.exists()


def test_a_link_works_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _request()
    secret = _secret_from_mail(mail.outbox[0])
    subscription_confirm(secret=secret)

    with pytest.raises(ConfirmationLinkError) as error:
        subscription_confirm(secret=secret)
    assert error.value.expired is False
    assert Subscription.objects.count() == 1
    assert ConsentRecord.objects.count() == 1


@pytest.mark.parametrize("secret", ["", "x" * 43, "x" * 500, None])
def test_unknown_or_forged_secrets_are_refused(secret):
    with pytest.raises(ConfirmationLinkError) as error:
        subscription_confirm(secret=secret)
    assert error.value.expired is False


def test_an_expired_link_changes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _request()
    SubscriptionRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with pytest.raises(ConfirmationLinkError) as error:
        subscription_confirm(secret=_secret_from_mail(mail.outbox[0]))
    assert error.value.expired is True
    assert not Subscription.objects.exists()
    assert not ConsentRecord.objects.exists()


def test_confirming_again_after_unsubscribing_gives_a_new_key(
    django_capture_on_commit_callbacks,
):
    old = SubscriptionFactory(
        email="neu@example.org",
        status=SubscriptionStatus.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
        language="de",
    )
    subscription = _subscribe(django_capture_on_commit_callbacks, language="en")
    assert subscription.pk == old.pk
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.unsubscribed_at is None
    assert subscription.language == "en"
    assert subscription.key != old.key


def test_confirming_links_the_account_of_the_same_confirmed_address(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="neu@example.org")
    UserFactory(email="fremd@example.org", email_confirmed_at=None)
    assert _subscribe(django_capture_on_commit_callbacks).user == user
    assert _subscribe(django_capture_on_commit_callbacks, "fremd@example.org").user is None


# --- one click for registered volunteers -----------------------------------------------------


def test_a_volunteer_subscribes_with_one_click_for_the_profile_district(nuremberg):
    volunteer = VolunteerProfileFactory(
        postcode=nuremberg.postcodes.first(), user=UserFactory(email="Paula@Example.org")
    ).user

    subscription = subscription_subscribe_account(
        actor=volunteer, language="tr", consent_language="de"
    )

    assert subscription.email == "paula@example.org"
    assert subscription.user == volunteer
    assert subscription.source == SubscriptionSource.ACCOUNT
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.language == "tr"
    assert subscription.state.code == "BY"
    assert subscription.whole_state is False
    assert list(subscription.districts.all()) == [nuremberg]
    assert subscription.topics_mask == 0
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.source, consent.language, consent.text_version) == (
        ConsentAction.GIVEN,
        SubscriptionSource.ACCOUNT,
        "de",
        VERSION,
    )
    event = AuditEvent.objects.get(action="infobriefe.subscription.subscribed")
    assert (event.actor, event.subject) == (volunteer, volunteer)


def test_an_account_without_a_profile_subscribes_to_the_whole_default_land():
    user = UserFactory()
    subscription = subscription_subscribe_account(actor=user, language="de", consent_language="de")
    assert subscription.state.code == "BY"
    assert subscription.whole_state is True
    assert not subscription.districts.exists()


def test_one_click_links_and_keeps_an_active_subscription_of_the_address(munich):
    user = UserFactory(email="leser@example.org")
    existing = SubscriptionFactory(email="leser@example.org", language="ru", topics_mask=8)

    subscription = subscription_subscribe_account(actor=user, language="de", consent_language="de")

    assert subscription.pk == existing.pk
    subscription.refresh_from_db()
    assert subscription.user == user
    assert (subscription.language, subscription.topics_mask) == ("ru", 8)
    assert subscription.source == SubscriptionSource.FORM
    assert not ConsentRecord.objects.exists()
    assert AuditEvent.objects.filter(action="infobriefe.subscription.linked").count() == 1
    # A second click changes nothing.
    subscription_subscribe_account(actor=user, language="de", consent_language="de")
    assert Subscription.objects.count() == 1
    assert AuditEvent.objects.filter(action="infobriefe.subscription.linked").count() == 1


def test_one_click_reactivates_an_unsubscribed_subscription():
    user = UserFactory(email="zurueck@example.org")
    SubscriptionFactory(
        email="zurueck@example.org",
        status=SubscriptionStatus.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
        language="fa",
    )
    subscription = subscription_subscribe_account(actor=user, language="de", consent_language="en")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.unsubscribed_at is None
    assert subscription.user == user
    assert subscription.language == "fa"
    assert subscription.source == SubscriptionSource.ACCOUNT
    assert ConsentRecord.objects.get().action == ConsentAction.GIVEN


def test_one_click_needs_a_confirmed_address():
    user = UserFactory(email_confirmed_at=None)
    with pytest.raises(ValidationError):
        subscription_subscribe_account(actor=user, language="de", consent_language="de")
    assert not Subscription.objects.exists()


# --- preferences, unsubscribe, resubscribe ---------------------------------------------------


def test_changing_preferences_records_the_change(bavaria, munich, nuremberg):
    subscription = SubscriptionFactory(language="de")

    changed = subscription_update_preferences(
        actor=None,
        subscription=subscription,
        language="en",
        state=bavaria,
        whole_state=False,
        districts=[munich.pk, nuremberg.pk],
        topics_mask=topics_to_mask([Topic.SCHOOL_CHILDCARE]),
        consent_language="en",
    )

    assert changed is True
    subscription.refresh_from_db()
    assert subscription.language == "en"
    assert subscription.whole_state is False
    assert set(subscription.districts.all()) == {munich, nuremberg}
    assert subscription.topics_mask == topics_to_mask([Topic.SCHOOL_CHILDCARE])
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.language, consent.text_version) == (
        ConsentAction.CHANGED,
        "en",
        VERSION,
    )


def test_saving_the_same_preferences_records_nothing(bavaria):
    subscription = SubscriptionFactory(language="de")
    changed = subscription_update_preferences(
        actor=None,
        subscription=subscription,
        language="de",
        state=bavaria,
        whole_state=True,
        consent_language="de",
    )
    assert changed is False
    assert not ConsentRecord.objects.exists()


def test_bad_preferences_change_nothing(munich, stuttgart, bavaria):
    subscription = SubscriptionFactory(districts=[munich])
    with pytest.raises(ValidationError):
        subscription_update_preferences(
            actor=None,
            subscription=subscription,
            language="de",
            state=bavaria,
            whole_state=False,
            districts=[stuttgart],
            consent_language="de",
        )
    assert list(subscription.districts.all()) == [munich]
    assert not ConsentRecord.objects.exists()


def test_unsubscribing_counts_once_for_the_infobrief():
    infobrief = InfobriefFactory()
    subscription = SubscriptionFactory()

    first = subscription_unsubscribe(
        actor=None,
        subscription=subscription,
        channel=WithdrawalChannel.ONE_CLICK,
        infobrief_id=infobrief.pk,
    )
    second = subscription_unsubscribe(
        actor=None, subscription=subscription, infobrief_id=infobrief.pk
    )

    assert (first, second) == (True, False)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert subscription.unsubscribed_at is not None
    infobrief.refresh_from_db()
    assert infobrief.unsubscribes == 1
    consent = ConsentRecord.objects.get()
    assert (consent.action, consent.channel, consent.language) == (
        ConsentAction.WITHDRAWN,
        WithdrawalChannel.ONE_CLICK,
        "de",
    )


def test_an_outdated_key_unsubscribes_nothing():
    subscription = SubscriptionFactory()
    stale = Subscription.objects.get(pk=subscription.pk)
    Subscription.objects.filter(pk=subscription.pk).update(key=tokens.new_key())
    assert subscription_unsubscribe(actor=None, subscription=stale) is False
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE


def test_resubscribing_records_consent_again():
    subscription = SubscriptionFactory(
        status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    assert subscription_resubscribe(actor=None, subscription=subscription, consent_language="uk")
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.unsubscribed_at is None
    assert ConsentRecord.objects.get().language == "uk"
    assert not subscription_resubscribe(
        actor=None, subscription=subscription, consent_language="uk"
    )
    assert ConsentRecord.objects.count() == 1


def test_changes_of_an_account_subscription_are_audited(bavaria):
    user = UserFactory()
    subscription = SubscriptionFactory(user=user, email=user.email)
    subscription_update_preferences(
        actor=None,
        subscription=subscription,
        language="en",
        state=bavaria,
        whole_state=True,
        consent_language="en",
    )
    subscription_unsubscribe(actor=None, subscription=subscription)
    actions = list(
        AuditEvent.objects.filter(subject=user).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "infobriefe.subscription.preferences_changed",
        "infobriefe.subscription.unsubscribed",
    ]


def test_anonymous_subscriptions_leave_no_audit_trail():
    subscription_unsubscribe(actor=None, subscription=SubscriptionFactory())
    assert not AuditEvent.objects.exists()


# --- "send me my link" -----------------------------------------------------------------------


def test_the_manage_link_goes_only_to_subscribed_addresses(django_capture_on_commit_callbacks):
    subscription = SubscriptionFactory(email="da@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert subscription_manage_link_send(email=" DA@example.org") is True
        assert subscription_manage_link_send(email="niemand@example.org") is False
    [message] = mail.outbox
    assert message.to == ["da@example.org"]
    token = tokens.make_link_token(
        purpose="manage", subscription_id=subscription.pk, key=subscription.key
    )
    assert token in message.body


# --- purge -----------------------------------------------------------------------------------


def test_the_purge_deletes_expired_requests_and_long_unsubscribed_addresses(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    days = settings.LOTSE_INFOBRIEF_UNSUBSCRIBED_RETENTION_DAYS
    with django_capture_on_commit_callbacks(execute=True):
        _request("alt@example.org")
        _request("frisch@example.org")
    SubscriptionRequest.objects.filter(email="alt@example.org").update(
        expires_at=now - datetime.timedelta(minutes=1)
    )
    gone = SubscriptionFactory(
        status=SubscriptionStatus.UNSUBSCRIBED,
        unsubscribed_at=now - datetime.timedelta(days=days + 1),
    )
    ConsentRecord.objects.create(
        subscription=gone,
        action=ConsentAction.WITHDRAWN,
        text_version=VERSION,
        language="de",
        source=SubscriptionSource.FORM,
    )
    delivery = DeliveryFactory(subscription=gone)
    recent = SubscriptionFactory(
        status=SubscriptionStatus.UNSUBSCRIBED,
        unsubscribed_at=now - datetime.timedelta(days=days - 1),
    )
    active = SubscriptionFactory()

    assert subscriptions_purge() == {"requests": 1, "subscriptions": 1}

    assert list(SubscriptionRequest.objects.values_list("email", flat=True)) == [
        "frisch@example.org"
    ]
    assert set(Subscription.objects.all()) == {recent, active}
    assert not ConsentRecord.objects.filter(subscription_id=gone.pk).exists()
    delivery.refresh_from_db()
    assert delivery.subscription is None
    # Idempotent.
    assert subscriptions_purge() == {"requests": 0, "subscriptions": 0}
    assert Subscription.objects.count() == 2


def test_the_nightly_task_purges():
    SubscriptionFactory(
        status=SubscriptionStatus.UNSUBSCRIBED,
        unsubscribed_at=timezone.now() - datetime.timedelta(days=400),
    )
    tasks.purge_task.enqueue()
    assert not Subscription.objects.exists()


# --- the account's data ----------------------------------------------------------------------


def test_my_data_contains_the_subscription_and_the_consent_log():
    user = UserFactory(email="meins@example.org")
    subscription = subscription_subscribe_account(actor=user, language="de", consent_language="de")
    subscription_unsubscribe(actor=user, subscription=subscription)
    other = SubscriptionFactory()
    ConsentRecord.objects.create(
        subscription=other,
        action=ConsentAction.GIVEN,
        text_version=VERSION,
        language="de",
        source=SubscriptionSource.FORM,
    )

    data = account_services.user_data_export(user=user)["data"]

    [row] = data["infobriefe.subscription"]
    assert row["email"] == "meins@example.org"
    assert row["user"] == "you"
    assert "key" not in row
    consents = data["infobriefe.consentrecord"]
    assert [entry["action"] for entry in consents] == ["Given", "Withdrawn"]
    assert {entry["text_version"] for entry in consents} == {VERSION}


def test_my_data_contains_the_subscription_of_my_address_made_before_the_account():
    subscription = SubscriptionFactory(email="vorher@example.org")
    ConsentRecord.objects.create(
        subscription=subscription,
        action=ConsentAction.GIVEN,
        text_version=VERSION,
        language="uk",
        source=SubscriptionSource.FORM,
    )
    user = UserFactory(email="vorher@example.org")
    unconfirmed = UserFactory(email="fremd@example.org", email_confirmed_at=None)
    SubscriptionFactory(email="fremd@example.org")

    data = export_user_data(user)
    assert [row["email"] for row in data["infobriefe.subscription"]] == ["vorher@example.org"]
    assert [row["language"] for row in data["infobriefe.consentrecord"]] == ["uk"]
    # An address nobody confirmed for the account is not the account's.
    assert "infobriefe.subscription" not in export_user_data(unconfirmed)


def test_deleting_the_account_deletes_its_subscriptions_and_keeps_the_delivery_rows():
    user = UserFactory(email="geht@example.org")
    linked = subscription_subscribe_account(actor=user, language="de", consent_language="de")
    delivery = DeliveryFactory(subscription=linked)
    stays = SubscriptionFactory()

    account_services.user_delete(user=user, actor=user)

    assert list(Subscription.objects.all()) == [stays]
    assert not ConsentRecord.objects.exists()
    delivery.refresh_from_db()
    assert delivery.subscription is None
    assert Delivery.objects.count() == 1


def test_deleting_the_account_deletes_the_unlinked_subscription_of_its_address(
    django_capture_on_commit_callbacks,
):
    _subscribe(django_capture_on_commit_callbacks, "eigen@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _request("eigen@example.org")  # a pending request of the address goes too
    user = UserFactory(email="eigen@example.org")
    Subscription.objects.update(user=None)
    SubscriptionFactory(email="andere@example.org")

    erase_user(user)

    assert list(Subscription.objects.values_list("email", flat=True)) == ["andere@example.org"]
    assert not SubscriptionRequest.objects.exists()


def test_deleting_an_unconfirmed_account_leaves_the_address_owners_subscription():
    SubscriptionFactory(email="opfer@example.org")
    erase_user(UserFactory(email="opfer@example.org", email_confirmed_at=None))
    assert Subscription.objects.filter(email="opfer@example.org").exists()


def test_an_infobrief_that_is_gone_is_not_counted():
    subscription = SubscriptionFactory()
    assert subscription_unsubscribe(actor=None, subscription=subscription, infobrief_id=999_999)
    assert not Infobrief.objects.exists()


# --- at the same moment (PostgreSQL: real row locks) -----------------------------------------


def _outcome(call):
    """Run a service call for `race`: a refused link counts as "rejected"."""

    def run():
        try:
            call()
        except ConfirmationLinkError as error:
            raise ValidationError("refused") from error

    return run


@postgresql_only
@transactional
def test_simultaneous_one_clicks_count_one_unsubscribe():
    infobrief = InfobriefFactory()
    subscription = SubscriptionFactory()

    results = race(
        *(
            lambda: subscription_unsubscribe(
                actor=None,
                subscription=Subscription.objects.get(pk=subscription.pk),
                channel=WithdrawalChannel.ONE_CLICK,
                infobrief_id=infobrief.pk,
            )
            for _index in range(8)
        )
    )

    assert results == ["ok"] * 8
    infobrief.refresh_from_db()
    assert infobrief.unsubscribes == 1
    assert ConsentRecord.objects.filter(action=ConsentAction.WITHDRAWN).count() == 1


@postgresql_only
@transactional
def test_a_link_clicked_twice_at_once_subscribes_once():
    secret = tokens.new_secret()
    SubscriptionRequest.objects.create(
        email="doppelt@example.org",
        language="de",
        state=State.objects.get(code="BY"),
        token_hash=tokens.hash_secret(secret),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
        consent_version=VERSION,
        consent_language="de",
    )

    results = race(*(_outcome(lambda: subscription_confirm(secret=secret)) for _index in range(4)))

    assert results == ["ok", "rejected", "rejected", "rejected"]
    assert Subscription.objects.count() == 1
    assert ConsentRecord.objects.count() == 1


@postgresql_only
@transactional
def test_a_double_click_on_one_click_subscribes_once():
    user = UserFactory()

    results = race(
        *(
            lambda: subscription_subscribe_account(actor=user, language="de", consent_language="de")
            for _index in range(4)
        )
    )

    assert results == ["ok"] * 4
    assert Subscription.objects.get().user == user
    assert ConsentRecord.objects.count() == 1
