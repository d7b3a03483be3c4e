"""Log-in with lock-out: after LOGIN_MAX_FAILURES failures within the window the account is locked for a while.
A locked account is refused even with the right password, so guessing cannot continue."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import F

from gridgov.core.timeutil import now


def is_locked(user) -> bool:
    return bool(user.locked_until and user.locked_until > now())


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle for names
            return None
        if is_locked(user):
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        record_failure(user)
        return None


def record_failure(user) -> None:
    User = type(user)
    t = now()
    window_start = t - settings.LOGIN_FAILURE_WINDOW
    if user.last_failed_login_at is None or user.last_failed_login_at < window_start:
        User.objects.filter(pk=user.pk).update(failed_login_count=1, last_failed_login_at=t)
        count = 1
    else:
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1, last_failed_login_at=t)
        count = User.objects.filter(pk=user.pk).values_list("failed_login_count", flat=True).get()
    if count >= settings.LOGIN_MAX_FAILURES:
        User.objects.filter(pk=user.pk).update(locked_until=t + settings.LOGIN_LOCK_DURATION)
