"""Care API: the plans of my place (or those I am paired with), a plan with its pairing and check-ins, checking in,
pairing, vital-sign limits, the board by light, devices; one endpoint per row of the plan's table."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.care import selectors, services
from gridgov.care.models import (
    VITAL_LABELS,
    CarePlan,
    CheckIn,
    CheckInKind,
    CheckInResult,
    Device,
    DeviceKind,
    Light,
    Pairing,
    PairingRole,
    PlanState,
)
from gridgov.care.workflow import CARE_PLAN
from gridgov.core import workflow_api
from gridgov.core.api import StrictFloatField
from gridgov.core.errors import NotFound
from gridgov.core.workflow_api import ID_MAX, input_serializers
from gridgov.people.models import FocusGroup


class PairingOut(serializers.ModelSerializer):
    name = serializers.CharField(source="user.__str__")
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = Pairing
        fields = ["id", "user", "name", "role", "role_label", "since"]


class PlanOut(serializers.ModelSerializer):
    name = serializers.CharField(source="resident.name")
    group_label = serializers.CharField(source="get_group_display")
    grid = serializers.CharField(source="grid.name")
    state_label = serializers.CharField(source="get_state_display")
    light_label = serializers.CharField(source="get_light_display")
    alert_case = serializers.CharField(source="alert_case.number", default=None, allow_null=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = CarePlan
        fields = ["id", "name", "group", "group_label", "grid", "address", "state", "state_label", "light",
                  "light_label", "look_every_hours", "visit_every_days", "red_after_hours", "watch_for",
                  "last_look_at", "last_visit_at", "look_due_at", "red_at", "visit_due_at", "paused_until",
                  "alert_case", "actions"]

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in CARE_PLAN.allowed(self.context["request"].user, obj)]


class CheckInOut(serializers.ModelSerializer):
    user = serializers.CharField(source="user.__str__")
    kind_label = serializers.CharField(source="get_kind_display")
    result_label = serializers.CharField(source="get_result_display")
    case = serializers.CharField(source="case.number", default=None, allow_null=True)

    class Meta:
        model = CheckIn
        fields = ["id", "user", "kind", "kind_label", "result", "result_label", "note", "case", "at"]


class PlanDetailOut(PlanOut):
    pairings = serializers.SerializerMethodField()
    checkins = serializers.SerializerMethodField()
    thresholds = serializers.SerializerMethodField(help_text="生效的体征阈值:{指标: [下限, 上限]}")

    class Meta(PlanOut.Meta):
        fields = PlanOut.Meta.fields + ["pairings", "checkins", "thresholds"]

    @extend_schema_field(PairingOut(many=True))
    def get_pairings(self, obj):
        return PairingOut(obj.pairings.all(), many=True).data

    @extend_schema_field(CheckInOut(many=True))
    def get_checkins(self, obj):
        return CheckInOut(selectors.checkins(obj, 20), many=True).data

    def get_thresholds(self, obj) -> dict[str, list[float | None]]:
        return {k: list(v) for k, v in obj.limits().items()}


class PlanIn(serializers.Serializer):
    resident = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="居民编号(实有人口,须已登记为该重点人群)")
    group = serializers.ChoiceField(choices=FocusGroup.choices)
    look_every_hours = serializers.IntegerField(min_value=1, max_value=168, default=24)
    visit_every_days = serializers.IntegerField(min_value=1, max_value=90, default=7)
    red_after_hours = serializers.IntegerField(min_value=1, max_value=72, default=12)
    watch_for = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _plan(request, plan) -> dict:
    return PlanDetailOut(selectors.plan_get(actor=request.user, pk=plan.pk), context={"request": request}).data


@extend_schema(tags=["care"])
class PlanListCreateApi(ListAPIView):
    serializer_class = PlanOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.plans(self.request.user, light=p.get("light", ""), state=p.get("state", ""),
                               mine=p.get("mine") in ("1", "true"))

    @extend_schema(parameters=[OpenApiParameter("light", str, enum=list(Light.values)),
                               OpenApiParameter("state", str, enum=list(PlanState.values)),
                               OpenApiParameter("mine", bool, description="只看与我结对的")],
                   summary="关爱对象(红灯在前)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=PlanIn, responses={201: PlanDetailOut}, summary="关爱建档")
    def post(self, request):
        from gridgov.people.selectors import resident_get

        data = PlanIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        resident = resident_get(actor=request.user, pk=v.pop("resident"))
        plan = services.plan_create(actor=request.user, resident=resident, **v)
        return Response(_plan(request, plan), status=201)


@extend_schema(tags=["care"], responses=PlanDetailOut, summary="关爱对象详情(结对人、看望记录、体征阈值)")
class PlanDetailApi(APIView):
    def get(self, request, pk):
        return Response(PlanDetailOut(selectors.plan_get(actor=request.user, pk=pk), context={"request": request}).data)


class CheckInIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CheckInKind.choices)
    result = serializers.ChoiceField(choices=CheckInResult.choices, help_text="发现异常即生成事件")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    lon = StrictFloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = StrictFloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    idempotency_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                            help_text="同一键重复提交只记一次")


@extend_schema(tags=["care"], request=CheckInIn, responses={201: CheckInOut}, summary="记录看望")
class CheckInApi(APIView):
    def post(self, request, pk):
        plan = selectors.plan_get(actor=request.user, pk=pk)
        data = CheckInIn(data=request.data)
        data.is_valid(raise_exception=True)
        c = services.check_in(actor=request.user, plan=plan, **data.validated_data)
        return Response(CheckInOut(c).data, status=201)


class PairingIn(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="结对人的账号编号")
    role = serializers.ChoiceField(choices=PairingRole.choices)
    active = serializers.BooleanField(default=True, help_text="false 为解除结对")


@extend_schema(tags=["care"], request=PairingIn, responses=PlanDetailOut, summary="结对 / 解除结对")
class PairingApi(APIView):
    def post(self, request, pk):
        from gridgov.accounts.models import User

        plan = selectors.plan_get(actor=request.user, pk=pk)
        data = PairingIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = User.objects.filter(pk=v["user"]).first()
        if user is None:
            raise NotFound("账号不存在")
        services.pairing_set(actor=request.user, plan=plan, user=user, role=v["role"], active=v["active"])
        return Response(_plan(request, plan))


class ThresholdsIn(serializers.Serializer):
    thresholds = serializers.DictField(
        child=serializers.ListField(child=serializers.FloatField(allow_null=True), min_length=2, max_length=2),
        help_text=f"{{指标: [下限, 上限]}},指标为 {'、'.join(VITAL_LABELS)};空为不限")


@extend_schema(tags=["care"], request=ThresholdsIn, responses=PlanDetailOut, summary="设置体征阈值")
class ThresholdsApi(APIView):
    def post(self, request, pk):
        plan = selectors.plan_get(actor=request.user, pk=pk)
        data = ThresholdsIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.plan_thresholds(actor=request.user, plan=plan, thresholds=data.validated_data["thresholds"])
        return Response(_plan(request, plan))


class BoardOut(serializers.Serializer):
    red = serializers.IntegerField()
    yellow = serializers.IntegerField()
    green = serializers.IntegerField()
    paused = serializers.IntegerField()


@extend_schema(tags=["care"], responses=BoardOut, summary="关爱看板:各灯色人数")
class BoardApi(APIView):
    def get(self, request):
        return Response(BoardOut(selectors.board(request.user)).data)


class DeviceOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    plan = serializers.IntegerField(source="plan_id", allow_null=True)
    grid = serializers.CharField(source="grid.name")

    class Meta:
        model = Device
        fields = ["id", "vendor", "serial", "kind", "kind_label", "plan", "grid", "address", "lon", "lat",
                  "heartbeat_minutes", "last_seen_at", "is_online"]


class DeviceIn(serializers.Serializer):
    vendor = serializers.SlugField(max_length=32)
    serial = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    plan = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="关爱对象编号(设备装在其家中)")
    heartbeat_minutes = serializers.IntegerField(min_value=1, max_value=7 * 24 * 60, default=60)


@extend_schema(tags=["care"])
class DeviceListCreateApi(ListAPIView):
    serializer_class = DeviceOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.devices(self.request.user, kind=p.get("kind", ""), online=p.get("online", ""))

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=list(DeviceKind.values)),
                               OpenApiParameter("online", str, enum=["0", "1"])], summary="智能设备")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=DeviceIn, responses={201: DeviceOut}, summary="登记智能设备")
    def post(self, request):
        data = DeviceIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        plan = selectors.plan_get(actor=request.user, pk=v.pop("plan"))
        device = services.device_register(actor=request.user, plan=plan, **v)
        return Response(DeviceOut(selectors.device_get(actor=request.user, pk=device.pk)).data, status=201)


SERIALIZERS = input_serializers(CARE_PLAN, suffix="CarePlanIn")


def action_paths():
    return workflow_api.action_paths(
        CARE_PLAN, url="care/plans/<id:pk>/", name="api-care-plan", serializers_by_action=SERIALIZERS,
        out=PlanDetailOut, get=selectors.plan_get, tag="care", operation="care_plan", description="关爱计划工作流表中的",
        act=lambda obj, actor, action, values: services.plan_act(actor=actor, plan=obj, action=action, values=values))
