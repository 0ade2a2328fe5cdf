"""Matrix rows of the Infobriefe letters (filled by its work package)."""

ROWS: list = []
