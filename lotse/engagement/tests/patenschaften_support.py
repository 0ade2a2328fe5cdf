"""Helpers shared by the tests of the Patenschaften area (Patenschaften, hours, certificates)."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.engagement.choices import ApplicationStatus, HoursStatus
from lotse.engagement.models import HoursEntry, Patenschaft
from lotse.engagement.tests.factories import (
    ApplicationFactory,
    HelpRequestFactory,
    HoursEntryFactory,
    OpportunityFactory,
    PatenschaftFactory,
)
from lotse.regions.models import District, Postcode
from lotse.volunteers.tests.factories import VolunteerProfileFactory

MUNICH_CODE = "80331"
NUREMBERG_CODE = "90402"


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def volunteer(code: str = MUNICH_CODE, **user: Any) -> Any:
    """A volunteer (profile) living at `code`, English-speaking for readable notifications."""
    user.setdefault("preferred_language", "en")
    return VolunteerProfileFactory(
        user=UserFactory(**user), postcode=Postcode.objects.get(code=code)
    )


def coordinator(district: District, **user: Any) -> Any:
    user.setdefault("preferred_language", "en")
    person = UserFactory(**user)
    RoleAssignmentFactory(user=person, role=Role.COORDINATOR, district=district)
    return person


def staff_client(user: Any) -> Client:
    return login_verified(Client(), user)


def user_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def patenschaft(
    volunteer_profile: Any, *, code: str = MUNICH_CODE, started_days_ago: int = 30, **kwargs: Any
) -> Patenschaft:
    """A Patenschaft of `volunteer_profile` for a request at postcode `code`."""
    postcode = Postcode.objects.get(code=code)
    request = HelpRequestFactory(postcode=postcode, district=postcode.district)
    return PatenschaftFactory(
        proposal__volunteer=volunteer_profile,
        proposal__request=request,
        started_on=days_ago(started_days_ago),
        **kwargs,
    )


def hours(target: Patenschaft, *, status: str = HoursStatus.PENDING, **kwargs: Any) -> HoursEntry:
    return HoursEntryFactory(patenschaft=target, status=status, **kwargs)


def accepted_opportunity(volunteer_profile: Any, organisation: Any = None) -> Any:
    """An opportunity (of `organisation`) where the volunteer's application was accepted."""
    extra = {"organisation": organisation} if organisation is not None else {}
    opportunity = OpportunityFactory(**extra)
    ApplicationFactory(
        opportunity=opportunity, volunteer=volunteer_profile, status=ApplicationStatus.ACCEPTED
    )
    return opportunity
