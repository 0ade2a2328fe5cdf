"""`manage.py demo_logins`: print the fixed demo logins (used by `make run`)."""

from typing import Any

from django.core.management.base import BaseCommand

from lotse.demo.logins import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins (e-mail, role, password)."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [("E-mail", "Role", "Password")] + [
            (login.email, login.role, DEMO_PASSWORD) for login in DEMO_LOGINS
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        self.stdout.write("Demo logins:")
        for line in lines:
            self.stdout.write("  " + line.rstrip())
