"""The published rules (versioned documents, never edited once in force) and appeals against a provider score.

A rule document says in words, in Chinese and English, a rule that decides something for a customer. Its
versions are rows with the same `code`: a version is written before it takes effect (`effective_from`) and is
never changed or deleted after that moment; a change is a new version with a later `effective_from`, which
never applies to what happened before it (`transparency.selectors.rule_version_at`)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock

code_validator = RegexValidator(r"^[a-z][a-z0-9_]{1,39}$", _("规则代码只能用小写字母、数字和下划线。"))


class RuleDocument(models.Model):
    code = models.CharField(_("规则代码"), max_length=40, validators=[code_validator])
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=120)
    title_en = models.CharField(_("标题（英文）"), max_length=200)
    body = models.TextField(_("正文"))
    body_en = models.TextField(_("正文（英文）"))
    effective_from = models.DateTimeField(
        _("生效时间"), help_text=_("北京时间；生效后不能再修改，只能发布新版本。")
    )
    stats_anchor = models.CharField(
        _("统计栏目"),
        max_length=40,
        blank=True,
        help_text=_("透明度报告中衡量这条规则的栏目（/transparency/#栏目）"),
    )
    recorded_in = models.CharField(
        _("记录于事件字段"),
        max_length=160,
        blank=True,
        help_text=_("按这条规则做出的决定在哪个事件字段里记录版本"),
    )
    # Numbers the rule's code reads (the provider score's weights); shown on the rule page.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)

    class Meta:
        verbose_name = _("公开规则")
        verbose_name_plural = _("公开规则")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="rule_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def save(self, *args, **kwargs):
        stored = self._stored()
        if stored is not None and stored.in_force():
            raise ValidationError(
                f"rule {stored}: in force since {stored.effective_from}; publish a new version"
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.in_force():
            raise ValidationError(f"rule {self}: in force, never deleted")
        return super().delete(*args, **kwargs)

    def in_force(self, at=None) -> bool:
        return self.effective_from <= (at or clock.now())

    def display_title(self, language: str | None = None) -> str:
        return self.title_en if _english(language) and self.title_en else self.title

    def display_body(self, language: str | None = None) -> str:
        return self.body_en if _english(language) and self.body_en else self.body

    def _stored(self) -> RuleDocument | None:
        if self.pk is None:
            return None
        return RuleDocument.objects.filter(pk=self.pk).first()

    def clean(self) -> None:
        stored = self._stored()
        if stored is not None and stored.in_force():
            raise ValidationError(_("这个版本已经生效，不能修改；请发布新版本。"))
        if self.effective_from is None or not self.code:
            return
        # A version never reaches back: it takes effect from now on (the demo's first versions, which record
        # rules already applied, are written by the loader without this check), after every earlier version.
        if self.effective_from < clock.now():
            raise ValidationError({"effective_from": _("新版本不能追溯生效：生效时间必须晚于现在。")})
        latest = (
            RuleDocument.objects.filter(code=self.code)
            .exclude(pk=self.pk)
            .order_by("-effective_from")
            .first()
        )
        if latest is not None and self.effective_from <= latest.effective_from:
            raise ValidationError({"effective_from": _("新版本的生效时间必须晚于之前的版本。")})


def _english(language: str | None) -> bool:
    if language is None:
        language = translation.get_language() or ""
    return language.lower().startswith("en")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("申诉成立（将更正）")
    REJECTED = "rejected", _("申诉不成立")


class ScoreAppeal(models.Model):
    """A station's appeal against its provider score, recorded by a manager (stations have no login) and
    answered by a manager. The words stay here; the events carry codes and `has_note`."""

    station = models.ForeignKey(
        "regions.Station", verbose_name=_("服务网点"), on_delete=models.PROTECT, related_name="score_appeals"
    )
    period_from = models.DateField(_("期间开始"))
    period_to = models.DateField(_("期间结束"))
    rule_version = models.PositiveIntegerField(_("评分规则版本"))
    score = models.PositiveSmallIntegerField(_("申诉时的分数"), null=True, blank=True)
    reason = models.TextField(_("申诉理由"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)
    outcome = models.CharField(_("答复结果"), max_length=12, choices=AppealOutcome.choices, blank=True)
    answer = models.TextField(_("答复"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分申诉")
        verbose_name_plural = _("评分申诉")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.station} {self.period_from}–{self.period_to}"
