from lotse.core.tests.matrix import UrlRow, everyone

ROWS = [
    UrlRow("core:home", everyone()),
    UrlRow("core:imprint", everyone()),
    UrlRow("core:privacy", everyone()),
    UrlRow("core:accessibility", everyone()),
    UrlRow("core:accessibility_feedback", everyone()),
    UrlRow("core:outbox", everyone(404), note="DEBUG only"),
    UrlRow(
        "core:outbox_detail",
        everyone(404),
        kwargs=lambda w: {"name": "20260101T000000-" + "0" * 32 + ".eml"},
        note="DEBUG only",
    ),
    UrlRow("core:health", everyone()),
    UrlRow("set_language", everyone(302)),
    UrlRow("admin-login", everyone(302)),
    UrlRow("api-schema", everyone()),
    UrlRow("api-docs", everyone()),
]
