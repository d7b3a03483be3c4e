"""Points API: my points and history, the catalogue, the shop and redemptions, claims, volunteer registration;
for staff the volunteers, claims and redemptions of their place, with one endpoint per row of each table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core import workflow_api
from gridgov.core.errors import NotFound
from gridgov.core.workflow import Table
from gridgov.core.workflow_api import ID_MAX, input_serializers, uploaded_photos
from gridgov.points import credit, selectors, services, volunteer_tasks
from gridgov.points.access import visible_takes, visible_tasks
from gridgov.points.models import (
    Claim,
    ClaimState,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditState,
    PointItem,
    Redemption,
    RedemptionState,
    Reward,
    TakeState,
    Task,
    TaskState,
    TaskTake,
    Transfer,
    Volunteer,
    VolunteerKind,
    VolunteerState,
)
from gridgov.points.workflow import CLAIM, CREDIT, REDEMPTION, TAKE, TASK, VOLUNTEER


class VolunteerOut(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    kind_label = serializers.CharField(source="get_kind_display")
    community = serializers.CharField(source="community.name")
    name = serializers.CharField(source="user.__str__")
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = ["id", "name", "kind", "kind_label", "community", "employer", "state", "state_label", "applied_at",
                  "verified_at", "actions"]

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in VOLUNTEER.allowed(self.context["request"].user, obj)]


class SummaryOut(serializers.Serializer):
    balance = serializers.IntegerField(help_text="账户余额")
    spendable = serializers.IntegerField(help_text="现在可用于兑换的积分(未过期)")
    earned_total = serializers.IntegerField(help_text="累计获得")
    expiring_soon = serializers.IntegerField(help_text="30 天内将过期的积分")
    expiring_first_at = serializers.DateTimeField(allow_null=True)
    volunteer = VolunteerOut(allow_null=True)


class TransferOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    amount = serializers.SerializerMethodField(help_text="正数为收入,负数为支出")
    item = serializers.CharField(source="item.name", default=None, allow_null=True)

    class Meta:
        model = Transfer
        fields = ["id", "at", "kind", "kind_label", "amount", "item", "note"]

    def get_amount(self, obj) -> int:
        return selectors.signed_amount(obj, self.context["request"].user)


class ItemOut(serializers.ModelSerializer):
    point_class = serializers.CharField(source="point_class.name")
    trigger_label = serializers.CharField(source="get_trigger_display")
    approver_label = serializers.CharField(source="get_approver_display")

    class Meta:
        model = PointItem
        fields = ["key", "version", "point_class", "name", "points", "trigger", "trigger_label", "daily_cap",
                  "monthly_cap", "evidence_required", "approver", "approver_label"]


class StationOut(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField()
    hours = serializers.CharField()


class RewardOut(serializers.ModelSerializer):
    station = StationOut()

    class Meta:
        model = Reward
        fields = ["id", "name", "description", "points", "stock", "per_person_limit", "station"]


class RedemptionOut(serializers.ModelSerializer):
    reward = serializers.CharField(source="reward.name")
    station = StationOut()
    state_label = serializers.CharField(source="get_state_display")
    code = serializers.SerializerMethodField(help_text="兑换码:只给兑换人本人看,领取时出示")
    user = serializers.CharField(source="user.__str__")
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Redemption
        fields = ["id", "reward", "points", "station", "state", "state_label", "code", "user", "created_at",
                  "pickup_by", "actions"]

    def get_code(self, obj) -> str | None:
        return obj.code if obj.user_id == self.context["request"].user.pk else None

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in REDEMPTION.allowed(self.context["request"].user, obj)]


class ClaimOut(serializers.ModelSerializer):
    item = serializers.CharField(source="item.name")
    points = serializers.IntegerField(source="item.points")
    state_label = serializers.CharField(source="get_state_display")
    user = serializers.CharField(source="user.__str__")
    photos = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "item", "points", "user", "note", "happened_on", "state", "state_label", "photos",
                  "created_at", "actions"]

    def get_photos(self, obj) -> int:
        return len(obj.photos.all())  # prefetched by the selectors: no query per row

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in CLAIM.allowed(self.context["request"].user, obj)]


# -- mine ----------------------------------------------------------------------------------------------------


@extend_schema(tags=["points"], responses=SummaryOut, summary="我的积分:余额、可用、将过期、志愿者认证状态")
class MyPointsApi(APIView):
    def get(self, request):
        return Response(SummaryOut(selectors.my_summary(request.user), context={"request": request}).data)


@extend_schema(tags=["points"], summary="我的积分明细(获得、兑换、退还、过期、冲正)")
class MyHistoryApi(ListAPIView):
    serializer_class = TransferOut

    def get_queryset(self):
        return selectors.my_history(self.request.user)


@extend_schema(tags=["points"], summary="积分项目(现行版本)")
class ItemListApi(ListAPIView):
    serializer_class = ItemOut

    def get_queryset(self):
        return selectors.catalogue()


@extend_schema(tags=["points"], summary="积分商城:可兑换的奖品")
class RewardListApi(ListAPIView):
    serializer_class = RewardOut

    def get_queryset(self):
        return selectors.rewards(self.request.user)


@extend_schema(tags=["points"], request=None, responses={201: RedemptionOut}, summary="兑换奖品")
class RedeemApi(APIView):
    def post(self, request, pk):
        r = services.redeem(actor=request.user, reward_id=pk)
        return Response(RedemptionOut(selectors.redemption_get(actor=request.user, pk=r.pk),
                                      context={"request": request}).data, status=201)


# -- lists and details ---------------------------------------------------------------------------------------

MINE = OpenApiParameter("mine", bool, description="只看自己的(居民、志愿者);否则为管辖范围内的(工作人员)")


@extend_schema(tags=["points"])
class RedemptionListApi(ListAPIView):
    serializer_class = RedemptionOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.redemptions(self.request.user, mine=p.get("mine") in ("1", "true"), state=p.get("state", ""))

    @extend_schema(parameters=[MINE, OpenApiParameter("state", str, enum=list(RedemptionState.values))],
                   summary="兑换记录")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["points"], responses=RedemptionOut, summary="兑换详情")
class RedemptionDetailApi(APIView):
    def get(self, request, pk):
        return Response(RedemptionOut(selectors.redemption_get(actor=request.user, pk=pk),
                                      context={"request": request}).data)


class ClaimIn(serializers.Serializer):
    item = serializers.CharField(max_length=40, help_text="积分项目标识(key),须为「申请审核」类")
    note = serializers.CharField(max_length=2000, help_text="事由")
    happened_on = serializers.DateField(help_text="发生日期(近 90 天内)")
    user = serializers.IntegerField(min_value=1, max_value=10**18 - 1, required=False, allow_null=True,
                                    help_text="代志愿者申请时其账号编号(工作人员)")


@extend_schema(tags=["points"])
class ClaimListCreateApi(ListAPIView):
    serializer_class = ClaimOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        p = self.request.query_params
        return selectors.claims(self.request.user, mine=p.get("mine") in ("1", "true"), state=p.get("state", ""))

    @extend_schema(parameters=[MINE, OpenApiParameter("state", str, enum=list(ClaimState.values))],
                   summary="积分申请")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ClaimIn, responses={201: ClaimOut},
                   summary="申请积分(佐证照片以 multipart/form-data 的 photos 部分上传)")
    def post(self, request):
        data = ClaimIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = services.claimant(actor=request.user, user_id=v.get("user"))
        c = services.claim_submit(actor=request.user, user=user, item_key=v["item"], note=v["note"],
                                  happened_on=v["happened_on"], photos=uploaded_photos(request))
        return Response(ClaimOut(selectors.claim_get(actor=request.user, pk=c.pk), context={"request": request}).data,
                        status=201)


@extend_schema(tags=["points"], responses=ClaimOut, summary="积分申请详情")
class ClaimDetailApi(APIView):
    def get(self, request, pk):
        return Response(ClaimOut(selectors.claim_get(actor=request.user, pk=pk), context={"request": request}).data)


class VolunteerIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VolunteerKind.choices)
    community = serializers.IntegerField(min_value=1, max_value=10**18 - 1, help_text="服务社区的区划编号")
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


@extend_schema(tags=["points"])
class VolunteerListCreateApi(ListAPIView):
    serializer_class = VolunteerOut

    def get_queryset(self):
        return selectors.volunteers(self.request.user, state=self.request.query_params.get("state", ""))

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(VolunteerState.values))],
                   summary="志愿者(管辖范围内)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=VolunteerIn, responses={201: VolunteerOut}, summary="申请成为流动网格员(志愿者)")
    def post(self, request):
        data = VolunteerIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        created = services.volunteer_apply(actor=request.user, kind=v["kind"], community_id=v["community"],
                                           employer=v["employer"])
        return Response(VolunteerOut(selectors.volunteer_get(actor=request.user, pk=created.pk),
                                     context={"request": request}).data, status=201)


@extend_schema(tags=["points"], responses=VolunteerOut, summary="志愿者详情")
class VolunteerDetailApi(APIView):
    def get(self, request, pk):
        return Response(VolunteerOut(selectors.volunteer_get(actor=request.user, pk=pk),
                                     context={"request": request}).data)


# -- credit lists --------------------------------------------------------------------------------------------


class CreditOut(serializers.ModelSerializer):
    resident = serializers.SerializerMethodField(help_text="居民姓名(本人与工作人员可见)")
    community = serializers.CharField(source="community.name")
    list_label = serializers.CharField(source="get_list_display")
    reason_label = serializers.CharField(source="get_reason_display")
    state_label = serializers.CharField(source="get_state_display")
    actions = serializers.SerializerMethodField()

    class Meta:
        model = CreditRecord
        fields = ["id", "resident", "community", "list", "list_label", "reason", "reason_label", "description",
                  "valid_until", "state", "state_label", "created_at", "published_at", "actions"]

    def get_resident(self, obj) -> str:
        return obj.resident.name

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in CREDIT.allowed(self.context["request"].user, obj)]


class CreditIn(serializers.Serializer):
    resident = serializers.IntegerField(min_value=1, max_value=10**18 - 1, help_text="居民编号(实有人口)")
    list = serializers.ChoiceField(choices=CreditList.choices)
    reason = serializers.ChoiceField(choices=CreditReason.choices, help_text="须与榜单相符:红榜为守信事由,灰榜为失信事由")
    description = serializers.CharField(max_length=2000, help_text="事实经过")
    valid_until = serializers.DateField(required=False, allow_null=True, help_text="公示截止(默认红榜一年、灰榜半年)")


@extend_schema(tags=["points"])
class CreditListCreateApi(ListAPIView):
    serializer_class = CreditOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = credit.visible_records(self.request.user)
        if state := self.request.query_params.get("state", ""):
            qs = qs.filter(state=state)
        return qs

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(CreditState.values))],
                   summary="诚信记录(工作人员:管辖范围内;居民:本人的)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=CreditIn, responses={201: CreditOut},
                   summary="登记诚信记录(灰榜须以 multipart/form-data 的 photos 部分上传证据照片)")
    def post(self, request):
        from gridgov.people.selectors import resident_get

        data = CreditIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        r = credit.credit_propose(actor=request.user, resident=resident_get(actor=request.user, pk=v["resident"]),
                                  list_=v["list"], reason=v["reason"], description=v["description"],
                                  valid_until=v.get("valid_until"), photos=uploaded_photos(request))
        return Response(CreditOut(credit.record_get(actor=request.user, pk=r.pk), context={"request": request}).data,
                        status=201)


@extend_schema(tags=["points"], responses=CreditOut, summary="诚信记录详情")
class CreditDetailApi(APIView):
    def get(self, request, pk):
        return Response(CreditOut(credit.record_get(actor=request.user, pk=pk), context={"request": request}).data)


class PublishedOut(serializers.Serializer):
    name = serializers.CharField(help_text="红榜为姓名,灰榜隐去名字")
    reason = serializers.CharField()
    since = serializers.DateTimeField()
    until = serializers.DateField()


class BoardsOut(serializers.Serializer):
    community = serializers.CharField(allow_null=True)
    red = PublishedOut(many=True)
    grey = PublishedOut(many=True)


@extend_schema(tags=["points"], responses=BoardsOut, summary="本社区诚信红灰榜(公示中)")
class CreditBoardsApi(APIView):
    def get(self, request):
        community = credit.home_community(request.user)
        lists = credit.published_lists(community) if community else {"red": [], "grey": []}
        return Response(BoardsOut({"community": community.name if community else None, **lists}).data)


# -- volunteer tasks ------------------------------------------------------------------------------------------


class TakeOut(serializers.ModelSerializer):
    user = serializers.CharField(source="user.__str__")
    state_label = serializers.CharField(source="get_state_display")
    task = serializers.IntegerField(source="task_id")
    task_title = serializers.CharField(source="task.title")
    points = serializers.IntegerField(source="award.amount", default=None, allow_null=True)

    class Meta:
        model = TaskTake
        fields = ["id", "task", "task_title", "user", "state", "state_label", "note", "points", "created_at"]


class TaskOut(serializers.ModelSerializer):
    community = serializers.CharField(source="community.name")
    state_label = serializers.CharField(source="get_state_display")
    points = serializers.IntegerField(source="item.points")
    left = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "title", "description", "community", "place", "starts_at", "ends_at", "places", "taken",
                  "left", "points", "state", "state_label", "created_at"]

    def get_left(self, obj) -> int:
        return max(0, obj.places - obj.taken)


class TaskIn(serializers.Serializer):
    community = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="社区编号")
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=2000)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    places = serializers.IntegerField(min_value=1, max_value=200, default=1)


@extend_schema(tags=["points"])
class TaskListCreateApi(ListAPIView):
    serializer_class = TaskOut

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        qs = visible_tasks(self.request.user)
        return qs.filter(state=state) if state else qs

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(TaskState.values))],
                   summary="志愿任务(本社区或管辖范围)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=TaskIn, responses={201: TaskOut}, summary="发布志愿任务")
    def post(self, request):
        from gridgov.regions.models import Region

        data = TaskIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        community = Region.objects.filter(pk=v.pop("community"), is_active=True, level="community").first()
        if community is None:
            raise NotFound("社区不存在")
        return Response(TaskOut(volunteer_tasks.task_publish(actor=request.user, community=community, **v)).data,
                        status=201)


class TakeIn(serializers.Serializer):
    pass


@extend_schema(tags=["points"], request=TakeIn, responses={201: TakeOut}, summary="接单")
class TaskTakeApi(APIView):
    def post(self, request, pk):
        take = volunteer_tasks.task_take(actor=request.user, task=selectors.task_get(actor=request.user, pk=pk))
        return Response(TakeOut(take).data, status=201)


@extend_schema(tags=["points"])
class TakeListApi(ListAPIView):
    serializer_class = TakeOut

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        qs = visible_takes(self.request.user)
        return qs.filter(state=state) if state else qs

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(TakeState.values))],
                   summary="任务认领:我接的,或管辖范围内待确认的")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# -- one endpoint per row of each table ----------------------------------------------------------------------

TABLES: dict[str, tuple[Table, type[serializers.Serializer], Callable[..., Any], Callable[..., Any]]] = {
    "volunteers": (VOLUNTEER, VolunteerOut, selectors.volunteer_get,
                   lambda obj, actor, action, values: services.volunteer_act(actor=actor, volunteer=obj,
                                                                             action=action, values=values)),
    "claims": (CLAIM, ClaimOut, selectors.claim_get,
               lambda obj, actor, action, values: services.claim_act(actor=actor, claim=obj, action=action,
                                                                     values=values)),
    "redemptions": (REDEMPTION, RedemptionOut, selectors.redemption_get,
                    lambda obj, actor, action, values: services.redemption_act(actor=actor, redemption=obj,
                                                                               action=action, values=values)),
    "credit": (CREDIT, CreditOut, credit.record_get,
               lambda obj, actor, action, values: credit.credit_act(actor=actor, record=obj, action=action,
                                                                    values=values)),
    "tasks": (TASK, TaskOut, selectors.task_get,
              lambda obj, actor, action, values: volunteer_tasks.task_act(actor=actor, task=obj, action=action,
                                                                          values=values)),
    "takes": (TAKE, TakeOut, selectors.take_get,
              lambda obj, actor, action, values: volunteer_tasks.take_act(actor=actor, take=obj, action=action,
                                                                          values=values)),
}
SERIALIZERS = {name: input_serializers(table, suffix=f"{table.name.capitalize()}In")
               for name, (table, *_rest) in TABLES.items()}


LABELS = {"volunteers": "志愿者", "claims": "积分申请", "redemptions": "兑换", "credit": "诚信记录", "tasks": "志愿任务",
          "takes": "任务认领"}


def action_paths():
    return [p for name, (table, out, get, act) in TABLES.items()
            for p in workflow_api.action_paths(
                table, url=f"points/{name}/<id:pk>/", name=f"api-points-{name}", serializers_by_action=SERIALIZERS[name],
                out=out, get=get, act=act, tag="points actions", operation=f"points_{table.name}",
                description=f"{LABELS[name]}工作流表中的")]
