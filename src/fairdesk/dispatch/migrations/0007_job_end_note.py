"""Job.note is the reason a job ended early (declined or handed over), renamed `end_note` beside the job's
notes (JobNote). Offers that expired stored the English words "no answer" there; the status says it."""

from django.db import migrations, models


def no_prose_for_expiry(apps, schema_editor):
    Job = apps.get_model("dispatch", "Job")
    Job.objects.filter(status="expired", end_note="no answer").update(end_note="")


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0006_urgentrequest_from_bookings"),
    ]

    operations = [
        migrations.RenameField(model_name="job", old_name="note", new_name="end_note"),
        migrations.AlterField(
            model_name="job",
            name="end_note",
            field=models.CharField(blank=True, max_length=300, verbose_name="结束原因"),
        ),
        migrations.RunPython(no_prose_for_expiry, migrations.RunPython.noop),
    ]
