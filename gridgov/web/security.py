"""The staff log-in's second step (动态口令) and the 账号安全 page where staff set up or turn off their authenticator
app (`accounts.totp`). After a right password the user is not logged in yet: the session holds who is waiting
for five minutes, and only a right code (or, where it is required, a device set up there and then) logs them in."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from gridgov.accounts import totp
from gridgov.accounts.backends import is_locked, record_failure
from gridgov.accounts.models import User
from gridgov.core.errors import ApplicationError
from gridgov.core.models import audit
from gridgov.core.net import client_ip
from gridgov.core.timeutil import now
from gridgov.web.pages import staff_required

PENDING = "totp_pending"
PENDING_SECONDS = 300


class AdminLoginForm(AdminAuthenticationForm):
    """管理后台's log-in: an account with a second factor logs in on the console's page (which asks for it)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if totp.applies_to(user):
            raise forms.ValidationError("该账号需要动态口令:请从工作台登录页(/console/login/)登录,再进入管理后台。",
                                        code="totp_required")


class CodeForm(forms.Form):
    code = forms.CharField(label="动态口令", max_length=8, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code", "placeholder": "手机上显示的 6 位数字",
        "autofocus": True}))


def start(request, user, next_url: str):
    """Called by the log-in page after a right password when the user has (or must set up) a second factor."""
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": now().timestamp(), "next": next_url}
    return redirect("console-login-totp")


def _setup_context(user: User) -> dict:
    secret = totp.pending_secret(user) or totp.begin(user)
    return {"secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
            "qr": totp.qr_svg(totp.uri(user, secret))}


def login_second_step(request):
    pending = request.session.get(PENDING)
    user = User.objects.filter(pk=(pending or {}).get("user"), is_active=True).first()
    if pending is None or user is None or now().timestamp() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.error(request, "登录已超时,请重新输入账号和密码")
        return redirect("console-login")
    device = totp.device_of(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_locked(user):
            form.add_error("code", "连续失败次数过多,账号已暂时锁定,请稍后再试")
        else:
            try:
                if device is None:
                    totp.confirm(user, form.cleaned_data["code"])
                elif not totp.check(device, form.cleaned_data["code"]):
                    raise ApplicationError("totp_wrong", "动态口令不正确")
            except ApplicationError:
                record_failure(user)
                audit(actor=None, action="accounts.totp_failed", obj=user, detail={"ip": client_ip(request)})
                form.add_error("code", "动态口令不正确,请输入手机上当前显示的 6 位数字")
            else:
                next_url = pending.get("next") or "/console/"
                request.session.pop(PENDING, None)
                login(request, user, backend=pending["backend"])
                if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                    next_url = "/console/"
                return redirect(next_url)
    context = {"form": form, "setup": device is None, "who": user}
    if device is None:
        context.update(_setup_context(user))
    return render(request, "console/login_totp.html", context, status=400 if form.errors else 200)


@staff_required
def account_security(request):
    """账号安全: the user's 动态口令 — set it up (scan, type a code back) or turn it off (with a current code)."""
    from gridgov.web.console import _menu

    user = request.user
    device = totp.device_of(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("step") == "disable":
                if totp.required_for(user):
                    raise ApplicationError("totp_required", "本系统要求工作人员启用动态口令,不能解除;更换手机请联系系统管理员")
                totp.disable(actor=user, user=user, code=form.cleaned_data["code"])
                messages.success(request, "已解除动态口令")
            else:
                totp.confirm(user, form.cleaned_data["code"])
                messages.success(request, "已启用动态口令:以后登录时,输入密码后还需输入手机上的动态口令")
            return redirect("console-account-security")
        except ApplicationError as exc:
            form.add_error("code", exc.message)
    context = {"title": "账号安全", "menu": _menu(user), "active": "", "form": form, "device": device,
               "required": totp.required_for(user)}
    if device is None:
        context.update(_setup_context(user))
    return render(request, "console/account_security.html", context, status=400 if form.errors else 200)
