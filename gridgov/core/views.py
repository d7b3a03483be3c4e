"""Health check for load balancers and monitoring."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

import gridgov


@never_cache
def healthz(request):
    body = {"status": "ok", "database": connection.vendor, "version": gridgov.__version__}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach the database makes us unhealthy
        body.update(status="error", reason=f"database unreachable: {type(exc).__name__}: {exc}"[:300])
        return JsonResponse(body, status=503)
    return JsonResponse(body)
