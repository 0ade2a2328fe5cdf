"""The dispatch: audience, preparing, claiming, sending to a real SMTP server, retries,
failures, pause and resume, recovery of dead senders, the editors' test mail, and exactly once
under concurrent senders (PostgreSQL)."""

from __future__ import annotations

import datetime
import uuid
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.tasks.signals import task_enqueued
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.models import AuditEvent
from lotse.core.tests.concurrency import postgresql_only, race, transactional
from lotse.infobriefe.choices import (
    AudienceLevel,
    DeliveryState,
    InfobriefStatus,
    SubscriptionStatus,
    topics_to_mask,
)
from lotse.infobriefe.mailing import personalise, render_letter
from lotse.infobriefe.models import Delivery, Infobrief, Subscription
from lotse.infobriefe.selectors.dispatch import (
    infobrief_figures,
    infobrief_progress,
    infobrief_recipients,
)
from lotse.infobriefe.services import dispatch
from lotse.infobriefe.tests.conftest import enqueued, free_port, prefix_of_test_mail
from lotse.infobriefe.tests.factories import (
    DeliveryFactory,
    InfobriefFactory,
    InfobriefVersionFactory,
    SubscriptionFactory,
)
from lotse.regions.models import AdministrativeRegion, District, State

pytestmark = pytest.mark.django_db

SEND = "send_batches_task"
PREPARE = "prepare_dispatch_task"


def states(infobrief: Infobrief) -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in Delivery.objects.filter(infobrief=infobrief).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def scheduled(**kwargs) -> Infobrief:
    """A due Infobrief of Bavaria (whole Land unless told otherwise) with a German text."""
    districts = kwargs.pop("districts", None)
    infobrief = InfobriefFactory(
        status=InfobriefStatus.SCHEDULED,
        scheduled_at=timezone.now() - datetime.timedelta(minutes=1),
        districts=districts,
        **kwargs,
    )
    InfobriefVersionFactory(infobrief=infobrief, language="de")
    return infobrief


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks of the block (tests run inside one transaction)."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


def prepare(infobrief: Infobrief, on_commit) -> None:
    with on_commit():
        dispatch.dispatch_prepare(infobrief_id=infobrief.pk)
    infobrief.refresh_from_db()


def due_now(infobrief: Infobrief) -> None:
    """Let every waiting retry of the Infobrief be due (instead of waiting minutes)."""
    Delivery.objects.filter(infobrief=infobrief, state=DeliveryState.PENDING).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


@pytest.fixture
def editor(db):
    user = UserFactory(preferred_language="en")
    RoleAssignmentFactory(user=user, role=Role.STATE_EDITOR, state=State.objects.get(code="BY"))
    return user


@pytest.fixture
def other_editor(db):
    user = UserFactory(preferred_language="en")
    RoleAssignmentFactory(user=user, role=Role.STATE_EDITOR, state=State.objects.get(code="NW"))
    return user


# -- audience --------------------------------------------------------------------------------


@pytest.fixture
def readers(munich, nuremberg):
    """Subscribers of Bavaria (whole Land, München, Nürnberg), of another Land, and one who
    unsubscribed."""
    north_rhine = State.objects.get(code="NW")
    return {
        "whole": SubscriptionFactory(),
        "munich": SubscriptionFactory(districts=[munich]),
        "nuremberg": SubscriptionFactory(districts=[nuremberg]),
        "other_land": SubscriptionFactory(state=north_rhine),
        "other_land_district": SubscriptionFactory(
            state=north_rhine, districts=[District.objects.filter(state=north_rhine).first()]
        ),
        "unsubscribed": SubscriptionFactory(status=SubscriptionStatus.UNSUBSCRIBED),
    }


def recipients_of(infobrief: Infobrief, readers: dict) -> set[str]:
    ids = set(infobrief_recipients(infobrief=infobrief).values_list("pk", flat=True))
    return {name for name, subscription in readers.items() if subscription.pk in ids}


def test_a_land_wide_infobrief_reaches_every_subscriber_of_the_land(
    readers, django_assert_num_queries
):
    infobrief = InfobriefFactory(level=AudienceLevel.STATE)
    assert recipients_of(infobrief, readers) == {"whole", "munich", "nuremberg"}
    with django_assert_num_queries(1):
        assert infobrief_recipients(infobrief=infobrief).count() == 3


