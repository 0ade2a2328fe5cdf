from lotse.core.tests.matrix import UrlRow, everyone, logged_in, only


def _volunteer_pk(world):
    return {"pk": world.users["volunteer"].pk}


ROWS = [
    # Logged-in people are sent on from the login and registration pages.
    UrlRow("accounts:login", everyone(302, anonymous=200)),
    UrlRow("accounts:logout", everyone(405)),
    UrlRow("accounts:register", everyone(302, anonymous=200)),
    UrlRow("accounts:register_done", everyone()),
    UrlRow("accounts:confirm_resend", everyone()),
    # A forged token shows a page with the error and a resend form, never a 500.
    UrlRow("accounts:confirm", everyone(), kwargs=lambda world: {"token": "forged:token"}),
    UrlRow("accounts:password_reset", everyone()),
    UrlRow("accounts:password_reset_done", everyone()),
    UrlRow(
        "accounts:password_reset_confirm",
        everyone(),
        kwargs=lambda world: {"uidb64": "MQ", "token": "set-password"},
    ),
    UrlRow("accounts:password_reset_complete", everyone()),
    UrlRow("accounts:two_factor", logged_in()),
    UrlRow("accounts:dashboard", logged_in()),
    UrlRow("accounts:my_data", logged_in()),
    UrlRow("accounts:data_export", logged_in()),
    UrlRow("accounts:delete_account", logged_in()),
    UrlRow("accounts:admin_user_list", only(("platform_admin",))),
    UrlRow("accounts:admin_user_detail", only(("platform_admin",)), kwargs=_volunteer_pk),
    UrlRow("accounts:admin_role_assign", everyone(405), kwargs=_volunteer_pk),
    UrlRow(
        "accounts:admin_role_remove",
        everyone(405),
        kwargs=lambda world: {"pk": world.users["coordinator"].pk, "assignment_pk": 1},
    ),
    UrlRow("accounts:admin_membership_add", everyone(405), kwargs=_volunteer_pk),
    UrlRow(
        "accounts:admin_membership_remove",
        everyone(405),
        kwargs=lambda world: {"pk": world.users["org_member"].pk, "membership_pk": 1},
    ),
    UrlRow("accounts:admin_user_set_active", everyone(405), kwargs=_volunteer_pk),
]
