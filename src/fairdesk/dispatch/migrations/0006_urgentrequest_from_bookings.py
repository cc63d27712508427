"""UrgentRequest moves from bookings to dispatch (dispatch owns emergencies). State only: the table keeps its
name (bookings_urgentrequest) and every row, and Job.urgent keeps its foreign key to it. The content type is
renamed so the admin's history and permissions follow the model; events keep subject_type
"bookings.urgentrequest" (UrgentRequest.event_subject_type)."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import fairdesk.core.clock


def content_type_follows(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="dispatch", model="urgentrequest").exists():
        ContentType.objects.filter(app_label="bookings", model="urgentrequest").update(app_label="dispatch")


def content_type_returns(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="bookings", model="urgentrequest").exists():
        ContentType.objects.filter(app_label="dispatch", model="urgentrequest").update(app_label="bookings")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("bookings", "0003_urgent_held"),
        ("dispatch", "0005_visit_status"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="UrgentRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "reference",
                            models.CharField(
                                max_length=8,
                                unique=True,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[0-9A-HJKMNP-TV-Z]{8}$", "预约号是 8 位字母或数字。"
                                    )
                                ],
                                verbose_name="编号",
                            ),
                        ),
                        ("phone", models.CharField(max_length=16, verbose_name="手机号")),
                        ("contact_name", models.CharField(blank=True, max_length=64, verbose_name="联系人")),
                        ("address", models.CharField(max_length=200, verbose_name="地址")),
                        ("description", models.CharField(blank=True, max_length=300, verbose_name="情况说明")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("held", "等待热线人员确认"),
                                    ("queued", "已排队，等待派单"),
                                    ("assigned", "已派单"),
                                    ("closed", "已关闭"),
                                ],
                                default="queued",
                                max_length=16,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "client_ip",
                            models.GenericIPAddressField(blank=True, null=True, verbose_name="来源地址"),
                        ),
                        ("held_reason", models.CharField(blank=True, max_length=16, verbose_name="待确认原因")),
                        (
                            "created_at",
                            models.DateTimeField(
                                db_index=True, default=fairdesk.core.clock.now, verbose_name="创建时间"
                            ),
                        ),
                        (
                            "division",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="regions.division",
                                verbose_name="区划",
                            ),
                        ),
                        (
                            "station",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to="regions.station",
                                verbose_name="服务网点",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "紧急报修",
                        "verbose_name_plural": "紧急报修",
                        "db_table": "bookings_urgentrequest",
                        "ordering": ["created_at"],
                    },
                ),
                migrations.AlterField(
                    model_name="job",
                    name="urgent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="jobs",
                        to="dispatch.urgentrequest",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]