def test_a_region_reaches_its_districts_and_the_whole_land_subscribers(readers):
    upper_bavaria = AdministrativeRegion.objects.get(name="Oberbayern")
    infobrief = InfobriefFactory(level=AudienceLevel.REGION, region=upper_bavaria)
    assert recipients_of(infobrief, readers) == {"whole", "munich"}


def test_chosen_districts_reach_their_subscribers_and_the_whole_land(readers, nuremberg):
    infobrief = InfobriefFactory(level=AudienceLevel.DISTRICTS, districts=[nuremberg])
    assert recipients_of(infobrief, readers) == {"whole", "nuremberg"}


def test_a_coordinators_infobrief_goes_to_the_team_district_only(readers, munich, nuremberg):
    infobrief = InfobriefFactory(
        level=AudienceLevel.DISTRICTS, team_district=munich, districts=[munich, nuremberg]
    )
    assert recipients_of(infobrief, readers) == {"whole", "munich"}


def test_districts_of_another_land_do_not_count(readers):
    elsewhere = District.objects.filter(state__code="NW").first()
    infobrief = InfobriefFactory(level=AudienceLevel.DISTRICTS, districts=[elsewhere])
    assert recipients_of(infobrief, readers) == {"whole"}


def test_topics_narrow_the_audience(db):
    health = topics_to_mask(["health"])
    everything = SubscriptionFactory(topics_mask=0)
    health_and_work = SubscriptionFactory(topics_mask=health | topics_to_mask(["work"]))
    work_only = SubscriptionFactory(topics_mask=topics_to_mask(["work"]))
    about_health = InfobriefFactory(topics_mask=health)
    general = InfobriefFactory(topics_mask=0)
    assert set(infobrief_recipients(infobrief=about_health)) == {everything, health_and_work}
    assert set(infobrief_recipients(infobrief=general)) == {everything, health_and_work, work_only}


def test_progress_and_figures_in_one_query(django_assert_num_queries):
    infobrief = InfobriefFactory(status=InfobriefStatus.SENDING, unsubscribes=2)
    for state, count in (
        (DeliveryState.SENT, 5),
        (DeliveryState.FAILED, 1),
        (DeliveryState.SKIPPED, 1),
        (DeliveryState.PENDING, 2),
        (DeliveryState.CLAIMED, 1),
    ):
        for _ in range(count):
            DeliveryFactory(infobrief=infobrief, state=state)
    with django_assert_num_queries(1):
        progress = infobrief_progress(infobrief=infobrief)
    assert (progress.total, progress.sent, progress.failed, progress.skipped) == (10, 5, 1, 1)
    assert (progress.pending, progress.percent, progress.status) == (3, 70, "sending")
    with django_assert_num_queries(1):
        figures = infobrief_figures(infobrief=infobrief)
    assert (figures.recipients, figures.sent, figures.failed, figures.skipped) == (10, 5, 1, 1)
    assert figures.unsubscribes == 2
    with django_assert_num_queries(0):
        assert infobrief_figures(infobrief=infobrief, progress=progress) == figures


def test_progress_without_deliveries(db):
    assert infobrief_progress(infobrief=InfobriefFactory()).percent == 0
    sent = InfobriefFactory(status=InfobriefStatus.SENT)
    assert infobrief_progress(infobrief=sent).percent == 100


# -- prepare ---------------------------------------------------------------------------------


def test_prepare_writes_one_delivery_per_recipient_and_starts_the_senders(
    readers, recorded_tasks, on_commit, settings
):
    infobrief = scheduled()
    prepare(infobrief, on_commit)
    assert infobrief.status == InfobriefStatus.SENDING
    assert infobrief.started_at is not None
    assert set(
        Delivery.objects.filter(infobrief=infobrief).values_list("subscription", flat=True)
    ) == {readers[name].pk for name in ("whole", "munich", "nuremberg")}
    assert states(infobrief) == {"pending": 3}
    assert enqueued(recorded_tasks, SEND) == [{"infobrief_id": infobrief.pk}] * (
        settings.LOTSE_INFOBRIEF_SENDERS
    )


