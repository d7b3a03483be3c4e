"""Personal data (身份证号, phone): encrypted at rest, a keyed hash for lookup, masked for display.

A model keeps three columns per protected value: `<name>_enc` (Fernet token), `<name>_hash` (HMAC-SHA256
of the normalised value, indexed, for exact search) and `<name>_last4` (for masked display and for
telling records apart without decrypting). Revealing the clear value is a permission-checked, logged
action in the owning app's services.

Key rotation: the new key goes in GRIDGOV_PII_KEY and the previous ones in GRIDGOV_PII_OLD_KEYS. Values are
written under the new key at once; values under an old key are still read, and searches match hashes made
under any configured key, until `gridgov rotate_pii_key` has re-keyed every row (`rekey_all`).

商用密码: with `GRIDGOV_PII_CIPHER=sm4` values are written with SM4 (GB/T 32907, CBC with a random IV) and
authenticated with HMAC-SM3 (GB/T 32905), and lookup hashes are HMAC-SM3 — keys derived from the same PII key
with HMAC-SM3. A token says which cipher wrote it (`sm4:` …), so values written before the switch stay readable
and findable, and `rotate_pii_key` re-writes them with SM4 (and back, when switching back).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def pii_columns():
    """The three columns of one protected value, for a model's class body:
    `phone_enc, phone_hash, phone_last4 = pii_columns()`."""
    from django.db import models

    return (models.TextField(blank=True, editable=False),
            models.CharField(max_length=64, blank=True, db_index=True, editable=False),
            models.CharField(max_length=4, blank=True, editable=False))


def _keys() -> tuple[str, ...]:
    key = settings.PII_KEY
    if not key:
        raise ImproperlyConfigured("GRIDGOV_PII_KEY is not set")
    old = tuple(k for k in getattr(settings, "PII_OLD_KEYS", ()) if k and k != key)
    return (key, *old)


def old_key_count() -> int:
    return len(_keys()) - 1


def _derive(key: str, purpose: bytes) -> bytes:
    return hmac.new(key.encode(), purpose, hashlib.sha256).digest()


@lru_cache(maxsize=8)
def _fernet_for(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(key, b"gridgov-pii-encrypt-v1")))


def fernet() -> Fernet:
    """The current key's cipher: everything is written with it."""
    return _fernet_for(_keys()[0])


def _reader() -> MultiFernet:
    return MultiFernet([_fernet_for(k) for k in _keys()])


# -- SM3 / SM4 (商用密码) -----------------------------------------------------------------------------------

SM4_PREFIX = "sm4:"


def cipher() -> str:
    """The cipher new values are written with: "fernet" (AES-128-CBC + HMAC-SHA256) or "sm4"."""
    value = getattr(settings, "PII_CIPHER", "fernet") or "fernet"
    if value not in ("fernet", "sm4"):
        raise ImproperlyConfigured(f"GRIDGOV_PII_CIPHER must be fernet or sm4, not {value!r}")
    return value


