"""动态口令 (TOTP, RFC 6238): the second factor of staff log-ins. A member of staff with a confirmed device types the
six digits of their authenticator app after the password; where `STAFF_TOTP_REQUIRED` is on (production's
default) staff without one set it up during that log-in before they get in. A code is accepted for the current
30-second step or the one before or after (a phone's clock may drift) and never twice; a wrong code counts as a
failed log-in (the same lock-out as a wrong password). Residents log in with a phone code and have no second
factor; API tokens are not affected.

The secret is encrypted under the PII key like personal data (`core.pii`: re-keyed by `rotate_pii_key`)."""

from __future__ import annotations

import datetime as dt

import pyotp
import segno
from django.conf import settings
from django.db import transaction

from gridgov.accounts.models import TotpDevice, User
from gridgov.core.errors import ApplicationError
from gridgov.core.models import audit
from gridgov.core.pii import decrypt, encrypt
from gridgov.core.timeutil import now

ISSUER = "gridgov"
STEP = 30


def required_for(user: User) -> bool:
    from gridgov.accounts.services import is_staff_account

    return bool(getattr(settings, "STAFF_TOTP_REQUIRED", False)) and not user.is_system and is_staff_account(user)


def device_of(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def applies_to(user: User) -> bool:
    """Whether this user's log-in needs the second step: they have a device, or must set one up."""
    return device_of(user) is not None or required_for(user)


def _totp(device: TotpDevice) -> pyotp.TOTP:
    return pyotp.TOTP(decrypt(device.secret_enc), interval=STEP)


def _step(at: dt.datetime) -> int:
    return int(at.timestamp()) // STEP


def check(device: TotpDevice, code: str) -> bool:
    """Whether `code` is right for now (±1 step) and not used before; the step is taken at once (compare-and-set),
    so two requests with the same code cannot both pass."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return False
    totp, t = _totp(device), now()
    for offset in (0, -1, 1):
        at = t + dt.timedelta(seconds=offset * STEP)
        if pyotp.utils.strings_equal(totp.at(at), code):
            step = _step(at)
            return TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step) == 1
    return False


@transaction.atomic
def begin(user: User) -> str:
    """A new secret to scan (replacing one being set up). A confirmed device is turned off first (a new phone)."""
    if device_of(user) is not None:
        raise ApplicationError("totp_enabled", "已启用动态口令;更换手机请先解除原绑定", status=409)
    secret = pyotp.random_base32()
    TotpDevice.objects.update_or_create(user=user, defaults={"secret_enc": encrypt(secret), "created_at": now(),
                                                              "last_step": 0, "confirmed_at": None})
    return secret


def pending_secret(user: User) -> str | None:
    d = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    return decrypt(d.secret_enc) if d else None


def uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(text: str) -> str:
    """The QR code as inline SVG (drawn here: no image service)."""
    return segno.make(text, error="m").svg_inline(scale=5, border=2, dark="#303133")


@transaction.atomic
def confirm(user: User, code: str) -> TotpDevice:
    """The first code typed back from the app: the device is on."""
    d = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if d is None:
        raise ApplicationError("totp_not_started", "请先扫描二维码绑定动态口令")
    if not check(d, code):
        raise ApplicationError("totp_wrong", "动态口令不正确,请输入手机上显示的 6 位数字", fields={"code": "不正确"})
    TotpDevice.objects.filter(pk=d.pk).update(confirmed_at=now())
    audit(actor=user, action="accounts.totp_enable", obj=user)
    d.refresh_from_db()
    return d


@transaction.atomic
def disable(*, actor: User, user: User, code: str | None = None) -> None:
    """Turn the device off: the user with a current code, or an administrator (a lost phone), audited."""
    d = device_of(user)
    if d is None:
        raise ApplicationError("totp_not_enabled", "未启用动态口令")
    if actor.pk == user.pk:
        if not check(d, code or ""):
            raise ApplicationError("totp_wrong", "动态口令不正确", fields={"code": "不正确"})
    elif not actor.is_superuser:
        raise ApplicationError("forbidden", "只有系统管理员可以为他人解除动态口令", status=403)
    TotpDevice.objects.filter(user=user).delete()
    audit(actor=actor, action="accounts.totp_disable", obj=user, detail={"by_admin": actor.pk != user.pk})
