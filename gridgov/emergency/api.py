"""Emergency API: callouts (the center's of its place, a responder's of their units) with one endpoint per row of
the callout table; the units with roster and response times; shifts; alert groups and their warnings."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core import workflow_api
from gridgov.core.errors import NotFound
from gridgov.core.timeutil import now
from gridgov.core.workflow_api import ID_MAX, input_serializers
from gridgov.emergency import selectors, services
from gridgov.emergency.models import AlertGroup, Broadcast, Callout, CalloutState, CalloutUnit, DutyShift
from gridgov.emergency.workflow import CALLOUT


class CalloutUnitOut(serializers.ModelSerializer):
    name = serializers.CharField(source="unit.name")

    class Meta:
        model = CalloutUnit
        fields = ["unit", "name", "ring", "distance_m", "alerted_at", "paged"]


class CalloutOut(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    case_id = serializers.IntegerField()
    title = serializers.CharField(source="case.title")
    address = serializers.CharField(source="case.address")
    state_label = serializers.CharField(source="get_state_display")
    acknowledged_unit = serializers.CharField(source="acknowledged_unit.name", default=None, allow_null=True)
    units = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Callout
        fields = ["id", "case", "case_id", "title", "address", "state", "state_label", "ring", "lon", "lat",
                  "created_at", "ack_due_at", "acknowledged_at", "acknowledged_unit", "arrived_at", "closed_at",
                  "units", "actions"]

    @extend_schema_field(CalloutUnitOut(many=True))
    def get_units(self, obj):
        return CalloutUnitOut(obj.units.all(), many=True).data

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in CALLOUT.allowed(self.context["request"].user, obj)]


@extend_schema(tags=["emergency"])
class CalloutListApi(ListAPIView):
    serializer_class = CalloutOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.callouts(self.request.user, state=p.get("state", ""),
                                  open_only=p.get("open") in ("1", "true")).prefetch_related("units__unit")

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(CalloutState.values)),
                               OpenApiParameter("open", bool, description="只看未结束的")],
                   summary="应急出警(综治中心:辖区内;队员:本单元被呼叫的)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["emergency"], responses=CalloutOut, summary="出警详情")
class CalloutDetailApi(APIView):
    def get(self, request, pk):
        return Response(CalloutOut(selectors.callout_get(actor=request.user, pk=pk), context={"request": request}).data)


class MemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class ShiftOut(serializers.ModelSerializer):
    name = serializers.CharField(source="user.__str__")

    class Meta:
        model = DutyShift
        fields = ["id", "user", "name", "starts_at", "ends_at", "note"]


class UnitOut(serializers.Serializer):
    id = serializers.IntegerField(source="unit.pk")
    name = serializers.CharField(source="unit.name")
    region = serializers.CharField(source="unit.region.name")
    lon = serializers.FloatField(source="unit.lon", allow_null=True)
    lat = serializers.FloatField(source="unit.lat", allow_null=True)
    equipment = serializers.CharField(source="unit.equipment")
    members = MemberOut(many=True)
    on_duty = ShiftOut(many=True)
    upcoming = ShiftOut(many=True)
    called = serializers.IntegerField(help_text="近30天被呼叫次数")
    acknowledged = serializers.IntegerField(help_text="近30天由本单元响应的次数")
    median_ack_s = serializers.FloatField(allow_null=True, help_text="响应用时中位数(秒,自发起出警)")
    median_arrive_s = serializers.FloatField(allow_null=True, help_text="到场用时中位数(秒)")


@extend_schema(tags=["emergency"], responses=UnitOut(many=True), summary="最小应急单元:成员、值班与响应用时")
class UnitListApi(APIView):
    def get(self, request):
        return Response(UnitOut(selectors.units(request.user, at=now()), many=True).data)


class ShiftIn(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    user = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    note = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


@extend_schema(tags=["emergency"], request=ShiftIn, responses={201: ShiftOut}, summary="排班")
class ShiftCreateApi(APIView):
    def post(self, request):
        from gridgov.accounts.models import User

        data = ShiftIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = User.objects.filter(pk=v["user"]).first()
        if user is None:
            raise NotFound("账号不存在")
        shift = services.shift_add(actor=request.user, unit=v["unit"], user=user, starts_at=v["starts_at"],
                                   ends_at=v["ends_at"], note=v["note"])
        return Response(ShiftOut(shift).data, status=201)


@extend_schema(tags=["emergency"], request=None, responses=ShiftOut, summary="取消排班")
class ShiftCancelApi(APIView):
    def post(self, request, pk):
        shift = DutyShift.objects.filter(pk=pk).first()
        if shift is None:
            raise NotFound()
        return Response(ShiftOut(services.shift_cancel(actor=request.user, shift=shift)).data)


class GroupOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    region = serializers.CharField(source="region.name")
    members = serializers.SerializerMethodField()

    class Meta:
        model = AlertGroup
        fields = ["id", "name", "kind", "kind_label", "region", "members"]

    def get_members(self, obj) -> int:
        return obj.members.filter(is_active=True).count()


@extend_schema(tags=["emergency"], summary="联防群(成员所在的与辖区内的)")
class GroupListApi(ListAPIView):
    serializer_class = GroupOut

    def get_queryset(self):
        return selectors.groups(self.request.user)


class BroadcastIn(serializers.Serializer):
    message = serializers.CharField(max_length=500)
    level = serializers.ChoiceField(choices=Broadcast.Level.choices, default=Broadcast.Level.WARNING)


class BroadcastOut(serializers.ModelSerializer):
    sender = serializers.CharField(source="sender.__str__")
    level_label = serializers.CharField(source="get_level_display")

    class Meta:
        model = Broadcast
        fields = ["id", "sender", "level", "level_label", "message", "recipients", "at"]


@extend_schema(tags=["emergency"], request=BroadcastIn, responses={201: BroadcastOut},
               summary="发布联防预警(推送到每位成员的手机)")
class BroadcastApi(APIView):
    def post(self, request, pk):
        group = selectors.group_get(actor=request.user, pk=pk)
        data = BroadcastIn(data=request.data)
        data.is_valid(raise_exception=True)
        b = services.broadcast_send(actor=request.user, group=group, **data.validated_data)
        return Response(BroadcastOut(b).data, status=201)


SERIALIZERS = input_serializers(CALLOUT, suffix="CalloutIn")


def action_paths():
    return workflow_api.action_paths(
        CALLOUT, url="emergency/callouts/<id:pk>/", name="api-callout", serializers_by_action=SERIALIZERS,
        out=CalloutOut, get=selectors.callout_get, tag="emergency", operation="callout", description="应急出警工作流表中的",
        act=lambda obj, actor, action, values: services.callout_act(actor=actor, callout=obj, action=action,
                                                                    values=values))
