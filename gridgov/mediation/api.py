"""Dispute API: register, list, detail with parties (masked), timeline and the actions allowed now, one endpoint
per row of the dispute's table, and 转为矛盾纠纷 from a case."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.api import StrictFloatField
from gridgov.core.workflow import Field
from gridgov.mediation import services
from gridgov.mediation.action_inputs import run_action
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
                  "committee", "due_at", "resolved", "created_at", "closed_at"]


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


class DisputeDetailOut(DisputeOut):
    summary = serializers.CharField()
    parties = PartyOut(many=True)
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(DisputeOut.Meta):
        fields = DisputeOut.Meta.fields + ["summary", "place", "lon", "lat", "case", "agreement_kind",
                                           "agreement_amount", "handed_to", "parties", "timeline", "actions"]

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


def _api_field(f: Field) -> serializers.Field:
    common: dict[str, Any] = {"required": f.required, "help_text": f.help or f.label}
    if f.kind in ("text", "textarea"):
        if not f.required:
            common["default"] = ""
        return serializers.CharField(allow_blank=not f.required, max_length=2000, **common)
    if f.kind == "choice":
        return serializers.ChoiceField(choices=list(f.choices), **common)
    if f.kind in ("unit", "int") or f.name == "mediator":
        return serializers.IntegerField(min_value=1, max_value=10**9, allow_null=not f.required, **common)
    if f.kind == "option":
        return serializers.CharField(max_length=40, **common)
    if f.kind == "bool":
        return serializers.BooleanField(default=False, required=False, help_text=f.label)
    raise ValueError(f"unknown field kind {f.kind}")


def action_view(action: str):
    t = TABLE.get(action)
    attrs = {f.name: _api_field(f) for f in t.fields}
    serializer = type("".join(p.capitalize() for p in action.split("_")) + "DisputeIn", (serializers.Serializer,),
                      attrs)

    class _View(APIView):
        @extend_schema(tags=["dispute actions"], request=serializer, responses=DisputeDetailOut, summary=t.label,
                       description=f"矛盾纠纷工作流表中的「{t.label}」。", operation_id=f"dispute_{action}")
        def post(self, request, pk):
            d = dispute_get(actor=request.user, pk=pk)
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            run_action(dispute=d, actor=request.user, action=action, values=dict(data.validated_data))
            return Response(DisputeDetailOut(dispute_get(actor=request.user, pk=pk),
                                             context={"request": request}).data)

    return _View.as_view()
