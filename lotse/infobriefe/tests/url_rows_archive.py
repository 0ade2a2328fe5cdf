"""Matrix rows of the Infobriefe archive (filled by its work package)."""

ROWS: list = []
