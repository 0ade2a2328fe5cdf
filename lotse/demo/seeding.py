"""Fill the database with a believable Bavaria: coordinators, organisations, volunteers.

The demo writes with `bulk_create` instead of the modules' services on purpose: services
validate, audit and send mail per record, which is right for real data and far too slow for
hundreds of thousands of demo rows. Every value is therefore built valid here (postcodes of the
district, masks in range, unique e-mail addresses). All randomness comes from one
`random.Random(seed)`, and inputs are read in a fixed order, so a seed always gives the same
people and e-mail addresses.
"""

from __future__ import annotations

import math
import random
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from lotse.accounts.models import Consent, ConsentKind, RoleAssignment, User
from lotse.accounts.roles import Role
from lotse.core.availability import SLOTS_PER_DAY, mask_from_cells
from lotse.core.choices import LanguageLevel, Topic
from lotse.organisations.choices import MembershipRole, OrganisationKind
from lotse.organisations.models import (
    Membership,
    Organisation,
    OrganisationLanguage,
    OrganisationTopic,
)
from lotse.regions.models import District, Postcode, State
from lotse.volunteers.choices import VolunteerRole, VolunteerStatus
from lotse.volunteers.models import (
    VolunteerLanguage,
    VolunteerProfile,
    VolunteerRoleChoice,
    VolunteerTopic,
)

from . import data, logins
from .engagement import EngagementSeeder
from .infobriefe import InfobriefeSeeder
from .questions import QuestionsSeeder

STATE_CODE = "BY"
STATE_EDITOR_COUNT = 3
BATCH_SIZE = 5000

Progress = Callable[[str], None]


class DemoDataExistsError(Exception):
    """The demo logins exist already; seeding again would duplicate the demo."""


@dataclass
class DistrictInfo:
    id: int
    ags: str
    name: str
    kind: str
    population: int
    region_id: int | None
    postcode_ids: list[int]
    postcode_codes: list[str]

    @property
    def is_city(self) -> bool:
        return self.kind == "kreisfreie_stadt"

    @property
    def place(self) -> str:
        """The district's own short name ("München", "Rottal-Inn")."""
        return self.name.split(",")[0].strip()

    @property
    def town(self) -> str:
        """The city itself, or the seat of the Landkreis."""
        return self.place if self.is_city else data.DISTRICT_SEATS.get(self.ags, self.place)

    def placeholders(self) -> dict[str, str]:
        if self.is_city:
            area, of_area = f"Stadt {self.place}", f"der Stadt {self.place}"
        else:
            area, of_area = f"Landkreis {self.place}", f"des Landkreises {self.place}"
        return {"town": self.town, "place": self.place, "area": area, "of_area": of_area}


