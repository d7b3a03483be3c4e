"""掌上社区 API: what my community publishes (and, for staff, what they keep), read receipts and sign-ups;
我要办事 conversations with their messages (photos and voice as multipart parts `photo` and `voice`); slots and
appointments; one endpoint per row of each table (articles, conversations, appointments)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core import workflow_api
from gridgov.core.errors import NotFound
from gridgov.core.workflow_api import ID_MAX, input_serializers
from gridgov.portal import access, selectors, services
from gridgov.portal.models import (
    Appointment,
    AppointmentState,
    Article,
    ArticleKind,
    ChatMessage,
    Conversation,
    ConversationState,
    Slot,
    SlotKind,
)
from gridgov.portal.workflow import APPOINTMENT, ARTICLE, CONVERSATION

TAG = "portal"


class ArticleOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    region = serializers.CharField(source="region.name")

    class Meta:
        model = Article
        fields = ["id", "kind", "kind_label", "title", "body", "region", "state", "state_label", "requires_receipt",
                  "pinned", "guide_materials", "guide_steps", "guide_where", "guide_hours", "starts_at", "place",
                  "capacity", "signup_until", "signups_count", "published_at"]


class ArticleIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ArticleKind.choices)
    title = serializers.CharField(max_length=100)
    body = serializers.CharField(max_length=20000)
    requires_receipt = serializers.BooleanField(default=False)
    pinned = serializers.BooleanField(default=False)
    guide_materials = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    guide_steps = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    guide_where = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    guide_hours = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, max_value=100000, required=False, allow_null=True, default=None)
    signup_until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ArticleCreateIn(ArticleIn):
    region = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="发布范围:社区、街道或区的编号")


def _region(pk: int):
    from gridgov.regions.models import Level, Region

    region = Region.objects.filter(pk=pk, is_active=True, level__in=[Level.DISTRICT, Level.TOWN,
                                                                     Level.COMMUNITY]).first()
    if region is None:
        raise NotFound("发布范围不存在")
    return region


@extend_schema(tags=[TAG])
class ArticleListCreateApi(ListAPIView):
    serializer_class = ArticleOut

    def get_queryset(self):
        p = self.request.query_params
        if p.get("mine") in ("1", "true"):
            qs = access.editable_articles(self.request.user)
            return qs.filter(kind=p["kind"]) if p.get("kind") else qs
        return selectors.articles_for(self.request.user, kind=p.get("kind", ""))

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=list(ArticleKind.values)),
                               OpenApiParameter("mine", bool, description="工作人员:我管辖范围内的全部(含草稿)")],
                   summary="本社区发布的通知公告、政策、办事指南、新闻和活动")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ArticleCreateIn, responses={201: ArticleOut}, summary="起草(发布前为草稿)")
    def post(self, request):
        data = ArticleCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        a = services.article_save(actor=request.user, region=_region(v.pop("region")), **v)
        return Response(ArticleOut(a).data, status=201)


@extend_schema(tags=[TAG], responses=ArticleOut, summary="一篇发布")
class ArticleDetailApi(APIView):
    def get(self, request, pk):
        return Response(ArticleOut(selectors.article_get(actor=request.user, pk=pk)).data)


@extend_schema(tags=[TAG], request=ArticleIn, responses=ArticleOut, summary="修改草稿")
class ArticleEditApi(APIView):
    def post(self, request, pk):
        a = selectors.article_get(actor=request.user, pk=pk)
        data = ArticleIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ArticleOut(services.article_save(actor=request.user, article=a, **data.validated_data)).data)


class ReceiptIn(serializers.Serializer):
    pass


@extend_schema(tags=[TAG], request=ReceiptIn, responses=ArticleOut, summary="已阅(回执)")
class ReceiptApi(APIView):
    def post(self, request, pk):
        a = selectors.article_get(actor=request.user, pk=pk)
        services.read_receipt(actor=request.user, article=a)
        return Response(ArticleOut(a).data)


class SignupIn(serializers.Serializer):
    cancel = serializers.BooleanField(default=False, help_text="true 为取消报名")


@extend_schema(tags=[TAG], request=SignupIn, responses=ArticleOut, summary="活动报名 / 取消报名")
class SignupApi(APIView):
    def post(self, request, pk):
        a = selectors.article_get(actor=request.user, pk=pk)
        data = SignupIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ArticleOut(services.activity_signup(actor=request.user, article=a,
                                                            cancel=data.validated_data["cancel"])).data)


class ChatMessageOut(serializers.ModelSerializer):
    author = serializers.CharField(source="author.__str__")
    photo = serializers.SerializerMethodField(help_text="照片地址(须登录)")
    voice = serializers.SerializerMethodField(help_text="语音地址(须登录)")

    class Meta:
        model = ChatMessage
        fields = ["id", "author", "from_staff", "body", "photo", "voice", "at"]

    def get_photo(self, obj) -> str | None:
        return f"/m/ask/media/{obj.pk}/photo/" if obj.photo else None

    def get_voice(self, obj) -> str | None:
        return f"/m/ask/media/{obj.pk}/voice/" if obj.voice else None


class ConversationOut(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    resident = serializers.CharField(source="resident.__str__")
    assigned_to = serializers.CharField(source="assigned_to.__str__", default=None, allow_null=True)
    case = serializers.CharField(source="case.number", default=None, allow_null=True)
    response_minutes = serializers.IntegerField(allow_null=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = ["id", "subject", "state", "state_label", "resident", "assigned_to", "case", "created_at",
                  "first_reply_at", "response_minutes", "last_message_at", "actions"]

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in CONVERSATION.allowed(self.context["request"].user, obj)
                if t.action not in ("answer",)]


class ConversationDetailOut(ConversationOut):
    messages = serializers.SerializerMethodField()

    class Meta(ConversationOut.Meta):
        fields = ConversationOut.Meta.fields + ["messages"]

    @extend_schema_field(ChatMessageOut(many=True))
    def get_messages(self, obj):
        return ChatMessageOut(obj.messages.select_related("author"), many=True).data


class MessageIn(serializers.Serializer):
    body = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text="文字;照片、语音以 multipart/form-data 的 photo、voice 部分上传")


class ConversationIn(MessageIn):
    subject = serializers.CharField(max_length=100)


def _files(request) -> dict:
    files = getattr(request, "FILES", {})
    return {"photo": files.get("photo"), "voice": files.get("voice")}


def _conversation(request, pk) -> dict:
    return ConversationDetailOut(selectors.conversation_get(actor=request.user, pk=pk),
                                 context={"request": request}).data


@extend_schema(tags=[TAG])
class ConversationListCreateApi(ListAPIView):
    serializer_class = ConversationOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        p = self.request.query_params
        return selectors.conversations(self.request.user, state=p.get("state", ""), mine=p.get("mine") in ("1",
                                                                                                          "true"))

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(ConversationState.values)),
                               OpenApiParameter("mine", bool, description="工作人员:分派给我的")],
                   summary="我要办事:居民自己的,工作人员管辖范围内的")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ConversationIn, responses={201: ConversationDetailOut}, summary="发起办事(居民)")
    def post(self, request):
        data = ConversationIn(data=request.data)
        data.is_valid(raise_exception=True)
        c = services.conversation_open(actor=request.user, **data.validated_data, **_files(request))
        return Response(_conversation(request, c.pk), status=201)


@extend_schema(tags=[TAG], responses=ConversationDetailOut, summary="办事详情(消息)")
class ConversationDetailApi(APIView):
    def get(self, request, pk):
        return Response(_conversation(request, pk))


@extend_schema(tags=[TAG], request=MessageIn, responses={201: ChatMessageOut}, summary="发送消息(文字、照片、语音)")
class MessageApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request, pk):
        c = selectors.conversation_get(actor=request.user, pk=pk)
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        m = services.message_post(actor=request.user, conversation=c, **data.validated_data, **_files(request))
        return Response(ChatMessageOut(m).data, status=201)


class AssignIn(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="转交给(本社区办事人员的账号编号)")


@extend_schema(tags=[TAG], request=AssignIn, responses=ConversationDetailOut, summary="转交")
class AssignApi(APIView):
    def post(self, request, pk):
        from gridgov.accounts.models import User

        c = selectors.conversation_get(actor=request.user, pk=pk)
        data = AssignIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = User.objects.filter(pk=data.validated_data["user"], is_active=True).first()
        if user is None:
            raise NotFound("账号不存在")
        services.conversation_assign(actor=request.user, conversation=c, user=user)
        return Response(_conversation(request, pk))


class SlotOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    left = serializers.SerializerMethodField()

    class Meta:
        model = Slot
        fields = ["id", "kind", "kind_label", "service", "starts_at", "ends_at", "capacity", "booked", "left",
                  "is_cancelled"]

    def get_left(self, obj) -> int:
        return max(0, obj.capacity - obj.booked)


class SlotIn(serializers.Serializer):
    region = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="社区编号")
    kind = serializers.ChoiceField(choices=SlotKind.choices)
    service = serializers.CharField(max_length=100)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=100, default=1)


@extend_schema(tags=[TAG])
class SlotListCreateApi(ListAPIView):
    serializer_class = SlotOut

    def get_queryset(self):
        if self.request.query_params.get("mine") in ("1", "true"):
            return access.visible_slots(self.request.user)
        return selectors.open_slots(self.request.user)

    @extend_schema(parameters=[OpenApiParameter("mine", bool, description="工作人员:管辖范围内发布的全部时段")],
                   summary="可预约的时段(本社区)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=SlotIn, responses={201: SlotOut}, summary="发布预约时段")
    def post(self, request):
        from gridgov.regions.models import Region

        data = SlotIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        region = Region.objects.filter(pk=v.pop("region"), is_active=True, level="community").first()
        if region is None:
            raise NotFound("社区不存在")
        return Response(SlotOut(services.slot_create(actor=request.user, region=region, **v)).data, status=201)


class AppointmentOut(serializers.ModelSerializer):
    slot = SlotOut()
    state_label = serializers.CharField(source="get_state_display")
    user = serializers.CharField(source="user.__str__")
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = ["id", "slot", "user", "state", "state_label", "address", "note", "created_at", "actions"]

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in APPOINTMENT.allowed(self.context["request"].user, obj)]


class BookIn(serializers.Serializer):
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                    help_text="上门地址(预约上门时;不填为本人住址)")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _slot(request, pk) -> Slot:
    slot = (selectors.open_slots(request.user).filter(pk=pk).first()
            or access.visible_slots(request.user).filter(pk=pk).first())
    if slot is None:
        raise NotFound()
    return slot


@extend_schema(tags=[TAG], request=BookIn, responses={201: AppointmentOut}, summary="预约")
class BookApi(APIView):
    def post(self, request, pk):
        data = BookIn(data=request.data)
        data.is_valid(raise_exception=True)
        a = services.book(actor=request.user, slot=_slot(request, pk), **data.validated_data)
        return Response(AppointmentOut(a, context={"request": request}).data, status=201)


class SlotCancelIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


@extend_schema(tags=[TAG], request=SlotCancelIn, responses=SlotOut, summary="取消时段(其预约一并取消)")
class SlotCancelApi(APIView):
    def post(self, request, pk):
        data = SlotCancelIn(data=request.data)
        data.is_valid(raise_exception=True)
        slot = access.visible_slots(request.user).filter(pk=pk).first()
        if slot is None:
            raise NotFound()
        return Response(SlotOut(services.slot_cancel(actor=request.user, slot=slot, **data.validated_data)).data)


def appointment_get(*, actor, pk: int) -> Appointment:
    a = access.visible_appointments(actor).filter(pk=pk).first()
    if a is None:
        raise NotFound()
    return a


@extend_schema(tags=[TAG])
class AppointmentListApi(ListAPIView):
    serializer_class = AppointmentOut

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        qs = access.visible_appointments(self.request.user)
        return qs.filter(state=state) if state else qs

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=list(AppointmentState.values))],
                   summary="预约:居民自己的,工作人员管辖范围内的")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


ARTICLE_IN = input_serializers(ARTICLE, suffix="ArticleIn")
CONVERSATION_IN = input_serializers(CONVERSATION, suffix="ConversationIn")
APPOINTMENT_IN = input_serializers(APPOINTMENT, suffix="AppointmentIn")


def action_paths() -> list:
    return [
        *workflow_api.action_paths(
            ARTICLE, url="portal/articles/<id:pk>/", name="api-article", serializers_by_action=ARTICLE_IN,
            out=ArticleOut, get=selectors.article_get, tag=TAG, operation="article", description="发布流程表中的",
            act=lambda obj, actor, action, values: services.article_act(actor=actor, article=obj, action=action,
                                                                        values=values)),
        *workflow_api.action_paths(
            _ConversationTable, url="portal/conversations/<id:pk>/", name="api-conversation",
            serializers_by_action=CONVERSATION_IN, out=ConversationDetailOut, get=selectors.conversation_get,
            tag=TAG, operation="conversation", description="我要办事流程表中的",
            act=lambda obj, actor, action, values: services.conversation_act(actor=actor, conversation=obj,
                                                                             action=action, values=values)),
        *workflow_api.action_paths(
            APPOINTMENT, url="portal/appointments/<id:pk>/", name="api-appointment",
            serializers_by_action=APPOINTMENT_IN, out=AppointmentOut, get=appointment_get, tag=TAG,
            operation="appointment", description="预约流程表中的",
            act=lambda obj, actor, action, values: services.appointment_act(actor=actor, appointment=obj,
                                                                            action=action, values=values)),
    ]


# The conversation's rows a person takes by an endpoint of its own: 回复 is a message, 转交 names a user.
_ConversationTable = type(CONVERSATION)(
    name=CONVERSATION.name, transitions=tuple(t for t in CONVERSATION.transitions if t.action in ("close", "convert")),
    kinds=CONVERSATION.kinds, state_labels=CONVERSATION.state_labels)
