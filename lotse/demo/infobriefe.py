"""Demo data of the Infobriefe: subscribers (registered volunteers who subscribed with one
click, and public subscribers), three sent Infobriefe in the archive (two of the Land, one of
the München team) with their delivery rows and figures, a draft of the Land in German and
Ukrainian (ready for a test mail and sending) and a scheduled one of the München team.

The demo volunteer (ehrenamt@) is deliberately not subscribed, so that the one-click
subscription on the profile page can be tried. Written with `bulk_create` like the rest of the
demo; no mail is sent while seeding.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings

from lotse.accounts.models import RoleAssignment, User
from lotse.accounts.roles import Role
from lotse.infobriefe.choices import (
    TOPIC_BITS,
    AudienceLevel,
    ConsentAction,
    DeliveryState,
    InfobriefStatus,
    SubscriptionSource,
    SubscriptionStatus,
)
from lotse.infobriefe.models import (
    ConsentRecord,
    Delivery,
    Infobrief,
    InfobriefVersion,
    Subscription,
)
from lotse.infobriefe.tokens import new_key
from lotse.regions.models import District, State
from lotse.volunteers.models import VolunteerProfile

from . import logins
from .infobriefe_content import LAND_DRAFT, LAND_NOVEMBER, LAND_OCTOBER, MUNICH_TEAM

if TYPE_CHECKING:
    from .seeding import DistrictInfo, Seeder

# Share of the volunteers who subscribed from their profile; public subscribers on top.
VOLUNTEER_SHARE = 0.4
PUBLIC_SUBSCRIBERS = 150
LANGUAGE_WEIGHTS = {"de": 70, "uk": 10, "ar": 6, "en": 5, "tr": 3, "ru": 3, "fa": 3}


class InfobriefeSeeder:
    """Adds the Infobriefe demo to a `Seeder` run (same random generator, same transaction)."""

    def __init__(self, seeder: Seeder) -> None:
        self.seeder = seeder
        self.rng = seeder.rng
        self.now = seeder.now

    def seed(self, districts: list[DistrictInfo]) -> None:
        state = State.objects.get(code="BY")
        subscriptions = self._subscribers(state, districts)
        editor = (
            RoleAssignment.objects.filter(role=Role.STATE_EDITOR, state=state)
            .order_by("pk")
            .values_list("user_id", flat=True)
            .first()
        )
        munich = District.objects.get(ags=logins.MUNICH_AGS)
        munich_coordinator = User.objects.filter(email=logins.COORDINATOR_MUNICH.email).first()
        land = {"state": state, "author_id": editor, "sender_name": "Redaktion Integration"}
        team = {
            "state": state,
            "team_district": munich,
            "author_id": munich_coordinator.pk if munich_coordinator else None,
            "sender_name": "Integrationslotsinnen München",
            "level": AudienceLevel.DISTRICTS,
        }
        self._sent(LAND_OCTOBER, land, days_ago=40, subscriptions=subscriptions)
        self._sent(LAND_NOVEMBER, land, days_ago=10, subscriptions=subscriptions)
        self._sent(MUNICH_TEAM, team, days_ago=5, subscriptions=subscriptions, district=munich)
        self._letter(LAND_DRAFT, land, status=InfobriefStatus.DRAFT)
        scheduled = self._letter(
            {"de": (MUNICH_TEAM["de"][0] + " – Dezember", MUNICH_TEAM["de"][1])},
            team,
            status=InfobriefStatus.SCHEDULED,
            scheduled_at=self.now + timedelta(days=3),
        )
        scheduled.districts.set([munich])

    # -- subscribers -------------------------------------------------------------------------

    def _subscribers(self, state: State, districts: list[DistrictInfo]) -> list[Subscription]:
        rng, now = self.rng, self.now
        languages = list(LANGUAGE_WEIGHTS)
        weights = list(LANGUAGE_WEIGHTS.values())
        district_ids = [info.id for info in districts]
        volunteers = list(
            VolunteerProfile.objects.filter(district_id__in=district_ids)
            .exclude(user__email=logins.VOLUNTEER.email)
            .order_by("pk")
            .values_list("user_id", "user__email", "district_id", "user__preferred_language")
        )
        chosen = [row for row in volunteers if rng.random() < VOLUNTEER_SHARE]
        plans: list[tuple[Subscription, list[int]]] = []
        for user_id, email, district_id, language in chosen:
            plans.append(
                self._subscription(
                    email=email,
                    user_id=user_id,
                    language=language or "de",
                    state=state,
                    district_ids=[district_id] if rng.random() < 0.7 else [],
                    source=SubscriptionSource.ACCOUNT,
                )
            )
        for index in range(PUBLIC_SUBSCRIBERS if district_ids else 0):
            own = rng.sample(district_ids, k=rng.choice((1, 1, 2, 3)))
            plans.append(
                self._subscription(
                    email=f"leserin{index + 1}@post.example",
                    user_id=None,
                    language=rng.choices(languages, weights=weights)[0],
                    state=state,
                    district_ids=own if rng.random() < 0.6 else [],
                    source=SubscriptionSource.FORM,
                )
            )
        # A few who left again (kept for the consent log until the retention period ends).
        for subscription, _ in plans[:: max(len(plans) // 12, 1)][:12]:
            subscription.status = SubscriptionStatus.UNSUBSCRIBED
            subscription.unsubscribed_at = now - timedelta(days=rng.randrange(1, 20))
        created = self.seeder._bulk(Subscription, [subscription for subscription, _ in plans])
        through = Subscription.districts.through
        links = [
            through(subscription_id=subscription.pk, district_id=district_id)
            for subscription, (_, ids) in zip(created, plans, strict=True)
            for district_id in ids
        ]
        self.seeder._bulk(through, links)
        consents: list[ConsentRecord] = []
        for subscription in created:
            consents.append(self._consent(subscription, ConsentAction.GIVEN))
            if subscription.status == SubscriptionStatus.UNSUBSCRIBED:
                consents.append(self._consent(subscription, ConsentAction.WITHDRAWN))
        self.seeder._bulk(ConsentRecord, consents)
        return created

    def _subscription(
        self,
        *,
        email: str,
        user_id: int | None,
        language: str,
        state: State,
        district_ids: list[int],
        source: str,
    ) -> tuple[Subscription, list[int]]:
        rng = self.rng
        topics = rng.sample(TOPIC_BITS, k=rng.choice((1, 2, 3))) if rng.random() < 0.4 else []
        mask = 0
        for topic in topics:
            mask |= 1 << TOPIC_BITS.index(topic)
        confirmed = self.now - timedelta(days=rng.randrange(50, 400))
        subscription = Subscription(
            email=email.lower(),
            user_id=user_id,
            language=language if language in dict(settings.LANGUAGES) else "de",
            state=state,
            whole_state=not district_ids,
            topics_mask=mask,
            status=SubscriptionStatus.ACTIVE,
            source=source,
            confirmed_at=confirmed,
            key=new_key(),
        )
        subscription.created_at = confirmed
        return subscription, district_ids

    def _consent(self, subscription: Subscription, action: str) -> ConsentRecord:
        return ConsentRecord(
            subscription=subscription,
            action=action,
            text_version=settings.LOTSE_INFOBRIEF_CONSENT_VERSION,
            language=subscription.language,
            source=subscription.source,
            channel="link" if action == ConsentAction.WITHDRAWN else "",
        )

    # -- Infobriefe --------------------------------------------------------------------------

    def _letter(
        self, texts: dict[str, tuple[str, str]], fields: dict[str, Any], **extra: Any
    ) -> Infobrief:
        infobrief = Infobrief.objects.create(**fields, **extra)
        self.seeder._count(Infobrief._meta.label, 1)
        self.seeder._bulk(
            InfobriefVersion,
            [
                InfobriefVersion(infobrief=infobrief, language=language, subject=s, body=b)
                for language, (s, b) in texts.items()
            ],
        )
        return infobrief

    def _sent(
        self,
        texts: dict[str, tuple[str, str]],
        fields: dict[str, Any],
        *,
        days_ago: int,
        subscriptions: list[Subscription],
        district: District | None = None,
    ) -> None:
        rng = self.rng
        sent_at = self.now - timedelta(days=days_ago)
        infobrief = self._letter(
            texts,
            fields,
            status=InfobriefStatus.SENT,
            scheduled_at=sent_at,
            started_at=sent_at,
            finished_at=sent_at + timedelta(minutes=3),
        )
        Infobrief.objects.filter(pk=infobrief.pk).update(created_at=sent_at - timedelta(days=2))
        if district is not None:
            infobrief.districts.set([district])
            district_ids = Subscription.districts.through.objects.filter(
                district_id=district.pk
            ).values_list("subscription_id", flat=True)
            audience = {s.pk for s in subscriptions if s.whole_state} | set(district_ids)
            recipients = [s for s in subscriptions if s.pk in audience]
        else:
            recipients = list(subscriptions)
        recipients = [s for s in recipients if s.confirmed_at < sent_at]
        deliveries = []
        for subscription in recipients:
            failed = rng.random() < 0.004
            language = subscription.language if subscription.language in texts else "de"
            deliveries.append(
                Delivery(
                    infobrief=infobrief,
                    subscription=subscription,
                    state=DeliveryState.FAILED if failed else DeliveryState.SENT,
                    attempts=1,
                    sent_at=None if failed else sent_at + timedelta(seconds=rng.randrange(180)),
                    language=language,
                    last_error="550 5.1.1 mailbox unavailable" if failed else "",
                )
            )
        self.seeder._bulk(Delivery, deliveries)
        # About one reader in 150 left through the link of this Infobrief.
        Infobrief.objects.filter(pk=infobrief.pk).update(unsubscribes=len(recipients) // 150)
