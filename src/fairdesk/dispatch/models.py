from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from fairdesk.bookings.models import reference_validator
from fairdesk.core import clock
from fairdesk.regions.models import Located


class UrgentStatus(models.TextChoices):
    # Over a limit (too many from one phone or one client address): stored, never dropped, but no technician
    # is offered and no SMS is sent until a hotline agent has called back and confirmed it.
    HELD = "held", _("等待热线人员确认")
    QUEUED = "queued", _("已排队，等待派单")  # created or confirmed; dispatch offers it to a technician
    ASSIGNED = "assigned", _("已派单")  # a technician has (or is being offered) the job
    CLOSED = "closed", _("已关闭")  # the job is done; final


# Which status may follow which (dispatch.services.urgent_move refuses anything else). ASSIGNED → ASSIGNED is
# a re-offer (declined, expired or a dispatcher's override): no change, no event. A dispatcher may send a
# technician to a held or queued request at once.
URGENT_TRANSITIONS = {
    UrgentStatus.HELD: {UrgentStatus.QUEUED, UrgentStatus.ASSIGNED},
    UrgentStatus.QUEUED: {UrgentStatus.ASSIGNED},
    UrgentStatus.ASSIGNED: {UrgentStatus.ASSIGNED, UrgentStatus.CLOSED},
}


