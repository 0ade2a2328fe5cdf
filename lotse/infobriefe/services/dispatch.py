"""Dispatch of an Infobrief: exactly one mail per recipient, through crashed workers.

The protocol (ADR 0009). The database is the ledger; the task queue only says "there is
work", and every task may run twice, late, or in parallel with another one.

1. **Prepare** (`dispatch_prepare`, task `prepare_dispatch_task`): a due SCHEDULED Infobrief
   becomes PREPARING (conditional UPDATE: one preparer wins; a PREPARING one left behind by a
   dead worker is taken up again). One PENDING `Delivery` row per recipient is inserted in
   chunks with `ignore_conflicts` on the unique constraint `delivery_once_per_recipient`, each
   chunk under the Infobrief's row lock and only while it is still PREPARING, so preparing
   twice adds nothing and no row appears after the dispatch has started. Then SENDING (once,
   conditional UPDATE) and `LOTSE_INFOBRIEF_SENDERS` sender tasks are enqueued on commit.
2. **Claim** (`dispatch_run`, task `send_batches_task`): a sender takes up to
   `LOTSE_INFOBRIEF_BATCH_SIZE` due PENDING rows with one conditional UPDATE
   `… SET state=CLAIMED, claim=<uuid4>, lease_until=now+lease WHERE id IN (…) AND
   state=PENDING`. On SQLite the claim transaction holds the write lock (BEGIN IMMEDIATE); on
   PostgreSQL the ids are chosen with `SELECT … FOR UPDATE SKIP LOCKED` and the UPDATE
   re-checks `state` under the row lock. Either way, two senders never hold the same row.
3. **Consent at send time**: the claimed rows are checked against the audience as it is *now*
   (`selectors.dispatch.infobrief_recipients`, one query per batch): a row whose subscription
   is gone, unsubscribed, or no longer in the audience becomes SKIPPED and is not sent.
4. **Send and confirm**: one SMTP connection per batch; right after the server accepted a
   message (250), that row becomes SENT in its own tiny transaction guarded by
   `claim=<my uuid>` — one commit per message. A sender that sees its guard fail (its lease
   was taken over) stops at once. While a long batch runs, the lease is extended. On
   PostgreSQL these commits do not wait for the WAL flush (`synchronous_commit = off` for the
   batch, unless `LOTSE_INFOBRIEF_DURABLE_CONFIRM`): a commit is visible to every other
   session at once and survives any crash of the worker; only a crash of the database server
   itself may lose the last fraction of a second of confirmations — the same durability as
   SQLite's `synchronous=NORMAL` in WAL mode, which this project uses. Waiting for the disk
   would cost a few milliseconds per mail on ordinary disks, more than the SMTP exchange.
   Temporary failures (4xx, lost connection after one reconnect) go back to PENDING with
   `attempts+1` and a back-off of 1, 5, 15, 60 … minutes, and become FAILED after
   `LOTSE_INFOBRIEF_MAX_ATTEMPTS`; permanent ones (5xx, an invalid address) are FAILED at
   once. `last_error` keeps the SMTP reply (the address itself replaced by "<recipient>").
5. **Finish**: when no row is PENDING or CLAIMED any more, SENDING → SENT with `finished_at`
   (conditional UPDATE: once).
6. **Recovery** (`dispatch_due`, every minute through `core.periodic`): starts due SCHEDULED
   Infobriefe, takes up PREPARING ones whose preparer died, hands CLAIMED rows whose lease has
   expired back to PENDING, enqueues a sender for a SENDING Infobrief with due rows and no
   live claim (a dead sender, or retries whose time has come), and finishes Infobriefe whose
   last sender died after its last confirmation.

Why this gives exactly once: the unique row per recipient means there is exactly one
"ticket" per person; the conditional claim means one sender holds it at a time; the
per-message confirmation means a ticket is marked SENT as soon as the mail is accepted; a SENT,
FAILED or SKIPPED row is never claimed again; and the lease means a dead sender's tickets come
back. A sender killed at any moment leaves every row either confirmed or unconfirmed, and
only one row can be *accepted by the server but unconfirmed*: the one in flight, whose 250
arrived but whose commit did not happen. After the lease it is sent again — **this is the
remaining at-least-once window, at most one message per dead sender.** It carries the same
deterministic Message-ID (`<infobrief-{infobrief}-{delivery}@…>`), so mail systems that
de-duplicate by Message-ID drop the second copy; SMTP offers no way to ask the server whether it
accepted a message, so the window cannot be closed from our side. The same holds for the one
message whose connection broke after the server accepted it but before its 250 arrived (then
it is retried on a new connection). Everything else — a task that runs twice, two senders at
once, a crash between batches, a crash while preparing — sends nothing twice.

Consent and the audience are checked when a batch is claimed, so an unsubscribe in the seconds
between the check and the send of that batch does not stop that one mail.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.core.audit import audit_record

from ..choices import DeliveryState, InfobriefStatus
from ..mailing import (
    InfobriefMessage,
    Letter,
    build_message,
    from_header,
    personalise,
    render_letter,
)
from ..models import MAX_ERROR, Delivery, Infobrief, InfobriefVersion
from ..permissions import can_edit_infobrief
from ..selectors.dispatch import infobrief_recipients

logger = logging.getLogger(__name__)

# Back-off of temporary failures: after the 1st failed attempt 1 minute, then 5, 15, 60 …
BACKOFF_MINUTES = (1, 5, 15, 60)
# How long one sender task runs before it hands over to a new task (RQ's job timeout is 600 s).
SENDER_BUDGET_SECONDS = 240.0
# Delivery rows inserted per statement while preparing.
PREPARE_CHUNK = 5000
# When the SMTP server cannot be reached, the unsent rest of a batch waits this long.
UNREACHABLE_PAUSE = datetime.timedelta(minutes=1)

_OPEN = (DeliveryState.PENDING, DeliveryState.CLAIMED)
_SENT_AT = Delivery._meta.get_field("sent_at")
_CLAIM = Delivery._meta.get_field("claim")


def _commit_without_waiting_for_the_disk(enable: bool) -> None:
    """PostgreSQL: switch `synchronous_commit` off (or back) for this session's batch.

    Not inside a transaction (the tests' wrapper), not with LOTSE_INFOBRIEF_DURABLE_CONFIRM.
    """
    if (
        connection.vendor != "postgresql"
        or settings.LOTSE_INFOBRIEF_DURABLE_CONFIRM
        or connection.in_atomic_block
    ):
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SET synchronous_commit TO OFF" if enable else "RESET synchronous_commit"
            )
    except DatabaseError:
        if enable:
            raise
        # The connection broke: its session and the setting are gone with it.


def _confirm_statement() -> str:
    """UPDATE … SET state=sent … WHERE id=%s AND claim=%s (guarded by the sender's claim)."""
    quote = connection.ops.quote_name
    columns = ", ".join(
        f"{quote(column)} = {value}"
        for column, value in (
            ("state", "%s"),
            ("sent_at", "%s"),
            ("language", "%s"),
            ("last_error", "%s"),
            ("claim", "NULL"),
            ("lease_until", "NULL"),
        )
    )
    # Identifiers come from the model and are quoted; every value is a parameter.
    return (
        f"UPDATE {quote(Delivery._meta.db_table)} SET {columns} "  # noqa: S608
        f"WHERE {quote('id')} = %s AND {quote('claim')} = %s"
    )


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LOTSE_INFOBRIEF_LEASE_SECONDS)


def _due(now: datetime.datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def _scheduled_due(now: datetime.datetime) -> Q:
    return Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now)


def _enqueue_senders(infobrief_id: int, count: int) -> None:
    """Enqueue `count` sender tasks once the current transaction commits."""
    from .. import tasks

    for _index in range(max(count, 1)):
        transaction.on_commit(lambda: tasks.send_batches_task.enqueue(infobrief_id=infobrief_id))


def _enqueue_prepare(infobrief_id: int) -> None:
    from .. import tasks

    transaction.on_commit(lambda: tasks.prepare_dispatch_task.enqueue(infobrief_id=infobrief_id))


# -- prepare ---------------------------------------------------------------------------------


def _still_preparing(infobrief_id: int) -> bool:
    """Lock the Infobrief row (PostgreSQL; SQLite's write lock is held anyway) and tell
    whether it is still PREPARING. Call inside a transaction."""
    rows = (
        Infobrief.objects.select_for_update()
        .filter(pk=infobrief_id, status=InfobriefStatus.PREPARING)
        .values_list("pk", flat=True)
    )
    return bool(list(rows[:1]))


def dispatch_prepare(*, infobrief_id: int) -> None:
    """Write one pending `Delivery` per recipient of a due Infobrief, then start the senders.

    Only for an Infobrief that is SCHEDULED and due, or PREPARING (a preparer died); anything
    else is left alone, so the task may run any number of times. Side effects: status
    PREPARING (`started_at`), the delivery rows, status SENDING, sender tasks enqueued on
    commit (an Infobrief without recipients is SENT at once).
    """
    now = timezone.now()
    Infobrief.objects.filter(pk=infobrief_id, status=InfobriefStatus.SCHEDULED).filter(
        _scheduled_due(now)
    ).update(status=InfobriefStatus.PREPARING, started_at=now)
    infobrief = Infobrief.objects.filter(pk=infobrief_id).first()
    if infobrief is None or infobrief.status != InfobriefStatus.PREPARING:
        return
    subscription_ids = list(
        infobrief_recipients(infobrief=infobrief).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(subscription_ids), PREPARE_CHUNK):
        with transaction.atomic():
            if not _still_preparing(infobrief_id):
                return
            Delivery.objects.bulk_create(
                [
                    Delivery(infobrief_id=infobrief_id, subscription_id=subscription_id)
                    for subscription_id in subscription_ids[start : start + PREPARE_CHUNK]
                ],
                ignore_conflicts=True,
            )
    with transaction.atomic():
        moved = Infobrief.objects.filter(pk=infobrief_id, status=InfobriefStatus.PREPARING).update(
            status=InfobriefStatus.SENDING
        )
        if moved:
            if Delivery.objects.filter(infobrief_id=infobrief_id, state__in=_OPEN).exists():
                _enqueue_senders(infobrief_id, settings.LOTSE_INFOBRIEF_SENDERS)
            else:
                _finish_if_done(infobrief_id)
    logger.info("Infobrief %s prepared: %s recipients", infobrief_id, len(subscription_ids))


# -- claim -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    token: uuid.UUID
    lease_until: datetime.datetime


def _claim_batch(infobrief_id: int) -> _Claim | None:
    """Claim up to a batch of due pending rows; None when nothing is due."""
    skip_locked = connection.features.has_select_for_update_skip_locked
    for _try in range(3):
        now = timezone.now()
        claim = _Claim(token=uuid.uuid4(), lease_until=now + _lease())
        with transaction.atomic():
            candidates = (
                Delivery.objects.filter(infobrief_id=infobrief_id, state=DeliveryState.PENDING)
                .filter(_due(now))
                .order_by("id")
            )
            if skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ids = list(
                candidates.values_list("id", flat=True)[: settings.LOTSE_INFOBRIEF_BATCH_SIZE]
            )
            if not ids:
                return None
            claimed = Delivery.objects.filter(id__in=ids, state=DeliveryState.PENDING).update(
                state=DeliveryState.CLAIMED, claim=claim.token, lease_until=claim.lease_until
            )
        if claimed:
            return claim
    return None


def _release(claim: uuid.UUID, *, next_attempt_at: datetime.datetime | None = None) -> int:
    """Hand the rows still held under `claim` back to PENDING (their attempts unchanged)."""
    return Delivery.objects.filter(claim=claim, state=DeliveryState.CLAIMED).update(
        state=DeliveryState.PENDING, claim=None, lease_until=None, next_attempt_at=next_attempt_at
    )


def _finish_if_done(infobrief_id: int) -> bool:
    """SENDING → SENT once no delivery is pending or claimed any more (at most once)."""
    if Delivery.objects.filter(infobrief_id=infobrief_id, state__in=_OPEN).exists():
        return False
    return bool(
        Infobrief.objects.filter(pk=infobrief_id, status=InfobriefStatus.SENDING).update(
            status=InfobriefStatus.SENT, finished_at=timezone.now()
        )
    )


def _has_due_work(infobrief_id: int) -> bool:
    return (
        Delivery.objects.filter(infobrief_id=infobrief_id, state=DeliveryState.PENDING)
        .filter(_due(timezone.now()))
        .exists()
    )


# -- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    accepted: bool = False
    permanent: bool = False
    error: str = ""
    # The SMTP connection broke and could not be opened again: stop this batch.
    unreachable: bool = False
    # Whether the message reached the server at all (False: the connection could not be
    # opened, the row was not tried and keeps its attempts).
    attempted: bool = True


class _ClaimLostError(Exception):
    """Our lease was taken over: another sender holds (some of) our rows now."""


def _reply_text(code: int | None, reply: Any, address: str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    text = " ".join(str(reply or "").split())
    if address:
        text = text.replace(address, "<recipient>")
    prefix = f"SMTP {code}: " if code is not None else ""
    return (prefix + text)[:MAX_ERROR]


def _classified(code: int | None, reply: Any, address: str) -> _Outcome:
    permanent = code is not None and 500 <= code < 600
    return _Outcome(permanent=permanent, error=_reply_text(code, reply, address))


class _Sender:
    """Sends the claimed batches of one Infobrief over one SMTP connection per batch."""

    def __init__(self, infobrief: Infobrief) -> None:
        self.infobrief_id = infobrief.pk
        self.versions = {
            version.language: version
            for version in InfobriefVersion.objects.filter(infobrief_id=infobrief.pk)
        }
        self.letters: dict[str, Letter | str] = {}
        self.mailer: Any = None

    # Letters: one per reader language for the whole run.
    def letter_for(self, infobrief: Infobrief, reader_language: str) -> Letter | str:
        """The letter for readers of `reader_language`, or the reason it cannot be built."""
        if reader_language not in self.letters:
            version = self.versions.get(reader_language)
            fallback = version is None
            if fallback:
                version = self.versions.get(settings.LANGUAGE_CODE)
            if version is None:
                self.letters[reader_language] = "The Infobrief has no German text."
            else:
                try:
                    self.letters[reader_language] = render_letter(
                        infobrief=infobrief,
                        version=version,
                        reader_language=reader_language,
                        fallback_note=fallback,
                    )
                except ValueError as error:
                    self.letters[reader_language] = f"The message could not be built: {error}"
        return self.letters[reader_language]

    # The connection.
    def open(self) -> bool:
        if self.mailer is None:
            self.mailer = mailers["default"]
        try:
            self.mailer.open()
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("Infobrief %s: SMTP server unreachable: %s", self.infobrief_id, error)
            self.close()
            return False
        return True

    def close(self) -> None:
        if self.mailer is not None:
            mailer, self.mailer = self.mailer, None
            try:
                mailer.close()
            except Exception:
                # A broken connection is dropped either way.
                socket = getattr(mailer, "connection", None)
                with contextlib.suppress(Exception):
                    if socket is not None:
                        socket.close()

    def _send(self, message: EmailMessage) -> int:
        """Send one message over the open connection; return 1 if the server accepted it.

        With Django's SMTP backend and a prepared Infobrief message, the bytes go to the
        connection directly: the backend would only parse both addresses again (0.1–0.2 ms a
        mail, see `mailing.py`). Errors are smtplib's either way.
        """
        connection = getattr(self.mailer, "connection", None)
        if (
            isinstance(self.mailer, SMTPBackend)
            and connection is not None
            and isinstance(message, InfobriefMessage)
        ):
            data = message.prepared_bytes()
            if data is not None:
                connection.sendmail(message.letter.envelope_sender, message.to, data)
                return 1
        return int(self.mailer.send_messages([message]) or 0)

    def deliver(self, message: EmailMessage, address: str) -> _Outcome:
        """Send one message; reconnect once when the connection broke."""
        for attempt in (1, 2):
            if self.mailer is None and not self.open():
                return _Outcome(
                    error="SMTP server unreachable", unreachable=True, attempted=attempt > 1
                )
            try:
                accepted = self._send(message)
            except smtplib.SMTPRecipientsRefused as error:
                code, reply = next(iter(error.recipients.values()), (None, b""))
                if code == 421:  # smtplib has closed the connection
                    self.close()
                return _classified(code, reply, address)
            except smtplib.SMTPResponseException as error:
                if error.smtp_code == 421:  # the server closes the connection
                    self.close()
                return _classified(error.smtp_code, error.smtp_error, address)
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as error:
                lost: Exception = error
            except smtplib.SMTPException as error:  # e.g. a missing extension: try later
                return _Outcome(error=_reply_text(None, str(error), address))
            except OSError as error:  # (SMTPException is an OSError too: handled above)
                lost = error
            except ValueError as error:  # an address the backend refuses to send to
                return _Outcome(permanent=True, error=_reply_text(None, str(error), address))
            else:
                if accepted:
                    return _Outcome(accepted=True)
                return _Outcome(error="The mail backend did not accept the message.")
            # The connection broke (possibly after the server accepted the message: then the
            # retry is a second copy with the same Message-ID).
            self.close()
            if attempt == 2:
                return _Outcome(error=_reply_text(None, f"connection lost: {lost}", address))
        return _Outcome(error="connection lost")  # pragma: no cover - the loop returns

    # One batch.
    def send_batch(self, infobrief: Infobrief, claim: _Claim) -> tuple[int, bool]:
        """Send the rows of `claim`; return (mails sent, whether the sender should stop)."""
        rows = list(
            Delivery.objects.filter(claim=claim.token, state=DeliveryState.CLAIMED)
            .select_related("subscription")
            .only(
                "id",
                "attempts",
                "subscription__id",
                "subscription__email",
                "subscription__language",
                "subscription__key",
            )
            .order_by("id")
        )
        subscription_ids = [row.subscription_id for row in rows if row.subscription_id]
        eligible = set(
            infobrief_recipients(infobrief=infobrief)
            .filter(pk__in=subscription_ids)
            .values_list("pk", flat=True)
        )
        skipped = [row.pk for row in rows if row.subscription_id not in eligible]
        if skipped:
            Delivery.objects.filter(pk__in=skipped, claim=claim.token).update(
                state=DeliveryState.SKIPPED, claim=None, lease_until=None
            )
        to_send = [row for row in rows if row.subscription_id in eligible]
        sent = 0
        stop = False
        lease_until = claim.lease_until
        half_lease = _lease() / 2
        try:
            _commit_without_waiting_for_the_disk(True)
            if to_send and not self.open():
                _release(claim.token, next_attempt_at=timezone.now() + UNREACHABLE_PAUSE)
                return 0, True
            for index, row in enumerate(to_send):
                if timezone.now() > lease_until - half_lease:
                    lease_until = self._extend(claim.token, remaining=len(to_send) - index)
                subscription = row.subscription
                assert subscription is not None
                letter = self.letter_for(infobrief, subscription.language)
                if isinstance(letter, str):
                    self._failed(row, claim.token, letter)
                    continue
                message = personalise(
                    letter, to=subscription.email, subscription=subscription, delivery_id=row.pk
                )
                outcome = self.deliver(message, subscription.email)
                if not outcome.attempted:
                    pass  # released below with the rest of the batch
                elif outcome.accepted:
                    self._sent(row, claim.token, letter.text_language)
                    sent += 1
                elif outcome.permanent:
                    self._failed(row, claim.token, outcome.error)
                else:
                    self._retry_later(row, claim.token, outcome.error)
                if outcome.unreachable:
                    _release(claim.token, next_attempt_at=timezone.now() + UNREACHABLE_PAUSE)
                    stop = True
                    break
        except _ClaimLostError:
            logger.warning(
                "Infobrief %s: lease of claim %s taken over; this sender stops",
                self.infobrief_id,
                claim.token,
            )
            _release(claim.token)
            stop = True
        finally:
            self.close()
            _commit_without_waiting_for_the_disk(False)
        # Nothing of ours should be left claimed; if it is (a bug), give it back.
        _release(claim.token)
        return sent, stop

    def _extend(self, claim: uuid.UUID, *, remaining: int) -> datetime.datetime:
        lease_until = timezone.now() + _lease()
        extended = Delivery.objects.filter(claim=claim, state=DeliveryState.CLAIMED).update(
            lease_until=lease_until
        )
        if extended < remaining:
            raise _ClaimLostError
        return lease_until

    def _sent(self, row: Delivery, claim: uuid.UUID, language: str) -> None:
        # One commit per accepted message (autocommit): this is what leaves at most the one
        # message in flight unconfirmed when the worker dies. It is the hot path of a
        # dispatch, so the statement is written out once instead of going through the ORM's
        # query building for every mail (0.1 ms instead of 0.4 ms on SQLite).
        with connection.cursor() as cursor:
            cursor.execute(
                _confirm_statement(),
                [
                    DeliveryState.SENT.value,
                    _SENT_AT.get_db_prep_value(timezone.now(), connection),
                    language,
                    "",
                    row.pk,
                    _CLAIM.get_db_prep_value(claim, connection),
                ],
            )
            updated = cursor.rowcount
        if updated != 1:
            raise _ClaimLostError

    def _failed(self, row: Delivery, claim: uuid.UUID, error: str) -> None:
        updated = Delivery.objects.filter(pk=row.pk, claim=claim).update(
            state=DeliveryState.FAILED,
            attempts=row.attempts + 1,
            claim=None,
            lease_until=None,
            last_error=error[:MAX_ERROR],
        )
        if not updated:
            raise _ClaimLostError

    def _retry_later(self, row: Delivery, claim: uuid.UUID, error: str) -> None:
        attempts = row.attempts + 1
        if attempts >= settings.LOTSE_INFOBRIEF_MAX_ATTEMPTS:
            self._failed(row, claim, error)
            return
        delay = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
        updated = Delivery.objects.filter(pk=row.pk, claim=claim).update(
            state=DeliveryState.PENDING,
            attempts=attempts,
            next_attempt_at=timezone.now() + datetime.timedelta(minutes=delay),
            claim=None,
            lease_until=None,
            last_error=error[:MAX_ERROR],
        )
        if not updated:
            raise _ClaimLostError


def dispatch_run(*, infobrief_id: int, budget_seconds: float | None = None) -> int:
    """Claim and send batches until nothing is due; return the number of mails sent.

    Stops when the Infobrief is not SENDING (paused: after the current batch), when nothing
    is due (then it finishes the Infobrief if no row is open), when the SMTP server cannot be
    reached (the rest waits a minute; `dispatch_due` wakes a sender), or when its lease was
    taken over. After `budget_seconds` (default `SENDER_BUDGET_SECONDS`) it enqueues a new
    sender task and returns, so that no task runs for long. Safe to run in parallel.
    """
    budget = SENDER_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    sender: _Sender | None = None
    sent = 0
    try:
        while True:
            infobrief = Infobrief.objects.select_related("state").filter(pk=infobrief_id).first()
            if infobrief is None or infobrief.status != InfobriefStatus.SENDING:
                break
            claim = _claim_batch(infobrief_id)
            if claim is None:
                _finish_if_done(infobrief_id)
                break
            if sender is None:
                sender = _Sender(infobrief)
            batch_sent, stop = sender.send_batch(infobrief, claim)
            sent += batch_sent
            if stop:
                break
            if time.monotonic() >= deadline:
                if _has_due_work(infobrief_id):
                    _enqueue_senders(infobrief_id, 1)
                break
    finally:
        if sender is not None:
            sender.close()
    return sent


# -- recovery --------------------------------------------------------------------------------


def dispatch_due() -> None:
    """Start due scheduled Infobriefe, take back expired claims, wake up due retries.

    Runs every minute (`core.periodic`). Side effects, all idempotent:
    - a prepare task for every SCHEDULED Infobrief that is due, and for every PREPARING one
      whose preparation started more than a lease ago (its preparer died);
    - CLAIMED rows whose lease has expired go back to PENDING (the one message a dead sender
      had in flight may have been delivered already; it is sent again with the same
      Message-ID — the remaining at-least-once window, see the module docstring);
    - a sender task for every SENDING Infobrief with due rows and no live claim;
    - SENDING → SENT for an Infobrief without open rows (its last sender died after the last
      confirmation).
    """
    now = timezone.now()
    for infobrief_id in (
        Infobrief.objects.filter(status=InfobriefStatus.SCHEDULED)
        .filter(_scheduled_due(now))
        .values_list("pk", flat=True)
    ):
        _enqueue_prepare(infobrief_id)
    for infobrief_id in Infobrief.objects.filter(
        status=InfobriefStatus.PREPARING, started_at__lt=now - _lease()
    ).values_list("pk", flat=True):
        _enqueue_prepare(infobrief_id)
    dispatching = Infobrief.objects.filter(
        status__in=(InfobriefStatus.SENDING, InfobriefStatus.PAUSED)
    ).values_list("pk", "status")
    for infobrief_id, status in dispatching:
        recovered = Delivery.objects.filter(
            infobrief_id=infobrief_id, state=DeliveryState.CLAIMED, lease_until__lt=now
        ).update(state=DeliveryState.PENDING, claim=None, lease_until=None)
        if recovered:
            logger.warning(
                "Infobrief %s: %s expired claims taken back from a dead sender",
                infobrief_id,
                recovered,
            )
        if status != InfobriefStatus.SENDING:
            continue
        if Delivery.objects.filter(infobrief_id=infobrief_id, state=DeliveryState.CLAIMED).exists():
            continue  # a sender is at work
        if _has_due_work(infobrief_id):
            _enqueue_senders(infobrief_id, 1)
        else:
            _finish_if_done(infobrief_id)


# -- editors' actions ------------------------------------------------------------------------


def dispatch_pause(*, actor: Any, infobrief: Infobrief) -> Infobrief:
    """Pause a dispatch: senders stop after their current batch.

    PermissionDenied unless the actor may edit the Infobrief; ValidationError unless it is
    being sent. Side effects: status PAUSED; audit `infobriefe.infobrief.paused`.
    """
    if not can_edit_infobrief(actor, infobrief):
        raise PermissionDenied
    with transaction.atomic():
        paused = Infobrief.objects.filter(pk=infobrief.pk, status=InfobriefStatus.SENDING).update(
            status=InfobriefStatus.PAUSED, updated_at=timezone.now()
        )
        if not paused:
            raise ValidationError(
                _("Only an Infobrief that is being sent can be paused."), code="status"
            )
        audit_record(
            actor=actor,
            action="infobriefe.infobrief.paused",
            obj=infobrief,
            changed_fields=["status"],
        )
    infobrief.refresh_from_db()
    return infobrief


def dispatch_resume(*, actor: Any, infobrief: Infobrief) -> Infobrief:
    """Resume a paused dispatch.

    PermissionDenied unless the actor may edit the Infobrief; ValidationError unless it is
    paused. Side effects: status SENDING; sender tasks enqueued on commit; audit
    `infobriefe.infobrief.resumed`.
    """
    if not can_edit_infobrief(actor, infobrief):
        raise PermissionDenied
    with transaction.atomic():
        resumed = Infobrief.objects.filter(pk=infobrief.pk, status=InfobriefStatus.PAUSED).update(
            status=InfobriefStatus.SENDING, updated_at=timezone.now()
        )
        if not resumed:
            raise ValidationError(_("Only a paused Infobrief can be resumed."), code="status")
        audit_record(
            actor=actor,
            action="infobriefe.infobrief.resumed",
            obj=infobrief,
            changed_fields=["status"],
        )
        _enqueue_senders(infobrief.pk, settings.LOTSE_INFOBRIEF_SENDERS)
    infobrief.refresh_from_db()
    return infobrief


def _languages_in_order(languages: Iterable[str]) -> list[str]:
    order = [code for code, _name in settings.LANGUAGES]
    return sorted(languages, key=lambda code: order.index(code) if code in order else len(order))


def infobrief_send_test(*, actor: Any, infobrief: Infobrief) -> list[str]:
    """Send every language version of an Infobrief to the actor, marked as a test.

    PermissionDenied unless the actor may edit the Infobrief; ValidationError when it has no
    text yet, the actor has no e-mail address, or the sender name or a subject would break a
    mail header. Side effects: `send_test_mail_task` enqueued on commit (no delivery rows);
    audit `infobriefe.infobrief.test_sent`. Returns the languages that will be sent.
    """
    if not can_edit_infobrief(actor, infobrief):
        raise PermissionDenied
    versions = list(InfobriefVersion.objects.filter(infobrief_id=infobrief.pk))
    if not versions:
        raise ValidationError(_("Write a text before sending a test mail."), code="no_text")
    if not getattr(actor, "email", ""):
        raise ValidationError(
            _("Your account has no e-mail address to send the test to."), code="no_email"
        )
    try:
        from_header(infobrief.sender_name)
        for version in versions:
            if "\r" in version.subject or "\n" in version.subject:
                raise ValueError(version.language)
    except ValueError:
        raise ValidationError(
            _("The sender name and the subjects must be single lines without control characters."),
            code="header",
        ) from None
    languages = _languages_in_order(version.language for version in versions)
    from .. import tasks

    with transaction.atomic():
        audit_record(actor=actor, action="infobriefe.infobrief.test_sent", obj=infobrief)
        transaction.on_commit(
            lambda: tasks.send_test_mail_task.enqueue(
                infobrief_id=infobrief.pk, user_id=actor.pk, languages=languages
            )
        )
    return languages


def dispatch_send_test_mails(*, infobrief_id: int, user_id: int, languages: list[str]) -> int:
    """Send the test mails of an Infobrief to a user (the task behind `infobrief_send_test`).

    One mail per language that still exists, "[Test]" before the subject, over one
    connection; returns how many were sent. Raises what the mail backend raises (the task
    fails visibly).
    """
    infobrief = Infobrief.objects.select_related("state").filter(pk=infobrief_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if infobrief is None or user is None or not user.email:
        return 0
    order = _languages_in_order(languages)
    versions = InfobriefVersion.objects.filter(infobrief_id=infobrief_id, language__in=languages)
    messages = [
        build_message(infobrief=infobrief, version=version, to=user.email, test=True)
        for version in sorted(versions, key=lambda version: order.index(version.language))
    ]

    if not messages:
        return 0
    return int(mailers["default"].send_messages(messages) or 0)