def test_preparing_twice_adds_nothing(readers, recorded_tasks, on_commit):
    infobrief = scheduled()
    prepare(infobrief, on_commit)
    recorded_tasks.clear()
    prepare(infobrief, on_commit)
    assert Delivery.objects.filter(infobrief=infobrief).count() == 3
    assert recorded_tasks.results == []


def test_a_preparation_that_died_is_completed_without_doubles(readers, recorded_tasks, on_commit):
    infobrief = scheduled()
    Infobrief.objects.filter(pk=infobrief.pk).update(
        status=InfobriefStatus.PREPARING, started_at=timezone.now()
    )
    DeliveryFactory(infobrief=infobrief, subscription=readers["munich"])
    prepare(infobrief, on_commit)
    assert infobrief.status == InfobriefStatus.SENDING
    assert Delivery.objects.filter(infobrief=infobrief).count() == 3


@pytest.mark.parametrize(
    ("status", "minutes"),
    [(InfobriefStatus.DRAFT, -1), (InfobriefStatus.SCHEDULED, 30), (InfobriefStatus.SENT, -1)],
)
def test_prepare_leaves_what_is_not_due_alone(readers, recorded_tasks, on_commit, status, minutes):
    infobrief = scheduled()
    Infobrief.objects.filter(pk=infobrief.pk).update(
        status=status, scheduled_at=timezone.now() + datetime.timedelta(minutes=minutes)
    )
    prepare(infobrief, on_commit)
    assert infobrief.status == status
    assert not Delivery.objects.filter(infobrief=infobrief).exists()
    assert recorded_tasks.results == []


def test_an_infobrief_without_recipients_is_sent_at_once(db, recorded_tasks, on_commit):
    infobrief = scheduled()
    prepare(infobrief, on_commit)
    assert infobrief.status == InfobriefStatus.SENT
    assert infobrief.finished_at is not None
    assert recorded_tasks.results == []


# -- sending ---------------------------------------------------------------------------------


def test_every_recipient_gets_exactly_one_mail_in_their_language(
    smtp_sink, recorded_tasks, on_commit
):
    infobrief = scheduled()
    InfobriefVersionFactory(infobrief=infobrief, language="en", subject="News")
    german = SubscriptionFactory(language="de")
    english = SubscriptionFactory(language="en")
    ukrainian = SubscriptionFactory(language="uk")
    prepare(infobrief, on_commit)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 3
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENT
    assert infobrief.finished_at is not None
    ids = {
        delivery.subscription_id: f"<infobrief-{infobrief.pk}-{delivery.pk}@lotse.example>"
        for delivery in Delivery.objects.filter(infobrief=infobrief)
    }
    assert smtp_sink.by_recipient() == {
        subscription.email: [ids[subscription.pk]] for subscription in (german, english, ukrainian)
    }
    assert smtp_sink.to(english.email)[0].message["Subject"] == "News"
    assert smtp_sink.to(ukrainian.email)[0].message["Subject"].startswith("Infobrief")
    languages = dict(Delivery.objects.values_list("subscription", "language"))
    assert languages == {german.pk: "de", english.pk: "en", ukrainian.pk: "de"}
    assert all(delivery.sent_at for delivery in Delivery.objects.all())
    assert not Delivery.objects.exclude(claim=None).exists()
    # Running again sends nothing.
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 0
    assert len(smtp_sink.received) == 3


def test_batches_share_nothing_and_one_connection_serves_a_batch(
    smtp_sink, recorded_tasks, on_commit, settings
):
    settings.LOTSE_INFOBRIEF_BATCH_SIZE = 2
    infobrief = scheduled()
    subscriptions = [SubscriptionFactory() for _ in range(5)]
    prepare(infobrief, on_commit)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 5
    assert sorted(smtp_sink.by_recipient()) == sorted(s.email for s in subscriptions)
    assert smtp_sink.duplicates() == 0
    assert states(infobrief) == {"sent": 5}


