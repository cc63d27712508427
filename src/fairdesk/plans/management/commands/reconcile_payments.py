"""Compare the payment provider's books with ours and settle what the written rule allows (see
`fairdesk.plans.reconcile`): one line per disagreement, `--json` for one JSON object per line; exit 1 while
anything remains unsettled."""

import datetime as dt
import json

from django.core.management.base import BaseCommand

from fairdesk.plans.reconcile import GRACE, reconcile


class Command(BaseCommand):
    help = "Reconcile payments with the provider; non-zero exit status while a disagreement is unsettled."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object per finding")
        parser.add_argument(
            "--grace-minutes",
            type=float,
            default=GRACE.total_seconds() / 60,
            help="leave pending payments younger than this alone (default: %(default)s)",
        )

    def handle(self, *args, **options):
        if options["grace_minutes"] < 0:
            self.stderr.write("reconcile_payments: --grace-minutes must not be negative")
            raise SystemExit(2)
        findings = reconcile(grace=dt.timedelta(minutes=options["grace_minutes"]))
        for finding in findings:
            if options["json"]:
                self.stdout.write(json.dumps(finding.as_dict(), ensure_ascii=False))
            else:
                self.stdout.write(finding.line())
        unsettled = sum(not f.settled for f in findings)
        summary = f"reconcile_payments: {len(findings)} finding(s), {len(findings) - unsettled} settled"
        if unsettled:
            self.stderr.write(f"{summary}, {unsettled} unsettled")
            raise SystemExit(1)
        self.stderr.write(summary)
