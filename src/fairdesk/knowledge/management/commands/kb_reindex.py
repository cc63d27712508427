"""Rewrite the help centre's search index from the published versions (after editing data/synonyms.txt)."""

import time

from django.core.management.base import BaseCommand

from fairdesk.knowledge.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the help centre's search index (segmented terms and synonyms of every published version)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = search_index_rebuild()
        self.stdout.write(f"{rows} index rows in {time.perf_counter() - started:.1f} s")
