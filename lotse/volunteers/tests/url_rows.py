from lotse.core.tests.matrix import UrlRow, logged_in, only

COORDINATORS = ("coordinator", "other_coordinator")

ROWS = [
    # Own profile: shown to volunteers; everyone else is sent to create one.
    UrlRow(
        "volunteers:profile",
        logged_in(302, volunteer=200, other_volunteer=200),
    ),
    UrlRow("volunteers:profile_edit", logged_in()),
    UrlRow("volunteers:district_suggestion", logged_in(), query="postcode=80331"),
    UrlRow("volunteers:district_list", only(COORDINATORS)),
    # Coordinators of the volunteer's district only; the volunteer sees their own via profile.
    UrlRow(
        "volunteers:detail",
        only(("coordinator",)),
        kwargs=lambda w: {"pk": w.volunteer_profile.pk},
    ),
    UrlRow("api:volunteer-list", only(COORDINATORS, denied=403, anonymous=403)),
    UrlRow(
        "api:volunteer-detail",
        only(("coordinator",), denied=403, anonymous=403) | {"other_coordinator": 404},
        kwargs=lambda w: {"pk": w.volunteer_profile.pk},
    ),
    UrlRow(
        "api:own-volunteer-profile",
        logged_in(404, anonymous=403, volunteer=200, other_volunteer=200),
    ),
]
