"""Log-ins, failed log-ins and log-outs: to the log (English) and to the audit log (审计日志, never deleted), with the
address they came from — the security officer's record (等保: audit of log-ins kept at least six months)."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gridgov.core.models import audit
from gridgov.core.net import client_ip

log = logging.getLogger("gridgov.security")


def _where(request) -> dict:
    if request is None:
        return {}
    return {"ip": client_ip(request), "agent": request.META.get("HTTP_USER_AGENT", "")[:200], "path": request.path}


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log.info("login ok user=%s ip=%s", user.pk, client_ip(request) if request else "-")
    audit(actor=user, action="accounts.login", obj=user, detail=_where(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    log.warning("login failed username=%r ip=%s", credentials.get("username"),
                client_ip(request) if request else "-")
    audit(actor=None, action="accounts.login_failed", object_type="accounts.user",
          object_repr=str(credentials.get("username") or "")[:200], detail=_where(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit(actor=user, action="accounts.logout", obj=user, detail=_where(request))
