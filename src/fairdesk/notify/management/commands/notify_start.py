from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Start (or restart) the background chains: message sending (`--lanes` of them) and the scheduler. "
        "Workers also start chains that never ran or whose worker died, so this is rarely needed by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lanes", type=int, default=None, help="parallel sending chains (one per worker)"
        )

    def handle(self, *args, **options):
        call_command("worker_start", notify_lanes=options["lanes"], stdout=self.stdout)
