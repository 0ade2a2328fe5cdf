from lotse.core.tests.matrix import UrlRow, everyone, logged_in, only

EDITORS = ("org_member", "org_admin", "platform_admin")

ROWS = [
    UrlRow("organisations:directory", everyone()),
    UrlRow("organisations:detail", everyone(), kwargs=lambda w: {"slug": w.organisation.slug}),
    UrlRow("organisations:mine", logged_in()),
    UrlRow("organisations:edit", only(EDITORS), kwargs=lambda w: {"slug": w.organisation.slug}),
    UrlRow("organisations:create", only(("platform_admin",))),
    UrlRow("api:organisation-list", everyone()),
    UrlRow("api:organisation-detail", everyone(), kwargs=lambda w: {"slug": w.organisation.slug}),
]
