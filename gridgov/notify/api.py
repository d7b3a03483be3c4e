"""站内信 over the API, for apps other than the console: the signed-in user's messages and marking them read."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.notify.selectors import inbox, unread_count
from gridgov.notify.services import mark_read


class MessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    subject = serializers.CharField()
    body = serializers.CharField()
    case = serializers.SerializerMethodField(help_text="相关事件的 id(如有)")
    read_at = serializers.DateTimeField(allow_null=True)

    def get_case(self, obj) -> int | None:
        return (obj.data or {}).get("case")


class ReadIn(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False,
                                max_length=1000, help_text="要标为已读的消息 id(至多1000个)")
    all = serializers.BooleanField(required=False, default=False, help_text="全部标为已读")

    def validate(self, data):
        if not data.get("all") and not data.get("ids"):
            raise serializers.ValidationError({"ids": "请给出消息 id,或 all=true"})
        return data


@extend_schema(tags=["messages"], summary="我的消息(站内信),新的在前",
               parameters=[OpenApiParameter("unread", bool, description="只看未读")])
class MessageListApi(ListAPIView):
    serializer_class = MessageOut

    def get_queryset(self):
        qs = inbox(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs


@extend_schema(tags=["messages"], summary="标为已读", request=ReadIn,
               responses={200: {"type": "object", "properties": {"marked": {"type": "integer"},
                                                                 "unread": {"type": "integer"}}}})
class MessageReadApi(APIView):
    def post(self, request):
        data = ReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        ids = None if data.validated_data.get("all") else data.validated_data["ids"]
        marked = mark_read(user=request.user, ids=ids)
        return Response({"marked": marked, "unread": unread_count(request.user)})
