"""Writes to users, memberships and API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from gridgov.accounts.authentication import hash_token
from gridgov.accounts.models import ApiToken, Membership, Role, User
from gridgov.core.errors import ApplicationError
from gridgov.core.identity import validate_mobile
from gridgov.core.models import audit
from gridgov.core.pii import lookup_hash, lookup_hashes, set_pii
from gridgov.core.timeutil import now


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, display_name: str = "", phone: str = "", is_staff: bool = False,
    is_superuser: bool = False, is_system: bool = False,
) -> User:
    """Open an account; the password must pass the policy (length, classes, not common, not like the name)."""
    username = (username or "").strip()
    if not username:
        raise ApplicationError("username_required", "用户名不能为空", fields={"username": "必填"})
    if User.objects.filter(username=username).exists():
        raise ApplicationError("duplicate_username", f"用户名 {username} 已存在", fields={"username": "已存在"})
    user = User(username=username, display_name=display_name, is_staff=is_staff or is_superuser,
                is_superuser=is_superuser, is_system=is_system)
    if phone:
        try:
            phone = validate_mobile(phone)
        except ValueError as exc:
            raise ApplicationError("invalid_phone", str(exc), fields={"phone": str(exc)})
        if User.objects.filter(phone_hash__in=lookup_hashes("phone", phone)).exists():
            raise ApplicationError("duplicate_phone", "该手机号已绑定其他账号", fields={"phone": "已绑定其他账号"})
        set_pii(user, "phone", "phone", phone)
    if is_system:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            message = ";".join(exc.messages)
            raise ApplicationError("weak_password", message, fields={"password": message})
        user.set_password(password)
    user.save()
    audit(actor=actor, action="user.create", obj=user, detail={"username": username})
    return user


@transaction.atomic
def membership_grant(*, actor, user: User, role_code: str, region, unit=None) -> Membership:
    """Give a user a role over a region subtree (optionally as staff of a unit)."""
    role = Role.objects.filter(code=role_code).first()
    if role is None:
        raise ApplicationError("unknown_role", f"角色 {role_code} 不存在", fields={"role": "不存在"})
    if unit is not None and not region.path.startswith(unit.region.path) and not unit.region.path.startswith(region.path):
        raise ApplicationError("unit_region_mismatch", f"机构「{unit.name}」不在区域「{region.name}」内")
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, region=region, unit=unit, defaults={"is_active": True}
    )
    if not created and not membership.is_active:
        Membership.objects.filter(pk=membership.pk).update(is_active=True)
        membership.is_active = True
    audit(actor=actor, action="membership.grant", obj=membership, detail={"role": role_code, "region": region.code})
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership, reason: str = "") -> Membership:
    """Take a role away (the record stays, inactive, for the history of who could do what)."""
    updated = Membership.objects.filter(pk=membership.pk, is_active=True).update(is_active=False)
    if not updated:
        raise ApplicationError("already_revoked", "该任职已撤销")
    membership.refresh_from_db()
    audit(actor=actor, action="membership.revoke", obj=membership,
          detail={"role": membership.role.code, "region": membership.region.code, "reason": (reason or "")[:200]})
    return membership


@transaction.atomic
def user_record_admin_change(*, actor, user: User, changed: list[str]) -> None:
    """An account edited in the admin (Django's own user form): which fields changed goes to the audit log."""
    if changed:
        audit(actor=actor, action="user.update", obj=user,
              detail={"changed": sorted(f for f in changed if f not in ("password1", "password2")),
                      "password": any(f.startswith("password") for f in changed)})


@transaction.atomic
def api_token_issue(*, actor, user: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """Issue a token for another system; the clear key is returned once and never stored."""
    if not (name or "").strip():
        raise ApplicationError("name_required", "请填写令牌用途", fields={"name": "必填"})
    key = "gg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=key[:10], key_hash=hash_token(key),
                                    expires_at=expires_at)
    audit(actor=actor, action="api_token.issue", obj=token, detail={"user": user.pk})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now())
    if not updated:
        raise ApplicationError("already_revoked", "令牌已被吊销")
    from gridgov.accounts.authentication import forget_tokens

    forget_tokens()  # this process refuses it at once (again after the commit, in case a request re-read it
    transaction.on_commit(forget_tokens)  # meanwhile); the other workers within API_TOKEN_CACHE_SECONDS
    token.refresh_from_db()
    audit(actor=actor, action="api_token.revoke", obj=token)
    return token


@transaction.atomic
def user_unlock(*, actor, user: User) -> User:
    User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_count=0)
    user.refresh_from_db()
    audit(actor=actor, action="user.unlock", obj=user)
    return user


