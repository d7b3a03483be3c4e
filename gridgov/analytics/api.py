from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.analytics.selectors import GROUPS, kpis, top_categories
from gridgov.cases.selectors import parse_moment


@extend_schema(tags=["analytics"], summary="考核指标(结案率、按期结案率等)与高发问题(top_categories)", parameters=[
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
