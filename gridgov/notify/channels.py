"""Delivery channels behind one interface. SMS and WeCom need a provider: subclass `Channel` and list the
class in settings.NOTIFY_CHANNELS. A channel sends to `message.destination()` (the clear phone number or e-mail
address, decrypted; `message.address` holds only its masked form)."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

log = logging.getLogger("gridgov.notify")


class DeliveryError(Exception):
    pass


class Channel:
    name = ""

    def send(self, message) -> None:
        raise NotImplementedError


class ConsoleChannel(Channel):
    """Writes to the log: development, and the in-app 站内信 that the console shows from the outbox."""

    name = "console"
    sent: list = []  # the last messages, for development and tests

    def send(self, message) -> None:
        who = message.recipient_id or message.address  # the address masked
        if getattr(settings, "NOTIFY_LOG_TEXT", False):  # development: a log-in code can be read off the log
            log.info("notify to=%s subject=%s body=%s", who, message.subject, message.body)
        else:
            log.info("notify to=%s subject=%s", who, message.subject)
        ConsoleChannel.sent.append(message.pk)
        del ConsoleChannel.sent[:-1000]


class EmailChannel(Channel):
    name = "email"

    def send(self, message) -> None:
        address = message.destination() or (message.recipient.email if message.recipient else "")
        if not address:
            raise DeliveryError("no e-mail address")
        send_mail(message.subject, message.body, None, [address], fail_silently=False)


class WebhookChannel(Channel):
    """POST the message as JSON to an HTTPS endpoint (a WeCom/DingTalk robot, another system)."""

    name = "webhook"

    def send(self, message) -> None:
        url = message.destination()
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise DeliveryError("webhook address must be https")
        body = json.dumps({"subject": message.subject, "body": message.body, "data": message.data},
                          ensure_ascii=False).encode()
        req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - scheme checked above
                if resp.status >= 300:
                    raise DeliveryError(f"HTTP {resp.status}")
        except OSError as exc:
            raise DeliveryError(str(exc)) from exc


class SmsChannel(Channel):
    """Interface for an SMS provider (阿里云、腾讯云 or an operator gateway): override `send`."""

    name = "sms"

    def send(self, message) -> None:
        raise DeliveryError("no SMS provider configured (settings.NOTIFY_CHANNELS)")


class HttpSmsGatewayChannel(SmsChannel):
    """SMS through an HTTP gateway on the intranet (an operator's MAS, a government SMS platform, or an adapter in
    front of a cloud provider): POST {"phone", "text"} as JSON to SMS_GATEWAY_URL, with SMS_GATEWAY_TOKEN as a
    bearer token when set; any 2xx is delivered, anything else is retried with back-off."""

    def send(self, message) -> None:
        url = getattr(settings, "SMS_GATEWAY_URL", "")
        if not url.startswith(("https://", "http://")):
            raise DeliveryError("SMS_GATEWAY_URL is not set")
        phone = message.destination()
        if not phone:
            raise DeliveryError("no phone number")
        text = message.subject if not message.body else f"{message.subject}\n{message.body}"
        body = json.dumps({"phone": phone, "text": text[:500]}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        token = getattr(settings, "SMS_GATEWAY_TOKEN", "")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(url, data=body, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - scheme checked above
                if not 200 <= resp.status < 300:
                    raise DeliveryError(f"HTTP {resp.status}")
        except OSError as exc:
            raise DeliveryError(str(exc)) from exc


def channels() -> dict[str, Channel]:
    sms = ("gridgov.notify.channels.HttpSmsGatewayChannel" if getattr(settings, "SMS_GATEWAY_URL", "")
           else "gridgov.notify.channels.SmsChannel")
    paths = getattr(settings, "NOTIFY_CHANNELS", None) or [
        "gridgov.notify.channels.ConsoleChannel", "gridgov.notify.channels.EmailChannel",
        "gridgov.notify.channels.WebhookChannel", sms,
    ]
    out = {}
    for p in paths:
        cls = import_string(p)
        out[cls.name] = cls()
    return out
