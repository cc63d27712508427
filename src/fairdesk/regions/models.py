from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

adcode_validator = RegexValidator(r"^\d{6}$", _("行政区划代码是 6 位数字。"))
phone_like_validator = RegexValidator(r"^[0-9+\-() ]{5,20}$", _("请输入有效的电话号码。"))


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("地级")
    COUNTY = "county", _("县级")


class Division(models.Model):
    """An administrative division (GB/T 2260) as it is or as it was.

    Each name a code carried is one row: renamed units keep their old row with `valid_until` set
    and `successor_codes` pointing at what replaced them, so old addresses still resolve.
    """

    code = models.CharField(_("区划代码"), max_length=6, validators=[adcode_validator], db_index=True)
    name = models.CharField(_("名称"), max_length=64, db_index=True)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    level = models.CharField(_("级别"), max_length=8, choices=Level.choices)
    province_code = models.CharField(_("省级代码"), max_length=6)
    province_name = models.CharField(_("省级名称"), max_length=64)
    # Empty for county-level units directly under a province (e.g. 琼海市) – there is no real city between.
    city_code = models.CharField(_("地级代码"), max_length=6, blank=True)
    city_name = models.CharField(_("地级名称"), max_length=64, blank=True)
    valid_from = models.PositiveSmallIntegerField(_("最早见于"), help_text=_("数据中最早出现的年份"))
    valid_until = models.PositiveSmallIntegerField(
        _("最后见于"), null=True, blank=True, help_text=_("撤销或更名前最后一年；现行区划为空")
    )
    successor_codes = models.JSONField(_("继承区划"), default=list, blank=True)
    has_counties = models.BooleanField(
        _("下设县级"), default=True, help_text=_("东莞、中山等不设县级的地级市为否")
    )
    lat = models.FloatField(
        _("中心纬度"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lng = models.FloatField(
        _("中心经度"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    outline = models.JSONField(
        _("简化边界"), null=True, blank=True, help_text=_("[[[lng, lat], ...], ...] 多个环")
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "name"], name="division_level_code_name_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="division_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        suffix = "" if self.is_current else f" ({_('已撤销')} {self.valid_until})"
        return f"{self.full_name}{suffix}"

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    @property
    def full_name(self) -> str:
        parts = [self.province_name]
        if self.level != Level.PROVINCE and self.city_name and self.city_name != self.province_name:
            parts.append(self.city_name)
        if self.level == Level.COUNTY or (self.level == Level.CITY and self.name not in parts):
            parts.append(self.name)
        return "".join(dict.fromkeys(parts))


class Station(models.Model):
    """A service station (服务网点): where technicians start from and whose hotline customers call."""

    name = models.CharField(_("网点名称"), max_length=64, unique=True)
    address = models.CharField(_("地址"), max_length=200)
    division = models.ForeignKey(
        Division, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="stations"
    )
    lat = models.FloatField(_("纬度"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("经度"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    hotline = models.CharField(_("24小时热线"), max_length=20, validators=[phone_like_validator])
    opening_hours = models.CharField(_("营业时间"), max_length=100, default="00:00-24:00")
    is_active = models.BooleanField(_("营业中"), default=True)
    covers = models.ManyToManyField(
        Division, through="ServiceArea", related_name="covering_stations", verbose_name=_("覆盖区划")
    )

    class Meta:
        verbose_name = _("服务网点")
        verbose_name_plural = _("服务网点")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.division_id and not self.division.is_current:
            raise ValidationError({"division": _("网点必须位于现行行政区划内。")})


class ServiceArea(models.Model):
    """A station covers a division. Several stations may cover one division; the nearest one serves."""

    station = models.ForeignKey(
        Station, verbose_name=_("服务网点"), on_delete=models.CASCADE, related_name="areas"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("覆盖区划"), on_delete=models.PROTECT, related_name="service_areas"
    )
    source_text = models.CharField(
        _("原始写法"), max_length=100, blank=True, help_text=_("导入时的原始地址文本")
    )

    class Meta:
        verbose_name = _("服务区域")
        verbose_name_plural = _("服务区域")
        constraints = [
            models.UniqueConstraint(fields=["station", "division"], name="service_area_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.station} → {self.division}"

    def clean(self) -> None:
        if self.division_id and not self.division.is_current:
            raise ValidationError({"division": _("只能覆盖现行行政区划；已撤销的区划请改用其继承区划。")})
        if self.division_id and self.division.level == Level.PROVINCE:
            raise ValidationError({"division": _("服务区域须为地级或县级区划。")})


class Precision(models.TextChoices):
    """How close a stored point is to the door. `district` is the division's centre: approximate."""

    ROOFTOP = "rooftop", _("门牌")
    STREET = "street", _("街道")
    TOWN = "town", _("乡镇")
    DISTRICT = "district", _("区县中心（大致位置）")


class Located(models.Model):
    """Where to go: a point in WGS-84, its precision and where it came from (a provider such as `amap`, the
    customer's pin `customer`, or the division's centre `district`, approximate)."""

    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    precision = models.CharField(
        _("位置精度"), max_length=8, choices=Precision.choices, default=Precision.DISTRICT
    )
    source = models.CharField(_("位置来源"), max_length=16, blank=True)

    class Meta:
        abstract = True

    @property
    def approximate(self) -> bool:
        return self.lat is None or self.precision == Precision.DISTRICT

    def point_set(self, point) -> None:
        self.lat, self.lng, self.precision, self.source = point.lat, point.lng, point.precision, point.source

    @property
    def point(self) -> tuple[float, float]:
        """(lat, lng): the stored point, else the division's centre."""
        if self.lat is not None and self.lng is not None:
            return self.lat, self.lng
        return self.division.lat, self.division.lng

    @property
    def navigation_url(self) -> str:
        from fairdesk.regions.geocoding import navigation_url

        return navigation_url(lat=self.lat, lng=self.lng, precision=self.precision, address=self.address)


class GeocodeCache(models.Model):
    """A provider's answer for one normalized address, in WGS-84 (converted from the provider's system)."""

    address = models.CharField(_("地址（规范化）"), max_length=200)
    provider = models.CharField(_("服务商"), max_length=16)
    lat = models.FloatField(_("纬度"))
    lng = models.FloatField(_("经度"))
    precision = models.CharField(_("精度"), max_length=8, choices=Precision.choices)
    level = models.CharField(_("服务商级别"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("地理编码缓存")
        verbose_name_plural = _("地理编码缓存")
        constraints = [models.UniqueConstraint(fields=["address", "provider"], name="geocode_cache_unique")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.address}"


class CoverageDemand(models.Model):
    """Someone asked for service where there is none yet: what they typed, the division it resolved to (if it
    did), a phone to call back when the area opens (if given) and when. The business sees these in the admin
    (by division) to decide where to open next; nothing is promised to the customer."""

    address = models.CharField(_("地址"), max_length=200)
    division = models.ForeignKey(
        Division,
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    phone = models.CharField(_("手机号"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("未覆盖地区的服务需求")
        verbose_name_plural = _("未覆盖地区的服务需求")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.address
