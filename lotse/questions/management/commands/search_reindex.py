"""`manage.py search_reindex`: rebuild the knowledge-base search index (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from lotse.questions.services.knowledge import knowledge_reindex


class Command(BaseCommand):
    help = "Rebuild the knowledge-base search index from the published entries (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = knowledge_reindex()
        self.stdout.write(f"Knowledge base: {count} published entries indexed.")
