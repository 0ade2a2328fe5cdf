from lotse.core.tests.matrix import UrlRow, everyone, logged_in

ROWS = [
    UrlRow("accounts:login", everyone()),
    UrlRow("accounts:logout", everyone(405)),
    UrlRow("accounts:register", everyone()),
    UrlRow("accounts:dashboard", logged_in()),
    UrlRow("accounts:two_factor", logged_in()),
]
