from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from gridgov.orgs.models import OrgUnit
from gridgov.orgs.selectors import org_unit_get, org_unit_list


class OrgUnitOut(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "kind_label", "department_type", "region", "phone", "address",
                  "lon", "lat", "members_count", "equipment"]


@extend_schema(tags=["orgs"])
class OrgUnitListApi(ListAPIView):
    serializer_class = OrgUnitOut

    def get_queryset(self):
        return org_unit_list(actor=self.request.user, filters=self.request.query_params)


@extend_schema(tags=["orgs"])
class OrgUnitDetailApi(RetrieveAPIView):
    serializer_class = OrgUnitOut

    def get_object(self):
        return org_unit_get(actor=self.request.user, pk=self.kwargs["pk"])
