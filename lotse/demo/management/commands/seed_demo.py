"""`manage.py seed_demo`: a believable Bavaria for the demo and the benchmarks."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotse.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from lotse.demo.seeding import DemoDataExistsError, seed_demo


class Command(BaseCommand):
    help = (
        "Create demo data for Bavaria: coordinators for all 96 districts, organisations with "
        "members, volunteers spread by population, and the fixed demo logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--volunteers", type=int, default=3000, help="default: 3000")
        parser.add_argument("--organisations", type=int, default=300, help="default: 300")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds a volunteer profile",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 0

        def progress(message: str) -> None:
            if verbose:
                self.stdout.write(message)
                self.stdout.flush()

        try:
            report = seed_demo(
                volunteers=options["volunteers"],
                organisations=options["organisations"],
                seed=options["seed"],
                if_empty=options["if_empty"],
                progress=progress,
            )
        except DemoDataExistsError as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        if report.skipped:
            progress("Demo data present already (volunteer profiles exist); nothing seeded.")
            return
        progress(f"Demo data created in {report.seconds['total']:.1f} s.")
        for label, number in sorted(report.counts.items()):
            progress(f"  {label}: {number}")
        progress(
            f"Demo logins (password {DEMO_PASSWORD}): " + ", ".join(x.email for x in DEMO_LOGINS)
        )
