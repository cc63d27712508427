"""The event catalogue: every kind the apps declare, with its payload fields and their types."""

import json

from django.core.management.base import BaseCommand

from fairdesk.core import events


class Command(BaseCommand):
    help = "List every declared event kind (--json: one JSON object per line)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, **options):
        for decl in events.catalogue():
            if options["json"]:
                self.stdout.write(json.dumps(decl.as_dict(), ensure_ascii=False))
            else:
                fields = ", ".join(f"{name}: {type_}" for name, type_ in decl.payload.items())
                self.stdout.write(f"{decl.kind:32} {decl.app:10} {{{fields}}}  {decl.description}")
