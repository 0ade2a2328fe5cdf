from typing import Any

from django.core.management.base import BaseCommand

from lotse.regions.loader import load_regions


class Command(BaseCommand):
    help = (
        "Create or update Länder, Regierungsbezirke, districts and postcodes from the shipped data."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_regions()
        self.stdout.write(", ".join(f"{value} {key}" for key, value in counts.items()))
