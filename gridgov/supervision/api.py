"""Supervision API: compounds, inspections (the checklist to fill in, results, re-inspection, cancelling), and a
month's property-company scores with every deduction and its evidence."""

from __future__ import annotations

import json

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import local, now
from gridgov.supervision import access, patrol, score, services, smart
from gridgov.supervision.models import Compound, Inspection, InspectionState, Result

TAG = "supervision"


class CompoundOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.name")
    property_company = serializers.CharField(source="property_company.name", default=None, allow_null=True)
    checklist = serializers.CharField(source="checklist.name")
    smart_score = serializers.SerializerMethodField(help_text="智慧小区得分(0–100,达到的标准分值 / 全部有效标准分值)")
    smart_stars = serializers.SerializerMethodField(help_text="智慧小区星级 1–5")

    class Meta:
        model = Compound
        fields = ["id", "name", "grid", "property_company", "is_old", "checklist", "address", "smart_score",
                  "smart_stars"]

    def _rating(self, obj) -> dict:
        ratings = self.context.get("smart")
        return ratings[obj.pk] if ratings and obj.pk in ratings else smart.ratings([obj])[obj.pk]

    def get_smart_score(self, obj) -> float:
        return self._rating(obj)["score"]

    def get_smart_stars(self, obj) -> int:
        return self._rating(obj)["stars"]


class SmartCheckIn(serializers.Serializer):
    met = serializers.DictField(child=serializers.BooleanField(), help_text="标准编码 → 是否达到")
    notes = serializers.DictField(child=serializers.CharField(max_length=200, allow_blank=True), required=False)


class SmartRatingOut(serializers.Serializer):
    score = serializers.FloatField()
    stars = serializers.IntegerField()
    met = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    checked_at = serializers.DateTimeField(allow_null=True)


class ResultOut(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code")
    item = serializers.CharField(source="item.text")
    case = serializers.CharField(source="case.number", default=None, allow_null=True)

    class Meta:
        model = Result
        fields = ["code", "item", "passed", "note", "case", "rectify_by", "rectified"]


class ChecklistItemOut(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    weight = serializers.IntegerField()
    photo_required = serializers.BooleanField()


class InspectionOut(serializers.ModelSerializer):
    compound = serializers.CharField(source="compound.name")
    property_company = serializers.CharField(source="property_company.name", default=None, allow_null=True)
    state_label = serializers.CharField(source="get_state_display")
    items = ChecklistItemOut(source="checklist.items.all", many=True)
    results = ResultOut(many=True)

    class Meta:
        model = Inspection
        fields = ["id", "compound", "property_company", "state", "state_label", "due_on", "submitted_at",
                  "reinspected_at", "failed_count", "deducted", "items", "results"]


def inspection_get(*, actor, pk: int) -> Inspection:
    i = access.visible_inspections(actor).filter(pk=pk).first()
    if i is None:
        raise NotFound()
    return i


@extend_schema(tags=[TAG], summary="小区(管辖范围内)")
class CompoundListApi(ListAPIView):
    serializer_class = CompoundOut

    def get_queryset(self):
        return access.visible_compounds(self.request.user).select_related("grid", "property_company", "checklist")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else list(self.get_queryset())
        data = CompoundOut(rows, many=True, context={"smart": smart.ratings(rows), "request": request}).data
        return self.get_paginated_response(data) if page is not None else Response(data)


@extend_schema(tags=[TAG], summary="智慧小区核查(逐项是否达到),返回新的星级", request=SmartCheckIn,
               responses=SmartRatingOut)
class CompoundSmartApi(APIView):
    def post(self, request, pk: int):
        compound = access.visible_compounds(request.user).filter(pk=pk).first()
        if compound is None:
            raise NotFound()
        body = SmartCheckIn(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(SmartRatingOut(smart.smart_check(actor=request.user, compound=compound,
                                                         met=body.validated_data["met"],
                                                         notes=body.validated_data.get("notes"))).data)


@extend_schema(tags=[TAG])
class InspectionListApi(ListAPIView):
    serializer_class = InspectionOut

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        qs = access.visible_inspections(self.request.user).prefetch_related("results__item", "checklist__items")
        return qs.filter(state=state) if state else qs

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(InspectionState.values))],
                   summary="物业检查(待检查、整改中…)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAG], responses=InspectionOut, summary="一次检查(检查表与结果)")
class InspectionDetailApi(APIView):
    def get(self, request, pk):
        return Response(InspectionOut(inspection_get(actor=request.user, pk=pk)).data)


class SubmitIn(serializers.Serializer):
    results = serializers.DictField(child=serializers.BooleanField(), help_text="{检查项编码: 是否合格},须逐项填写")
    notes = serializers.DictField(child=serializers.CharField(max_length=500, allow_blank=True), required=False,
                                  default=dict)


def _json_field(request, name: str):
    """A multipart form sends the results as JSON text in a part."""
    value = request.data.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ApplicationError("invalid_" + name, f"{name} 须为 JSON", fields={name: "格式无效"}) from None
    return value


@extend_schema(tags=[TAG], request=SubmitIn, responses=InspectionOut,
               summary="提交检查结果(不合格项的照片以 multipart 的 photo_<编码> 部分上传)")
class InspectionSubmitApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request, pk):
        inspection = inspection_get(actor=request.user, pk=pk)
        data = SubmitIn(data={"results": _json_field(request, "results"), "notes": _json_field(request, "notes") or {}})
        data.is_valid(raise_exception=True)
        files = getattr(request, "FILES", {})
        photos = {k[len("photo_"):]: f for k, f in files.items() if k.startswith("photo_")}
        services.inspection_submit(actor=request.user, inspection=inspection, photos=photos,
                                   results=data.validated_data["results"], notes=data.validated_data["notes"])
        return Response(InspectionOut(inspection_get(actor=request.user, pk=pk)).data)


