"""A cancellation's reason lives on the booking (issue 10: no prose in event payloads).

Until now the typed reason was stored only in the `booking.cancelled` event's payload; the event table is
append-only, so the words are copied onto the bookings here (the events are read without them, see
bookings/events.py). Every earlier cancellation was the customer's: the pages sent "customer" (their page) or
"caller asked" (the hotline), which are codes, not notes."""

from django.db import migrations, models

PAGE_CODES = {"", "customer", "caller asked"}


def reasons_onto_bookings(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    Event = apps.get_model("core", "Event")
    cancelled = Event.objects.filter(kind="booking.cancelled", subject_type="bookings.booking")
    cancelled = cancelled.order_by("at", "id")
    notes = {}
    for event in cancelled.iterator():
        reason = str((event.payload or {}).get("reason") or "").strip()
        notes[event.subject_id] = "" if reason in PAGE_CODES else reason[:200]
    for booking in Booking.objects.filter(status="cancelled").only("pk").iterator():
        Booking.objects.filter(pk=booking.pk).update(
            cancel_reason="customer_request", cancel_note=notes.get(str(booking.pk), "")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0004_urgentrequest_to_dispatch"),
        ("core", "0005_taskchain"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="cancel_note",
            field=models.CharField(blank=True, max_length=200, verbose_name="取消说明"),
        ),
        migrations.AddField(
            model_name="booking",
            name="cancel_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("customer_request", "客户要求取消"),
                    ("unable_to_serve", "无法上门服务"),
                    ("other", "其他原因"),
                ],
                max_length=24,
                verbose_name="取消原因",
            ),
        ),
        migrations.RunPython(reasons_onto_bookings, migrations.RunPython.noop),
    ]
