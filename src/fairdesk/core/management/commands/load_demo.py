"""Demo data for `make run`: divisions, the demo coverage network and one account per staff role.

Idempotent: running it again changes nothing and reports the same figures.
"""

from importlib import resources

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from fairdesk.accounts.models import Role, User
from fairdesk.accounts.services import DEMO_PASSWORD, staff_create
from fairdesk.bookings.services import service_types_load_demo
from fairdesk.regions.models import Division
from fairdesk.regions.services import demo_coverage_load

DEMO_STAFF = [
    ("+8613900000001", "王经理", Role.MANAGER),
    ("+8613900000002", "李客服", Role.AGENT),
    ("+8613900000003", "张调度", Role.DISPATCHER),
    ("+8613900000004", "赵师傅", Role.TECHNICIAN),
    ("+8613900000005", "陈审计", Role.AUDITOR),
]


class Command(BaseCommand):
    help = "Load the demo: divisions (if missing), the demo service network and staff accounts."

    def handle(self, *args, **options):
        if not Division.objects.exists():
            call_command(
                "import_divisions", no_progress=options["verbosity"] < 2, verbosity=options["verbosity"]
            )
        lines = (
            (resources.files("fairdesk.regions") / "data" / "service_areas.txt")
            .read_text("utf-8")
            .splitlines()
        )
        report = demo_coverage_load(lines=lines)
        self.stdout.write(
            f"demo coverage: {report.lines} lines, {report.areas} new service areas, "
            f"{report.stations} stations"
        )
        for text, codes in report.replaced:
            self.stdout.write(f"  abolished, covered through successors: {text} -> {', '.join(codes)}")
        for number, text, reason in report.unresolved:
            self.stdout.write(self.style.WARNING(f"  line {number} not resolved: {text}: {reason}"))
        self.stdout.write(f"service types: {service_types_load_demo()} new")
        with transaction.atomic():
            for phone, name, role in DEMO_STAFF:
                if not User.objects.filter(phone=phone).exists():
                    user = staff_create(phone=phone, name=name, role=role, password=DEMO_PASSWORD)
                    if role == Role.MANAGER:
                        user.is_superuser = True
                        user.save(update_fields=["is_superuser"])
        from fairdesk.dispatch.services import technicians_load_demo

        self.stdout.write(f"technicians: {technicians_load_demo()} new (one per station, on shift)")
        from fairdesk.bookings.services import slots_ensure_ahead

        # Slots are made ahead by a periodic job; once here so a fresh demo can be booked at once.
        self.stdout.write(f"slots: {slots_ensure_ahead()} new (each station's booking horizon)")
        from fairdesk.plans.demo import plans_load_demo

        self.stdout.write(f"plans: {plans_load_demo()} new (one change rule for every change: immediate)")
        self.stdout.write(
            "demo staff (admin at /admin/, password "
            + DEMO_PASSWORD
            + "): "
            + ", ".join(f"{phone} {role.label}" for phone, _name, role in DEMO_STAFF)
        )
