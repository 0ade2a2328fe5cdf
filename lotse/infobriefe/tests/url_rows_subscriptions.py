"""Matrix rows of the Infobriefe subscriptions (filled by its work package)."""

ROWS: list = []
