"""Log-ins and failures go to the log (English), for the security officer's audit."""

import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from gridgov.core.net import client_ip

log = logging.getLogger("gridgov.security")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log.info("login ok user=%s ip=%s", user.pk, client_ip(request) if request else "-")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    log.warning("login failed username=%r ip=%s", credentials.get("username"),
                client_ip(request) if request else "-")
