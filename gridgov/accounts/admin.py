from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from gridgov.accounts.models import ApiToken, Membership, Role, User
from gridgov.accounts.permissions import PERMISSIONS, code_matches
from gridgov.accounts.services import (
    api_token_revoke,
    membership_grant,
    membership_revoke,
    user_record_admin_change,
    user_unlock,
)
from gridgov.core.admin import AuditedAdminMixin, ServiceAdminMixin, ServiceModelForm


class MembershipInline(admin.TabularInline):
    """Shown on the account; roles are granted and revoked under 任职, where each change is audited."""

    model = Membership
    extra = 0
    fields = ["role", "region", "unit", "is_active", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MembershipForm(ServiceModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "region", "unit"]

    def validate_unique(self):
        pass  # granting an existing role again reactivates it (membership_grant)

    def call_service(self, cleaned):
        return membership_grant(actor=self.actor, user=cleaned["user"], role_code=cleaned["role"].code,
                                region=cleaned["region"], unit=cleaned.get("unit"))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "phone_masked", "is_staff", "is_system", "is_active", "locked_until"]
    list_filter = ["is_staff", "is_superuser", "is_system", "is_active"]
    search_fields = ["username", "display_name"]
    fieldsets = BaseUserAdmin.fieldsets + (("gridgov", {"fields": ("display_name", "is_system", "locked_until")}),)
    inlines = [MembershipInline]
    actions = ["unlock", "totp_reset"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        user_record_admin_change(actor=request.user, user=obj,
                                 changed=list(form.changed_data) if change else ["created"])

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated (有效 off), never deleted: their history stays attributable

    @admin.display(description="手机号")
    def phone_masked(self, obj):
        return obj.phone_masked

    @admin.action(description="解除锁定")
    def unlock(self, request, queryset):
        for user in queryset:
            user_unlock(actor=request.user, user=user)
        messages.success(request, f"已解除 {queryset.count()} 个账号的锁定")

    @admin.action(description="解除动态口令绑定(手机丢失或更换)")
    def totp_reset(self, request, queryset):
        from gridgov.accounts import totp
        from gridgov.core.errors import ApplicationError

        done = 0
        for user in queryset:
            try:
                totp.disable(actor=request.user, user=user)
                done += 1
            except ApplicationError:
                pass  # none enabled
        messages.success(request, f"已为 {done} 个账号解除动态口令绑定;下次登录时重新绑定")


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["code", "name", "permissions", "is_staff_role", "sort"]
        help_texts = {"permissions": "权限标识列表,如 [\"case:case:list\", \"people:*:list\"];每项须对应平台的权限"}

    def clean_permissions(self):
        codes = self.cleaned_data["permissions"]
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise forms.ValidationError("应为权限标识的列表,如 [\"case:case:list\"]")
        unknown = [c for c in codes if not any(code_matches(c, known) for known in PERMISSIONS)]
        if unknown:
            raise forms.ValidationError(f"没有这样的权限:{'、'.join(unknown)}(格式为 模块:对象:操作,可用 * 通配)")
        return codes


@admin.register(Role)
class RoleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Permission changes are checked against the platform's codes and audited with their old and new lists."""

    form = RoleForm
    list_display = ["code", "name", "is_staff_role", "sort"]


@admin.register(Membership)
class MembershipAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Grant through the form (membership_grant), revoke with the action (membership_revoke); both audited.
    A grant is not edited in place: revoke it and grant the new one."""

    form = MembershipForm
    list_display = ["user", "role", "region", "unit", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__display_name", "region__name"]
    autocomplete_fields = ["user", "region", "unit"]
    list_select_related = ["user", "role", "region", "unit"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # the list and its actions only

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="撤销所选任职")
    def revoke(self, request, queryset):
        done = 0
        for membership in queryset.filter(is_active=True):
            membership_revoke(actor=request.user, membership=membership, reason="管理后台撤销")
            done += 1
        messages.success(request, f"已撤销 {done} 项任职")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # issued with `gridgov issue_token`, which shows the secret once

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
        messages.success(request, "已吊销")
