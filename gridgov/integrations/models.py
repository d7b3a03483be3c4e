"""Device vendors and their devices' door (the reports accepted for later, Open311's tokens included, are
`cases.QueuedReport`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceVendor(models.Model):
    """A maker or platform of smart-care devices that pushes to `/api/v1/ingest/devices/<code>/`. Each request is
    signed with the vendor's secret (HMAC-SHA256 over the timestamp and the body); `adapter` reads its format."""

    class Adapter(models.TextChoices):
        GENERIC = "generic", _("gridgov 通用格式")
        CTWING = "ctwing", _("天翼物联 AEP 推送格式")

    code = models.SlugField(_("厂商编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    adapter = models.CharField(_("报文格式"), max_length=16, choices=Adapter.choices, default=Adapter.GENERIC)
    secret_enc = models.TextField(_("签名密钥(加密)"), editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("设备厂商接入")
        verbose_name_plural = _("设备厂商接入")

    def __str__(self) -> str:
        return self.name
