"""Enqueue the periodic tasks that are due (see `lotse.core.periodic`)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from lotse.core import periodic


class Command(BaseCommand):
    help = "Enqueue due periodic tasks once, or keep doing so with --loop."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Check again every --interval s.")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args: Any, loop: bool, interval: int, **options: Any) -> None:
        while True:
            for name in periodic.enqueue_due():
                self.stdout.write(f"enqueued {name}")
            if not loop:
                return
            time.sleep(max(interval, 1))
