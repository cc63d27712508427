from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock


class ServiceType(models.Model):
    """What a customer can book: how long it takes, who may do it, whether it is an emergency."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=80)
    duration_minutes = models.PositiveSmallIntegerField(
        _("时长（分钟）"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    skill = models.SlugField(_("所需技能"), max_length=40)
    emergency = models.BooleanField(_("紧急服务"), default=False)
    price_estimate_fen = models.PositiveIntegerField(_("参考价（分）"))
    is_active = models.BooleanField(_("可预约"), default=True)
    # Opening a lock or a safe for someone: the technician records who the customer is (开锁登记) before
    # the job can be marked done (dispatch.OpeningRecord).
    requires_opening_record = models.BooleanField(_("需要开锁登记"), default=False)

    class Meta:
        verbose_name = _("服务类型")
        verbose_name_plural = _("服务类型")
        ordering = ["-emergency", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name


class StationSchedule(models.Model):
    """How a station's day is cut into bookable windows and how many visits each window takes.

    The capacity is the number of technicians on shift for booked visits; a dispatcher sets it here until
    shifts are planned in the dispatch app.
    """

    station = models.OneToOneField(
        "regions.Station", verbose_name=_("服务网点"), on_delete=models.CASCADE, related_name="schedule"
    )
    opens_at = models.TimeField(_("首个时段开始"), default=dt.time(8, 0))
    closes_at = models.TimeField(_("最后时段结束"), default=dt.time(20, 0))
    window_minutes = models.PositiveSmallIntegerField(
        _("时段长度（分钟）"), default=120, validators=[MinValueValidator(30), MaxValueValidator(480)]
    )
    capacity_per_window = models.PositiveSmallIntegerField(
        _("每个时段可约数"), default=2, validators=[MaxValueValidator(200)]
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("可提前预约天数"), default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )

    class Meta:
        verbose_name = _("网点排班")
        verbose_name_plural = _("网点排班")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="schedule_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class Slot(models.Model):
    """One bookable window at one station. `booked` never exceeds `capacity`: a database constraint, and every
    booking takes its place with one conditional UPDATE (no read-then-write race)."""

    station = models.ForeignKey(
        "regions.Station", verbose_name=_("服务网点"), on_delete=models.CASCADE, related_name="slots"
    )
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("容量"))
    booked = models.PositiveSmallIntegerField(_("已约"), default=0)

    class Meta:
        verbose_name = _("时段")
        verbose_name_plural = _("时段")
        ordering = ["station", "start"]
        constraints = [
            models.UniqueConstraint(fields=["station", "start"], name="slot_station_start_unique"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="slot_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} {clock.local(self.start):%Y-%m-%d %H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已确认")  # holds a place in its slot
    CANCELLED = "cancelled", _("已取消")  # place given back; final
    COMPLETED = "completed", _("已完成")  # visit done; final


class CancelReason(models.TextChoices):
    """Why a booking was cancelled: the code the page or the API chose (events and statistics hold this; what
    the person typed stays on the booking as `cancel_note`)."""

    CUSTOMER_REQUEST = "customer_request", _("客户要求取消")  # on their page, by API, or on the phone
    UNABLE_TO_SERVE = "unable_to_serve", _("无法上门服务")  # the business cannot come
    OTHER = "other", _("其他原因")


reference_validator = RegexValidator(r"^[0-9A-HJKMNP-TV-Z]{8}$", _("预约号是 8 位字母或数字。"))


class Booking(models.Model):
    reference = models.CharField(_("预约号"), max_length=8, unique=True, validators=[reference_validator])
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="bookings"
    )
    contact_name = models.CharField(_("联系人"), max_length=64)
    service_type = models.ForeignKey(ServiceType, verbose_name=_("服务类型"), on_delete=models.PROTECT)
    slot = models.ForeignKey(Slot, verbose_name=_("时段"), on_delete=models.PROTECT, related_name="bookings")
    station = models.ForeignKey("regions.Station", verbose_name=_("服务网点"), on_delete=models.PROTECT)
    division = models.ForeignKey("regions.Division", verbose_name=_("区划"), on_delete=models.PROTECT)
    address = models.CharField(_("地址"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    price_estimate_fen = models.PositiveIntegerField(_("参考价（分）"))
    # Set when cancelled: the reason's code, and what the person typed (never copied into an event).
    cancel_reason = models.CharField(_("取消原因"), max_length=24, choices=CancelReason.choices, blank=True)
    cancel_note = models.CharField(_("取消说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["customer", "status"])]

    def __str__(self) -> str:
        return self.reference


class CallNote(models.Model):
    """What a hotline agent noted during a call."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_notes"
    )
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("通话记录"), max_length=2000)
    created_at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("通话记录")
        verbose_name_plural = _("通话记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.customer} {clock.local(self.created_at):%Y-%m-%d %H:%M}"
