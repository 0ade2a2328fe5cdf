"""Matrix rows of the requests area: help requests and the proposal workflow."""

from lotse.core.tests.matrix import UrlRow, World, everyone, logged_in, only

COORDINATORS = ("coordinator", "other_coordinator")
# Coordinators (for their districts) and organisation members enter requests on behalf.
ON_BEHALF = ("coordinator", "other_coordinator", "org_member", "org_admin", "other_org_admin")
STATUS_KEY = "matrix-status-key-0123456789abcdefghij"


def _request(world: World) -> dict[str, int]:
    return {"pk": world.extra["help_request"].pk}


def _proposal(world: World) -> dict[str, int]:
    return {"pk": world.extra["proposal"].pk}


ROWS = [
    # The newcomer: public, no account.
    UrlRow("engagement:request_public_create", everyone()),
    UrlRow("engagement:request_thanks", everyone()),
    UrlRow(
        "engagement:request_status",
        everyone(),
        kwargs=lambda w: {"key": w.extra["status_key"]},
    ),
    # On a newcomer's behalf.
    UrlRow("engagement:request_create", only(ON_BEHALF)),
    UrlRow("engagement:request_handover", only(ON_BEHALF)),
    # Coordinators; a request of another district is a 404.
    UrlRow("engagement:request_list", only(COORDINATORS)),
    UrlRow("engagement:request_detail", only(("coordinator",)), kwargs=_request),
    UrlRow("engagement:request_edit", only(("coordinator",)), kwargs=_request),
    UrlRow("engagement:request_interpreter", only(("coordinator",)), kwargs=_request),
    UrlRow("engagement:request_close", only(("coordinator",)), kwargs=_request),
    UrlRow("engagement:request_delete", only(("coordinator",)), kwargs=_request),
    UrlRow("engagement:request_match", only(("coordinator",)), kwargs=_request),
    UrlRow(
        "engagement:proposal_send",
        only(("coordinator",)),
        kwargs=lambda w: {"pk": w.extra["suggested_proposal"].pk},
    ),
    UrlRow(
        "engagement:proposal_reject",
        only(("coordinator",)),
        kwargs=lambda w: {"pk": w.extra["suggested_proposal"].pk},
    ),
    UrlRow(
        "engagement:proposal_newcomer_answer",
        only(("coordinator",)),
        kwargs=lambda w: {"pk": w.extra["accepted_proposal"].pk},
    ),
    # The volunteer a proposal was sent to; everybody else (other_volunteer too) 404.
    UrlRow("engagement:proposal_list", logged_in()),
    UrlRow("engagement:proposal_detail", only(("volunteer",)), kwargs=_proposal),
    UrlRow("engagement:proposal_accept", only(("volunteer",)), kwargs=_proposal),
    UrlRow("engagement:proposal_decline", only(("volunteer",)), kwargs=_proposal),
    # API.
    UrlRow("api:help-request-list", only(COORDINATORS, denied=403, anonymous=403)),
    UrlRow(
        "api:help-request-detail",
        only(("coordinator",), denied=403, anonymous=403) | {"other_coordinator": 404},
        kwargs=_request,
    ),
    UrlRow("api:proposal-list", logged_in(anonymous=403)),
    # POST only: GET is "method not allowed" for everyone logged in.
    UrlRow("api:proposal-accept", logged_in(405, anonymous=403), kwargs=_proposal),
    UrlRow("api:proposal-decline", logged_in(405, anonymous=403), kwargs=_proposal),
]


def extend_world(world: World) -> None:
    """A help request with a sent proposal for world.volunteer_profile and its status key in
    world.district, one request in world.other_district, a suggestion and an accepted
    proposal (other volunteers) in world.district."""
    from lotse.engagement.choices import ProposalStatus, RequestStatus
    from lotse.engagement.selectors.requests import help_request_key_hash
    from lotse.engagement.tests.factories import HelpRequestFactory, ProposalFactory
    from lotse.regions.models import Postcode
    from lotse.volunteers.tests.factories import VolunteerProfileFactory

    help_request = HelpRequestFactory(
        status=RequestStatus.PROPOSED, access_key_hash=help_request_key_hash(STATUS_KEY)
    )
    world.extra["help_request"] = help_request
    world.extra["status_key"] = STATUS_KEY
    world.extra["proposal"] = ProposalFactory(
        request=help_request, volunteer=world.volunteer_profile
    )
    world.extra["other_help_request"] = HelpRequestFactory(
        postcode=Postcode.objects.get(code="90402")
    )
    world.extra["suggested_proposal"] = ProposalFactory(
        request=HelpRequestFactory(status=RequestStatus.PROPOSED),
        volunteer=VolunteerProfileFactory(),
        status=ProposalStatus.SUGGESTED,
        proposed_at=None,
        respond_by=None,
    )
    world.extra["accepted_proposal"] = ProposalFactory(
        request=HelpRequestFactory(status=RequestStatus.PROPOSED),
        volunteer=VolunteerProfileFactory(),
        status=ProposalStatus.ACCEPTED,
        volunteer_contact="0151 1234567",
    )
