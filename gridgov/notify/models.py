"""The outbox: a message is a row written in the same transaction as the change it announces; a task
delivers it. A worker that dies mid-delivery leaves the row claimed with a lease that expires, so another
worker delivers it: nothing is lost (a message may, rarely, be delivered twice).

A phone number or e-mail address is personal data: the outbox keeps it encrypted (`address_enc`, with its hash
for search) only until the message is sent or given up, and shows it masked in `address`."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import decrypt, pii_columns
from gridgov.core.timeutil import now


class Status(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


PHONE_LIKE = re.compile(r"\+?[\d\s\-()]{7,20}")


def personal_kind(channel: str, address: str) -> str | None:
    """The kind of personal data an address is ("phone", "email"), or None for a webhook URL or the like."""
    if not address or address.startswith(("http://", "https://")):
        return None
    if channel == "email" or "@" in address:
        return "email"
    if channel == "sms" or PHONE_LIKE.fullmatch(address):
        return "phone"
    return None


class Message(models.Model):
    PII_KIND_FIELDS = {"address": "address"}  # the masked address tells an e-mail address from a phone number

    created_at = models.DateTimeField(_("创建时间"), default=now)  # the platform's clock (replayed history too)
    channel = models.CharField(_("渠道"), max_length=20)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("地址"), max_length=300, blank=True,
                               help_text=_("回调地址;手机号和邮箱只显示脱敏形式"))
    address_enc, address_hash, address_last4 = pii_columns()  # a phone or e-mail address, until delivered
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)  # 站内信: when its recipient opened it

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
                   models.Index(fields=["recipient", "channel", "-created_at"], name="inbox_of_user")]

    def __str__(self) -> str:
        return f"[{self.channel}] {self.subject}"

    def destination(self) -> str:
        """Where a channel delivers: the clear phone or e-mail address (decrypted), or the webhook URL."""
        return decrypt(self.address_enc) if self.address_enc else self.address

    @staticmethod
    def pii_kind(name: str, masked: str) -> str:
        return "email" if "@" in masked else "phone"
