"""Case API: report, list, detail with timeline and the actions allowed now, and one endpoint per action."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.cases import services
from gridgov.cases.models import Case, Channel, State, Urgency
from gridgov.cases.selectors import case_get, case_list, case_timeline
from gridgov.core.api import FlatSerializer, StrictFloatField
from gridgov.core.workflow_api import uploaded_photos


class PlaceOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CaseOut(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display")
    category = serializers.CharField(source="category.code", default=None, allow_null=True)
    category_name = serializers.CharField(source="category.name", default=None, allow_null=True)
    grid = serializers.CharField(source="grid.code", default=None, allow_null=True)
    grid_name = serializers.CharField(source="grid.name", default=None, allow_null=True)
    handling_unit = serializers.CharField(source="handling_unit.name", default=None, allow_null=True)
    owner_center = serializers.CharField(source="owner_center.name", default=None, allow_null=True)

    class Meta:
        model = Case
        fields = ["id", "number", "title", "state", "state_label", "channel", "urgency", "category", "category_name",
                  "lon", "lat", "address", "grid", "grid_name", "out_of_grid", "handling_unit", "owner_center",
                  "light", "due_at", "created_at", "closed_at", "is_public", "escalation_level"]


class EventOut(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.SerializerMethodField()
    unit = serializers.CharField(source="actor_unit.name", default=None, allow_null=True)
    note = serializers.CharField()
    data = serializers.JSONField()  # type: ignore[assignment]  # the API's field name shadows Serializer.data
    photos = serializers.SerializerMethodField()

    def get_actor(self, obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None

    def get_photos(self, obj) -> list[str]:
        return [a.url for a in obj.attachments.all() if a.public_file]


class ActionOut(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API's field name shadows Field.label
    needs_reason = serializers.BooleanField()


class CaseDetailOut(CaseOut):
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    reporter_phone = serializers.CharField(source="reporter_phone_masked")

    class Meta(CaseOut.Meta):
        fields = CaseOut.Meta.fields + ["description", "reporter_name", "reporter_phone", "acknowledge_due_at",
                                        "arrive_due_at", "handle_due_at", "verify_due_at", "clock_error",
                                        "duplicate_candidates", "merged_into", "return_count", "rework_count",
                                        "extension_count", "satisfaction", "suggested_class", "suggested_confidence",
                                        "suggested_by", "timeline", "actions"]

    def get_timeline(self, obj) -> list[dict]:
        return EventOut(case_timeline(obj), many=True).data  # type: ignore[return-value]  # see EventOut.data

    def get_actions(self, obj) -> list[dict]:
        actor = self.context["request"].user
        return [{"action": t.action, "label": t.label, "needs_reason": t.needs_reason}
                for t in services.available_actions(obj, actor)]


class ReportIn(FlatSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.RESIDENT_APP)
    title = serializers.CharField(required=False, allow_blank=True, max_length=100)
    description = serializers.CharField(max_length=4000)
    category = serializers.CharField(required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    lon = StrictFloatField(required=False, allow_null=True)
    lat = StrictFloatField(required=False, allow_null=True)
    crs = serializers.CharField(required=False, default="wgs84")
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    reporter_phone = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                           help_text="上报人手机号;无账号的上报人(如12345来电)经短信获知办理结果")
    reporter_email = serializers.CharField(required=False, allow_blank=True, max_length=254,
                                           help_text="上报人电子邮件;经邮件获知办理结果")
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=100)
    is_public = serializers.BooleanField(required=False, allow_null=True, default=None)
    external_ref = serializers.CharField(required=False, allow_blank=True, max_length=64)
    resolved_on_spot = serializers.BooleanField(required=False, default=False)
    resolution_note = serializers.CharField(required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReportOut(FlatSerializer):
    """What a reporter needs back at once: the number, where it went, likely duplicates (no extra queries).
    Declared field by field (not a ModelSerializer): it answers every report, and introspecting the model on
    each one cost more than the rest of the response."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    grid_id = serializers.IntegerField(allow_null=True)
    out_of_grid = serializers.BooleanField()
    owner_center_id = serializers.IntegerField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    duplicate_candidates = serializers.ListField(child=serializers.IntegerField())
    created_at = serializers.DateTimeField()


class QueuedCaseOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class QueuedErrorOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class QueuedOut(FlatSerializer):
    """A report accepted for later: its token and what became of it (`cases.queued`)."""

    token = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "created", "refused"])
    received_at = serializers.DateTimeField()
    case = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    @extend_schema_field(QueuedCaseOut(allow_null=True))
    def get_case(self, obj) -> dict | None:
        return {"id": obj.case_id, "number": obj.case.number} if obj.case_id else None

    @extend_schema_field(QueuedErrorOut(allow_null=True))
    def get_error(self, obj) -> dict | None:
        return {"code": obj.error_code, "message": obj.error_message} if obj.error_code else None