def test_whoever_unsubscribes_before_sending_gets_nothing(smtp_sink, recorded_tasks, on_commit):
    infobrief = scheduled()
    staying = SubscriptionFactory()
    leaving = SubscriptionFactory()
    moved_away = SubscriptionFactory()
    prepare(infobrief, on_commit)
    Subscription.objects.filter(pk=leaving.pk).update(status=SubscriptionStatus.UNSUBSCRIBED)
    Subscription.objects.filter(pk=moved_away.pk).update(state=State.objects.get(code="NW"))
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 1
    assert list(smtp_sink.by_recipient()) == [staying.email]
    skipped = Delivery.objects.filter(state=DeliveryState.SKIPPED)
    assert set(skipped.values_list("subscription", flat=True)) == {leaving.pk, moved_away.pk}
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENT
    assert infobrief_figures(infobrief=infobrief).skipped == 2


def test_a_deleted_subscription_is_skipped(smtp_sink, recorded_tasks, on_commit):
    infobrief = scheduled()
    gone = SubscriptionFactory()
    prepare(infobrief, on_commit)
    gone.delete()
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 0
    assert states(infobrief) == {"skipped": 1}
    assert smtp_sink.received == []


def test_a_temporary_failure_is_retried_later_and_then_delivered(
    smtp_sink, recorded_tasks, on_commit
):
    infobrief = scheduled()
    busy = SubscriptionFactory()
    fine = SubscriptionFactory()
    smtp_sink.answer(busy.email, "450 4.2.1 Mailbox busy, try later", times=1)
    prepare(infobrief, on_commit)
    before = timezone.now()
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 1
    waiting = Delivery.objects.get(subscription=busy)
    assert (waiting.state, waiting.attempts) == (DeliveryState.PENDING, 1)
    assert waiting.last_error == "SMTP 450: 4.2.1 Mailbox busy, try later"
    assert before + datetime.timedelta(seconds=59) < waiting.next_attempt_at
    assert waiting.next_attempt_at < timezone.now() + datetime.timedelta(seconds=61)
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENDING
    # Not due yet: nothing happens.
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 0
    due_now(infobrief)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 1
    assert smtp_sink.by_recipient() == {
        fine.email: [smtp_sink.to(fine.email)[0].message_id],
        busy.email: [f"<infobrief-{infobrief.pk}-{waiting.pk}@lotse.example>"],
    }
    waiting.refresh_from_db()
    assert (waiting.state, waiting.attempts, waiting.last_error) == (DeliveryState.SENT, 1, "")
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENT


def test_retries_back_off_and_give_up_after_the_last_attempt(
    smtp_sink, recorded_tasks, on_commit, settings
):
    settings.LOTSE_INFOBRIEF_MAX_ATTEMPTS = 5
    infobrief = scheduled()
    busy = SubscriptionFactory()
    smtp_sink.answer(busy.email, "451 4.3.0 Temporary local problem")
    prepare(infobrief, on_commit)
    delays = []
    for _attempt in range(4):
        started = timezone.now()
        dispatch.dispatch_run(infobrief_id=infobrief.pk)
        delivery = Delivery.objects.get()
        assert delivery.state == DeliveryState.PENDING
        delays.append(round((delivery.next_attempt_at - started).total_seconds() / 60))
        due_now(infobrief)
    assert delays == [1, 5, 15, 60]
    dispatch.dispatch_run(infobrief_id=infobrief.pk)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 5)
    assert delivery.last_error == "SMTP 451: 4.3.0 Temporary local problem"
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENT
    assert smtp_sink.received == []


def test_a_permanent_failure_is_recorded_without_the_address(smtp_sink, recorded_tasks, on_commit):
    infobrief = scheduled()
    unknown = SubscriptionFactory()
    fine = SubscriptionFactory()
    smtp_sink.answer(unknown.email, f"550 5.1.1 <{unknown.email}>: Recipient address rejected")
    prepare(infobrief, on_commit)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 1
    failed = Delivery.objects.get(subscription=unknown)
    assert (failed.state, failed.attempts) == (DeliveryState.FAILED, 1)
    assert failed.last_error == "SMTP 550: 5.1.1 <<recipient>>: Recipient address rejected"
    assert list(smtp_sink.by_recipient()) == [fine.email]
    assert infobrief_figures(infobrief=infobrief).failed == 1


def test_an_address_the_backend_refuses_fails_permanently(smtp_sink, recorded_tasks, on_commit):
    infobrief = scheduled()
    SubscriptionFactory(email="ungültig@example.org")  # no SMTPUTF8: cannot be sent
    prepare(infobrief, on_commit)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 0
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert "<recipient>" in delivery.last_error or "Invalid address" in delivery.last_error
    assert "ungültig" not in delivery.last_error