class UrgentRequest(Located):
    """Need help now: created at once, before any verification, so nobody waits for a code.

    Moved here from bookings (dispatch owns emergencies); its table keeps the name it was created with, and
    its events keep their subject type, so rows written before the move read the same."""

    # core.services.event_record writes this as the events' subject_type (old events say so too).
    event_subject_type = "bookings.urgentrequest"

    reference = models.CharField(_("编号"), max_length=8, unique=True, validators=[reference_validator])
    phone = models.CharField(_("手机号"), max_length=16)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    address = models.CharField(_("地址"), max_length=200)
    description = models.CharField(_("情况说明"), max_length=300, blank=True)
    division = models.ForeignKey("regions.Division", verbose_name=_("区划"), on_delete=models.PROTECT)
    station = models.ForeignKey(
        "regions.Station", verbose_name=_("服务网点"), null=True, blank=True, on_delete=models.PROTECT
    )
    # What the customer needs, when they said (an emergency type: a lock-out, a safe); empty when unsure.
    service_type = models.ForeignKey(
        "bookings.ServiceType", verbose_name=_("服务类型"), null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=UrgentStatus.choices, default=UrgentStatus.QUEUED
    )
    # Where the request came from (the web client's address), to limit floods from one place.
    client_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    # Why it was held for a person to confirm: "phone" or "address" (the limit reached); empty otherwise.
    held_reason = models.CharField(_("待确认原因"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, db_index=True)
    # When it was escalated to the dispatcher: waiting past FAIRDESK_URGENT_ESCALATE_MINUTES with no accepted
    # job (services.urgent_escalate_due); it then heads the dispatcher's board with a sound.
    escalated_at = models.DateTimeField(_("升级给调度员"), null=True, blank=True)

    class Meta:
        db_table = "bookings_urgentrequest"
        verbose_name = _("紧急报修")
        verbose_name_plural = _("紧急报修")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.reference


class TechStatus(models.TextChoices):
    OFF = "off", _("休息")
    AVAILABLE = "available", _("空闲")
    EN_ROUTE = "en_route", _("在路上")
    ON_SITE = "on_site", _("在现场")


class Technician(models.Model):
    """A technician's working profile: home station, skills (service type skills), position and status."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="technician")
    station = models.ForeignKey("regions.Station", verbose_name=_("所属网点"), on_delete=models.PROTECT)
    skills = models.JSONField(_("技能"), default=list, help_text=_('例如 ["locks", "safes"]'))
    status = models.CharField(
        _("状态"), max_length=10, choices=TechStatus.choices, default=TechStatus.AVAILABLE
    )
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    position_at = models.DateTimeField(_("位置时间"), default=clock.now)
    busy_until = models.DateTimeField(_("预计空闲"), null=True, blank=True)

    class Meta:
        verbose_name = _("技师")
        verbose_name_plural = _("技师")
        indexes = [models.Index(fields=["lat", "lng"])]

    def __str__(self) -> str:
        return f"{self.user.name} ({self.station})"

    @property
    def given_name(self) -> str:
        """What customers see: the family name and 师傅 (王师傅), never the full name."""
        name = self.user.name or ""
        return name if name.endswith("师傅") else (name[:1] + "师傅" if name else "师傅")


class Shift(models.Model):
    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="shifts")
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="shift_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.technician} {clock.local(self.start):%m-%d %H:%M}"


class JobStatus(models.TextChoices):
    OFFERED = "offered", _("待接单")  # waiting for the technician's answer until respond_by
    ACCEPTED = "accepted", _("已接单")
    EN_ROUTE = "en_route", _("在路上")
    ON_SITE = "on_site", _("已到达")
    DONE = "done", _("已完成")
    DECLINED = "declined", _("已拒绝")  # final; the request goes to the next best technician
    EXPIRED = "expired", _("超时未接")  # final; likewise
    REASSIGNED = "reassigned", _("已改派")  # final; a dispatcher moved it


# Which status may follow which; anything else is refused.
JOB_TRANSITIONS = {
    JobStatus.OFFERED: {JobStatus.ACCEPTED, JobStatus.DECLINED, JobStatus.EXPIRED, JobStatus.REASSIGNED},
    JobStatus.ACCEPTED: {JobStatus.EN_ROUTE, JobStatus.REASSIGNED},
    JobStatus.EN_ROUTE: {JobStatus.ON_SITE, JobStatus.REASSIGNED},
    JobStatus.ON_SITE: {JobStatus.DONE},
}


class Job(models.Model):
    """One technician's part in an urgent request. The promise and the real arrival are both kept, so the
    30-minute on-time rate is measured, not claimed."""

    urgent = models.ForeignKey(UrgentRequest, on_delete=models.PROTECT, related_name="jobs")
    technician = models.ForeignKey(Technician, on_delete=models.PROTECT, related_name="jobs")
    status = models.CharField(_("状态"), max_length=12, choices=JobStatus.choices, default=JobStatus.OFFERED)
    eta_minutes = models.PositiveIntegerField(_("预计分钟"))
    promised_at = models.DateTimeField(_("承诺到达"))
    offered_at = models.DateTimeField(_("派单时间"), default=clock.now)
    respond_by = models.DateTimeField(_("接单截止"))
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Why the job ended before done, as the technician typed it (a decline's or a handover's reason); kept
    # here, never in an event (the event says `has_note`). Empty when an offer expired unanswered.
    end_note = models.CharField(_("结束原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-offered_at"]

    def __str__(self) -> str:
        return f"{self.urgent} → {self.technician}"

    @property
    def within_30(self) -> bool | None:
        if self.arrived_at is None:
            return None
        return (self.arrived_at - self.urgent.created_at).total_seconds() <= 30 * 60


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("已排程")
    EN_ROUTE = "en_route", _("在路上")
    ON_SITE = "on_site", _("已到达")
    DONE = "done", _("已完成")


VISIT_TRANSITIONS = {
    VisitStatus.PLANNED: {VisitStatus.EN_ROUTE},
    VisitStatus.EN_ROUTE: {VisitStatus.ON_SITE},
    VisitStatus.ON_SITE: {VisitStatus.DONE},
}


class VisitPlan(models.Model):
    """Where a booked visit sits in a technician's planned day, and the narrowed window the customer gets."""

    booking = models.OneToOneField("bookings.Booking", on_delete=models.CASCADE, related_name="visit_plan")
    technician = models.ForeignKey(Technician, on_delete=models.PROTECT, related_name="visit_plans")
    day = models.DateField(_("日期"), db_index=True)
    sequence = models.PositiveSmallIntegerField(_("顺序"))
    planned_start = models.DateTimeField(_("计划开始"))
    window_start = models.DateTimeField(_("告知窗口开始"))
    window_end = models.DateTimeField(_("告知窗口结束"))
    travel_km = models.FloatField(_("路线里程"), default=0)
    travel_minutes = models.FloatField(_("前往用时（分钟）"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    planned_at = models.DateTimeField(_("规划时间"), default=clock.now)

    class Meta:
        verbose_name = _("上门计划")
        verbose_name_plural = _("上门计划")
        ordering = ["day", "technician", "sequence"]

    def __str__(self) -> str:
        return f"{self.day} {self.technician} #{self.sequence}"


class PlanRun(models.Model):
    """One planning of one day (all stations): makes the evening run happen exactly once."""

    day = models.DateField(_("日期"), unique=True)
    started_at = models.DateTimeField(_("开始"), default=clock.now)
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("规划批次")
        verbose_name_plural = _("规划批次")

    def __str__(self) -> str:
        return str(self.day)


def _photo_path(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "jpg"
    return f"jobs/{instance.job_id}/{uuid.uuid4().hex}.{suffix}"


class JobNote(models.Model):
    """What the technician wrote or photographed on the job; kept with the job when it is handed over."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("记录"), max_length=1000, blank=True)
    photo = models.FileField(_("照片"), upload_to=_photo_path, blank=True)
    created_at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.job} {clock.local(self.created_at):%H:%M}"


# ------------------------------------------------------------------------------ lawful opening (开锁登记)


class DocumentType(models.TextChoices):
    """The customer's identity document the technician saw; only its type and last 4 characters are kept."""

    ID_CARD = "id_card", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    FOREIGN_RESIDENCE = "foreign_residence", _("外国人永久居留身份证")
    OTHER = "other", _("其他有效证件")


class ProofKind(models.TextChoices):
    RESIDENCE = "residence", _("居住证明（如租房合同、水电费单）")
    OWNERSHIP = "ownership", _("所有权证明（如房产证、购买凭证）")


class WitnessRole(models.TextChoices):
    PROPERTY_MANAGER = "property_manager", _("物业管理人员")
    NEIGHBOUR = "neighbour", _("邻居")


# Where a province has no rule of its own: no witness required, kept three months.
DEFAULT_RETENTION_DAYS = 90


class ProvinceOpeningRule(models.Model):
    """A province's rule for opening records: whether a witness must be present and how long records are
    kept (at least; then the periodic purge deletes them). A province without a row takes the default."""

    province_code = models.CharField(
        _("省级代码"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{2}0000$")]
    )
    witness_required = models.BooleanField(_("需要见证人"), default=False)
    retention_days = models.PositiveSmallIntegerField(
        _("保存天数"),
        default=DEFAULT_RETENTION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )

    class Meta:
        verbose_name = _("省级开锁登记规则")
        verbose_name_plural = _("省级开锁登记规则")
        ordering = ["province_code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_days__gte=1), name="opening_rule_retention_positive"
            )
        ]

    def __str__(self) -> str:
        return self.province_code


def _proof_path(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "jpg"
    return f"opening/{uuid.uuid4().hex}.{suffix}"


class OpeningRecord(models.Model):
    """开锁登记: who the customer is and why they may have this lock or safe opened, recorded by the
    technician before the job can be done. Never changed after it is written (no service edits it, the admin
    is read-only, `save` refuses an update); deleted with its photo by the periodic purge after
    `keep_until`, which leaves only the event that it existed. Never the full document number: only its
    type and last 4 characters."""

    job = models.OneToOneField(
        Job, null=True, blank=True, on_delete=models.PROTECT, related_name="opening_record"
    )
    visit = models.OneToOneField(
        VisitPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="opening_record"
    )
    station = models.ForeignKey("regions.Station", verbose_name=_("服务网点"), on_delete=models.PROTECT)
    province_code = models.CharField(_("省级代码"), max_length=6)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记技师"), on_delete=models.PROTECT, related_name="+"
    )
    document_type = models.CharField(_("证件类型"), max_length=20, choices=DocumentType.choices)
    document_last4 = models.CharField(
        _("证件号码后4位"), max_length=4, validators=[RegexValidator(r"^[0-9A-Za-z]{4}$")]
    )
    proof_kind = models.CharField(_("证明类型"), max_length=12, choices=ProofKind.choices)
    proof_photo = models.FileField(_("证明照片"), upload_to=_proof_path)
    witness_role = models.CharField(_("见证人身份"), max_length=20, choices=WitnessRole.choices, blank=True)
    witness_name = models.CharField(_("见证人姓名"), max_length=40, blank=True)
    witness_phone = models.CharField(_("见证人电话"), max_length=16, blank=True)
    technician_confirmed = models.BooleanField(_("技师已核实"))
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)
    keep_until = models.DateTimeField(_("保存至"), db_index=True)

    class Meta:
        verbose_name = _("开锁登记")
        verbose_name_plural = _("开锁登记")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(job__isnull=False) & models.Q(visit__isnull=True))
                | (models.Q(job__isnull=True) & models.Q(visit__isnull=False)),
                name="opening_record_one_work",
            ),
            models.CheckConstraint(
                condition=Exact(Length("document_last4"), 4), name="opening_record_last4_only"
            ),
            models.CheckConstraint(
                condition=models.Q(technician_confirmed=True), name="opening_record_confirmed"
            ),
            models.CheckConstraint(
                condition=models.Q(keep_until__gt=models.F("created_at")), name="opening_record_kept"
            ),
        ]

    def __str__(self) -> str:
        day = clock.local(self.created_at)
        return f"{self.get_document_type_display()} ···{self.document_last4} {day:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("an opening record is never changed once written")
        super().save(*args, **kwargs)


class TravelTimeCache(models.Model):
    """A travel-time provider's answer for one pair of points (rounded to about 10 m) in one hour."""

    provider = models.CharField(_("服务商"), max_length=16)
    origin = models.CharField(_("起点"), max_length=24)  # "lat,lng" rounded to 4 decimals, WGS-84
    destination = models.CharField(_("终点"), max_length=24)
    hour = models.DateTimeField(_("小时"))
    seconds = models.PositiveIntegerField(_("用时（秒）"))
    metres = models.PositiveIntegerField(_("路程（米）"))

    class Meta:
        verbose_name = _("路程用时缓存")
        verbose_name_plural = _("路程用时缓存")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "origin", "destination", "hour"], name="travel_cache_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.origin} → {self.destination} @ {self.hour:%Y-%m-%d %H}h"
