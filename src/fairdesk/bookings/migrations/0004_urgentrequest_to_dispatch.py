"""UrgentRequest leaves bookings' state (dispatch owns it now, same table: see
dispatch/migrations/0006_urgentrequest_from_bookings). State only; no table is touched. This migration runs
after dispatch's, so no model in the state still points at bookings.urgentrequest when it goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0003_urgent_held"),
        ("dispatch", "0006_urgentrequest_from_bookings"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="UrgentRequest")],
            database_operations=[],
        ),
    ]
