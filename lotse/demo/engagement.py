"""Demo data of the engagement module: opportunities with applications, help requests (open,
proposed and matched), active Patenschaften with check-ins and hours.

Like the rest of the demo it writes with `bulk_create` (see `seeding.py`): every row is built
valid here — a Patenschaft's volunteer shares a language and the topic with the request and
lives in its district — so the matching engine and the pages see consistent data.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lotse.core.availability import ALL_SLOTS_MASK
from lotse.core.choices import Topic
from lotse.engagement.choices import (
    ApplicationStatus,
    ContactChannel,
    HoursStatus,
    OpportunityKind,
    OpportunityStatus,
    PatenschaftStatus,
    ProposalOrigin,
    ProposalStatus,
    RequestStatus,
    Urgency,
)
from lotse.engagement.models import (
    Application,
    CheckIn,
    HelpRequest,
    HelpRequestLanguage,
    HoursEntry,
    Opportunity,
    OpportunityLanguage,
    Patenschaft,
    Proposal,
)
from lotse.organisations.models import Organisation
from lotse.volunteers.models import VolunteerLanguage, VolunteerProfile, VolunteerTopic

from . import data, logins

if TYPE_CHECKING:
    from .seeding import DistrictInfo, Seeder

# One help request per this many volunteers; a quarter of them end up in a Patenschaft.
VOLUNTEERS_PER_REQUEST = 5

OPPORTUNITY_TITLES: dict[str, tuple[str, ...]] = {
    Topic.LANGUAGE_LEARNING: (
        "Sprachcafé in {town}",
        "Deutsch-Lernpatenschaft",
        "Lesepaten gesucht",
    ),
    Topic.SCHOOL_CHILDCARE: ("Hausaufgabenhilfe in {town}", "Begleitung zum Elternabend"),
    Topic.HEALTH: ("Begleitung zu Arztterminen", "Gesundheitslotsen-Team {place}"),
    Topic.HOUSING: ("Unterstützung bei der Wohnungssuche", "Umzugshilfe in {town}"),
    Topic.WORK: ("Bewerbungswerkstatt {town}", "Jobpatenschaft: Einstieg in Ausbildung"),
    Topic.AUTHORITIES: ("Behördenbegleitung in {town}", "Formularhilfe am Dienstagabend"),
    Topic.LEISURE: ("Fahrradwerkstatt {town}", "Interkultureller Kochabend", "Fußball-Treff"),
    Topic.INTERPRETING: ("Dolmetschpool {place}", "Sprachmittlung bei Elterngesprächen"),
    Topic.OTHER: ("Helferinnen und Helfer für das Sommerfest", "Begegnungscafé {town}"),
}
OPPORTUNITY_TEXT = (
    "Wir suchen Ehrenamtliche, die uns in {town} unterstützen. Sie brauchen keine Vorkenntnisse; "
    "wir begleiten Sie, es gibt regelmäßige Treffen zum Austausch und eine Einführung."
)
NEEDS: dict[str, tuple[str, ...]] = {
    Topic.LANGUAGE_LEARNING: (
        "Ich möchte Deutsch sprechen üben, am liebsten bei einem Spaziergang.",
        "Ich lerne für die B1-Prüfung und suche jemanden zum Üben.",
    ),
    Topic.SCHOOL_CHILDCARE: (
        "Mein Sohn braucht Hilfe bei den Hausaufgaben in Mathe.",
        "Wir suchen einen Kita-Platz und verstehen die Anmeldung nicht.",
    ),
    Topic.HEALTH: (
        "Ich brauche Begleitung zum Facharzt und Hilfe beim Verstehen.",
        "Wie finde ich eine Kinderärztin in der Nähe?",
    ),
    Topic.HOUSING: (
        "Wir suchen eine Wohnung für vier Personen und brauchen Hilfe bei Bewerbungen.",
        "Ich verstehe die Nebenkostenabrechnung nicht.",
    ),
    Topic.WORK: (
        "Ich möchte eine Ausbildung als Pflegefachfrau beginnen und brauche Hilfe beim Lebenslauf.",
        "Meine Abschlüsse sollen anerkannt werden. Wo fange ich an?",
    ),
    Topic.AUTHORITIES: (
        "Ich habe einen Brief vom Jobcenter bekommen und verstehe ihn nicht.",
        "Ich brauche Begleitung zur Ausländerbehörde.",
    ),
    Topic.LEISURE: (
        "Ich möchte Leute kennenlernen und Sport machen.",
        "Meine Kinder möchten in einen Verein, wir wissen nicht wie.",
    ),
    Topic.INTERPRETING: ("Ich brauche jemanden, der beim Elterngespräch in der Schule übersetzt.",),
    Topic.OTHER: ("Ich brauche allgemein Orientierung in der neuen Stadt.",),
}
NEWCOMER_ORIGINS = (
    "ukrainian", "arabic", "afghan", "persian", "turkish", "kurdish", "east_african", "russian",
    "balkan", "romanian", "south_asian",
)  # fmt: skip
NEWCOMER_WEIGHTS = (30, 20, 12, 6, 6, 6, 6, 5, 3, 3, 3)
CONTACT_CHANNELS = (
    ContactChannel.PHONE,
    ContactChannel.MESSENGER,
    ContactChannel.EMAIL,
    ContactChannel.COORDINATOR,
)


class EngagementSeeder:
    """Adds the engagement demo to a `Seeder` run (same random generator, same transaction)."""

    def __init__(self, seeder: Seeder) -> None:
        self.seeder = seeder
        self.rng = seeder.rng
        self.now = seeder.now
        self.origins = {origin.key: origin for origin in data.ORIGINS}

    # -- opportunities -----------------------------------------------------------------------

    def seed_opportunities(self, districts: list[DistrictInfo]) -> None:
        rng = self.rng
        by_id = {info.id: info for info in districts}
        organisations = list(
            Organisation.objects.filter(districts__in=by_id)
            .distinct()
            .order_by("pk")
            .values_list("pk", "name", "contact_email")
        )
        first_district: dict[int, int] = {}
        for org_id, district_id in (
            Organisation.districts.through.objects.filter(
                organisation_id__in=[o[0] for o in organisations]
            )
            .order_by("organisation_id", "district_id")
            .values_list("organisation_id", "district_id")
        ):
            first_district.setdefault(org_id, district_id)
        demo_org = (
            Organisation.objects.filter(memberships__user__email=logins.ORGANISATION_ADMIN.email)
            .values_list("pk", flat=True)
            .first()
        )
        rows: list[Opportunity] = []
        languages: list[list[str]] = []
        for org_id, _name, email in organisations:
            wanted = 3 if org_id == demo_org else (0 if rng.random() < 0.35 else rng.randint(1, 2))
            info = by_id.get(first_district.get(org_id, 0))
            if info is None:
                continue
            for _ in range(wanted):
                topic = rng.choice(list(OPPORTUNITY_TITLES))
                online = rng.random() < 0.08
                one_off = rng.random() < 0.3
                starts = self.now + timedelta(days=rng.randint(2, 75), hours=rng.randint(0, 8))
                places = rng.choice((1, 2, 3, 4, 5, 8, 10))
                rows.append(
                    Opportunity(
                        organisation_id=org_id,
                        title=rng.choice(OPPORTUNITY_TITLES[topic]).format(**info.placeholders()),
                        description=OPPORTUNITY_TEXT.format(**info.placeholders()),
                        topic=topic,
                        district_id=info.id,
                        postcode_id=None if online else rng.choice(info.postcode_ids),
                        place_name="" if online else f"Treffpunkt {info.town}",
                        is_online=online,
                        kind=OpportunityKind.ONE_OFF if one_off else OpportunityKind.ONGOING,
                        starts_at=starts if one_off else None,
                        ends_at=starts + timedelta(hours=3) if one_off else None,
                        places=places,
                        skills_wanted=rng.choice(
                            ("", "Geduld und Zuverlässigkeit", "Führerschein von Vorteil")
                        ),
                        contact_name="Koordination Ehrenamt",
                        contact_email=email or "",
                        status=OpportunityStatus.OPEN,
                    )
                )
                languages.append(
                    ["de", *rng.sample(["en", "uk", "ar", "tr", "ru", "fa"], rng.randint(0, 2))]
                )
        created = self.seeder._bulk(Opportunity, rows)
        self.seeder._bulk(
            OpportunityLanguage,
            [
                OpportunityLanguage(opportunity=opp, language=code)
                for opp, codes in zip(created, languages, strict=True)
                for code in codes
            ],
        )
        self._seed_applications(created)

    def _seed_applications(self, opportunities: list[Opportunity]) -> None:
        rng = self.rng
        volunteers_by_district: dict[int, list[int]] = defaultdict(list)
        for pk, district_id in VolunteerProfile.objects.order_by("pk").values_list(
            "pk", "district_id"
        ):
            volunteers_by_district[district_id].append(pk)
        applications: list[Application] = []
        for opp in opportunities:
            pool = volunteers_by_district.get(opp.district_id, [])
            if not pool:
                continue
            chosen = rng.sample(pool, min(len(pool), rng.randint(0, 4)))
            taken = 0
            for volunteer_id in chosen:
                accepted = taken < opp.places - 1 and rng.random() < 0.4
                taken += accepted
                applications.append(
                    Application(
                        opportunity=opp,
                        volunteer_id=volunteer_id,
                        message="Ich hätte Zeit und Lust, mitzumachen.",
                        status=ApplicationStatus.ACCEPTED
                        if accepted
                        else ApplicationStatus.PENDING,
                        decided_at=self.now if accepted else None,
                    )
                )
            if taken:
                opp.places_taken = taken
        self.seeder._bulk(Application, applications)
        Opportunity.objects.bulk_update(
            [opp for opp in opportunities if opp.places_taken], ["places_taken"], batch_size=2000
        )

    # -- help requests, proposals, Patenschaften ------------------------------------------------

    def _volunteer_index(self) -> dict[tuple[int, str, str], list[int]]:
        """(district, topic, language) → active volunteers, for consistent pairs."""
        topics: dict[int, list[str]] = defaultdict(list)
        for volunteer_id, topic in VolunteerTopic.objects.values_list("volunteer_id", "topic"):
            topics[volunteer_id].append(topic)
        index: dict[tuple[int, str, str], list[int]] = defaultdict(list)
        districts = dict(VolunteerProfile.objects.values_list("pk", "district_id"))
        for volunteer_id, language in VolunteerLanguage.objects.order_by(
            "volunteer_id", "language"
        ).values_list("volunteer_id", "language"):
            for topic in topics[volunteer_id]:
                index[(districts[volunteer_id], topic, language)].append(volunteer_id)
        return index

    def seed_requests(self, districts: list[DistrictInfo], volunteers: int) -> None:
        rng = self.rng
        total = max(volunteers // VOLUNTEERS_PER_REQUEST, 0)
        if not total or not districts:
            return
        weights = [info.population for info in districts]
        origins = [self.origins[key] for key in NEWCOMER_ORIGINS]
        requests: list[HelpRequest] = []
        request_languages: list[list[str]] = []
        created_at: list[Any] = []
        for _ in range(total):
            info = rng.choices(districts, weights=weights)[0]
            origin = rng.choices(origins, weights=NEWCOMER_WEIGHTS)[0]
            spoken = [origin.mother_tongues[0]]
            if rng.random() < 0.45:
                spoken.append("de")
            if origin.second_languages and rng.random() < 0.35:
                spoken.append(rng.choice(origin.second_languages))
            spoken = list(dict.fromkeys(spoken))
            topic = rng.choices(list(NEEDS), weights=(18, 14, 10, 16, 14, 16, 6, 4, 2))[0]
            channel = rng.choice(CONTACT_CHANNELS)
            first = rng.choice(origin.female if rng.random() < 0.5 else origin.male)
            value = {
                ContactChannel.PHONE: f"+49 15{rng.randint(1, 9)} {rng.randint(10**6, 10**7 - 1)}",
                ContactChannel.MESSENGER: f"+49 17{rng.randint(0, 9)} {rng.randint(10**6, 9**8)}",
                ContactChannel.EMAIL: f"{data_fold(first)}.{rng.randint(10, 99)}@mail.example",
                ContactChannel.COORDINATOR: "",
            }[channel]
            cells = rng.sample(range(21), rng.randint(0, 5))
            requests.append(
                HelpRequest(
                    district_id=info.id,
                    postcode_id=rng.choice(info.postcode_ids),
                    first_name=first,
                    contact_channel=channel,
                    contact_value=value,
                    topic=topic,
                    needs=rng.choice(NEEDS[topic]),
                    preferred_times=sum(1 << c for c in cells) & ALL_SLOTS_MASK,
                    urgency=rng.choices(list(Urgency), weights=(2, 6, 2))[0],
                    status=RequestStatus.OPEN,
                    form_language=rng.choice(origin.interface_languages)
                    if origin.interface_languages
                    else "de",
                    consent_version=self.seeder.privacy_version,
                    consent_at=self.now,
                )
            )
            request_languages.append(spoken)
            created_at.append(
                self.now - timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 23))
            )
        created = self.seeder._bulk(HelpRequest, requests)
        for row, when in zip(created, created_at, strict=True):
            row.created_at = when
            row.consent_at = when
        HelpRequest.objects.bulk_update(created, ["created_at", "consent_at"], batch_size=2000)
        self.seeder._bulk(
            HelpRequestLanguage,
            [
                HelpRequestLanguage(request=row, language=code)
                for row, codes in zip(created, request_languages, strict=True)
                for code in codes
            ],
        )
        self._seed_matches(created, request_languages)

    def _seed_matches(self, requests: list[HelpRequest], languages: list[list[str]]) -> None:
        rng = self.rng
        index = self._volunteer_index()
        capacity = dict(VolunteerProfile.objects.values_list("pk", "max_patenschaften"))
        demo_volunteer = (
            VolunteerProfile.objects.filter(user__email=logins.VOLUNTEER.email)
            .values_list("pk", "district_id")
            .first()
        )
        proposals: list[Proposal] = []
        matched: list[tuple[HelpRequest, Proposal]] = []
        demo_patenschaft_made = demo_proposal_made = False
        for row, codes in sorted(
            zip(requests, languages, strict=True), key=lambda p: p[0].created_at
        ):
            roll = rng.random()
            candidates = sorted(
                {
                    v
                    for code in codes
                    for v in index.get((row.district_id, row.topic, code), [])
                    if capacity.get(v, 0) > 0
                }
            )
            # The demo volunteer gets one Patenschaft and one open proposal, on requests that
            # fit them (same district, shared language and topic).
            wants_demo = (
                demo_volunteer is not None
                and demo_volunteer[0] in candidates
                and (not demo_patenschaft_made or not demo_proposal_made)
            )
            if wants_demo:
                candidates = [demo_volunteer[0]]  # type: ignore[index]
            elif roll > 0.4 or not candidates:
                continue
            volunteer_id = rng.choice(candidates)
            capacity[volunteer_id] -= 1
            days_ago = max((self.now - row.created_at).days, 1)
            if (wants_demo and not demo_patenschaft_made) or (not wants_demo and roll < 0.25):
                if wants_demo:
                    demo_patenschaft_made = True
                proposal = Proposal(
                    request=row,
                    volunteer_id=volunteer_id,
                    origin=ProposalOrigin.ENGINE,
                    status=ProposalStatus.CONFIRMED,
                    score=round(rng.uniform(45, 90), 2),
                    reasons={
                        "languages": codes[:1],
                        "distance_km": round(rng.uniform(0.5, 9), 1),
                        "waiting_days": rng.randint(1, 20),
                        "topic": row.topic,
                    },
                    proposed_at=row.created_at + timedelta(days=min(days_ago, 5) // 2),
                    decided_at=row.created_at + timedelta(days=min(days_ago, 5)),
                    volunteer_contact="Telefon 089 1234567 (abends)",
                )
                row.status = RequestStatus.MATCHED
                matched.append((row, proposal))
            else:
                if wants_demo:
                    demo_proposal_made = True
                proposal = Proposal(
                    request=row,
                    volunteer_id=volunteer_id,
                    origin=ProposalOrigin.ENGINE,
                    status=ProposalStatus.PROPOSED,
                    score=round(rng.uniform(40, 85), 2),
                    reasons={
                        "languages": codes[:1],
                        "distance_km": round(rng.uniform(0.5, 9), 1),
                        "waiting_days": days_ago,
                        "topic": row.topic,
                    },
                    proposed_at=self.now - timedelta(days=1),
                    respond_by=self.now + timedelta(days=6),
                )
                row.status = RequestStatus.PROPOSED
            proposals.append(proposal)
        self.seeder._bulk(Proposal, proposals)
        HelpRequest.objects.bulk_update(requests, ["status"], batch_size=2000)
        self._seed_patenschaften(matched)

    def _seed_patenschaften(self, matched: list[tuple[HelpRequest, Proposal]]) -> None:
        rng = self.rng
        patenschaften: list[Patenschaft] = []
        for row, proposal in matched:
            started = max(
                row.created_at + timedelta(days=6), self.now - timedelta(days=rng.randint(20, 300))
            )
            started = min(started, self.now - timedelta(days=1))
            silent = rng.random() < 0.12  # no check-in for more than 60 days
            last = (
                started + timedelta(days=rng.randint(0, 20))
                if silent
                else self.now - timedelta(days=rng.randint(1, 28))
            )
            last = min(max(last, started), self.now)
            patenschaften.append(
                Patenschaft(
                    request=row,
                    proposal=proposal,
                    volunteer_id=proposal.volunteer_id,
                    district_id=row.district_id,
                    status=PatenschaftStatus.ACTIVE,
                    started_on=started.date(),
                    last_check_in_at=last if (self.now - last).days < 60 or not silent else None,
                )
            )
        created = self.seeder._bulk(Patenschaft, patenschaften)
        check_ins = [
            CheckIn(patenschaft=p, still_active=True, has_problems=rng.random() < 0.1, note="")
            for p in created
            if p.last_check_in_at
        ]
        self.seeder._bulk(CheckIn, check_ins)
        hours: list[HoursEntry] = []
        today = self.now.date()
        for p in created:
            span = max((today - p.started_on).days, 1)
            for _ in range(rng.randint(1, 6)):
                day = p.started_on + timedelta(days=rng.randrange(span))
                approved = (today - day).days > 7 or rng.random() < 0.5
                hours.append(
                    HoursEntry(
                        volunteer_id=p.volunteer_id,
                        patenschaft=p,
                        date=day,
                        hours=Decimal(rng.choice(("1.00", "1.50", "2.00", "2.50", "3.00"))),
                        activity=rng.choice(
                            (
                                "Treffen und Deutsch üben",
                                "Begleitung zum Amt",
                                "Hilfe bei Formularen",
                                "Gemeinsamer Ausflug",
                            )
                        ),
                        status=HoursStatus.APPROVED if approved else HoursStatus.PENDING,
                        reviewed_at=self.now if approved else None,
                    )
                )
        self.seeder._bulk(HoursEntry, hours)


def data_fold(text: str) -> str:
    """ASCII local part for invented newcomer e-mail addresses."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:4]
    folded = "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())
    return folded or f"kontakt{digest}"
