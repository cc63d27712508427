"""Check the live plan configuration for unfair terms; print each finding with where it is; exit 1 if any.

Checks: direction- or timing-dependent change rules (or not exactly one rule), auto-renew on by default, a
renewal reminder later than 5 days before renewal, a downgrade/cancel/refund path longer than the upgrade
path, refunds forced to credit, and price versions that take effect without the notice period."""

import json

from django.core.management.base import BaseCommand

from fairdesk.plans.fairness import audit


class Command(BaseCommand):
    help = "Audit plan terms for unfair rules; non-zero exit status when anything is found."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object per finding")

    def handle(self, *args, **options):
        findings = audit()
        for finding in findings:
            if options["json"]:
                self.stdout.write(json.dumps(finding.__dict__, ensure_ascii=False))
            else:
                self.stdout.write(f"UNFAIR [{finding.code}] {finding.where}: {finding.message}")
        if findings:
            self.stderr.write(f"audit_fairness: {len(findings)} finding(s)")
            raise SystemExit(1)
        self.stdout.write("audit_fairness: no unfair terms found")
