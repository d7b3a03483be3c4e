"""综治一张图 /screen/: the leaders' full-screen page (1920×1080, dark). Its figures come from the API
(`/api/v1/screen/`, polled every minute; `/api/v1/screen/feed/`, every ten seconds for the pop-ups); the map's
outlines of the region's children come from `screen_map` here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from gridgov.analytics.screen import LEVELS_DOWN, PERM, region_for
from gridgov.core.errors import ApplicationError
from gridgov.core.routing import reads_from_replica
from gridgov.regions.models import Region
from gridgov.web.pages import need_perm


@login_required(login_url="/console/login/")
@reads_from_replica
def screen_page(request):
    need_perm(request, PERM)
    try:
        region = region_for(request.user, request.GET.get("region", ""))
    except ApplicationError as e:
        from gridgov.web.views import _error

        return _error(request, e.status)
    return render(request, "web/screen.html", {
        "region": region, "tile_url": getattr(settings, "GRIDGOV_TILE_URL", ""),
        "rotate_seconds": _seconds(request.GET.get("rotate", ""), 30),
    })


@login_required(login_url="/console/login/")
@reads_from_replica
def screen_map(request):
    """GeoJSON of the region (its outline) and its children (towns, communities or grids) for the screen's map."""
    need_perm(request, PERM)
    try:
        region = region_for(request.user, request.GET.get("region", ""))
    except ApplicationError as e:
        return JsonResponse({"error": {"code": e.code, "message": e.message}}, status=e.status)
    kids = Region.objects.filter(parent=region, is_active=True, level=LEVELS_DOWN[region.level]).exclude(
        geometry__isnull=True).order_by("code")
    features = [{"type": "Feature", "geometry": k.geometry,
                 "properties": {"code": k.code, "name": k.name, "level": k.level}} for k in kids]
    if not features and region.geometry:
        features = [{"type": "Feature", "geometry": region.geometry,
                     "properties": {"code": region.code, "name": region.name, "level": region.level}}]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _seconds(value: str, default: int) -> int:
    """?rotate=N: seconds between the views (0 stops the rotation), between 0 and 600."""
    return min(int(value), 600) if value.isdigit() else default
