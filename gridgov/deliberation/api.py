"""Deliberation API: topics of my community or place, a topic with its steps, what I may do on it, the tally and
satisfaction; proposing, supporting, commenting, voting (online; paper and proxy entered by staff), meetings,
milestones, rating; one endpoint per row of the topic's table."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core import workflow_api
from gridgov.core.errors import NotFound
from gridgov.core.workflow_api import ID_MAX, input_serializers
from gridgov.deliberation import selectors, services
from gridgov.deliberation.access import is_committee
from gridgov.deliberation.models import (
    OFFLINE_CHANNELS,
    Choice,
    Comment,
    Meeting,
    MeetingKind,
    Milestone,
    Participant,
    ParticipantKind,
    Satisfaction,
    Scale,
    Topic,
    TopicState,
    VoteUnit,
)
from gridgov.deliberation.workflow import TOPIC

TAG = "deliberation"


class TopicOut(serializers.ModelSerializer):
    number = serializers.CharField()
    scale_label = serializers.CharField(source="get_scale_display")
    state_label = serializers.CharField(source="get_state_display")
    region = serializers.CharField(source="region.name")
    proposer_kind_label = serializers.CharField(source="get_proposer_kind_display")
    vote_unit_label = serializers.CharField(source="get_vote_unit_display")
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = ["id", "number", "title", "scale", "scale_label", "state", "state_label", "region",
                  "proposer_kind", "proposer_kind_label", "step_ends_at", "support_needed", "supporters_count",
                  "vote_unit", "vote_unit_label", "quorum_pct", "pass_pct", "progress", "published_at",
                  "created_at", "actions"]

    def get_actions(self, obj) -> list[str]:
        return [t.action for t in TOPIC.allowed(self.context["request"].user, obj)]


class CommentOut(serializers.ModelSerializer):
    author = serializers.CharField(source="author.__str__")

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "at"]


class MeetingOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    minutes = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "kind", "kind_label", "starts_at", "place", "agenda", "state", "state_label",
                  "closing_report", "attendees_count", "attending_organizations", "minutes"]

    def get_minutes(self, obj) -> str:
        return obj.minutes if obj.minutes_visible or self.context.get("committee") else ""


class MilestoneOut(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "progress", "done_at", "note"]


class ParticipantOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Participant
        fields = ["id", "kind", "kind_label", "name"]


class StepOut(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the key shadows Field.label
    status = serializers.ChoiceField(choices=["done", "current", "todo"])


class MyPartOut(serializers.Serializer):
    member = serializers.BooleanField(help_text="本社区居民")
    supported = serializers.BooleanField()
    voted = serializers.CharField(allow_null=True, help_text="本户(或本人)已投票的方式")
    rated = serializers.CharField(allow_null=True)
    can_support = serializers.BooleanField()
    can_comment = serializers.BooleanField()
    can_attend = serializers.BooleanField()
    can_vote = serializers.BooleanField()
    can_rate = serializers.BooleanField()


class TopicDetailOut(TopicOut):
    body = serializers.CharField()
    decision = serializers.CharField()
    outcome_note = serializers.CharField()
    steps = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    tally = serializers.SerializerMethodField(help_text="表决中只显示投票率;计票后为结果")
    satisfaction = serializers.SerializerMethodField()
    participants = ParticipantOut(many=True, read_only=True)
    meetings = serializers.SerializerMethodField()
    milestones = MilestoneOut(many=True, read_only=True)
    comments = serializers.SerializerMethodField()
    buildings = serializers.SerializerMethodField()

    class Meta(TopicOut.Meta):
        fields = TopicOut.Meta.fields + ["body", "decision", "outcome_note", "steps", "mine", "tally",
                                         "satisfaction", "participants", "meetings", "milestones", "comments",
                                         "buildings"]

    @extend_schema_field(StepOut(many=True))
    def get_steps(self, obj):
        return StepOut(selectors.steps(obj), many=True).data

    @extend_schema_field(MyPartOut)
    def get_mine(self, obj):
        part = selectors.my_part(self.context["request"].user, obj)
        return MyPartOut({**part, "voted": part["ballot"].get_channel_display() if part["ballot"] else None,
                          "rated": part["rating"].get_score_display() if part["rating"] else None}).data

    def get_tally(self, obj) -> dict | None:
        return selectors.tally(obj)

    def get_satisfaction(self, obj) -> dict:
        return selectors.satisfaction(obj)

    @extend_schema_field(MeetingOut(many=True))
    def get_meetings(self, obj):
        committee = is_committee(self.context["request"].user, obj)
        return MeetingOut(selectors.meetings(obj), many=True, context={"committee": committee}).data

    @extend_schema_field(CommentOut(many=True))
    def get_comments(self, obj):
        return CommentOut(obj.comments.filter(is_hidden=False).select_related("author")[:200], many=True).data

    def get_buildings(self, obj) -> list[str]:
        return [b.name for b in obj.buildings.all()]


def _topic(request, pk: int) -> dict:
    return TopicDetailOut(selectors.topic_get(actor=request.user, pk=pk), context={"request": request}).data


def _region(pk: int):
    from gridgov.regions.models import Level, Region

    region = Region.objects.filter(pk=pk, is_active=True, level__in=[Level.COMMUNITY, Level.GRID]).first()
    if region is None:
        raise NotFound("社区或网格不存在")
    return region


def _buildings(ids: list[int]):
    from gridgov.people.models import Building

    found = list(Building.objects.filter(pk__in=ids).select_related("grid"))
    if len(found) != len(set(ids)):
        raise NotFound("楼栋不存在")
    return found


class TopicIn(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    body = serializers.CharField(max_length=5000)
    scale = serializers.ChoiceField(choices=Scale.choices, default=Scale.MINOR)
    region = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="社区或网格编号")
    buildings = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False,
                                      default=list, max_length=200, help_text="涉及楼栋;不填为整个社区/网格")
    vote_unit = serializers.ChoiceField(choices=VoteUnit.choices, default=VoteUnit.HOUSEHOLD)


@extend_schema(tags=[TAG])
class TopicListCreateApi(ListAPIView):
    serializer_class = TopicOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.topics(self.request.user, state=p.get("state", ""), scale=p.get("scale", ""),
                                q=p.get("q", ""))

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=[selectors.ACTIVE, *TopicState.values]),
                               OpenApiParameter("scale", str, enum=list(Scale.values)),
                               OpenApiParameter("q", str, description="议题名称包含")],
                   summary="协商议题(本社区或管辖范围)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=TopicIn, responses={201: TopicDetailOut}, summary="提出议题")
    def post(self, request):
        data = TopicIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        topic = services.topic_propose(actor=request.user, region=_region(v.pop("region")),
                                       buildings=_buildings(v.pop("buildings")), **v)
        return Response(_topic(request, topic.pk), status=201)


@extend_schema(tags=[TAG], responses=TopicDetailOut, summary="议题详情(步骤、我能做什么、表决结果、满意度)")
class TopicDetailApi(APIView):
    def get(self, request, pk):
        return Response(_topic(request, pk))


class TopicSettingsIn(serializers.Serializer):
    decision = serializers.CharField(max_length=2000, required=False)
    buildings = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False,
                                      max_length=200)


@extend_schema(tags=[TAG], request=TopicSettingsIn, responses=TopicDetailOut, summary="拟定决议内容、涉及楼栋(表决前)")
class TopicSettingsApi(APIView):
    def post(self, request, pk):
        topic = selectors.topic_get(actor=request.user, pk=pk)
        data = TopicSettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.topic_update(actor=request.user, topic=topic, decision=v.get("decision"),
                              buildings=_buildings(v["buildings"]) if "buildings" in v else None)
        return Response(_topic(request, pk))


class EmptyIn(serializers.Serializer):
    pass


@extend_schema(tags=[TAG], request=EmptyIn, responses=TopicDetailOut, summary="附议")
class SupportApi(APIView):
    def post(self, request, pk):
        services.support(actor=request.user, topic=selectors.topic_get(actor=request.user, pk=pk))
        return Response(_topic(request, pk))


class CommentIn(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


@extend_schema(tags=[TAG], request=CommentIn, responses={201: CommentOut}, summary="发表意见")
class CommentApi(APIView):
    def post(self, request, pk):
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        c = services.comment(actor=request.user, topic=selectors.topic_get(actor=request.user, pk=pk),
                             body=data.validated_data["body"])
        return Response(CommentOut(c).data, status=201)


class VoteIn(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices)


class BallotOut(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField()
    channel_label = serializers.CharField(source="get_channel_display")
    at = serializers.DateTimeField()


@extend_schema(tags=[TAG], request=VoteIn, responses={201: BallotOut}, summary="线上投票(一户一票或一人一票)")
class VoteApi(APIView):
    def post(self, request, pk):
        data = VoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        b = services.vote(actor=request.user, topic=selectors.topic_get(actor=request.user, pk=pk),
                          choice=data.validated_data["choice"])
        return Response(BallotOut(b).data, status=201)


class BallotIn(serializers.Serializer):
    resident = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text="投票居民(一户一票时代表其户)")
    choice = serializers.ChoiceField(choices=Choice.choices)
    channel = serializers.ChoiceField(choices=OFFLINE_CHANNELS)
    proxy_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


@extend_schema(tags=[TAG], request=BallotIn, responses={201: BallotOut}, summary="录入纸质选票或委托投票")
class BallotApi(APIView):
    def post(self, request, pk):
        from gridgov.people.selectors import resident_get

        topic = selectors.topic_get(actor=request.user, pk=pk)
        data = BallotIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        resident = resident_get(actor=request.user, pk=v.pop("resident"))
        b = services.ballot_enter(actor=request.user, topic=topic, resident=resident, **v)
        return Response(BallotOut(b).data, status=201)


class RateIn(serializers.Serializer):
    score = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema(tags=[TAG], request=RateIn, responses=TopicDetailOut, summary="满意度评议")
class RateApi(APIView):
    def post(self, request, pk):
        data = RateIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.rate(actor=request.user, topic=selectors.topic_get(actor=request.user, pk=pk),
                      **data.validated_data)
        return Response(_topic(request, pk))


class ParticipantIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ParticipantKind.choices)
    name = serializers.CharField(max_length=100)
    present = serializers.BooleanField(default=True, help_text="false 为移除")


@extend_schema(tags=[TAG], request=ParticipantIn, responses=TopicDetailOut, summary="增加或移除参与主体")
class ParticipantApi(APIView):
    def post(self, request, pk):
        data = ParticipantIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.participant_set(actor=request.user, topic=selectors.topic_get(actor=request.user, pk=pk),
                                 **data.validated_data)
        return Response(_topic(request, pk))


class MeetingIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    agenda = serializers.CharField(max_length=2000)


@extend_schema(tags=[TAG], request=MeetingIn, responses={201: MeetingOut}, summary="安排议事会议")
class MeetingCreateApi(APIView):
    def post(self, request, pk):
        data = MeetingIn(data=request.data)
        data.is_valid(raise_exception=True)
        m = services.meeting_schedule(actor=request.user, topic=selectors.topic_get(actor=request.user, pk=pk),
                                      **data.validated_data)
        return Response(MeetingOut(m, context={"committee": True}).data, status=201)


def _meeting(request, pk: int) -> Meeting:
    m = Meeting.objects.select_related("topic").filter(pk=pk).first()
    if m is None:
        raise NotFound()
    selectors.topic_get(actor=request.user, pk=m.topic_id)  # within what the user may see
    return m


class MeetingCloseIn(serializers.Serializer):
    closing_report = serializers.CharField(max_length=5000)
    attendees_count = serializers.IntegerField(min_value=0, max_value=100000)
    minutes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    attending_organizations = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    minutes_visible = serializers.BooleanField(default=True)
    linked_topics = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
                                          required=False, default=list, max_length=50)


@extend_schema(tags=[TAG], request=MeetingCloseIn, responses=MeetingOut, summary="会议结束:结论、到会人数、纪要")
class MeetingCloseApi(APIView):
    def post(self, request, pk):
        m = _meeting(request, pk)
        data = MeetingCloseIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        linked = list(Topic.objects.filter(pk__in=v.pop("linked_topics")))
        m = services.meeting_close(actor=request.user, meeting=m, linked_topics=linked, **v)
        return Response(MeetingOut(m, context={"committee": True}).data)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


@extend_schema(tags=[TAG], request=ReasonIn, responses=MeetingOut, summary="取消会议")
class MeetingCancelApi(APIView):
    def post(self, request, pk):
        data = ReasonIn(data=request.data)
        data.is_valid(raise_exception=True)
        m = services.meeting_cancel(actor=request.user, meeting=_meeting(request, pk), **data.validated_data)
        return Response(MeetingOut(m, context={"committee": True}).data)


@extend_schema(tags=[TAG], request=EmptyIn, responses={201: MeetingOut}, summary="报名参会")
class MeetingSignUpApi(APIView):
    def post(self, request, pk):
        m = _meeting(request, pk)
        services.sign_up(actor=request.user, meeting=m)
        return Response(MeetingOut(m).data, status=201)


class MilestoneIn(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    progress = serializers.IntegerField(min_value=0, max_value=100, default=0, help_text="完成后达到的进度")


@extend_schema(tags=[TAG], request=MilestoneIn, responses={201: MilestoneOut}, summary="登记实施节点")
class MilestoneCreateApi(APIView):
    def post(self, request, pk):
        data = MilestoneIn(data=request.data)
        data.is_valid(raise_exception=True)
        m = services.milestone_add(actor=request.user, topic=selectors.topic_get(actor=request.user, pk=pk),
                                   **data.validated_data)
        return Response(MilestoneOut(m).data, status=201)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


@extend_schema(tags=[TAG], request=NoteIn, responses=MilestoneOut, summary="实施节点完成")
class MilestoneDoneApi(APIView):
    def post(self, request, pk):
        m = Milestone.objects.select_related("topic").filter(pk=pk).first()
        if m is None:
            raise NotFound()
        selectors.topic_get(actor=request.user, pk=m.topic_id)
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(MilestoneOut(services.milestone_done(actor=request.user, milestone=m,
                                                             **data.validated_data)).data)


SERIALIZERS = input_serializers(TOPIC, suffix="TopicIn")


def action_paths():
    return workflow_api.action_paths(
        TOPIC, url="deliberation/topics/<id:pk>/", name="api-topic", serializers_by_action=SERIALIZERS,
        out=TopicDetailOut, get=selectors.topic_get, tag=TAG, operation="topic", description="议事流程表中的",
        act=lambda obj, actor, action, values: services.topic_act(actor=actor, topic=obj, action=action,
                                                                  values=values))