@extend_schema(tags=["cases"])
class CaseListCreateApi(ListAPIView):
    serializer_class = CaseOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(parameters=[
        OpenApiParameter("state", str, description="状态,可逗号分隔"),
        OpenApiParameter("category", str, description="类别编码(含下级)"),
        OpenApiParameter("region", str, description="区划/网格编码(含下级)"),
        OpenApiParameter("light", str, enum=["none", "green", "yellow", "red"]),
        OpenApiParameter("channel", str), OpenApiParameter("urgency", str),
        OpenApiParameter("created_after", str, description="YYYY-MM-DD 或 ISO 8601"),
        OpenApiParameter("created_before", str), OpenApiParameter("q", str, description="标题、描述、编号"),
        OpenApiParameter("inbox", bool, description="只看派给我单位待办的"),
        OpenApiParameter("clock_error", bool, description="只看时限待工作日历录入后补算的"),
        OpenApiParameter("ordering", str, enum=["newest", "due", "updated"],
                         description="排序:newest 最新上报(默认)、due 时限最近(我的待办默认)、updated 最近办理"),
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return case_list(actor=self.request.user, filters=self.request.query_params)

    @extend_schema(request=ReportIn, responses={201: ReportOut, 200: ReportOut, 202: QueuedOut}, summary="上报事件",
                   parameters=[OpenApiParameter("Prefer", str, OpenApiParameter.HEADER, required=False,
                                                description="respond-async:先受理后立案(不带照片时),返回 202 "
                                                            "与查询令牌,稍后由后台立为事件")],
                   description="返回事件编号与去向;详情(办理记录、可执行操作)请 GET /api/v1/cases/{id}/。"
                               "带相同 Idempotency-Key 重复提交返回同一事件(200);键属于调用方"
                               "(不同令牌/账号的相同键互不影响),同一键用于内容不同的上报返回 409 "
                               "idempotency_key_reused。带 Prefer: respond-async 且不带照片时先受理:"
                               "返回 202 与令牌(Location 为查询地址),后台随即按受理时刻立案。")
    def post(self, request):
        data = ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["photos"] = uploaded_photos(request) or values.get("photos") or []
        key = request.headers.get("Idempotency-Key") or values.pop("idempotency_key", None)
        values.pop("idempotency_key", None)
        if "respond-async" in request.headers.get("Prefer", "").lower() and not values["photos"]:
            from gridgov.cases.queued import queue_report

            values.pop("photos")
            queued, created = queue_report(actor=request.user, values=values, idempotency_key=key)
            response = Response(QueuedOut(queued).data, status=202)
            response["Preference-Applied"] = "respond-async"
            response["Location"] = f"/api/v1/cases/queued/{queued.token}/"
            return response
        case, created = services.case_report(actor=request.user, idempotency_key=key, **values)
        return Response(ReportOut(case).data, status=201 if created else 200)


@extend_schema(tags=["cases"], responses=QueuedOut, summary="先受理后立案的上报:办理情况",
               description="status 为 queued(排队中)、created(已立为事件,case 为其编号)或 refused(未受理,"
                           "error 为原因及其稳定代码)。只有上报方本人可查。")
class QueuedReportApi(APIView):
    def get(self, request, token):
        from gridgov.cases.queued import queued_get

        return Response(QueuedOut(queued_get(actor=request.user, token=token)).data)


class RevealPhoneIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RevealPhoneOut(serializers.Serializer):
    reporter_phone = serializers.CharField()


@extend_schema(tags=["cases"], request=RevealPhoneIn, responses=RevealPhoneOut,
               summary="查看上报人完整电话(回访、核实用;须填事由,留痕)")
class CaseRevealPhoneApi(APIView):
    def post(self, request, pk):
        data = RevealPhoneIn(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_get(actor=request.user, pk=pk)
        phone = services.case_reveal_reporter_phone(actor=request.user, case=case, **data.validated_data)
        return Response({"reporter_phone": phone})


@extend_schema(tags=["cases"])
class CaseDetailApi(APIView):
    @extend_schema(responses=CaseDetailOut)
    def get(self, request, pk):
        case = case_get(actor=request.user, pk=pk)
        return Response(CaseDetailOut(case, context={"request": request}).data)


# -- one endpoint per row of the workflow table, its input made from the row's fields ---------------------------


def action_view(action: str):
    from gridgov.cases.action_inputs import SERIALIZERS, run_action
    from gridgov.cases.workflow import transition
    from gridgov.core.workflow_api import action_endpoint

    def run(case, actor, values, photos):
        run_action(case=case, actor=actor, action=action, values=values, photos=photos)

    return action_endpoint(transition(action), serializer=SERIALIZERS[action], out=CaseDetailOut, get=case_get, run=run,
                           tag="case actions", operation_id=f"case_{action}")
