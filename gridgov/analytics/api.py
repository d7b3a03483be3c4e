from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.analytics.selectors import GROUPS, kpis, top_categories
from gridgov.cases.selectors import parse_moment


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
    def get(self, request):
        p = request.query_params
        start = parse_moment(p.get("start", ""), "start")
        end = parse_moment(p.get("end", ""), "end", end=True)
        return Response({"start": start, "end": end,
                         "rows": kpis(actor=request.user, start=start, end=end, group_by=p.get("group_by", "none")),
                         "top_categories": top_categories(actor=request.user, start=start, end=end)})
