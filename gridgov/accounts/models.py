"""Users, roles and memberships (user × region/unit × role), and API tokens for other systems."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import mask_from_last4, pii_columns


class RoleCode(models.TextChoices):
    RESIDENT = "resident", _("居民")
    MOBILE_VOLUNTEER = "mobile_volunteer", _("流动网格员")
    GRID_WORKER = "grid_worker", _("网格员")
    BUILDING_HEAD = "building_head", _("楼栋长")
    GRID_CHIEF = "grid_chief", _("网格长")
    CENTER_DISPATCHER = "center_dispatcher", _("综治中心调度员")
    CENTER_LEADER = "center_leader", _("综治中心领导")
    DEPARTMENT_HANDLER = "department_handler", _("部门处置人员")
    MEDIATOR = "mediator", _("调解员")
    EMERGENCY_RESPONDER = "emergency_responder", _("应急队员")
    ADMIN = "admin", _("系统管理员")


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone_enc, phone_hash, phone_last4 = pii_columns()
    is_system = models.BooleanField(_("系统账号"), default=False, help_text=_("供其他系统通过 API 令牌接入"))
    failed_login_count = models.PositiveIntegerField(_("连续登录失败次数"), default=0, editable=False)
    last_failed_login_at = models.DateTimeField(_("最近登录失败时间"), null=True, blank=True, editable=False)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def phone_masked(self) -> str:
        return mask_from_last4("phone", self.phone_last4)


class Role(models.Model):
    """A role carries RuoYi-style permission codes (`module:entity:action`, `*` wildcards)."""

    code = models.CharField(_("角色编码"), max_length=40, unique=True)
    name = models.CharField(_("角色名称"), max_length=50)
    permissions = models.JSONField(_("权限标识"), default=list, blank=True)
    is_staff_role = models.BooleanField(_("工作人员角色"), default=True, help_text=_("居民与志愿者角色为否"))
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """The user acts in this role for this region subtree (and, for staff of a unit, that unit)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="memberships")
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("管辖区域"), on_delete=models.PROTECT, related_name="memberships"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region", "unit"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.region.name}"


class ApiToken(models.Model):
    """A secret for another system. Only its SHA-256 is stored; the clear token is shown once."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PhoneCode(models.Model):
    """A one-time log-in code sent to a mobile number (stored hashed; five tries; ten minutes)."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")


class TotpDevice(models.Model):
    """动态口令: a staff member's authenticator app (TOTP, RFC 6238). The shared secret is kept encrypted under the PII
    key (re-keyed with it); `last_step` is the last 30-second step a code was accepted for, so a code is never
    accepted twice. Until `confirmed_at` (a first code typed back) it is only being set up."""

    user = models.OneToOneField(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="totp")
    secret_enc = models.TextField(editable=False)
    confirmed_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    last_step = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("动态口令")
        verbose_name_plural = _("动态口令")

    def __str__(self) -> str:
        return f"{self.user} 的动态口令"
