from lotse.core.tests.matrix import UrlRow, logged_in

ROWS = [
    UrlRow("notifications:list", logged_in()),
    # POST-only actions: GET is refused for everyone logged in.
    UrlRow("notifications:open", logged_in(405), kwargs=lambda w: {"pk": 1}),
    UrlRow("notifications:mark_all_read", logged_in(405)),
]
