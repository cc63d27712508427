"""Print a new staff API token (and nothing else), for `Authorization: Bearer <token>`."""

from django.core.management.base import BaseCommand, CommandError

from fairdesk.accounts.models import STAFF_ROLES, Role, User
from fairdesk.accounts.phone import normalize_phone
from fairdesk.accounts.services import api_token_create, staff_create


class Command(BaseCommand):
    help = "Create an API token for a staff user of the given role and print only the token."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=sorted(r.value for r in STAFF_ROLES))
        parser.add_argument(
            "--phone", help="the staff member's phone; default: the first active user of the role"
        )
        parser.add_argument("--label", default="cli")

    def handle(self, *args, **options):
        role = options["role"]
        users = User.objects.filter(role=role, is_active=True).order_by("id")
        if options["phone"]:
            user = users.filter(phone=normalize_phone(options["phone"])).first()
            if user is None:
                raise CommandError(f"no active {role} with phone {options['phone']}")
        else:
            user = users.first() or staff_create(
                phone=f"+86199{Role.values.index(role):08d}",
                name=f"API {role}",
                role=role,
                password=None,
            )
        self.stdout.write(api_token_create(user=user, label=options["label"]))
