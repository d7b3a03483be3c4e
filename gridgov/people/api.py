"""Base-data API. Lists show masked identity numbers and phones; the clear value needs the reveal action."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.accounts.scoping import require_perm
from gridgov.core.errors import ApplicationError
from gridgov.core.files import XLSX, document_response
from gridgov.people.exporters import residents_workbook
from gridgov.people.models import Building, Organisation, Resident
from gridgov.people.selectors import building_list, organisation_list, resident_get, resident_list
from gridgov.people.services import resident_reveal_pii


class ResidentOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")
    id_number = serializers.CharField(source="id_number_masked")
    phone = serializers.CharField(source="phone_masked")
    household = serializers.SerializerMethodField()
    focus_groups = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = ["id", "name", "gender", "birth_date", "ethnicity", "id_type", "id_number", "phone", "residence_type",
                  "grid", "grid_name", "household", "focus_groups", "is_active"]

    def get_household(self, obj) -> str | None:
        return str(obj.household) if obj.household_id else None

    def get_focus_groups(self, obj) -> list[str]:
        return [f.group for f in obj.focus_groups.all()]


RESIDENT_FILTERS = [
    OpenApiParameter("q", str, description="姓名(包含)、完整证件号码或手机号(精确)"),
    OpenApiParameter("region", str, description="区划/网格编码(含下级)"),
    OpenApiParameter("residence_type", str, enum=["registered", "floating", "overseas"]),
    OpenApiParameter("focus_group", str),
]


def _identifier_in_url(params) -> bool:
    """A full identity number, document number or phone: anything with six digits or more."""
    if params.get("id_number") or params.get("phone"):
        return True
    q = params.get("q") or ""
    return sum(ch in "0123456789" for ch in q) >= 6


def _refuse_identifier_in_url(params) -> None:
    if _identifier_in_url(params):
        raise ApplicationError("identifier_in_url", "证件号码、手机号不能放在网址中,请用 POST /api/v1/residents/search/ 查询",
                               fields={"q": "请用 POST 查询"})


@extend_schema(tags=["people"], parameters=RESIDENT_FILTERS,
               description="按证件号码或手机号查询请用 POST /api/v1/residents/search/:号码不得出现在网址(及访问日志)中。")
class ResidentListApi(ListAPIView):
    serializer_class = ResidentOut

    def get_queryset(self):
        _refuse_identifier_in_url(self.request.query_params)
        return resident_list(actor=self.request.user, filters=self.request.query_params).prefetch_related(
            "focus_groups"
        )


class ResidentSearchIn(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100,
                              help_text="姓名(包含)、完整证件号码或手机号(精确)")
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="完整证件号码")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text="完整手机号")
    region = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text="区划/网格编码(含下级)")
    residence_type = serializers.ChoiceField(choices=["registered", "floating", "overseas"], required=False)
    focus_group = serializers.CharField(required=False, allow_blank=True, max_length=40)


@extend_schema(tags=["people"], request=ResidentSearchIn, responses=ResidentOut(many=True),
               summary="查询实有人口(证件号码、手机号放在请求体中,不进网址与日志)",
               parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)])
class ResidentSearchApi(ListAPIView):
    serializer_class = ResidentOut
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        data = ResidentSearchIn(data=request.data)
        data.is_valid(raise_exception=True)
        self.filters = data.validated_data
        return self.list(request, *args, **kwargs)

    def get_queryset(self):
        return resident_list(actor=self.request.user, filters=self.filters).prefetch_related("focus_groups")


@extend_schema(tags=["people"])
class ResidentDetailApi(RetrieveAPIView):
    serializer_class = ResidentOut

    def get_object(self):
        return resident_get(actor=self.request.user, pk=self.kwargs["pk"])


class RevealIn(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "phone"])
    reason = serializers.CharField(max_length=200)


class RevealOut(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


@extend_schema(tags=["people"], request=RevealIn, responses=RevealOut, summary="查看完整证件号码/手机号(留痕)")
class ResidentRevealApi(APIView):
    def post(self, request, pk):
        data = RevealIn(data=request.data)
        data.is_valid(raise_exception=True)
        resident = resident_get(actor=request.user, pk=pk)
        value = resident_reveal_pii(actor=request.user, resident=resident, **data.validated_data)
        return Response({"field": data.validated_data["field"], "value": value})


def _refuse_identifier_in_url(params) -> None:
    if _identifier_in_url(params):
        raise ApplicationError("identifier_in_url", "证件号码、手机号不能放在网址中,请用 POST /api/v1/residents/search/ 查询",
                               fields={"q": "请用 POST 查询"})


@extend_schema(tags=["people"], parameters=RESIDENT_FILTERS, responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
class ResidentExportApi(APIView):
    """The residents the actor may see, as .xlsx (identity numbers and phones masked)."""

    def get(self, request):
        require_perm(request.user, "people:resident:export")
        _refuse_identifier_in_url(request.query_params)
        qs = resident_list(actor=request.user, filters=request.query_params)
        content = residents_workbook(qs)
        return document_response(content, XLSX, "residents.xlsx")


class BuildingOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")

    class Meta:
        model = Building
        fields = ["id", "grid", "number", "name", "address", "use", "floors", "lon", "lat"]


@extend_schema(tags=["people"])
class BuildingListApi(ListAPIView):
    serializer_class = BuildingOut

    def get_queryset(self):
        return building_list(actor=self.request.user, filters=self.request.query_params)


class OrganisationOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    phone = serializers.CharField(source="phone_masked")

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "uscc", "grid", "address", "legal_representative", "phone", "employees"]


@extend_schema(tags=["people"])
class OrganisationListApi(ListAPIView):
    serializer_class = OrganisationOut

    def get_queryset(self):
        return organisation_list(actor=self.request.user, filters=self.request.query_params)
