"""Start (or restart) every background chain: the message sending lanes and the scheduler's lanes."""

from django.core.management.base import BaseCommand

from fairdesk.core import chains, periodic


class Command(BaseCommand):
    help = "Start (or restart) the background chains (sending lanes, scheduler lanes) and list the schedule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--notify-lanes", type=int, default=None, help="parallel sending chains (one per worker process)"
        )

    def handle(self, *args, **options):
        for chain_kind in chains.kinds():
            lanes = None
            if chain_kind.kind == "notify" and options["notify_lanes"]:
                lanes = list(range(max(1, options["notify_lanes"])))
            generation = chains.start(chain_kind.kind, lanes=lanes)
            count = len(lanes) if lanes is not None else len(chain_kind.lanes())
            self.stdout.write(f"{chain_kind.kind}: generation {generation} enqueued ({count} lane(s))")
        for job in sorted(periodic.jobs(), key=lambda job: (job.lane, job.every_seconds, job.name)):
            self.stdout.write(f"  periodic {job.name}: every {job.every_seconds:g} s on lane {job.lane}")
