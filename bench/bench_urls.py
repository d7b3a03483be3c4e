"""gridgov's URLs plus the write floor of bench/intake.py: the least a write can cost on this stack — one
durable INSERT through the ORM (an audit row, autocommitted), answered with its id as JSON, through the same
server, the same settings and the same middleware as the API."""

from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from gridgov.core.models import AuditLog


@csrf_exempt
def write_floor(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    row = AuditLog.objects.create(action="bench.write_floor", object_type="bench", object_id="0")
    return JsonResponse({"id": row.pk}, status=201)


urlpatterns = [path("_bench/write-floor/", write_floor), path("", include("gridgov.urls"))]
handler404 = "gridgov.web.views.page_not_found"
handler500 = "gridgov.web.views.server_error"
