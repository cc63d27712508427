"""`python manage.py complaints_export --from 2026-01-01 --to 2026-06-30 --format csv|json`: the regulator
export on stdout, the same bytes as `GET /api/v1/complaints/export` (its SHA-256 on stderr)."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from fairdesk.complaints.export import FORMATS, export_bytes


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Write the complaints export (one row per complaint received in the date range) to stdout."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv")

    def handle(self, *args, date_from, date_to, fmt, **options):
        start, end = _date(date_from), _date(date_to)
        if end < start:
            raise CommandError("--to is before --from")
        body, digest = export_bytes(date_from=start, date_to=end, fmt=fmt)
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        self.stderr.write(f"sha256 {digest}")
