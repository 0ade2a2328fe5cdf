"""People and Infobriefe the letters, archive and API tests share.

München (09162) and Nürnberg (09564) are in Bavaria; Stuttgart (08111) is in
Baden-Württemberg. Everybody reads English, so that assertions on texts do not depend on the
German catalogue.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.conftest import login_verified
from lotse.infobriefe.choices import AudienceLevel, InfobriefStatus
from lotse.infobriefe.models import Infobrief
from lotse.infobriefe.tests.factories import InfobriefFactory, InfobriefVersionFactory
from lotse.regions.models import District, State


def bavaria() -> State:
    return State.objects.get(code="BY")


def district(ags: str) -> District:
    return District.objects.select_related("state").get(ags=ags)


def coordinator_of(*districts: District) -> Any:
    user = UserFactory(preferred_language="en")
    for scope in districts:
        RoleAssignmentFactory(user=user, role=Role.COORDINATOR, district=scope)
    return user


def state_editor_of(state: State) -> Any:
    user = UserFactory(preferred_language="en")
    RoleAssignmentFactory(user=user, role=Role.STATE_EDITOR, state=state, district=None)
    return user


def client_for(user: Any) -> Client:
    """A client logged in with the second factor passed (writers are staff)."""
    return login_verified(Client(), user)


def team_draft(team: District, *, german: bool = True, **fields: Any) -> Infobrief:
    """A draft of the district team of `team`, to that district."""
    infobrief = InfobriefFactory(
        state=team.state,
        team_district=team,
        level=AudienceLevel.DISTRICTS,
        districts=[team],
        sender_name="Lotsen-Team",
        **fields,
    )
    if german:
        InfobriefVersionFactory(infobrief=infobrief, language="de")
    return infobrief


def land_draft(state: State, *, german: bool = True, **fields: Any) -> Infobrief:
    """A draft of the state editors of `state`, to the whole Land."""
    infobrief = InfobriefFactory(state=state, **{"level": AudienceLevel.STATE, **fields})
    if german:
        InfobriefVersionFactory(infobrief=infobrief, language="de")
    return infobrief


def sent_infobrief(
    *,
    texts: dict[str, tuple[str, str]],
    state: State | None = None,
    when: datetime.datetime | None = None,
    **fields: Any,
) -> Infobrief:
    """A sent Infobrief with a text per language (language → (subject, body))."""
    when = when or timezone.now()
    infobrief = InfobriefFactory(
        state=state or bavaria(),
        status=InfobriefStatus.SENT,
        scheduled_at=when,
        started_at=when,
        finished_at=when + datetime.timedelta(minutes=5),
        **fields,
    )
    for language, (subject, body) in texts.items():
        InfobriefVersionFactory(infobrief=infobrief, language=language, subject=subject, body=body)
    return infobrief
