"""Check the live plan configuration for unfair terms; print each finding with where it is; exit 1 if any.

Checks: direction- or timing-dependent change rules (or not exactly one rule), auto-renew on by default, a
renewal reminder later than 5 days before renewal, a downgrade/cancel/refund path longer than the upgrade
path, refunds forced to credit, and price versions that take effect without the notice period. Also every
customer-facing text held as data (plan names, descriptions and benefits, bot answers, published rules, page
texts: the sources registered with core.text_audit) for forbidden format clauses (《合同行政监督管理办法》
Arts. 6-8): `UNFAIR [clause:<id>] <model> #<pk> <field>: <sentence> (<article>)`.

`--clauses-file FILE` audits only a draft UTF-8 text file for those clauses, one finding per line with its
line number and the article; exit 1 if any, else a "no forbidden clauses" line."""

import json

from django.core.management.base import BaseCommand, CommandError

from fairdesk.plans.fairness import audit, draft_findings


class Command(BaseCommand):
    help = "Audit plan terms for unfair rules; non-zero exit status when anything is found."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object per finding")
        parser.add_argument(
            "--clauses-file",
            metavar="FILE",
            help="audit a draft UTF-8 text file for forbidden format clauses",
        )

    def handle(self, *args, **options):
        if options["clauses_file"]:
            return self.draft(options["clauses_file"], as_json=options["json"])
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

    def draft(self, path: str, *, as_json: bool) -> None:
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"audit_fairness: cannot read {path}: {error}") from error
        findings = draft_findings(text, path)
        for finding in findings:
            if as_json:
                self.stdout.write(json.dumps(finding.__dict__, ensure_ascii=False))
            else:
                self.stdout.write(f"UNFAIR [{finding.code}] {finding.where}: {finding.message}")
        if findings:
            self.stderr.write(f"audit_fairness: {len(findings)} forbidden clause(s) in {path}")
            raise SystemExit(1)
        self.stdout.write(f"audit_fairness: no forbidden clauses in {path}")
