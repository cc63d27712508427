"""stdin: one address per line → stdout: one JSON object per line, in input order. Always exits 0."""

import json
import sys

from django.core.management.base import BaseCommand
from django.utils import translation

from fairdesk.regions.resolver import Unresolvable, get_resolver


class Command(BaseCommand):
    help = "Resolve addresses (one per line on stdin) to divisions, printing one JSON object per line."

    def add_arguments(self, parser):
        parser.add_argument(
            "--language", default="zh-hans", choices=["zh-hans", "en"], help="language of errors"
        )

    def handle(self, *args, **options):
        translation.activate(options["language"])
        resolver = get_resolver()
        out = sys.stdout
        for raw in sys.stdin:
            text = raw.rstrip("\r\n")
            try:
                result = resolver.resolve(text).as_dict()
            except Unresolvable as exc:
                result = {"input": text, "error": str(exc.message)}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