def sm3(data: bytes) -> bytes:
    from gmssl import func
    from gmssl import sm3 as _sm3

    return bytes.fromhex(_sm3.sm3_hash(func.bytes_to_list(data)))


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC (RFC 2104) over SM3: 64-byte blocks, 32-byte digest."""
    if len(key) > 64:
        key = sm3(key)
    key = key.ljust(64, b"\0")
    inner = sm3(bytes(b ^ 0x36 for b in key) + message)
    return sm3(bytes(b ^ 0x5C for b in key) + inner)


@lru_cache(maxsize=8)
def _sm4_keys(key: str) -> tuple[bytes, bytes]:
    return (hmac_sm3(key.encode(), b"gridgov-pii-sm4-encrypt-v1")[:16],
            hmac_sm3(key.encode(), b"gridgov-pii-sm4-mac-v1"))


def _sm4_encrypt(value: str, key: str) -> str:
    from gmssl.sm4 import SM4_ENCRYPT, CryptSM4

    enc, mac = _sm4_keys(key)
    iv = os.urandom(16)
    c = CryptSM4()
    c.set_key(enc, SM4_ENCRYPT)
    body = iv + c.crypt_cbc(iv, value.encode())
    tag = hmac_sm3(mac, SM4_PREFIX.encode() + body)
    return SM4_PREFIX + base64.urlsafe_b64encode(body + tag).decode()


def _sm4_decrypt(token: str, key: str) -> str | None:
    """The clear value, or None when this key did not write it (or the token was altered)."""
    from gmssl.sm4 import SM4_DECRYPT, CryptSM4

    enc, mac = _sm4_keys(key)
    try:
        raw = base64.urlsafe_b64decode(token[len(SM4_PREFIX):].encode())
    except (ValueError, TypeError):
        return None
    body, tag = raw[:-32], raw[-32:]
    if len(body) < 32 or len(body) % 16 or not hmac.compare_digest(tag, hmac_sm3(mac, SM4_PREFIX.encode() + body)):
        return None
    c = CryptSM4()
    c.set_key(enc, SM4_DECRYPT)
    return c.crypt_cbc(body[:16], body[16:]).decode()


def _current_clear(token: str) -> str | None:
    """The clear value when the token is under the current cipher and key (nothing to re-key), else None."""
    key = _keys()[0]
    if cipher() == "sm4":
        return _sm4_decrypt(token, key) if token.startswith(SM4_PREFIX) else None
    if token.startswith(SM4_PREFIX):
        return None
    try:
        return _fernet_for(key).decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def normalize(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == "id_number" or kind.startswith("id_number:"):
        return value.upper().replace(" ", "")
    if kind == "phone":
        digits = re.sub(r"[\s\-()]", "", value)
        if digits.startswith("+86"):
            digits = digits[3:]
        elif digits.startswith("0086"):
            digits = digits[4:]
        return digits
    if kind == "email":
        return value.lower()
    return value


def encrypt(value: str) -> str:
    if cipher() == "sm4":
        return _sm4_encrypt(value, _keys()[0])
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if token.startswith(SM4_PREFIX):
        for key in _keys():
            clear = _sm4_decrypt(token, key)
            if clear is not None:
                return clear
        raise ImproperlyConfigured("personal data cannot be decrypted with the configured GRIDGOV_PII_KEY")
    try:
        return _reader().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or tampered data: never return garbage
        raise ImproperlyConfigured("personal data cannot be decrypted with the configured GRIDGOV_PII_KEY") from exc


def lookup_hash(kind: str, value: str, *, key: str | None = None, algorithm: str | None = None) -> str:
    """Keyed hash of the normalised value (under the current key and cipher: HMAC-SHA256, or HMAC-SM3 with sm4):
    equal values match, the value cannot be recovered. Searches use `lookup_hashes`, which also covers rows not yet
    re-keyed."""
    norm = normalize(kind, value)
    if not norm:
        return ""
    key = key or _keys()[0]
    if (algorithm or cipher()) == "sm4":
        return hmac_sm3(hmac_sm3(key.encode(), b"gridgov-pii-hash-sm3-v1"), f"{kind}:{norm}".encode()).hex()
    return hmac.new(_derive(key, b"gridgov-pii-hash-v1"), f"{kind}:{norm}".encode(), hashlib.sha256).hexdigest()


def lookup_hashes(kind: str, value: str) -> list[str]:
    """The value's hash under every configured key and both ciphers (current first), for `<name>_hash__in=`
    searches: rows written before a key rotation or a switch of cipher are found until they are re-keyed."""
    if not normalize(kind, value):
        return []
    current = cipher()
    other = "fernet" if current == "sm4" else "sm4"
    return [lookup_hash(kind, value, key=k, algorithm=a) for a in (current, other) for k in _keys()]


def mask(kind: str, value: str) -> str:
    """`110101199003070012` → `1101**********0012`; `13812345678` → `138****5678`."""
    kind = "id_number" if kind.startswith("id_number:") else kind
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
    if kind == "email" and "@" in value:
        local, domain = value.rsplit("@", 1)
        return f"{local[:1]}***@{domain}"
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


def id_document_hashes(value: str) -> list[str]:
    """Hashes of a number typed into a search box, as whichever identity document it may be, under every key."""
    from gridgov.core.identity import IdType, id_hash_kind

    return [h for t in IdType.values for h in lookup_hashes(id_hash_kind(t), value)]


# -- key rotation ---------------------------------------------------------------------------------------


def _kind_of(name: str) -> str:
    return "id_number" if name.endswith("id_number") else "phone"


def pii_fields() -> list[tuple[Any, str, str]]:  # (model class, name, kind)
    """Every protected value in the project as (model, name, kind): a `<name>_enc` column with its
    `<name>_hash` and `<name>_last4` beside it. A model whose hash kind depends on the row (identity documents
    of several types, a phone or an e-mail address) names the column that decides it in `PII_KIND_FIELDS` and
    answers `pii_kind(name, value of that column)`."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        for field in sorted(names):
            if field.endswith("_enc"):
                name = field[: -len("_enc")]
                if {f"{name}_hash", f"{name}_last4"} <= names:
                    found.append((model, name, _kind_of(name)))
    return found


