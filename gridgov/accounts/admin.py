from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from gridgov.accounts.models import ApiToken, Membership, Role, User
from gridgov.accounts.services import api_token_revoke, user_unlock


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["region", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "phone_masked", "is_staff", "is_system", "is_active", "locked_until"]
    list_filter = ["is_staff", "is_superuser", "is_system", "is_active"]
    search_fields = ["username", "display_name"]
    fieldsets = BaseUserAdmin.fieldsets + (("gridgov", {"fields": ("display_name", "is_system", "locked_until")}),)
    inlines = [MembershipInline]
    actions = ["unlock"]

    @admin.display(description="手机号")
    def phone_masked(self, obj):
        return obj.phone_masked

    @admin.action(description="解除锁定")
    def unlock(self, request, queryset):
        for user in queryset:
            user_unlock(actor=request.user, user=user)
        messages.success(request, f"已解除 {queryset.count()} 个账号的锁定")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_staff_role", "sort"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__display_name", "region__name"]
    autocomplete_fields = ["user", "region", "unit"]
    list_select_related = ["user", "role", "region", "unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
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
