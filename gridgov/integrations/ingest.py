"""Ingest webhooks for sensors and video AI: each source has its own key; repeated alarms from one device
within the source's window join the open case instead of making new ones."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction

from gridgov.cases import events
from gridgov.cases.models import Case, IngestSource
from gridgov.cases.services import case_report, idempotency_scoped, parse_place, seen_report
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import now

OPEN = ("reported", "accepted", "dispatched", "handling", "suspended", "done_reported")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def source_create(*, code: str, name: str, channel: str, category=None, dedupe_minutes: int = 30) -> tuple[
        IngestSource, str]:
    key = "ing_" + secrets.token_urlsafe(32)
    source = IngestSource.objects.create(code=code, name=name, channel=channel, key_hash=hash_key(key),
                                         default_category=category, dedupe_minutes=dedupe_minutes)
    return source, key


def authenticate_source(code: str, key: str) -> IngestSource:
    source = IngestSource.objects.filter(code=code, is_active=True).select_related("default_category").first()
    if source is None:
        raise ApplicationError("unknown_source", f"接入来源 {code} 不存在或已停用", status=404)
    if not key or not secrets.compare_digest(source.key_hash, hash_key(key)):
        raise ApplicationError("invalid_source_key", "接入密钥无效", status=403)
    return source


def ingest_alarm(*, source: IngestSource, alarm_id: str, device_id: str, description: str, lon=None, lat=None,
                 crs: str = "wgs84", address: str = "", category: str | None = None, urgency: str | None = None
                 ) -> tuple[Case, str]:
    """Returns the case and what happened: "created", "repeat" (joined the device's open case) or "duplicate"
    (the same alarm id again)."""
    alarm_id = (alarm_id or "").strip()
    device_id = (device_id or "").strip()
    if not alarm_id or not device_id:
        raise ApplicationError("invalid_alarm", "告警须包含 alarm_id 与 device_id",
                               fields={"alarm_id": "必填", "device_id": "必填"})
    parse_place(lon, lat, crs, address)  # a bad location is refused before anything else happens
    key = f"{source.code}:{alarm_id}"
    existing = seen_report(source.channel, idempotency_scoped(None, key))
    if existing:
        return existing, "duplicate"
    window = now() - dt.timedelta(minutes=source.dedupe_minutes)
    with transaction.atomic():
        open_case = (Case.objects.select_for_update().filter(channel=source.channel, device_id=device_id,
                                                             state__in=OPEN, created_at__gte=window)
                     .order_by("-created_at").first())
        if open_case is not None:
            events.repeat_alarm(open_case, alarm_id=alarm_id, source=source.code, description=description)
            return open_case, "repeat"
    case, created = case_report(
        actor=None, channel=source.channel, description=description or f"{source.name}告警",
        title=f"【{source.name}】{(description or '告警')[:20]}", category=category or source.default_category,
        urgency=urgency, lon=lon, lat=lat, crs=crs, address=address, idempotency_key=key, external_ref=alarm_id,
        device_id=device_id, is_public=False,
    )
    return case, "created" if created else "duplicate"
