from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.accounts.scoping import jurisdiction_of


@extend_schema(tags=["accounts"], summary="当前用户、角色与管辖范围")
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
