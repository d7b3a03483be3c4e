"""Dispute API: register, list, detail with parties (masked), timeline and the actions allowed now, one endpoint
per row of the dispute's table, and 转为矛盾纠纷 from a case."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.api import StrictFloatField
from gridgov.core.workflow import Field
from gridgov.core.workflow_api import action_endpoint, input_serializers
from gridgov.mediation import services
from gridgov.mediation.action_inputs import run_action
from gridgov.mediation.documents import DOCUMENTS, FORMATS
from gridgov.mediation.models import Dispute, DisputeParty, Scale, Source, State
from gridgov.mediation.selectors import dispute_get, dispute_list, dispute_timeline
from gridgov.mediation.workflow import TABLE, action_label


class DisputeOut(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    dispute_type = serializers.CharField(source="dispute_type.code")
    dispute_type_name = serializers.CharField(source="dispute_type.name")
    risk_level = serializers.CharField(source="risk_level.code")
    risk_level_name = serializers.CharField(source="risk_level.name")
    grid = serializers.CharField(source="grid.code", default=None, allow_null=True)
    committee = serializers.CharField(source="committee.name", default=None, allow_null=True)

    class Meta:
        model = Dispute
        fields = ["id", "title", "state", "state_label", "dispute_type", "dispute_type_name", "risk_level",
                  "risk_level_name", "scale", "source", "source_ref", "grid", "occurred_on", "people_involved",
                  "committee", "due_at", "resolved", "window", "station", "created_at", "closed_at"]


class PartyOut(serializers.Serializer):
    role = serializers.CharField()
    name = serializers.CharField()
    id_number = serializers.CharField(source="id_number_masked", help_text="脱敏")
    phone = serializers.CharField(source="phone_masked", help_text="脱敏")


class DisputeEventOut(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.SerializerMethodField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    note = serializers.CharField()

    def get_action_label(self, obj) -> str:
        return action_label(obj.action)


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    content_type = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="GET 取文件(须有权查看该纠纷)")

    def get_url(self, obj) -> str:
        return f"/api/v1/disputes/materials/{obj.pk}/"


class DisputeDetailOut(DisputeOut):
    summary = serializers.CharField()
    parties = PartyOut(many=True)
    attachments = AttachmentOut(many=True, help_text="材料(证据、身份证明、履行凭证等)")
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(DisputeOut.Meta):
        fields = DisputeOut.Meta.fields + ["summary", "place", "lon", "lat", "case", "agreement_kind",
                                           "agreement_amount", "handed_to", "parties", "attachments", "timeline",
                                           "actions"]

    def get_timeline(self, obj) -> list[dict]:
        return DisputeEventOut(dispute_timeline(obj), many=True).data  # type: ignore[return-value]

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in TABLE.allowed(self.context["request"].user, obj)]


class PartyIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=DisputeParty.Role.choices)
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)


class DisputeIn(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    dispute_type = serializers.CharField(max_length=4, help_text="GB/T 31000 事件类型编码,如 0201")
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]  # the API's field name
    source_ref = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                       help_text="移交、委托的文书号(公安、法院、信访、检察移交时必填)")
    summary = serializers.CharField(max_length=2000)
    occurred_on = serializers.DateField()
    parties = PartyIn(many=True, min_length=1, max_length=50)  # type: ignore[call-arg]  # ListSerializer's
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lon = StrictFloatField(min_value=-180, max_value=180)
    lat = StrictFloatField(min_value=-90, max_value=90)
    people_involved = serializers.IntegerField(min_value=1, max_value=1_000_000, default=2)
    scale = serializers.ChoiceField(choices=Scale.choices, default=Scale.INDIVIDUAL)
    risk_level = serializers.CharField(max_length=16, required=False, allow_blank=True, default="",
                                       help_text="风险等级编码(默认最低一级)")
    organisations = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    window = serializers.BooleanField(required=False, default=False, help_text="县级综治中心一窗受理登记")


@extend_schema(tags=["disputes"])
class DisputeListCreateApi(ListAPIView):
    serializer_class = DisputeOut

    def get_queryset(self):
        p = self.request.query_params
        return dispute_list(actor=self.request.user, state=p.get("state", ""), risk_level=p.get("risk_level", ""))

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(State.values)),
                               OpenApiParameter("risk_level", str, description="风险等级编码,如 red")],
                   summary="矛盾纠纷台账")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=DisputeIn, responses={201: DisputeDetailOut}, summary="登记矛盾纠纷")
    def post(self, request):
        data = DisputeIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = services.dispute_register(actor=request.user, **data.validated_data)
        return Response(DisputeDetailOut(dispute_get(actor=request.user, pk=d.pk), context={"request": request}).data,
                        status=201)


@extend_schema(tags=["disputes"])
class DisputeDetailApi(APIView):
    @extend_schema(responses=DisputeDetailOut, summary="矛盾纠纷详情(当事人脱敏、办理记录、可执行操作)")
    def get(self, request, pk):
        return Response(DisputeDetailOut(dispute_get(actor=request.user, pk=pk), context={"request": request}).data)


class FromCaseIn(serializers.Serializer):
    dispute_type = serializers.CharField(max_length=4)
    risk_level = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    parties = PartyIn(many=True, min_length=1, max_length=50)  # type: ignore[call-arg]  # ListSerializer's


@extend_schema(tags=["disputes"], request=FromCaseIn, responses={201: DisputeDetailOut},
               summary="将矛盾纠纷类事件转为矛盾纠纷调解")
class CaseToDisputeApi(APIView):
    def post(self, request, pk):
        from gridgov.cases.selectors import case_get

        data = FromCaseIn(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_get(actor=request.user, pk=pk)
        d = services.dispute_from_case(actor=request.user, case=case, **data.validated_data)
        return Response(DisputeDetailOut(dispute_get(actor=request.user, pk=d.pk), context={"request": request}).data,
                        status=201)


def _mediation_kinds(f: Field, common: dict) -> serializers.Field | None:
    """The API fields of the kinds only disputes have: the mediator (an id) and a risk level (its code)."""
    if f.kind == "option":
        if f.name == "mediator":
            return serializers.IntegerField(min_value=1, max_value=10**9, allow_null=not f.required, **common)
        return serializers.CharField(max_length=40, **common)
    return None


SERIALIZERS = input_serializers(TABLE, suffix="DisputeIn", extra=_mediation_kinds)


def action_view(action: str):
    takes_photos = TABLE.get(action).takes_photos

    def run(d, actor, values, photos):
        run_action(dispute=d, actor=actor, action=action, values={**values, "photos": photos} if takes_photos else values)

    return action_endpoint(TABLE.get(action), serializer=SERIALIZERS[action], out=DisputeDetailOut, get=dispute_get,
                           run=run, tag="dispute actions", operation_id=f"dispute_{action}",
                           description="矛盾纠纷工作流表中的", photos_help="照片或扫描件以 multipart/form-data 的 photos 部分上传。")


class CountOut(serializers.Serializer):
    cases = serializers.IntegerField(help_text="件")
    people = serializers.IntegerField(help_text="人")


class CodeCountOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class SourceOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    accepted = serializers.IntegerField()


class SourceGroupOut(serializers.Serializer):
    name = serializers.CharField(help_text="主动调解、当事人申请或委托移送")
    accepted = serializers.IntegerField()


class CategoryOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    accepted = serializers.IntegerField()
    agreed = serializers.IntegerField()
    failed = serializers.IntegerField(required=False)


class RegionStatsOut(serializers.Serializer):
    code = serializers.CharField(help_text="街道或社区编码")
    name = serializers.CharField()
    accepted = serializers.IntegerField()
    resolved = serializers.IntegerField()
    agreed = serializers.IntegerField()
    failed = serializers.IntegerField()
    amount = serializers.CharField()
    resolution_rate = serializers.FloatField(allow_null=True)
    success_rate = serializers.FloatField(allow_null=True)


class DisputeStatsOut(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    accepted = serializers.IntegerField(help_text="受理数")
    resolved = serializers.IntegerField(help_text="化解成功数(受理的纠纷中期末前达成协议的)")
    resolution_rate = serializers.FloatField(allow_null=True, help_text="化解率 = 化解成功数 / 受理数")
    concluded = serializers.IntegerField(help_text="调结数(期内达成协议或调解未成)")
    agreed = serializers.IntegerField(help_text="调解成功数(期内达成协议)")
    failed = serializers.IntegerField(help_text="调解未成数")
    success_rate = serializers.FloatField(allow_null=True, help_text="调解成功率 = 调解成功数 / 调结数")
    written = serializers.IntegerField(help_text="书面协议")
    oral = serializers.IntegerField(help_text="口头协议")
    amount = serializers.CharField(help_text="协议涉及金额(元)")
    prevented_crime = CountOut(help_text="防止民转刑")
    prevented_petition = CountOut(help_text="防止群体性上访")
    handed_over = CodeCountOut(many=True, help_text="移交(法院、公安、信访)")
    by_source = SourceOut(many=True)
    source_groups = SourceGroupOut(many=True)
    by_moj_category = CategoryOut(many=True, help_text="按司法部15类")
    by_gb_class = CategoryOut(many=True, help_text="按GB/T 31000大类")
    region_level = serializers.ChoiceField(choices=[("town", "街道"), ("community", "社区")])
    by_region = RegionStatsOut(many=True)


@extend_schema(tags=["disputes"], responses=DisputeStatsOut,
               summary="人民调解统计(月报):化解率、调解成功率、来源、类别、金额、防止民转刑",
               parameters=[OpenApiParameter("month", str, description="YYYY-MM(2000–2100 年);或用 start/end,默认本月"),
                           OpenApiParameter("start", str, description="YYYY-MM-DD"),
                           OpenApiParameter("end", str, description="YYYY-MM-DD(含当天)")])
class DisputeStatsApi(APIView):
    def get(self, request):
        from gridgov.cases.selectors import parse_moment
        from gridgov.core.timeutil import local_today, month_bounds
        from gridgov.mediation.stats import dispute_stats

        p = request.query_params
        today = local_today()
        if p.get("month") or not (p.get("start") or p.get("end")):
            start, end = month_bounds(p.get("month") or today.strftime("%Y-%m"))
        else:  # a missing bound: from the first of this month, to today
            start = parse_moment(p.get("start") or today.replace(day=1).isoformat(), "start")
            end = parse_moment(p.get("end") or today.isoformat(), "end", end=True)
        return Response(DisputeStatsOut(dispute_stats(actor=request.user, start=start, end=end)).data)


DOCUMENT_NAMES = ["file", *DOCUMENTS]


@extend_schema(tags=["disputes"],
               summary="调解卷宗文书(.pdf 或 Word .docx):整卷 file,或受理登记表、告知书、调查记录、联合会商记录、调解记录、协议书、"
                       "口头协议、回访记录、结案报告表、卷内材料",
               parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=DOCUMENT_NAMES)],
               responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, FORMATS["docx"][0]): OpenApiTypes.BINARY})
class DisputeDocumentApi(APIView):
    def get(self, request, pk, name, fmt="pdf"):
        from django.http import Http404

        from gridgov.core.files import document_response
        from gridgov.mediation.documents import render

        if name not in DOCUMENT_NAMES:
            raise Http404
        d = dispute_get(actor=request.user, pk=pk)
        return document_response(render(d, name, fmt), FORMATS[fmt][0], f"dispute-{pk}-{name}.{fmt}",
                                 inline=fmt == "pdf")


@extend_schema(tags=["disputes"], summary="纠纷材料文件(证据、身份证明、履行凭证等的照片或扫描件)",
               responses={(200, "image/*"): OpenApiTypes.BINARY})
class DisputeAttachmentApi(APIView):
    def get(self, request, pk):
        from gridgov.core.files import serve_file
        from gridgov.mediation.selectors import dispute_attachment_get

        att = dispute_attachment_get(actor=request.user, pk=pk)
        ext = (att.file.name or "").rsplit(".", 1)[-1]
        return serve_file(att.file, content_type=att.content_type, filename=f"dispute-material-{att.pk}.{ext}")
