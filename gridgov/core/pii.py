"""Personal data (身份证号, phone): encrypted at rest, a keyed hash for lookup, masked for display.

A model keeps three columns per protected value: `<name>_enc` (Fernet token), `<name>_hash` (HMAC-SHA256
of the normalised value, indexed, for exact search) and `<name>_last4` (for masked display and for
telling records apart without decrypting). Revealing the clear value is a permission-checked, logged
action in the owning app's services.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derive(purpose: bytes) -> bytes:
    key = settings.PII_KEY
    if not key:
        raise ImproperlyConfigured("GRIDGOV_PII_KEY is not set")
    return hmac.new(key.encode(), purpose, hashlib.sha256).digest()


@lru_cache(maxsize=4)
def _fernet(key_marker: str) -> Fernet:  # key_marker keys the cache on the configured key
    return Fernet(base64.urlsafe_b64encode(_derive(b"gridgov-pii-encrypt-v1")))


def fernet() -> Fernet:
    return _fernet(settings.PII_KEY)


def normalize(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == "id_number":
        return value.upper().replace(" ", "")
    if kind == "phone":
        digits = re.sub(r"[\s\-()]", "", value)
        if digits.startswith("+86"):
            digits = digits[3:]
        elif digits.startswith("0086"):
            digits = digits[4:]
        return digits
    return value


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or tampered data: never return garbage
        raise ImproperlyConfigured("personal data cannot be decrypted with the configured GRIDGOV_PII_KEY") from exc


def lookup_hash(kind: str, value: str) -> str:
    """Keyed hash of the normalised value: equal values match, the value cannot be recovered."""
    norm = normalize(kind, value)
    if not norm:
        return ""
    return hmac.new(_derive(b"gridgov-pii-hash-v1"), f"{kind}:{norm}".encode(), hashlib.sha256).hexdigest()


def mask(kind: str, value: str) -> str:
    """`110101199003070012` → `1101**********0012`; `13812345678` → `138****5678`."""
    value = normalize(kind, value)
    if not value:
        return ""
    if kind == "id_number":
        if len(value) <= 8:
            return "*" * len(value)
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if kind == "phone":
        if len(value) == 11:
            return value[:3] + "****" + value[-4:]
        return "*" * max(len(value) - 4, 0) + value[-4:]
    return "*" * len(value)


def mask_from_last4(kind: str, last4: str) -> str:
    """Masked form without decrypting (list pages)."""
    if not last4:
        return ""
    if kind == "id_number":
        return "**************" + last4
    if kind == "phone":
        return "*******" + last4
    return "****" + last4


def set_pii(obj, name: str, kind: str, value: str | None) -> None:
    """Fill `<name>_enc`, `<name>_hash`, `<name>_last4` on a model instance from a clear value."""
    norm = normalize(kind, value or "")
    setattr(obj, f"{name}_enc", encrypt(norm) if norm else "")
    setattr(obj, f"{name}_hash", lookup_hash(kind, norm) if norm else "")
    setattr(obj, f"{name}_last4", norm[-4:] if norm else "")


def get_pii(obj, name: str) -> str:
    return decrypt(getattr(obj, f"{name}_enc"))
