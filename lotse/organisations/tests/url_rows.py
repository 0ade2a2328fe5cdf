from lotse.core.tests.matrix import UrlRow, everyone

ROWS = [
    UrlRow("organisations:directory", everyone()),
    UrlRow("organisations:detail", everyone(), kwargs=lambda w: {"slug": w.organisation.slug}),
]
