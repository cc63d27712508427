"""Set the catalog's one change rule: `immediate` or `end_of_period`, for every change alike."""

from django.core.management.base import BaseCommand, CommandError

from fairdesk.core.errors import DomainError
from fairdesk.plans.services import change_rule_set


class Command(BaseCommand):
    help = "Set when every plan change takes effect: immediate | end_of_period (the same in every direction)."

    def add_arguments(self, parser):
        parser.add_argument("effective", choices=["immediate", "end_of_period"])

    def handle(self, *args, **options):
        try:
            rule = change_rule_set(effective=options["effective"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(f"change rule: {rule.effective} (every change)")
