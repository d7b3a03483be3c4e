"""Deferred intake receipts (Open311 tokens)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeReceipt(models.Model):
    """A report taken in and acknowledged with a token before its case exists (deferred intake). The worker
    (and the sweep command) turns pending receipts into cases, so a crash in between loses nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        DONE = "done", _("已建案")
        FAILED = "failed", _("失败")

    token = models.CharField(max_length=40, unique=True)
    channel = models.CharField(max_length=16)
    payload = models.JSONField()
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("受理回执")
        verbose_name_plural = _("受理回执")