def test_a_dropped_connection_is_reopened_once(smtp_sink, recorded_tasks, on_commit):
    infobrief = scheduled()
    flaky = SubscriptionFactory()
    others = [SubscriptionFactory() for _ in range(2)]
    smtp_sink.drop_connection(flaky.email, times=1)
    prepare(infobrief, on_commit)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 3
    assert sorted(smtp_sink.by_recipient()) == sorted([flaky.email] + [o.email for o in others])
    assert smtp_sink.duplicates() == 0
    assert Delivery.objects.get(subscription=flaky).attempts == 0


def test_a_connection_that_drops_again_is_a_temporary_failure(smtp_sink, recorded_tasks, on_commit):
    infobrief = scheduled()
    flaky = SubscriptionFactory()
    others = [SubscriptionFactory() for _ in range(2)]
    smtp_sink.drop_connection(flaky.email, times=None)
    prepare(infobrief, on_commit)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 2
    assert sorted(smtp_sink.by_recipient()) == sorted(o.email for o in others)
    delivery = Delivery.objects.get(subscription=flaky)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert delivery.last_error.startswith("connection lost")


def test_a_server_closing_the_connection_at_rcpt_is_a_temporary_failure(
    smtp_sink, recorded_tasks, on_commit
):
    infobrief = scheduled()
    closing = SubscriptionFactory()
    others = [SubscriptionFactory() for _ in range(2)]
    smtp_sink.answer(closing.email, "421 4.3.2 Service shutting down", times=1)
    prepare(infobrief, on_commit)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 2
    assert sorted(smtp_sink.by_recipient()) == sorted(o.email for o in others)
    delivery = Delivery.objects.get(subscription=closing)
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert delivery.last_error == "SMTP 421: 4.3.2 Service shutting down"


