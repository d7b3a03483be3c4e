from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.accounts.scoping import jurisdiction_of


class MeOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.CharField(), help_text="角色编码")
    regions = serializers.ListField(child=serializers.CharField(), help_text="任职区划编码")


@extend_schema(tags=["accounts"], summary="当前用户、角色与管辖范围", responses=MeOut)
class MeApi(APIView):
    def get(self, request):
        user = request.user
        j = jurisdiction_of(user)
        return Response({
            "id": user.pk,
            "username": user.username,
            "display_name": user.display_name,
            "is_superuser": user.is_superuser,
            "roles": sorted(j.roles),
            "regions": sorted({g.path.strip("/").split("/")[-1] for g in j.grants}),
        })