class ReinspectIn(serializers.Serializer):
    fixed = serializers.DictField(child=serializers.BooleanField(), help_text="{不合格项编码: 是否已整改}")
    notes = serializers.DictField(child=serializers.CharField(max_length=500, allow_blank=True), required=False,
                                  default=dict)


@extend_schema(tags=[TAG], request=ReinspectIn, responses=InspectionOut, summary="提交复查结果")
class InspectionReinspectApi(APIView):
    def post(self, request, pk):
        inspection = inspection_get(actor=request.user, pk=pk)
        data = ReinspectIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_reinspect(actor=request.user, inspection=inspection, **data.validated_data)
        return Response(InspectionOut(inspection_get(actor=request.user, pk=pk)).data)


class CancelIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


@extend_schema(tags=[TAG], request=CancelIn, responses=InspectionOut, summary="取消检查")
class InspectionCancelApi(APIView):
    def post(self, request, pk):
        inspection = inspection_get(actor=request.user, pk=pk)
        data = CancelIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_cancel(actor=request.user, inspection=inspection, **data.validated_data)
        return Response(InspectionOut(inspection_get(actor=request.user, pk=pk)).data)


class DeductionOut(serializers.Serializer):
    points = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    result_id = serializers.IntegerField(allow_null=True)
    case_id = serializers.IntegerField(allow_null=True)


class ScoreOut(serializers.Serializer):
    company = serializers.CharField()
    score = serializers.IntegerField()
    inspections = serializers.IntegerField()
    pass_rate = serializers.FloatField(allow_null=True)
    deductions = DeductionOut(many=True)


@extend_schema(tags=[TAG], parameters=[OpenApiParameter("month", str, description="YYYY-MM,默认本月")],
               responses=ScoreOut(many=True), summary="物业信用分排名(每项扣分及其依据)")
