from django.core.management.base import BaseCommand

from fairdesk.notify.tasks import ticker_start


class Command(BaseCommand):
    help = "Start (or restart after a crash) the message sending tick that `db_worker` runs every second."

    def handle(self, *args, **options):
        self.stdout.write(f"notify tick generation {ticker_start()} enqueued")
