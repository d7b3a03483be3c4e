from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.cases.models import Urgency
from gridgov.core.api import StrictFloatField
from gridgov.integrations.devices import authenticate, ingest
from gridgov.integrations.ingest import authenticate_source, ingest_alarm


class AlarmIn(serializers.Serializer):
    alarm_id = serializers.CharField(max_length=64)
    device_id = serializers.CharField(max_length=64)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    lon = StrictFloatField(required=False, allow_null=True)
    lat = StrictFloatField(required=False, allow_null=True)
    crs = serializers.CharField(required=False, default="wgs84")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_null=True)


class AlarmOut(serializers.Serializer):
    case = serializers.IntegerField()
    number = serializers.CharField()
    result = serializers.ChoiceField(choices=["created", "repeat", "duplicate"])


@extend_schema(tags=["ingest"], request=AlarmIn, responses={201: AlarmOut, 200: AlarmOut},
               summary="物联感知/视频智能告警接入(X-Ingest-Key 认证)")
class IngestApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request, source):
        key = request.headers.get("X-Ingest-Key", "")
        src = authenticate_source(source, key)
        data = AlarmIn(data=request.data)
        data.is_valid(raise_exception=True)
        case, result = ingest_alarm(source=src, **data.validated_data)
        return Response({"case": case.pk, "number": case.number, "result": result},
                        status=201 if result == "created" else 200)


class DeviceResultOut(serializers.Serializer):
    serial = serializers.CharField()
    type = serializers.ChoiceField(choices=["heartbeat", "reading", "alarm"])
    result = serializers.ChoiceField(choices=["seen", "normal", "case", "repeat", "notice", "duplicate"])
    case = serializers.CharField(allow_null=True, help_text="生成或并入的事件编号")


class DeviceIngestOut(serializers.Serializer):
    results = DeviceResultOut(many=True)


@extend_schema(tags=["ingest"], request={"application/json": {"type": "object"}}, responses={200: DeviceIngestOut},
               summary="智能养老设备接入(按厂商;X-Gridgov-Timestamp 与 X-Gridgov-Signature 签名)",
               description="签名为 HMAC-SHA256(厂商密钥, 时间戳 + '.' + 请求体) 的十六进制;时间戳与服务器相差不超过5分钟。"
                           "通用格式:{\"events\": [{\"serial\", \"type\": heartbeat|reading|alarm, \"kind\", "
                           "\"metrics\", \"id\", \"at\"}]};天翼物联 AEP 格式按其推送报文。整批先校验,有误则不处理任何一条。")
class DeviceIngestApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request, vendor):
        body = request.body
        src = authenticate(vendor, request.headers.get("X-Gridgov-Timestamp", ""),
                           request.headers.get("X-Gridgov-Signature", ""), body)
        return Response({"results": ingest(src, body)})
