from django import forms
from django.contrib import admin
from django.http import HttpResponse

from gridgov.accounts.scoping import has_perm
from gridgov.core.admin import AuditedAdminMixin, ScopedAdminMixin, ServiceAdminMixin, ServiceModelForm
from gridgov.core.files import XLSX, document_response
from gridgov.people.exporters import buildings_workbook, residents_workbook
from gridgov.people.models import (
    Building,
    BuildingUnit,
    FocusGroup,
    FocusGroupMembership,
    Household,
    Organisation,
    Resident,
)
from gridgov.people.services import (
    BUILDING_EDITABLE,
    ORGANISATION_EDITABLE,
    building_create,
    building_update,
    organisation_create,
    organisation_update,
    resident_create,
    resident_update,
)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return document_response(content, XLSX, filename)


class ResidentForm(ServiceModelForm):
    id_number = forms.CharField(label="证件号码", max_length=20, required=False,
                                help_text="身份证号、港澳台居民居住证与新版永久居留身份证为18位,出生日期与性别自动取自号码;"
                                          "护照和通行证请另填性别与出生日期")
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    focus = forms.MultipleChoiceField(label="重点人群", choices=FocusGroup.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Resident
        fields = ["name", "grid", "household", "residence_type", "id_type", "gender", "birth_date", "ethnicity",
                  "relation_to_head"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_type"].required = False  # 居民身份证 when not chosen
        self.fields["gender"].required = False
        if self.instance.pk:
            self.fields["id_number"].disabled = True
            self.fields["id_number"].initial = self.instance.id_number_masked
            for name in ("id_type", "gender", "birth_date"):
                self.fields[name].disabled = True
            self.fields["phone"].initial = ""
            self.fields["phone"].help_text = f"当前:{self.instance.phone_masked or '无'};留空表示不修改"
            self.fields["grid"].disabled = True
            self.fields["household"].disabled = True
            self.fields["focus"].disabled = True
        else:
            self.fields["id_number"].required = True

    def call_service(self, cleaned):
        if self.instance.pk:
            return resident_update(actor=self.actor, resident=self.instance, name=cleaned["name"],
                                   phone=cleaned.get("phone") or None, residence_type=cleaned["residence_type"],
                                   ethnicity=cleaned.get("ethnicity", ""),
                                   relation_to_head=cleaned.get("relation_to_head", ""))
        return resident_create(actor=self.actor, grid=cleaned["grid"], name=cleaned["name"],
                               id_number=cleaned["id_number"], phone=cleaned.get("phone", ""),
                               id_type=cleaned.get("id_type") or "", gender=cleaned.get("gender") or "",
                               birth_date=cleaned.get("birth_date"),
                               residence_type=cleaned["residence_type"], household=cleaned.get("household"),
                               ethnicity=cleaned.get("ethnicity", ""),
                               relation_to_head=cleaned.get("relation_to_head", ""),
                               focus_groups=cleaned.get("focus") or [])


class FocusGroupInline(admin.TabularInline):
    model = FocusGroupMembership
    extra = 0


@admin.register(Resident)
class ResidentAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "people:resident:list"
    scope_edit_permission = "people:resident:edit"
    scope_path_field = "grid__path"
    form = ResidentForm
    list_display = ["name", "gender", "birth_date", "id_number_masked", "phone_masked", "residence_type", "grid",
                    "is_active"]
    list_filter = ["residence_type", "id_type", "gender", "is_active", "focus_groups__group"]
    search_fields = ["name"]
    list_select_related = ["grid"]
    autocomplete_fields = ["grid", "household"]
    inlines = [FocusGroupInline]
    actions = ["export_xlsx"]
    change_list_template = "web/admin_change_list_import.html"

    @admin.display(description="证件号码")
    def id_number_masked(self, obj):
        return obj.id_number_masked

    @admin.display(description="手机号")
    def phone_masked(self, obj):
        return obj.phone_masked

    def has_delete_permission(self, request, obj=None):
        return False  # residents move out; records are not deleted

    @admin.action(description="导出所选为 Excel(证件号码、手机号已脱敏)")
    def export_xlsx(self, request, queryset):
        return _xlsx_response(residents_workbook(queryset), "residents.xlsx")





class BuildingForm(ServiceModelForm):
    class Meta:
        model = Building
        fields = ["grid", "microgrid", "number", "name", "address", "use", "floors", "lon", "lat"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        if self.instance.pk:
            self.fields["grid"].disabled = True  # a building does not move to another grid

    def validate_unique(self):
        pass

    def call_service(self, cleaned):
        if self.instance.pk:
            return building_update(actor=self.actor, building=self.instance,
                                   **{k: v for k, v in cleaned.items() if k in BUILDING_EDITABLE})
        return building_create(actor=self.actor, grid=cleaned["grid"], name=cleaned["name"],
                               number=cleaned.get("number") or None, address=cleaned.get("address", ""),
                               use=cleaned.get("use", ""), floors=cleaned.get("floors"), lon=cleaned.get("lon"),
                               lat=cleaned.get("lat"), microgrid=cleaned.get("microgrid"))


@admin.register(Building)
class BuildingAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "people:building:list"
    scope_edit_permission = "people:building:edit"
    scope_path_field = "grid__path"
    form = BuildingForm
    list_display = ["name", "number", "grid", "use", "floors", "address"]
    list_filter = ["use"]
    search_fields = ["name", "address"]
    list_select_related = ["grid"]
    autocomplete_fields = ["grid", "microgrid"]
    actions = ["export_xlsx"]
    change_list_template = "web/admin_change_list_import.html"


    @admin.action(description="导出所选为 Excel")
    def export_xlsx(self, request, queryset):
        return _xlsx_response(buildings_workbook(queryset), "buildings.xlsx")





@admin.register(Household)
class HouseholdAdmin(AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "people:building:list"
    scope_edit_permission = "people:building:edit"
    scope_path_field = "grid__path"
    list_display = ["__str__", "kind", "grid"]
    list_select_related = ["building", "unit", "grid"]
    search_fields = ["building__name", "room"]
    autocomplete_fields = ["building", "unit", "grid"]


@admin.register(BuildingUnit)
class BuildingUnitAdmin(AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "people:building:list"
    scope_edit_permission = "people:building:edit"
    scope_path_field = "building__grid__path"
    list_display = ["__str__", "building"]
    search_fields = ["building__name", "number"]
    autocomplete_fields = ["building"]


class OrganisationForm(ServiceModelForm):
    phone = forms.CharField(label="联系电话(手机)", max_length=20, required=False)

    class Meta:
        model = Organisation
        fields = ["name", "kind", "uscc", "grid", "address", "legal_representative", "employees", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["grid"].disabled = True
            self.fields["phone"].help_text = f"当前:{self.instance.phone_masked or '无'};留空表示不修改"

    def validate_unique(self):
        pass

    def call_service(self, cleaned):
        if self.instance.pk:
            return organisation_update(actor=self.actor, organisation=self.instance, phone=cleaned.get("phone"),
                                       **{k: v for k, v in cleaned.items() if k in ORGANISATION_EDITABLE})
        return organisation_create(actor=self.actor, grid=cleaned["grid"], name=cleaned["name"],
                                   kind=cleaned["kind"], uscc=cleaned.get("uscc", ""),
                                   address=cleaned.get("address", ""),
                                   legal_representative=cleaned.get("legal_representative", ""),
                                   phone=cleaned.get("phone", ""), employees=cleaned.get("employees"))


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = "people:organisation:list"
    scope_edit_permission = "people:organisation:edit"
    scope_path_field = "grid__path"
    form = OrganisationForm
    list_display = ["name", "kind", "uscc", "grid", "legal_representative", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "uscc"]
    list_select_related = ["grid"]
    autocomplete_fields = ["grid"]

    def has_delete_permission(self, request, obj=None):
        return False  # an organisation that closes is marked not 在营, not deleted



def can_reveal(user) -> bool:
    return has_perm(user, "people:resident:reveal")