class ScoreApi(APIView):
    def get(self, request):
        from gridgov.accounts.scoping import require_perm

        require_perm(request.user, access.VIEW)
        month = request.query_params.get("month") or f"{local(now()):%Y-%m}"
        rows = score.ranking(access.visible_compounds(request.user), month)
        out = [{"company": r["company"].name, "score": r["score"], "inspections": r["inspections"],
                "pass_rate": r["pass_rate"], "deductions": r["found"]} for r in rows]
        return Response(ScoreOut(out, many=True).data)


@extend_schema_field({"oneOf": [{"type": "string", "format": "date-time"}, {"type": "integer", "minimum": 0}],
                     "description": "定位时间:带时区的 ISO 8601,或毫秒时间戳;须在最近一天内"})
class MomentField(serializers.Field):
    """A position's time as the phone gives it; `patrol.track_record` reads it."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            raise serializers.ValidationError("须为 ISO 8601 时间或毫秒时间戳")
        return data

    def to_representation(self, value):
        return value


class TrackPointIn(serializers.Serializer):
    at = MomentField()
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="经度(WGS84)")
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="纬度(WGS84)")
    accuracy = serializers.FloatField(required=False, allow_null=True, min_value=0,
                                      help_text="精度(米),超过 100 米的点不保存")


class TrackIn(serializers.Serializer):
    points = serializers.ListField(child=TrackPointIn(), min_length=1, max_length=patrol.TRACK_BATCH,
                                   help_text=f"一批定位点(最多 {patrol.TRACK_BATCH} 个);重复上传的点不会重复保存")


class TrackOut(serializers.Serializer):
    stored = serializers.IntegerField(help_text="新保存的点数")
    ignored = serializers.IntegerField(help_text="因精度不足未保存的点数")


@extend_schema(tags=[TAG], request=TrackIn, responses=TrackOut, summary="上传巡查轨迹(一批定位点)")
class TrackApi(APIView):
    def post(self, request):
        data = TrackIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(patrol.track_record(actor=request.user, points=data.validated_data["points"]))


class PatrolRoundOut(serializers.Serializer):
    name = serializers.CharField()
    over = serializers.BooleanField()
    done = serializers.BooleanField()
    checkins = serializers.IntegerField()
    track_points = serializers.IntegerField()
    coverage = serializers.FloatField(allow_null=True)
    visited = serializers.ListField(child=serializers.CharField())


class PatrolTrackOut(serializers.Serializer):
    user = serializers.CharField()
    lines = serializers.ListField(child=serializers.ListField(child=serializers.ListField(
        child=serializers.FloatField())), help_text="每段轨迹:[[纬度, 经度], …]")
    points = serializers.IntegerField()
    start = serializers.CharField(source="from", help_text="开始时间 HH:MM")
    to = serializers.CharField(help_text="结束时间 HH:MM")


class PatrolDayOut(serializers.Serializer):
    rounds = PatrolRoundOut(many=True)
    tracks = PatrolTrackOut(many=True)
    points = serializers.ListField(child=serializers.DictField(), help_text="巡查点:名称、位置、半径、到过的轮次")
    checkins = serializers.ListField(child=serializers.DictField(), help_text="打卡:时间、网格员、位置、巡查情况")


@extend_schema(tags=[TAG], parameters=[OpenApiParameter("day", str, description="YYYY-MM-DD,默认今天")],
               responses=PatrolDayOut, summary="一个网格一天的巡查:轮次、轨迹、打卡、巡查点")
class PatrolDayApi(APIView):
    def get(self, request, pk):
        import datetime as dt

        grid = access.patrol_grids(request.user).filter(pk=pk).first()
        if grid is None:
            raise NotFound()
        raw = request.query_params.get("day")
        try:
            day = dt.date.fromisoformat(raw) if raw else local(now()).date()
        except ValueError:
            raise ApplicationError("invalid_day", "日期格式应为 YYYY-MM-DD", fields={"day": "格式无效"}) from None
        data = patrol.grid_day(grid, day)
        return Response(PatrolDayOut(data).data)