CODE_TTL_MINUTES = 10
CODE_MAX_ATTEMPTS = 5  # wrong tries per code; the code is dead after that
# Codes sent: one a minute per number, five an hour per number, twenty an hour per address (so at most 25 guesses
# an hour at a number's 10^6 codes).
CODE_SEND_LIMITS = (("phone-code", "phone", 1, 60), ("phone-code-hour", "phone", 5, 3600),
                    ("phone-code-ip", "ip", 20, 3600))


def _code_hash(phone_hash: str, code: str) -> str:
    import hashlib

    return hashlib.sha256(f"{phone_hash}:{code}".encode()).hexdigest()


def _checked_mobile(phone: str) -> str:
    try:
        return validate_mobile(phone)
    except ValueError as exc:
        raise ApplicationError("invalid_phone", str(exc), fields={"phone": str(exc)})


def phone_code_send(*, phone: str, ip: str = "") -> None:
    """Send a 6-digit log-in code through the notification channel (SMS in production, the log in development).
    The number is not looked up: whether it belongs to anyone is not told."""
    import datetime as dt
    import secrets as _secrets

    from django.conf import settings

    from gridgov.accounts.models import PhoneCode
    from gridgov.core.ratelimit import hit
    from gridgov.notify.services import notify

    phone = _checked_mobile(phone)
    h = lookup_hash("phone", phone)
    for scope, by, limit, window in CODE_SEND_LIMITS:  # counted outside the transaction: refusals count too
        if not hit(scope, h if by == "phone" else (ip or "-"), limit, window):
            wait = "1分钟" if window == 60 else "1小时"
            raise ApplicationError("too_frequent", f"验证码发送过于频繁,请{wait}后再试", fields={"phone": "请稍后再试"},
                                   status=429)
    code = f"{_secrets.randbelow(10**6):06d}"
    t = now()
    with transaction.atomic():
        PhoneCode.objects.create(phone_hash=h, code_hash=_code_hash(h, code), created_at=t,
                                 expires_at=t + dt.timedelta(minutes=CODE_TTL_MINUTES))
        notify(channel=getattr(settings, "PHONE_CODE_CHANNEL", "console"), address=phone, subject="登录验证码",
               body=f"您的验证码是 {code},{CODE_TTL_MINUTES}分钟内有效。如非本人操作请忽略。", data={"purpose": "login"})


def is_staff_account(user: User) -> bool:
    """Staff, administrators and system accounts log in with their password (never with a phone code alone)."""
    if user.is_superuser or user.is_staff or user.is_system:
        return True
    return Membership.objects.filter(user=user, is_active=True, role__is_staff_role=True).exists()


def phone_code_login(*, phone: str, code: str) -> User:
    """Check the code; the first log-in of a number opens a resident account for it. A code opens only a
    resident's (or volunteer's) session: an account with a staff role must use its password."""
    from gridgov.accounts.models import PhoneCode

    phone = _checked_mobile(phone)
    h = lookup_hash("phone", phone)
    t = now()
    with transaction.atomic():
        pc = (PhoneCode.objects.select_for_update().filter(phone_hash=h, used_at__isnull=True, expires_at__gt=t)
              .order_by("-created_at").first())
        if pc is None or pc.attempts >= CODE_MAX_ATTEMPTS:
            error = ApplicationError("code_expired", "验证码已失效,请重新获取", fields={"code": "已失效"})
        elif not _secrets_equal(pc.code_hash, _code_hash(h, (code or "").strip())):
            # committed with the refusal (raising inside the block would roll the count back)
            PhoneCode.objects.filter(pk=pc.pk).update(attempts=pc.attempts + 1)
            left = CODE_MAX_ATTEMPTS - pc.attempts - 1
            error = ApplicationError("code_wrong", f"验证码不正确,还可尝试 {left} 次" if left else
                                     "验证码不正确,已失效,请重新获取", fields={"code": "不正确"})
        else:
            error = None
            PhoneCode.objects.filter(pk=pc.pk).update(used_at=t)
    if error is not None:
        raise error
    with transaction.atomic():
        user = User.objects.filter(phone_hash__in=lookup_hashes("phone", phone)).first()
        if user is not None and is_staff_account(user):
            audit(actor=user, action="user.phone_login_refused", obj=user)
        elif user is None:
            user = User(username=f"m{phone[:3]}{h[:10]}", display_name=f"居民{phone[-4:]}")
            user.set_unusable_password()
            set_pii(user, "phone", "phone", phone)
            user.save()
            audit(actor=None, action="user.signup_by_phone", obj=user)
            return user
        else:
            return user
    raise ApplicationError("password_login_required", "工作人员账号请使用用户名和密码登录(管理后台或工作台)",
                           fields={"phone": "请使用密码登录"}, status=403)


def _secrets_equal(a: str, b: str) -> bool:
    return secrets.compare_digest(a, b)