def test_an_unreachable_server_changes_nothing_but_the_time(recorded_tasks, on_commit, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    infobrief = scheduled()
    SubscriptionFactory()
    SubscriptionFactory()
    prepare(infobrief, on_commit)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 0
    for delivery in Delivery.objects.all():
        assert (delivery.state, delivery.attempts, delivery.claim) == (
            DeliveryState.PENDING,
            0,
            None,
        )
        assert delivery.next_attempt_at > timezone.now()


def test_pause_stops_after_the_current_batch_and_resume_finishes(
    smtp_sink, recorded_tasks, on_commit, settings, editor, monkeypatch
):
    settings.LOTSE_INFOBRIEF_BATCH_SIZE = 2
    infobrief = scheduled()
    for _ in range(5):
        SubscriptionFactory()
    prepare(infobrief, on_commit)
    real_send_batch = dispatch._Sender.send_batch

    def send_batch_then_pause(self, *args, **kwargs):
        result = real_send_batch(self, *args, **kwargs)
        dispatch.dispatch_pause(actor=editor, infobrief=Infobrief.objects.get(pk=infobrief.pk))
        return result

    monkeypatch.setattr(dispatch._Sender, "send_batch", send_batch_then_pause)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 2
    monkeypatch.undo()
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.PAUSED
    assert states(infobrief) == {"sent": 2, "pending": 3}
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 0
    assert infobrief_progress(infobrief=infobrief).percent == 40
    recorded_tasks.clear()
    with on_commit():
        dispatch.dispatch_resume(actor=editor, infobrief=infobrief)
    assert infobrief.status == InfobriefStatus.SENDING
    assert enqueued(recorded_tasks, SEND) == [{"infobrief_id": infobrief.pk}] * 2
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 3
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENT
    assert len(smtp_sink.by_recipient()) == 5 and smtp_sink.duplicates() == 0
    assert list(
        AuditEvent.objects.filter(object_id=str(infobrief.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["infobriefe.infobrief.paused", "infobriefe.infobrief.resumed"]


def test_pause_and_resume_check_rights_and_status(editor, other_editor, coordinator_of_munich):
    sending = InfobriefFactory(status=InfobriefStatus.SENDING)
    for outsider in (other_editor, coordinator_of_munich):
        with pytest.raises(PermissionDenied):
            dispatch.dispatch_pause(actor=outsider, infobrief=sending)
    draft = InfobriefFactory(status=InfobriefStatus.DRAFT)
    with pytest.raises(ValidationError):
        dispatch.dispatch_pause(actor=editor, infobrief=draft)
    with pytest.raises(ValidationError):
        dispatch.dispatch_resume(actor=editor, infobrief=sending)
    sending.refresh_from_db()
    draft.refresh_from_db()
    assert (sending.status, draft.status) == (InfobriefStatus.SENDING, InfobriefStatus.DRAFT)
    assert not AuditEvent.objects.filter(action__startswith="infobriefe.infobrief").exists()


@pytest.fixture
def coordinator_of_munich(munich):
    user = UserFactory(preferred_language="en")
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=munich)
    return user


def test_a_coordinator_pauses_the_teams_infobrief(coordinator_of_munich, munich):
    infobrief = InfobriefFactory(
        status=InfobriefStatus.SENDING, level=AudienceLevel.DISTRICTS, team_district=munich
    )
    assert dispatch.dispatch_pause(actor=coordinator_of_munich, infobrief=infobrief).status == (
        InfobriefStatus.PAUSED
    )


# -- recovery --------------------------------------------------------------------------------


def claim_and_die(infobrief: Infobrief) -> dispatch._Claim:
    """A sender claims a batch and dies: its lease runs out."""
    claim = dispatch._claim_batch(infobrief.pk)
    assert claim is not None
    Delivery.objects.filter(claim=claim.token).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    return claim


def test_expired_claims_are_taken_back_and_sent_once(smtp_sink, recorded_tasks, on_commit):
    infobrief = scheduled()
    subscriptions = [SubscriptionFactory() for _ in range(3)]
    prepare(infobrief, on_commit)
    claim_and_die(infobrief)
    assert states(infobrief) == {"claimed": 3}
    recorded_tasks.clear()
    with on_commit():
        dispatch.dispatch_due()
    assert states(infobrief) == {"pending": 3}
    assert not Delivery.objects.exclude(claim=None).exists()
    assert enqueued(recorded_tasks, SEND) == [{"infobrief_id": infobrief.pk}]
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 3
    assert sorted(smtp_sink.by_recipient()) == sorted(s.email for s in subscriptions)
    assert smtp_sink.duplicates() == 0


def test_the_one_message_in_flight_at_a_crash_comes_again_with_the_same_message_id(
    smtp_sink, recorded_tasks, on_commit
):
    """The remaining at-least-once window: accepted by the server, not yet confirmed."""
    infobrief = scheduled()
    subscriptions = [SubscriptionFactory() for _ in range(3)]
    prepare(infobrief, on_commit)
    claim = claim_and_die(infobrief)
    in_flight = Delivery.objects.filter(claim=claim.token).order_by("id").first()
    letter = render_letter(infobrief=infobrief, version=infobrief.versions.get())
    from django.core.mail import mailers

    mailers["default"].send_messages(
        [
            personalise(
                letter,
                to=in_flight.subscription.email,
                subscription=in_flight.subscription,
                delivery_id=in_flight.pk,
            )
        ]
    )
    with on_commit():
        dispatch.dispatch_due()
    dispatch.dispatch_run(infobrief_id=infobrief.pk)
    by_recipient = smtp_sink.by_recipient()
    assert sorted(by_recipient) == sorted(s.email for s in subscriptions)
    assert all(len(set(ids)) == 1 for ids in by_recipient.values())
    assert (
        by_recipient[in_flight.subscription.email]
        == [f"<infobrief-{infobrief.pk}-{in_flight.pk}@lotse.example>"] * 2
    )
    assert smtp_sink.duplicates() == 1


def test_live_claims_are_left_alone(recorded_tasks, on_commit, db):
    infobrief = scheduled()
    SubscriptionFactory()
    prepare(infobrief, on_commit)
    dispatch._claim_batch(infobrief.pk)
    recorded_tasks.clear()
    with on_commit():
        dispatch.dispatch_due()
    assert states(infobrief) == {"claimed": 1}
    assert recorded_tasks.results == []


def test_a_sender_whose_lease_was_taken_over_stops(
    smtp_sink, recorded_tasks, on_commit, monkeypatch
):
    infobrief = scheduled()
    for _ in range(3):
        SubscriptionFactory()
    prepare(infobrief, on_commit)
    real_deliver = dispatch._Sender.deliver

    def deliver_then_lose_the_lease(self, message, address):
        outcome = real_deliver(self, message, address)
        # Meanwhile the lease ran out and another sender claimed the rows.
        Delivery.objects.filter(state=DeliveryState.CLAIMED).update(claim=uuid.uuid4())
        return outcome

    monkeypatch.setattr(dispatch._Sender, "deliver", deliver_then_lose_the_lease)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 0
    # The first mail went out, but its row belongs to the other sender now; nothing else.
    assert len(smtp_sink.received) == 1
    assert states(infobrief) == {"claimed": 3}


def test_a_long_batch_extends_its_lease(
    smtp_sink, recorded_tasks, on_commit, settings, monkeypatch
):
    settings.LOTSE_INFOBRIEF_LEASE_SECONDS = 60
    infobrief = scheduled()
    for _ in range(4):
        SubscriptionFactory()
    prepare(infobrief, on_commit)
    clock = {"now": timezone.now()}
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    real_deliver = dispatch._Sender.deliver
    leases = []

    def slow_deliver(self, message, address):
        leases.append(
            Delivery.objects.filter(state=DeliveryState.CLAIMED)
            .values_list("lease_until", flat=True)
            .first()
        )
        clock["now"] += datetime.timedelta(seconds=25)  # each mail takes 25 s
        return real_deliver(self, message, address)

    monkeypatch.setattr(dispatch._Sender, "deliver", slow_deliver)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 4
    monkeypatch.setattr(timezone, "now", real_now)
    # Each mail takes 25 s of a 60 s lease: from the third on the lease was extended.
    assert leases[0] == leases[1] < leases[2] == leases[3]
    assert states(infobrief) == {"sent": 4}


def test_dispatch_due_starts_what_is_due_and_finishes_what_is_done(recorded_tasks, on_commit, db):
    due = scheduled()
    later = scheduled()
    Infobrief.objects.filter(pk=later.pk).update(
        scheduled_at=timezone.now() + datetime.timedelta(hours=1)
    )
    stale = InfobriefFactory(
        status=InfobriefStatus.PREPARING,
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    fresh = InfobriefFactory(status=InfobriefStatus.PREPARING, started_at=timezone.now())
    waiting = InfobriefFactory(status=InfobriefStatus.SENDING)
    DeliveryFactory(infobrief=waiting)
    retry_later = InfobriefFactory(status=InfobriefStatus.SENDING)
    DeliveryFactory(
        infobrief=retry_later, next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    done = InfobriefFactory(status=InfobriefStatus.SENDING)
    DeliveryFactory(infobrief=done, state=DeliveryState.SENT)
    paused = InfobriefFactory(status=InfobriefStatus.PAUSED)
    DeliveryFactory(infobrief=paused)
    with on_commit():
        dispatch.dispatch_due()
    assert sorted(kwargs["infobrief_id"] for kwargs in enqueued(recorded_tasks, PREPARE)) == [
        due.pk,
        stale.pk,
    ]
    assert enqueued(recorded_tasks, SEND) == [{"infobrief_id": waiting.pk}]
    done.refresh_from_db()
    retry_later.refresh_from_db()
    fresh.refresh_from_db()
    assert done.status == InfobriefStatus.SENT and done.finished_at is not None
    assert retry_later.status == InfobriefStatus.SENDING
    assert fresh.status == InfobriefStatus.PREPARING


# -- test mail -------------------------------------------------------------------------------


def test_the_test_mail_goes_to_the_editor_in_every_language(smtp_sink, editor, on_commit):
    infobrief = InfobriefFactory()
    InfobriefVersionFactory(infobrief=infobrief, language="uk", subject="Новини")
    InfobriefVersionFactory(infobrief=infobrief, language="de", subject="Neuigkeiten")
    with on_commit():
        languages = dispatch.infobrief_send_test(actor=editor, infobrief=infobrief)
    assert languages == ["de", "uk"]
    mails = smtp_sink.to(editor.email)
    assert [mail.message["Subject"] for mail in mails] == [
        f"{prefix_of_test_mail('de')} Neuigkeiten",
        f"{prefix_of_test_mail('uk')} Новини",
    ]
    assert all("List-Unsubscribe" not in mail.message for mail in mails)
    assert not Delivery.objects.exists()
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.DRAFT
    assert AuditEvent.objects.filter(action="infobriefe.infobrief.test_sent").count() == 1


def test_the_test_mail_checks_rights_text_and_headers(
    editor, other_editor, recorded_tasks, on_commit
):
    infobrief = InfobriefFactory()
    with pytest.raises(PermissionDenied):
        dispatch.infobrief_send_test(actor=other_editor, infobrief=infobrief)
    with pytest.raises(ValidationError):
        dispatch.infobrief_send_test(actor=editor, infobrief=infobrief)
    InfobriefVersionFactory(infobrief=infobrief, subject="Neu\r\nBcc: victim@example.org")
    with pytest.raises(ValidationError) as error:
        dispatch.infobrief_send_test(actor=editor, infobrief=infobrief)
    assert error.value.code == "header"
    assert recorded_tasks.results == []


# -- concurrency (PostgreSQL: real row locks) ------------------------------------------------


@postgresql_only
@transactional
def test_two_senders_at_once_send_every_mail_exactly_once(smtp_sink, recorded_tasks, settings):
    settings.LOTSE_INFOBRIEF_BATCH_SIZE = 7
    infobrief = scheduled()
    subscriptions = [SubscriptionFactory() for _ in range(60)]
    dispatch.dispatch_prepare(infobrief_id=infobrief.pk)
    sent: list[int] = []
    outcomes = race(
        lambda: sent.append(dispatch.dispatch_run(infobrief_id=infobrief.pk)),
        lambda: sent.append(dispatch.dispatch_run(infobrief_id=infobrief.pk)),
        lambda: sent.append(dispatch.dispatch_run(infobrief_id=infobrief.pk)),
    )
    assert outcomes == ["ok", "ok", "ok"]
    assert sum(sent) == 60
    by_recipient = smtp_sink.by_recipient()
    assert sorted(by_recipient) == sorted(s.email for s in subscriptions)
    assert all(len(ids) == 1 for ids in by_recipient.values())
    assert smtp_sink.duplicates() == 0
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENT


@postgresql_only
@transactional
def test_two_preparations_at_once_write_each_row_once(recorded_tasks, settings):
    infobrief = scheduled()
    for _ in range(30):
        SubscriptionFactory()
    senders: list[int] = []  # backends are per thread: count through the signal

    def count(sender, task_result, **kwargs):
        if task_result.task.name == SEND:
            senders.append(task_result.kwargs["infobrief_id"])

    task_enqueued.connect(count)
    try:
        outcomes = race(
            lambda: dispatch.dispatch_prepare(infobrief_id=infobrief.pk),
            lambda: dispatch.dispatch_prepare(infobrief_id=infobrief.pk),
        )
    finally:
        task_enqueued.disconnect(count)
    assert outcomes == ["ok", "ok"]
    assert Delivery.objects.filter(infobrief=infobrief).count() == 30
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENDING
    assert senders == [infobrief.pk] * settings.LOTSE_INFOBRIEF_SENDERS


@postgresql_only
@transactional
@pytest.mark.parametrize(("durable", "during"), [(False, "off"), (True, "on")])
def test_confirmations_on_postgresql_do_not_wait_for_the_disk_unless_asked(
    smtp_sink, recorded_tasks, settings, monkeypatch, durable, during
):
    from django.db import connection

    settings.LOTSE_INFOBRIEF_DURABLE_CONFIRM = durable
    infobrief = scheduled()
    SubscriptionFactory()
    dispatch.dispatch_prepare(infobrief_id=infobrief.pk)
    seen = []
    real_deliver = dispatch._Sender.deliver

    def deliver(self, message, address):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen.append(cursor.fetchone()[0])
        return real_deliver(self, message, address)

    monkeypatch.setattr(dispatch._Sender, "deliver", deliver)
    assert dispatch.dispatch_run(infobrief_id=infobrief.pk) == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        after = cursor.fetchone()[0]
    assert (seen, after) == ([during], "on")