@dataclass
class SeedReport:
    """What a run created and how long each phase took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: bool = False


_ASCII_FOLD = str.maketrans(
    {
        "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "ł": "l", "đ": "d", "æ": "ae",
        "ø": "o", "œ": "oe", "ê": "e", " ": "-", "'": "",
    }
)  # fmt: skip


def ascii_fold(text: str) -> str:
    """Spell a name in lower-case ASCII the German way (ü → ue), for e-mail addresses."""
    folded = text.lower().translate(_ASCII_FOLD)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded if ch.isalnum() or ch in "-.")


def german_slug(text: str) -> str:
    """Slug with German transliteration: "Würzburg e.V." → "wuerzburg-ev"."""
    return slugify(ascii_fold(text.replace("e.V.", "eV").replace(".", " ").replace(" ", "-")))


class Seeder:
    """One run of the demo seed; see `seed_demo`."""

    def __init__(self, *, seed: int, progress: Progress | None, batch_size: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 – demo data, reproducible on purpose
        self.progress = progress or (lambda message: None)
        self.batch_size = batch_size
        self.now = timezone.now()
        self.password = make_password(logins.DEMO_PASSWORD)  # hashed once for every demo user
        self.emails: set[str] = set()
        self.report = SeedReport()
        self.origins = data.ORIGINS
        self.origin_weights = list(accumulate(o.weight for o in self.origins))
        self.privacy_version = settings.LOTSE_PRIVACY_NOTICE_VERSION

    # -- helpers -------------------------------------------------------------------------

    def _count(self, key: str, number: int) -> None:
        self.report.counts[key] = self.report.counts.get(key, 0) + number

    def _bulk(self, model: Any, objects: Sequence[Any]) -> list[Any]:
        created = model.objects.bulk_create(objects, batch_size=self.batch_size)
        self._count(model._meta.label, len(objects))
        return created

    def _insert(self, model: Any, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert plain rows without building model instances (the child rows of the bulk).

        Values must be database-ready (`_db_datetime` for timestamps); no ids come back.
        """
        if not rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.batch_size):
                cursor.executemany(sql, rows[start : start + self.batch_size])
        self._count(model._meta.label, len(rows))

    def _person(self, origin: data.Origin | None = None) -> tuple[str, str, data.Origin]:
        rng = self.rng
        if origin is None:
            origin = rng.choices(self.origins, cum_weights=self.origin_weights)[0]
        first = rng.choice(origin.female if rng.random() < 0.55 else origin.male)
        return first, rng.choice(origin.last), origin

    def _email(self, first: str, last: str, domain: str) -> str:
        base = f"{ascii_fold(first)}.{ascii_fold(last)}"
        email, number = f"{base}@{domain}", 1
        while email in self.emails:
            number += 1
            email = f"{base}{number}@{domain}"
        self.emails.add(email)
        return email

    def _joined(self, max_days: int = 900) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(max_days * 86400))

    def _user(self, first: str, last: str, email: str, language: str = "de", **extra: Any) -> User:
        joined = extra.pop("date_joined", None) or self._joined()
        return User(
            email=email,
            password=self.password,
            first_name=first,
            last_name=last,
            preferred_language=language,
            date_joined=joined,
            email_confirmed_at=joined + timedelta(minutes=self.rng.randint(1, 240)),
            **extra,
        )

    def _consents(self, users: Sequence[User]) -> None:
        adapt = connection.ops.adapt_datetimefield_value
        self._insert(
            Consent,
            ["user", "kind", "version", "given_at", "language"],
            [
                (
                    user.pk,
                    ConsentKind.PRIVACY_NOTICE.value,
                    self.privacy_version,
                    adapt(user.date_joined),
                    user.preferred_language,
                )
                for user in users
            ],
        )

    def _phase(self, name: str, started: float, before: dict[str, int]) -> None:
        seconds = time.monotonic() - started
        self.report.seconds[name] = round(seconds, 2)
        counts = ", ".join(
            f"{number - before.get(label, 0)} {label.split('.')[-1]}"
            for label, number in sorted(self.report.counts.items())
            if number != before.get(label, 0)
        )
        self.progress(f"{name}: {seconds:.1f} s ({counts})")

    # -- regions -------------------------------------------------------------------------

    def load_districts(self) -> list[DistrictInfo]:
        state = State.objects.filter(code=STATE_CODE).first()
        if state is None:
            raise ValueError("Bavaria (BY) is missing; run `manage.py load_regions` first.")
        districts = {
            row[0]: DistrictInfo(*row, postcode_ids=[], postcode_codes=[])
            for row in District.objects.filter(state=state)
            .order_by("ags")
            .values_list("id", "ags", "name", "kind", "population", "administrative_region_id")
        }
        for postcode_id, code, district_id in (
            Postcode.objects.filter(district__state=state)
            .order_by("code")
            .values_list("id", "code", "district_id")
        ):
            districts[district_id].postcode_ids.append(postcode_id)
            districts[district_id].postcode_codes.append(code)
        result = [d for d in districts.values() if d.postcode_ids]
        if not result:
            raise ValueError("No Bavarian districts with postcodes; run `manage.py load_regions`.")
        return result

    # -- staff ---------------------------------------------------------------------------

    def seed_staff(self, districts: list[DistrictInfo]) -> None:
        state = State.objects.get(code=STATE_CODE)
        by_ags = {d.ags: d for d in districts}
        fixed: list[tuple[logins.DemoLogin, dict[str, Any]]] = [
            (logins.PLATFORM_ADMIN, {"role": Role.PLATFORM_ADMIN}),
            (logins.STATE_EDITOR, {"role": Role.STATE_EDITOR, "state_id": state.id}),
            (
                logins.COORDINATOR_MUNICH,
                {"role": Role.COORDINATOR, "district_id": by_ags[logins.MUNICH_AGS].id},
            ),
            (
                logins.COORDINATOR_NUREMBERG,
                {"role": Role.COORDINATOR, "district_id": by_ags[logins.NUREMBERG_AGS].id},
            ),
        ]
        users: list[User] = []
        assignments: list[dict[str, Any]] = []
        for login, assignment in fixed:
            self.emails.add(login.email)
            user = self._user(login.first_name, login.last_name, login.email)
            # The platform admin also gets the Django admin site.
            user.is_staff = user.is_superuser = login is logins.PLATFORM_ADMIN
            users.append(user)
            assignments.append(assignment)
        for _ in range(STATE_EDITOR_COUNT - 1):
            first, last, _origin = self._person()
            users.append(self._user(first, last, self._email(first, last, "stmas.bayern.example")))
            assignments.append({"role": Role.STATE_EDITOR, "state_id": state.id})
        for district in districts:
            fixed_ags = {logins.MUNICH_AGS, logins.NUREMBERG_AGS}
            count = 2 if district.population > 250_000 else self.rng.choice((1, 1, 2))
            count -= 1 if district.ags in fixed_ags else 0
            authority = "stadt" if district.is_city else "lra"
            domain = f"{authority}-{german_slug(district.place)}.example"
            for _ in range(count):
                first, last, _origin = self._person()
                users.append(self._user(first, last, self._email(first, last, domain)))
                assignments.append({"role": Role.COORDINATOR, "district_id": district.id})
        users = self._bulk(User, users)
        self._bulk(
            RoleAssignment,
            [RoleAssignment(user=user, **a) for user, a in zip(users, assignments, strict=True)],
        )
        self._consents(users)

    # -- organisations -------------------------------------------------------------------

    KIND_WEIGHTS: dict[str, float] = {
        OrganisationKind.MIGRANT_ORGANISATION: 24,
        OrganisationKind.VOLUNTEER_AGENCY: 10,
        OrganisationKind.KOBE: 5,
        OrganisationKind.IMMIGRATION_OFFICE: 12,
        OrganisationKind.ADVISORY_COUNCIL: 8,
        OrganisationKind.WELFARE_ASSOCIATION: 16,
        OrganisationKind.MUNICIPALITY: 7,
        OrganisationKind.JOB_CENTRE: 7,
        OrganisationKind.SCHOOL: 7,
        OrganisationKind.OTHER: 4,
    }

    def _organisation_kinds(self, count: int) -> list[str]:
        kinds = list(OrganisationKind.values)
        weights = [self.KIND_WEIGHTS[kind] for kind in kinds]
        # Every kind at least once (when there is room), the rest by weight.
        chosen = kinds[:count] + self.rng.choices(
            kinds, weights=weights, k=max(0, count - len(kinds))
        )
        self.rng.shuffle(chosen)
        return chosen

    def _organisation(
        self,
        kind: str,
        districts: list[DistrictInfo],
        district_weights: list[float],
        taken: set[str],
    ) -> tuple[str, data.OrganisationTemplate, DistrictInfo]:
        templates = [t for t in data.ORGANISATION_TEMPLATES if t.kind == kind]
        for _ in range(40):
            district = self.rng.choices(districts, cum_weights=district_weights)[0]
            fitting = [t for t in templates if t.district_kind in ("", district.kind)]
            template = self.rng.choice(fitting)
            name = template.pattern.format(**district.placeholders())
            if name not in taken:
                return name, template, district
        number = 2
        while f"{name} – Standort {number}" in taken:
            number += 1
        return f"{name} – Standort {number}", template, district

    def seed_organisations(self, districts: list[DistrictInfo], count: int) -> None:
        rng = self.rng
        by_ags = {d.ags: d for d in districts}
        # Larger districts have more organisations, but not in proportion to their size.
        district_weights = list(accumulate(math.sqrt(d.population) for d in districts))
        taken: set[str] = set()
        slugs: set[str] = set()
        plans: list[tuple[str, data.OrganisationTemplate, DistrictInfo]] = []
        if count:
            munich = by_ags[logins.MUNICH_AGS]
            template = next(
                t for t in data.ORGANISATION_TEMPLATES if t.pattern.startswith("Deutsch-Ukrain")
            )
            plans.append((logins.DEMO_ORGANISATION_NAME, template, munich))
            taken.add(logins.DEMO_ORGANISATION_NAME)
        for kind in self._organisation_kinds(count - len(plans)):
            plan = self._organisation(kind, districts, district_weights, taken)
            taken.add(plan[0])
            plans.append(plan)

        organisations: list[Organisation] = []
        for index, (name, template, district) in enumerate(plans):
            slug = german_slug(name)[:200]
            while slug in slugs:
                slug = f"{slug}-{rng.randint(2, 99)}"
            slugs.add(slug)
            street = f"{rng.choice(data.STREETS)} {rng.randint(1, 120)}"
            domain = f"{slug[:60]}.example"
            organisations.append(
                Organisation(
                    name=name,
                    slug=slug,
                    kind=template.kind,
                    description=data.DESCRIPTIONS[template.kind],
                    website=f"https://www.{domain}",
                    contact_email=f"info@{domain}",
                    contact_phone=f"+49 {rng.randint(800, 999)} {rng.randint(100000, 999999)}",
                    street=street,
                    postcode_id=rng.choice(district.postcode_ids),
                    city=district.town,
                    is_published=index == 0 or rng.random() < 0.95,
                )
            )
        organisations = self._bulk(Organisation, organisations)

        served, topics, languages = [], [], []
        same_region: dict[int | None, list[DistrictInfo]] = {}
        for district in districts:
            same_region.setdefault(district.region_id, []).append(district)
        through = Organisation.districts.through
        for organisation, (_name, template, district) in zip(organisations, plans, strict=True):
            district_ids = {district.id}
            twins = [d for d in districts if d.place == district.place and d.id != district.id]
            if twins and rng.random() < 0.5:
                district_ids.add(twins[0].id)
            if rng.random() < 0.15:
                neighbours = same_region[district.region_id]
                district_ids.update(d.id for d in rng.sample(neighbours, min(2, len(neighbours))))
            served += [
                through(organisation_id=organisation.id, district_id=district_id)
                for district_id in sorted(district_ids)
            ]
            chosen_topics = set(rng.sample(template.topics, rng.randint(1, len(template.topics))))
            topics += [
                OrganisationTopic(organisation=organisation, topic=t) for t in sorted(chosen_topics)
            ]
            languages += [
                OrganisationLanguage(organisation=organisation, language=code)
                for code in template.languages
            ]
        self._bulk(through, served)
        self._bulk(OrganisationTopic, topics)
        self._bulk(OrganisationLanguage, languages)

        # Members: 1–3 per organisation, the first one administers it.
        users: list[User] = []
        memberships: list[tuple[int, str]] = []
        for index, organisation in enumerate(organisations):
            domain = f"{organisation.slug[:60]}.example"
            for position in range(rng.randint(1, 3)):
                role = MembershipRole.ADMIN if position == 0 else MembershipRole.MEMBER
                if index == 0 and position == 0:
                    login = logins.ORGANISATION_ADMIN
                    self.emails.add(login.email)
                    users.append(self._user(login.first_name, login.last_name, login.email))
                else:
                    first, last, _origin = self._person()
                    users.append(self._user(first, last, self._email(first, last, domain)))
                memberships.append((organisation.id, role))
        users = self._bulk(User, users)
        self._bulk(
            Membership,
            [
                Membership(user=user, organisation_id=organisation_id, role=role)
                for user, (organisation_id, role) in zip(users, memberships, strict=True)
            ],
        )
        # The contact person is the organisation's administrator.
        admins = {
            organisation_id: user
            for user, (organisation_id, role) in zip(users, memberships, strict=True)
            if role == MembershipRole.ADMIN
        }
        for organisation in organisations:
            organisation.contact_name = admins[organisation.id].get_full_name()
        Organisation.objects.bulk_update(
            organisations, ["contact_name"], batch_size=self.batch_size
        )
        self._consents(users)

    # -- volunteers ----------------------------------------------------------------------

    AVAILABILITY_PATTERNS = ("evenings", "weekend", "daytime", "flexible")

    def _availability(self) -> int:
        rng = self.rng
        pattern = rng.choices(self.AVAILABILITY_PATTERNS, weights=(40, 20, 25, 15))[0]
        if pattern == "evenings":
            cells = [(day, 2) for day in rng.sample(range(5), rng.randint(1, 4))]
        elif pattern == "weekend":
            cells = [(day, slot) for day in (5, 6) for slot in (0, 1) if rng.random() < 0.6]
        elif pattern == "daytime":
            cells = [(day, rng.choice((0, 1))) for day in rng.sample(range(5), rng.randint(2, 5))]
        else:
            cells = [(rng.randrange(7), rng.randrange(3)) for _ in range(rng.randint(3, 10))]
        mask = 0
        for day, slot in cells or [(5, 0)]:
            mask |= 1 << (day * SLOTS_PER_DAY + slot)  # the layout of lotse.core.availability
        return mask

    def _languages(self, origin: data.Origin) -> dict[str, str]:
        rng = self.rng
        mother_tongue = rng.choice(origin.mother_tongues)
        result = {mother_tongue: LanguageLevel.NATIVE.value}
        if "de" not in result:
            result["de"] = rng.choices(
                (LanguageLevel.FLUENT, LanguageLevel.GOOD, LanguageLevel.BASIC),
                weights=(35, 45, 20),
            )[0].value
        if rng.random() < (0.65 if origin.key == "german" else 0.45):
            result.setdefault(
                "en",
                rng.choices(
                    (LanguageLevel.FLUENT, LanguageLevel.GOOD, LanguageLevel.BASIC),
                    weights=(20, 50, 30),
                )[0].value,
            )
        if rng.random() < 0.25:
            second = rng.choice(origin.second_languages)
            result.setdefault(second, rng.choice((LanguageLevel.GOOD, LanguageLevel.BASIC)).value)
        return result

    TOPIC_WEIGHTS: dict[str, float] = {
        Topic.LANGUAGE_LEARNING: 30,
        Topic.SCHOOL_CHILDCARE: 18,
        Topic.HEALTH: 8,
        Topic.HOUSING: 8,
        Topic.WORK: 12,
        Topic.AUTHORITIES: 14,
        Topic.LEISURE: 20,
        Topic.INTERPRETING: 6,
        Topic.OTHER: 3,
    }

    def _topics(self, origin: data.Origin) -> set[str]:
        rng = self.rng
        topics = set(
            rng.choices(
                list(self.TOPIC_WEIGHTS),
                weights=list(self.TOPIC_WEIGHTS.values()),
                k=rng.randint(1, 4),
            )
        )
        if origin.key != "german" and rng.random() < 0.6:
            topics.add(Topic.INTERPRETING)
        return {str(t) for t in topics}

    def _roles(self, origin: data.Origin) -> set[str]:
        rng = self.rng
        roles = {rng.choices(VolunteerRole.values, weights=(50, 30, 10, 10))[0]}
        if origin.key != "german" and rng.random() < 0.5:
            roles.add(VolunteerRole.INTERPRETER)
        return {str(r) for r in roles}

    def _radius(self, district: DistrictInfo) -> int:
        if district.is_city:
            return self.rng.choices((2, 5, 10, 20), weights=(15, 40, 35, 10))[0]
        return self.rng.choices((5, 10, 20, 30, 50), weights=(10, 30, 35, 15, 10))[0]

    def _skills(self) -> str:
        count = self.rng.choices((0, 1, 2, 3), weights=(20, 35, 30, 15))[0]
        return ", ".join(self.rng.sample(data.SKILLS, count))

    VOLUNTEER_DOMAINS = (
        "posteo.example",
        "web.example",
        "gmx.example",
        "mailbox.example",
        "t-online.example",
        "outlook.example",
    )

    def _volunteer_plans(
        self, districts: list[DistrictInfo], count: int
    ) -> Iterator[dict[str, Any]]:
        """Yield the data of `count` volunteers; the first one is the fixed demo volunteer."""
        rng = self.rng
        by_ags = {d.ags: d for d in districts}
        weights = list(accumulate(d.population for d in districts))
        if count:
            munich = by_ags[logins.MUNICH_AGS]
            login = logins.VOLUNTEER
            self.emails.add(login.email)
            postcode_index = (
                munich.postcode_codes.index("80331") if "80331" in munich.postcode_codes else 0
            )
            yield {
                "user": self._user(login.first_name, login.last_name, login.email),
                "district": munich,
                "postcode_id": munich.postcode_ids[postcode_index],
                "radius": 10,
                "skills": "Hausaufgabenhilfe, Deutschunterricht für Anfänger, Fahrradwerkstatt",
                "availability": mask_from_cells([(1, 2), (3, 2), (5, 0)]),
                "status": VolunteerStatus.ACTIVE,
                "languages": {"de": "native", "en": "fluent", "fr": "good"},
                "topics": {Topic.LANGUAGE_LEARNING, Topic.SCHOOL_CHILDCARE, Topic.LEISURE},
                "roles": {VolunteerRole.MENTOR, VolunteerRole.GUIDE},
            }
        for _ in range(count - 1):
            district = rng.choices(districts, cum_weights=weights)[0]
            first, last, origin = self._person()
            language = rng.choice(origin.interface_languages)
            email = self._email(first, last, rng.choice(self.VOLUNTEER_DOMAINS))
            yield {
                "user": self._user(first, last, email, language),
                "district": district,
                "postcode_id": rng.choice(district.postcode_ids),
                "radius": self._radius(district),
                "skills": self._skills(),
                "availability": self._availability(),
                "status": VolunteerStatus.ACTIVE if rng.random() < 0.92 else VolunteerStatus.PAUSED,
                "languages": self._languages(origin),
                "topics": self._topics(origin),
                "roles": self._roles(origin),
            }

    def seed_volunteers(self, districts: list[DistrictInfo], count: int) -> None:
        plans = self._volunteer_plans(districts, count)
        done = 0
        started = time.monotonic()
        while True:
            chunk = [plan for _, plan in zip(range(self.batch_size), plans, strict=False)]
            if not chunk:
                break
            users = self._bulk(User, [plan["user"] for plan in chunk])
            profiles = self._bulk(
                VolunteerProfile,
                [
                    VolunteerProfile(
                        user=user,
                        postcode_id=plan["postcode_id"],
                        district_id=plan["district"].id,
                        travel_radius_km=plan["radius"],
                        # 1–3 Patenschaften at once, derived from the plan (no extra random
                        # draw, so the people of a seed stay the same).
                        max_patenschaften=1 + len(plan["skills"]) % 3,
                        skills=plan["skills"],
                        availability=plan["availability"],
                        status=plan["status"],
                    )
                    for user, plan in zip(users, chunk, strict=True)
                ],
            )
            self._insert(
                VolunteerLanguage,
                ["volunteer", "language", "level"],
                [
                    (profile.pk, code, level)
                    for profile, plan in zip(profiles, chunk, strict=True)
                    for code, level in sorted(plan["languages"].items())
                ],
            )
            self._insert(
                VolunteerTopic,
                ["volunteer", "topic"],
                [
                    (profile.pk, topic)
                    for profile, plan in zip(profiles, chunk, strict=True)
                    for topic in sorted(plan["topics"])
                ],
            )
            self._insert(
                VolunteerRoleChoice,
                ["volunteer", "role"],
                [
                    (profile.pk, role)
                    for profile, plan in zip(profiles, chunk, strict=True)
                    for role in sorted(plan["roles"])
                ],
            )
            self._consents(users)
            done += len(chunk)
            if count > self.batch_size:
                rate = done / max(time.monotonic() - started, 0.001)
                self.progress(f"  volunteers: {done}/{count} ({rate:.0f}/s)")

    # -- run -----------------------------------------------------------------------------

    def run(self, *, volunteers: int, organisations: int) -> SeedReport:
        existing = list(
            User.objects.filter(
                email__in=[login.email for login in logins.DEMO_LOGINS]
            ).values_list("email", flat=True)
        )
        if existing:
            raise DemoDataExistsError(
                "The demo logins exist already (" + ", ".join(sorted(existing)) + "). "
                "This database holds demo data; use --if-empty, or start from an empty database."
            )
        total_started = time.monotonic()
        if connection.vendor == "sqlite":
            # One long transaction touches random pages of the e-mail indexes; with SQLite's
            # default 2 MB page cache it spills to disk all the time (4× slower at 200,000).
            # The pragma holds for this connection only.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB
        engagement = EngagementSeeder(self)
        questions = QuestionsSeeder(self)
        infobriefe = InfobriefeSeeder(self)
        with transaction.atomic():
            districts = self.load_districts()
            self.progress(f"regions: {len(districts)} Bavarian districts")
            phases: list[tuple[str, Callable[[], None]]] = [
                ("staff", lambda: self.seed_staff(districts)),
                ("organisations", lambda: self.seed_organisations(districts, organisations)),
                ("volunteers", lambda: self.seed_volunteers(districts, volunteers)),
                ("opportunities", lambda: engagement.seed_opportunities(districts)),
                ("requests", lambda: engagement.seed_requests(districts, volunteers)),
                ("questions", lambda: questions.seed(districts, volunteers)),
                ("infobriefe", lambda: infobriefe.seed(districts)),
            ]
            for name, phase in phases:
                started, before = time.monotonic(), dict(self.report.counts)
                phase()
                self._phase(name, started, before)
        self.report.seconds["total"] = round(time.monotonic() - total_started, 2)
        return self.report


def demo_data_present() -> bool:
    """Tell whether the database holds any volunteer profile (then `--if-empty` does nothing)."""
    return VolunteerProfile.objects.exists()


def seed_demo(
    *,
    volunteers: int = 3000,
    organisations: int = 300,
    seed: int = 42,
    if_empty: bool = False,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> SeedReport:
    """Create the demo Land (Bavaria) in one transaction and return what was created.

    Raises DemoDataExistsError when the fixed demo logins exist already (unless `if_empty`
    finds volunteer profiles first, then nothing happens). Needs the region data
    (`load_regions`). Writes users, role assignments, consents, organisations with members and
    volunteers with languages, topics and roles; no mail, no audit events (demo data only).
    """
    if if_empty and demo_data_present():
        return SeedReport(skipped=True)
    seeder = Seeder(seed=seed, progress=progress, batch_size=batch_size)
    return seeder.run(volunteers=max(0, volunteers), organisations=max(0, organisations))
