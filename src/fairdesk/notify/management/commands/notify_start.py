from django.core.management.base import BaseCommand

from fairdesk.notify.tasks import ticker_start


class Command(BaseCommand):
    help = "Start (or restart after a crash) the message sending tick that `db_worker` runs every second."

    def add_arguments(self, parser):
        parser.add_argument("--lanes", type=int, default=1, help="parallel sending chains (one per worker)")

    def handle(self, *args, **options):
        generation = ticker_start(lanes=max(1, options["lanes"]))
        self.stdout.write(f"notify tick generation {generation} enqueued ({options['lanes']} lane(s))")
