"""Matrix rows of the opportunities area."""

from lotse.core.tests.matrix import UrlRow, World, everyone, logged_in, only
from lotse.regions.models import Postcode

# Members (any role) of world.organisation and platform admins manage its opportunities.
MANAGERS = ("org_member", "org_admin", "platform_admin")
POSTERS = (*MANAGERS, "other_org_admin")


def _opportunity(w: World) -> dict:
    return {"pk": w.extra["opportunity"].pk}


def _application(w: World) -> dict:
    return {"pk": w.extra["application"].pk}


ROWS: list[UrlRow] = [
    UrlRow("engagement:opportunity_list", everyone()),
    UrlRow("engagement:opportunity_list", everyone(), query="near=80331&distance=20&topic=health"),
    UrlRow("engagement:opportunity_detail", everyone(), kwargs=_opportunity),
    UrlRow("engagement:opportunity_create", only(POSTERS)),
    UrlRow("engagement:opportunity_mine", only(POSTERS)),
    # Another organisation's admin gets 404 on the management pages.
    UrlRow("engagement:opportunity_edit", only(MANAGERS), kwargs=_opportunity),
    UrlRow("engagement:opportunity_close", only(MANAGERS), kwargs=_opportunity),
    UrlRow("engagement:opportunity_applications", only(MANAGERS), kwargs=_opportunity),
    # Volunteers see the form; everyone else logged in is sent to create a volunteer profile.
    UrlRow(
        "engagement:opportunity_apply",
        logged_in(302, volunteer=200, other_volunteer=200),
        kwargs=lambda w: {"pk": w.extra["other_opportunity"].pk},
    ),
    # The volunteer has applied already: sent to the application.
    UrlRow(
        "engagement:opportunity_apply",
        logged_in(302, other_volunteer=200),
        kwargs=_opportunity,
    ),
    UrlRow("engagement:application_list_mine", logged_in()),
    # The volunteer who applied and the organisation; other volunteers' applications are 404.
    UrlRow(
        "engagement:application_detail",
        only(("volunteer", *MANAGERS)),
        kwargs=_application,
    ),
    # GET sends the organisation to the application; deciding is POST.
    UrlRow("engagement:application_decide", only(MANAGERS, status=302), kwargs=_application),
    UrlRow("engagement:application_withdraw", only(("volunteer",)), kwargs=_application),
    UrlRow("api:opportunity-list", everyone()),
    UrlRow("api:opportunity-detail", everyone(), kwargs=_opportunity),
    # Applying is POST only.
    UrlRow("api:opportunity-apply", everyone(405, anonymous=403), kwargs=_opportunity),
]


def extend_world(world: World) -> None:
    """An opportunity of each organisation and the volunteer's application to the first."""
    from lotse.engagement.tests.factories import ApplicationFactory, OpportunityFactory

    opportunity = OpportunityFactory(organisation=world.organisation, title="Lernpaten gesucht")
    world.extra["opportunity"] = opportunity
    world.extra["other_opportunity"] = OpportunityFactory(
        organisation=world.other_organisation,
        postcode=Postcode.objects.get(code="90402"),
        title="Sprachcafé Nürnberg",
    )
    world.extra["application"] = ApplicationFactory(
        opportunity=opportunity, volunteer=world.volunteer_profile
    )
