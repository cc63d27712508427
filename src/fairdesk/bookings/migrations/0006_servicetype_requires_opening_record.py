"""Opening a lock or a safe needs the opening record (开锁登记): the demo's opening types are marked so."""

from django.db import migrations, models

OPENING_CODES = ("lockout-emergency", "safe-opening")


def mark_opening_types(apps, schema_editor):
    ServiceType = apps.get_model("bookings", "ServiceType")
    ServiceType.objects.filter(code__in=OPENING_CODES).update(requires_opening_record=True)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0005_booking_cancel_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicetype",
            name="requires_opening_record",
            field=models.BooleanField(default=False, verbose_name="需要开锁登记"),
        ),
        migrations.RunPython(mark_opening_types, migrations.RunPython.noop),
    ]
