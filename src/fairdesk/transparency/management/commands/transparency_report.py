"""`python manage.py transparency_report --from 2026-01-01 --to 2026-06-30 --json`: the transparency report on
stdout, the same bytes as `GET /api/v1/transparency/report` (its SHA-256 on stderr)."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from fairdesk.transparency import report


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Print the transparency report for business dates [--from, --to] (canonical JSON) to stdout."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--json", action="store_true", help="canonical JSON (the only format; default)")

    def handle(self, *args, date_from, date_to, **options):
        start, end = _date(date_from), _date(date_to)
        problem = report.check_range(start, end)
        if problem == "range_invalid":
            raise CommandError("--to is before --from")
        if problem == "range_too_long":
            raise CommandError("the range is longer than ten years")
        data = report.report_for(start, end)
        sys.stdout.buffer.write(report.render_json(data))
        sys.stdout.buffer.flush()
        self.stderr.write(f"sha256 {data['sha256']} events {data['events']}")
