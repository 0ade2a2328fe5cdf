"""Matrix rows of the patenschaften area: Patenschaften, hours, Engagementnachweis."""

from lotse.core.tests.matrix import UrlRow, World, everyone, logged_in, only

COORDINATORS = ("coordinator", "other_coordinator")
HOURS_REVIEWERS = ("coordinator", "other_coordinator", "org_member", "org_admin", "other_org_admin")


def _patenschaft(world: World) -> dict[str, int]:
    return {"pk": world.extra["patenschaft"].pk}


ROWS: list[UrlRow] = [
    # Own Patenschaften: a page for every logged-in user (empty, with a hint, without any).
    UrlRow("engagement:patenschaft_list", logged_in()),
    UrlRow("engagement:patenschaft_district_list", only(COORDINATORS)),
    # The volunteer and the coordinators of the Patenschaft's district; everyone else 404.
    UrlRow(
        "engagement:patenschaft_detail",
        only(("volunteer", "coordinator")),
        kwargs=_patenschaft,
    ),
    UrlRow("engagement:patenschaft_check_in", only(("volunteer",)), kwargs=_patenschaft),
    UrlRow("engagement:patenschaft_end", only(("volunteer", "coordinator")), kwargs=_patenschaft),
    UrlRow("engagement:hours_list", logged_in()),
    UrlRow("engagement:hours_review", only(HOURS_REVIEWERS)),
    # A pending Patenschaft entry: only the coordinators of its district may reject it.
    UrlRow(
        "engagement:hours_reject",
        only(("coordinator",)),
        kwargs=lambda w: {"pk": w.extra["pending_hours"].pk},
    ),
    # POST only.
    UrlRow(
        "engagement:hours_delete",
        logged_in(405),
        kwargs=lambda w: {"pk": w.extra["pending_hours"].pk},
    ),
    UrlRow("engagement:certificate_list", logged_in()),
    UrlRow(
        "engagement:certificate_pdf",
        only(("volunteer",)),
        kwargs=lambda w: {"pk": w.extra["certificate"].pk},
    ),
    # GET asks to confirm.
    UrlRow(
        "engagement:certificate_revoke",
        only(("volunteer",)),
        kwargs=lambda w: {"pk": w.extra["certificate"].pk},
    ),
    # Public verification.
    UrlRow("engagement:certificate_verify", everyone()),
    UrlRow(
        "engagement:certificate_verify_code",
        everyone(),
        kwargs=lambda w: {"code": w.extra["certificate"].code},
    ),
    UrlRow("api:patenschaft-list", logged_in(anonymous=403)),
    # POST only.
    UrlRow("api:patenschaft-check-in", everyone(405, anonymous=403), kwargs=_patenschaft),
    UrlRow("api:hours-list", logged_in(anonymous=403)),
    UrlRow(
        "api:certificate-verify",
        everyone(),
        kwargs=lambda w: {"code": w.extra["certificate"].code},
    ),
]


def extend_world(world: World) -> None:
    """A Patenschaft of world.volunteer_profile in world.district with an approved and a
    pending hours entry, and a certificate issued through the service."""
    from lotse.engagement.choices import HoursStatus
    from lotse.engagement.services.certificates import certificate_issue
    from lotse.engagement.tests.factories import HoursEntryFactory, PatenschaftFactory
    from lotse.regions.models import Postcode

    postcode = Postcode.objects.filter(district=world.district).order_by("code").first()
    patenschaft = PatenschaftFactory(
        proposal__volunteer=world.volunteer_profile,
        proposal__request__postcode=postcode,
        proposal__request__district=world.district,
    )
    approved = HoursEntryFactory(patenschaft=patenschaft, status=HoursStatus.APPROVED)
    pending = HoursEntryFactory(patenschaft=patenschaft, hours="1.50")
    certificate = certificate_issue(
        actor=world.volunteer_profile.user, volunteer=world.volunteer_profile
    )
    world.extra.update(
        {
            "patenschaft": patenschaft,
            "approved_hours": approved,
            "pending_hours": pending,
            "certificate": certificate,
        }
    )
