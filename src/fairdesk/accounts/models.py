from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from fairdesk.accounts.phone import normalize_phone
from fairdesk.core import clock


class Role(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    AGENT = "agent", _("热线客服")  # answers the 24h hotline, books and cancels for callers
    DISPATCHER = "dispatcher", _("调度员")  # assigns technicians, plans routes
    TECHNICIAN = "technician", _("技师")  # works in the field from a phone
    MANAGER = "manager", _("经理")  # configures catalog, stations, policies
    AUDITOR = "auditor", _("审计员")  # outside reviewer: read-only access to rules, events, statistics


STAFF_ROLES = frozenset({Role.AGENT, Role.DISPATCHER, Role.TECHNICIAN, Role.MANAGER, Role.AUDITOR})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **fields) -> User:
        user = self.model(phone=normalize_phone(phone), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()  # customers sign in with a one-time SMS code
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields) -> User:
        fields.setdefault("role", Role.MANAGER)
        fields["is_superuser"] = True
        return self.create_user(phone, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Everybody is identified by a mobile number; staff additionally have a role and a password."""

    phone = models.CharField(
        _("手机号"), max_length=16, unique=True, help_text=_("E.164 格式，例如 +8613812345678")
    )
    name = models.CharField(_("姓名"), max_length=64, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    language = models.CharField(
        _("语言"), max_length=8, choices=[("zh-hans", "简体中文"), ("en", "English")], default="zh-hans"
    )
    time_zone = models.CharField(_("时区"), max_length=64, default="Asia/Shanghai")
    is_active = models.BooleanField(_("有效"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=clock.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[choice.value for choice in Role]), name="user_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.phone} ({self.get_role_display()})"

    @property
    def is_staff(self) -> bool:
        """Admin access follows the role; customers never reach the back office."""
        return self.is_active and (self.role in STAFF_ROLES or self.is_superuser)

    def clean(self) -> None:
        super().clean()
        if self.phone:
            self.phone = normalize_phone(self.phone)


class ApiToken(models.Model):
    """A staff member's API token. Only a SHA-256 of the token is stored; the token is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    label = models.CharField(_("用途"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.label}"


class PhoneCode(models.Model):
    """A one-time SMS code. Only an HMAC of the code is stored; it expires and allows few guesses."""

    phone = models.CharField(_("手机号"), max_length=16, db_index=True)
    digest = models.CharField(_("摘要"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, db_index=True)
    expires_at = models.DateTimeField(_("过期时间"))
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("来源 IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"{self.phone} {clock.local(self.created_at):%H:%M:%S}"
