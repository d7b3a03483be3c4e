"""The door for smart-care devices: one endpoint per vendor, each request signed, each vendor's format read by its
adapter into the signals `care.services.device_signal` understands (heartbeat, reading, alarm).

Signature: ``X-Gridgov-Timestamp`` (Unix seconds) and ``X-Gridgov-Signature`` = hex HMAC-SHA256 of
``"<timestamp>." + body`` with the vendor's secret; a timestamp more than five minutes off is refused (a replay
inside the window does nothing new: alarms are kept once per vendor reference). The whole request is checked
before anything is stored (unknown devices, unreadable events: 400, nothing changed); then each event is stored
in its own transaction, so a vendor that retries after a failure half-way loses nothing and doubles nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.dateparse import parse_datetime

from gridgov.care.models import VITAL_LABELS, AlarmKind, Device
from gridgov.care.services import device_signal
from gridgov.core import pii
from gridgov.core.errors import ApplicationError
from gridgov.core.timeutil import now
from gridgov.integrations.models import DeviceVendor

SKEW = dt.timedelta(minutes=5)
MAX_EVENTS = 500


@dataclass
class Signal:
    serial: str
    type: str  # heartbeat / reading / alarm
    kind: str = ""
    metric: str = ""
    value: float | None = None
    ref: str = ""
    at: dt.datetime | None = None


def vendor_create(*, code: str, name: str, adapter: str = DeviceVendor.Adapter.GENERIC) -> tuple[DeviceVendor, str]:
    """Register a vendor; returns it and its signing secret (shown once, stored encrypted)."""
    if adapter not in DeviceVendor.Adapter.values:
        raise ApplicationError("invalid_adapter", f"没有「{adapter}」这种报文格式")
    secret = "dv_" + secrets.token_urlsafe(32)
    vendor = DeviceVendor.objects.create(code=code, name=name, adapter=adapter, secret_enc=pii.encrypt(secret))
    return vendor, secret


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


# Vendors this process checked lately, by code: (when, vendor, its secret decrypted). A storm of alarms comes as
# many requests a second from one vendor; each read and decrypted it again. A change to a vendor (deactivation)
# made in this process is seen at once (post_save forgets all, IntegrationsConfig); another worker process sees it
# within API_TOKEN_CACHE_SECONDS (default 5), as with API tokens. Unknown codes are never remembered.
_vendors: dict[str, tuple[float, DeviceVendor, str]] = {}
_vendors_lock = threading.Lock()


def forget_vendors(*args, **kwargs) -> None:
    """Drop every remembered vendor (signature fits a signal receiver)."""
    with _vendors_lock:
        _vendors.clear()


def _vendor(code: str) -> tuple[DeviceVendor | None, str]:
    ttl = float(getattr(settings, "API_TOKEN_CACHE_SECONDS", 5))
    hit = _vendors.get(code) if ttl > 0 else None
    if hit is not None and time.monotonic() - hit[0] <= ttl:
        return hit[1], hit[2]
    vendor = DeviceVendor.objects.filter(code=code, is_active=True).first()
    if vendor is None:
        return None, ""
    secret = pii.decrypt(vendor.secret_enc)
    if ttl > 0:
        with _vendors_lock:
            if len(_vendors) >= 1000:
                _vendors.clear()
            _vendors[code] = (time.monotonic(), vendor, secret)
    return vendor, secret


def authenticate(code: str, timestamp: str, sig: str, body: bytes) -> DeviceVendor:
    vendor, secret = _vendor(code)
    if vendor is None:
        raise ApplicationError("unknown_vendor", f"设备厂商 {code} 不存在或已停用", status=404)
    try:
        ts = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise ApplicationError("invalid_signature", "缺少或无效的签名时间戳", status=403) from None
    if abs(now() - ts) > SKEW:
        raise ApplicationError("stale_signature", "签名时间戳与服务器时间相差超过5分钟", status=403)
    expected = signature(secret, timestamp, body)
    if not sig or not hmac.compare_digest(expected, sig.strip().lower()):
        raise ApplicationError("invalid_signature", "签名无效", status=403)
    return vendor


def _at(value) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10**11 else value  # milliseconds or seconds
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    parsed = parse_datetime(str(value))
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _bad(index: int, message: str) -> ApplicationError:
    return ApplicationError("invalid_event", f"第{index + 1}条:{message}", fields={f"events[{index}]": message})


def read_generic(payload) -> list[Signal]:
    """{"events": [{"serial", "type": "heartbeat"|"reading"|"alarm", "kind" (alarm), "metrics": {name: value}
    (reading), "id" (the vendor's reference), "at" (ISO 8601 with offset, or Unix seconds/ms)}]}"""
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise ApplicationError("invalid_payload", "报文须为 {\"events\": [...]}")
    out: list[Signal] = []
    for i, e in enumerate(payload["events"]):
        if not isinstance(e, dict) or not isinstance(e.get("serial"), str) or not e["serial"].strip():
            raise _bad(i, "缺少设备编号 serial")
        serial, kind, ref = e["serial"].strip(), e.get("type"), str(e.get("id") or "")[:48]
        at = _at(e.get("at"))
        if e.get("at") not in (None, "") and at is None:
            raise _bad(i, "时间 at 须为带时区的 ISO 8601 或 Unix 时间戳")
        if kind == "heartbeat":
            out.append(Signal(serial, "heartbeat", at=at))
        elif kind == "alarm":
            if e.get("kind") not in AlarmKind.values:
                raise _bad(i, f"未知的告警类型 {e.get('kind')}")
            if not ref:
                raise _bad(i, "告警须带厂商告警号 id")
            out.append(Signal(serial, "alarm", kind=e["kind"], ref=ref, at=at))
        elif kind == "reading":
            metrics = e.get("metrics")
            if not isinstance(metrics, dict) or not metrics:
                raise _bad(i, "体征数据须包含 metrics")
            for metric, value in metrics.items():
                if metric not in VITAL_LABELS or _number(value) is None:
                    raise _bad(i, f"无法识别的体征 {metric}={value}")
                out.append(Signal(serial, "reading", metric=metric, value=_number(value),
                                  ref=f"{ref}:{metric}" if ref else "", at=at))
        else:
            raise _bad(i, f"未知的消息类型 {kind}")
    return out


# 天翼物联 AEP pushes one message per request: dataReport (readings in payload.serviceData), eventReport (an alarm,
# its service id as configured on the product), deviceOnlineOfflineReport. Field names of the readings and the
# service ids of the alarms are those of the product model the district configures; these are the defaults.
CTWING_METRICS = {"heartRate": "heart_rate", "bloodOxygen": "spo2", "systolicPressure": "systolic",
                  "diastolicPressure": "diastolic", "bodyTemperature": "temperature", "respiratoryRate": "respiration"}
CTWING_ALARMS = {"sos_alarm": AlarmKind.SOS, "fall_alarm": AlarmKind.FALL, "smoke_alarm": AlarmKind.SMOKE,
                 "gas_alarm": AlarmKind.GAS, "water_alarm": AlarmKind.WATER, "door_alarm": AlarmKind.DOOR,
                 "low_battery": AlarmKind.LOW_BATTERY, "tamper_alarm": AlarmKind.TAMPER}


def read_ctwing(payload) -> list[Signal]:
    if not isinstance(payload, dict) or not isinstance(payload.get("deviceId"), str):
        raise ApplicationError("invalid_payload", "报文须包含 deviceId")
    serial, kind = payload["deviceId"].strip(), payload.get("messageType")
    at = _at(payload.get("timestamp"))
    ref = f"{payload.get('timestamp', '')}"
    data = (payload.get("payload") or {}).get("serviceData") if isinstance(payload.get("payload"), dict) else None
    if kind == "deviceOnlineOfflineReport":
        return [Signal(serial, "heartbeat", at=at)] if payload.get("eventType") == 1 else []
    if kind == "dataReport":
        if not isinstance(data, dict):
            raise _bad(0, "dataReport 须包含 payload.serviceData")
        out = [Signal(serial, "reading", metric=CTWING_METRICS[k], value=_number(v), ref=f"{ref}:{k}", at=at)
               for k, v in data.items() if k in CTWING_METRICS and _number(v) is not None]
        return out or [Signal(serial, "heartbeat", at=at)]
    if kind == "eventReport":
        alarm = CTWING_ALARMS.get(str(payload.get("serviceId") or ""))
        if alarm is None:
            raise _bad(0, f"未配置的告警服务 {payload.get('serviceId')}")
        return [Signal(serial, "alarm", kind=alarm, ref=f"{payload['serviceId']}:{ref}", at=at)]
    raise _bad(0, f"未知的消息类型 {kind}")


ADAPTERS = {DeviceVendor.Adapter.GENERIC: read_generic, DeviceVendor.Adapter.CTWING: read_ctwing}


def ingest(vendor: DeviceVendor, body: bytes) -> list[dict]:
    """Check the whole request, then store each event; what became of each."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApplicationError("invalid_payload", "报文不是有效的 JSON") from None
    signals = ADAPTERS[vendor.adapter](payload)
    if len(signals) > MAX_EVENTS:
        raise ApplicationError("too_many_events", f"一次最多 {MAX_EVENTS} 条")
    devices = {d.serial: d for d in Device.objects.filter(vendor=vendor.code, serial__in={s.serial for s in signals})}
    unknown = sorted({s.serial for s in signals} - set(devices))
    if unknown:
        raise ApplicationError("unknown_device", f"未登记的设备:{', '.join(unknown[:10])}",
                               fields={"serial": ", ".join(unknown[:10])})
    inactive = sorted(s for s, d in devices.items() if not d.is_active)
    if inactive:
        raise ApplicationError("device_inactive", f"设备已停用:{', '.join(inactive[:10])}", status=409)
    results = []
    for s in signals:
        alarm, result = device_signal(device=devices[s.serial], type=s.type, kind=s.kind, metric=s.metric,
                                      value=s.value, ref=s.ref, at=s.at)
        case = alarm.case if alarm is not None and alarm.case_id else None
        results.append({"serial": s.serial, "type": s.type, "result": result,
                        "case": case.number if case else None})
    return results
