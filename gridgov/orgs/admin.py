from django.contrib import admin
from django.db.models import Q

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.admin import ScopedAdminMixin, ServiceAdminMixin, ServiceModelForm
from gridgov.orgs.models import OrgUnit
from gridgov.orgs.services import org_unit_create, org_unit_update


class OrgUnitForm(ServiceModelForm):
    class Meta:
        model = OrgUnit
        fields = ["code", "name", "kind", "department_type", "region", "parent", "phone", "address", "lon", "lat",
                  "uscc", "members_count", "equipment", "duty_hours", "is_active"]

    def validate_unique(self):
        pass

    def call_service(self, cleaned):
        if self.instance.pk:
            return org_unit_update(actor=self.actor, unit=self.instance, **cleaned)
        return org_unit_create(actor=self.actor, **{k: v for k, v in cleaned.items() if v is not None})


@admin.register(OrgUnit)
class OrgUnitAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "org:unit:list"
    scope_edit_permission = "org:unit:edit"
    form = OrgUnitForm
    list_display = ["code", "name", "kind", "department_type", "region", "is_active"]
    list_filter = ["kind", "department_type", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region", "parent"]

    def has_delete_permission(self, request, obj=None):
        return False  # a unit is switched off (有效), not deleted: its cases and staff history keep pointing at it

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        j = jurisdiction_of(request.user)
        if j.is_global:
            return qs
        q = Q(pk__in=[])
        for p in j.paths_for("org:unit:list"):
            q |= Q(region__path__startswith=p)
        return qs.filter(q)
