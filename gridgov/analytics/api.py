from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.analytics import screen
from gridgov.analytics.selectors import GROUPS, kpis, top_categories
from gridgov.cases.selectors import parse_moment
from gridgov.core.errors import ApplicationError
from gridgov.core.routing import reads_from_replica


class KpiRowOut(serializers.Serializer):
    group = serializers.CharField(help_text="分组:区划编码、承办单位、类别大类、渠道或月份")
    received = serializers.IntegerField(help_text="受理数")
    accepted = serializers.IntegerField(help_text="立案数")
    due = serializers.IntegerField(help_text="应结案数")
    closed = serializers.IntegerField(help_text="结案数")
    closed_on_time = serializers.IntegerField(help_text="按期结案数")
    closure_rate = serializers.FloatField(allow_null=True, help_text="结案率 = 结案数 / 应结案数")
    on_time_closure_rate = serializers.FloatField(allow_null=True, help_text="按期结案率")
    timely_ack_rate = serializers.FloatField(allow_null=True, help_text="及时签收率")
    rework_rate = serializers.FloatField(allow_null=True, help_text="返工率")
    extensions = serializers.IntegerField(help_text="延期数")
    returns = serializers.IntegerField(help_text="退回数")
    overtime_ratio = serializers.FloatField(allow_null=True, help_text="超时倍数")
    satisfaction_rate = serializers.FloatField(allow_null=True, help_text="满意率")
    disputes_accepted = serializers.IntegerField(allow_null=True, help_text="矛盾纠纷受理数(按区划、月份或合计分组时)")
    disputes_resolved = serializers.IntegerField(allow_null=True, help_text="化解成功数(受理的纠纷中期末前达成协议的)")
    resolution_rate = serializers.FloatField(allow_null=True, help_text="化解率 = 化解成功数 / 纠纷受理数")


class TopCategoryOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class KpiOut(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    rows = KpiRowOut(many=True)
    top_categories = TopCategoryOut(many=True, help_text="高发问题(按小类)")


@extend_schema(tags=["analytics"], summary="考核指标(结案率、按期结案率等)与高发问题(top_categories)",
               responses=KpiOut, parameters=[
    OpenApiParameter("start", str, required=True, description="YYYY-MM-DD"),
    OpenApiParameter("end", str, required=True, description="YYYY-MM-DD(含当天)"),
    OpenApiParameter("group_by", str, enum=list(GROUPS)),
])
class KpiApi(APIView):
    @reads_from_replica
    def get(self, request):
        p = request.query_params
        start = parse_moment(p.get("start", ""), "start")
        end = parse_moment(p.get("end", ""), "end", end=True)
        return Response({"start": start, "end": end,
                         "rows": kpis(actor=request.user, start=start, end=end, group_by=p.get("group_by", "none")),
                         "top_categories": top_categories(actor=request.user, start=start, end=end)})


class _Named(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class _Counted(_Named):
    count = serializers.IntegerField()


class ScreenRegionOut(_Named):
    level = serializers.CharField()
    level_label = serializers.CharField()


class ScreenTodayOut(serializers.Serializer):
    received = serializers.IntegerField(help_text="受理")
    accepted = serializers.IntegerField(help_text="立案")
    closed = serializers.IntegerField(help_text="结案")


class ScreenMonthOut(ScreenTodayOut):
    on_time_rate = serializers.FloatField(allow_null=True, help_text="按期办结率 = 本月结案中按期的 / 本月结案")
    satisfaction_rate = serializers.FloatField(allow_null=True, help_text="满意率 = 本月结案中基本满意及以上 / 已评价")
    closure_rate = serializers.FloatField(allow_null=True, help_text="结案数 / 立案数(本月)")


class ScreenOpenOut(serializers.Serializer):
    total = serializers.IntegerField()
    lights = serializers.DictField(child=serializers.IntegerField(), help_text="green / yellow / red / none")
    states = _Counted(many=True)


class ScreenHourOut(serializers.Serializer):
    hour = serializers.CharField()
    received = serializers.IntegerField()
    closed = serializers.IntegerField()


class ScreenDayOut(ScreenTodayOut):
    day = serializers.CharField()


class ScreenChildOut(_Named):
    level = serializers.CharField()
    drill = serializers.BooleanField(help_text="可继续下钻")
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    open = serializers.IntegerField()
    red = serializers.IntegerField()


class ScreenDepartmentOut(serializers.Serializer):
    unit = serializers.CharField()
    dispatched = serializers.IntegerField()
    closed = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)


class ScreenHeatOut(serializers.Serializer):
    cell = serializers.CharField()
    n = serializers.IntegerField()
    polygon = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()),
                                    help_text="[[纬度, 经度], …] 六边形")


class ScreenEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    light = serializers.ChoiceField(choices=["red", "yellow"])
    lat = serializers.FloatField()
    lon = serializers.FloatField()


class ScreenHotOut(serializers.Serializer):
    title = serializers.CharField()
    heat = serializers.IntegerField()
    reports = serializers.IntegerField()
    category = serializers.CharField()


class ScreenRiskOut(_Counted):
    color = serializers.CharField()


class ScreenDisputesOut(serializers.Serializer):
    accepted = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolution_rate = serializers.FloatField(allow_null=True, help_text="化解率(本月受理的)")
    open_by_risk = ScreenRiskOut(many=True)


class ScreenCareOut(serializers.Serializer):
    plans = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    alarms_24h = serializers.IntegerField()


class ScreenDutyOut(serializers.Serializer):
    units = serializers.IntegerField()
    on_duty = serializers.IntegerField()
    open_callouts = serializers.IntegerField()


class ScreenOut(serializers.Serializer):
    region = ScreenRegionOut()
    crumbs = _Named(many=True)
    at = serializers.DateTimeField()
    today = ScreenTodayOut()
    month = ScreenMonthOut()
    open = ScreenOpenOut()
    trend24 = ScreenHourOut(many=True)
    trend30 = ScreenDayOut(many=True)
    categories = _Counted(many=True)
    channels = _Counted(many=True)
    children = ScreenChildOut(many=True)
    departments = ScreenDepartmentOut(many=True)
    heat = ScreenHeatOut(many=True)
    events = ScreenEventOut(many=True, help_text="亮红灯、黄灯的在办事件(最超期的在前,至多 300 件)")
    hot = ScreenHotOut(many=True)
    disputes = ScreenDisputesOut()
    care = ScreenCareOut()
    duty = ScreenDutyOut()


class FeedItemOut(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["case", "dispute", "care", "callout"])
    red = serializers.BooleanField()
    label = serializers.CharField()
    title = serializers.CharField()
    id = serializers.IntegerField()


class FeedOut(serializers.Serializer):
    at = serializers.DateTimeField(help_text="下次轮询时作为 since 传回")
    items = FeedItemOut(many=True)


REGION = OpenApiParameter("region", str, description="区划编码(区、街道或社区);缺省为本人辖区")


@extend_schema(tags=["analytics"], summary="综治一张图:一个区划的汇总(来自统计汇总表,至多晚一分钟)",
               responses=ScreenOut, parameters=[REGION])
class ScreenApi(APIView):
    @reads_from_replica
    def get(self, request):
        return Response(ScreenOut(screen.overview(actor=request.user, code=request.query_params.get("region", ""))).data)


@extend_schema(tags=["analytics"], summary="综治一张图:某时刻以来新亮红灯、紧急上报、红色纠纷、关爱红灯与应急出警",
               responses=FeedOut, parameters=[
    REGION, OpenApiParameter("since", OpenApiTypes.DATETIME,
                            description="带时区的 ISO 时间(上次返回的 at);至多回溯 24 小时")])
class ScreenFeedApi(APIView):
    @reads_from_replica
    def get(self, request):
        since = request.query_params.get("since", "")
        try:
            moment = parse_datetime(since) if since else None
        except ValueError:  # well formed, not a moment (month 13)
            moment = None
        if since and (moment is None or moment.tzinfo is None):
            raise ApplicationError("invalid_since", "since 须为带时区的 ISO 时间", fields={"since": "格式无效"})
        return Response(FeedOut(screen.feed(actor=request.user, code=request.query_params.get("region", ""),
                                            since=moment)).data)