def secret_fields() -> list[tuple[Any, str]]:
    """Encrypted values that are not personal data to search (a webhook's signing secret, a 动态口令 secret): a
    `<name>_enc` column without a hash beside it. Re-keyed with the rest."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        for field in sorted(names):
            if field.endswith("_enc") and f"{field[: -len('_enc')]}_hash" not in names:
                found.append((model, field))
    return found


def _rekey_secrets(stats: dict[str, int], *, batch: int, dry_run: bool) -> None:
    from django.db import transaction

    for model, enc in secret_fields():
        after = 0
        while True:
            rows = list(model._default_manager.filter(pk__gt=after).exclude(**{enc: ""}).order_by("pk")
                        .values_list("pk", enc)[:batch])
            if not rows:
                break
            after = rows[-1][0]
            with transaction.atomic():
                for pk, token in rows:
                    stats["checked"] += 1
                    if _current_clear(token) is not None:
                        continue
                    clear = decrypt(token)
                    if dry_run:
                        stats["rekeyed"] += 1
                        continue
                    done = model._default_manager.filter(pk=pk, **{enc: token}).update(**{enc: encrypt(clear)})
                    stats["rekeyed" if done else "conflicts"] += 1


def rekey_all(*, batch: int = 500, dry_run: bool = False) -> dict[str, int]:
    """Re-encrypt and re-hash, under the current key, every value still under an old key. Each row is written
    by compare-and-set on its old token (a concurrent edit wins and the row is left for the next run), in
    batches of `batch` rows, so an interrupted run loses nothing and the next one carries on."""
    from django.db import transaction

    stats = {"checked": 0, "rekeyed": 0, "conflicts": 0}
    for model, name, kind in pii_fields():
        enc, hash_, last4 = f"{name}_enc", f"{name}_hash", f"{name}_last4"
        kind_field = getattr(model, "PII_KIND_FIELDS", {}).get(name)
        after = 0
        while True:
            rows = list(model._default_manager.filter(pk__gt=after).exclude(**{enc: ""}).order_by("pk")
                        .values_list("pk", enc, hash_, kind_field or enc)[:batch])
            if not rows:
                break
            after = rows[-1][0]
            with transaction.atomic():
                for pk, token, old_hash, decider in rows:
                    row_kind = model.pii_kind(name, decider) if kind_field else kind
                    stats["checked"] += 1
                    clear = _current_clear(token)
                    if clear is not None and old_hash == lookup_hash(row_kind, clear):
                        continue
                    if clear is None:
                        clear = decrypt(token)  # under an old key or cipher (raises when no configured key opens it)
                    if dry_run:
                        stats["rekeyed"] += 1
                        continue
                    norm = normalize(row_kind, clear)
                    done = model._default_manager.filter(pk=pk, **{enc: token}).update(
                        **{enc: encrypt(norm), hash_: lookup_hash(row_kind, norm), last4: norm[-4:]})
                    stats["rekeyed" if done else "conflicts"] += 1
    _rekey_secrets(stats, batch=batch, dry_run=dry_run)
    return stats
