"""Demo data for `make run`: every app's demo loader (divisions and the demo coverage network, staff accounts,
service types and slots, technicians, plans), lower apps first.

Idempotent: running it again changes nothing and reports the same figures. Each app declares its loaders
(core.demo.register in its AppConfig.ready()), so core imports none of them.
"""

from django.core.management.base import BaseCommand

from fairdesk.core import demo


class Command(BaseCommand):
    help = "Load the demo: every app's demo data (each app declares its loaders), lower apps first."

    def handle(self, *args, **options):
        for loader in demo.loaders():
            for line in loader.load(verbosity=options["verbosity"]):
                self.stdout.write(line)
