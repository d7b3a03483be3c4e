"""热点问题 in the console: the hottest clusters of recent reports in the user's area, with their reports."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases.hot import hot_issues
from gridgov.cases.selectors import case_list
from gridgov.regions.models import Region
from gridgov.web.console import _menu
from gridgov.web.pages import staff_required

PERIODS = {"1": "近24小时", "7": "近7天", "30": "近30天"}


@staff_required
def hot(request):
    if not jurisdiction_of(request.user).has_perm("case:case:list"):
        raise Http404("页面不存在")
    days = request.GET.get("days", "7")
    days = days if days in PERIODS else "7"
    issues = hot_issues(case_list(actor=request.user), days=int(days), top=20)
    names = dict(Region.objects.filter(path__in={h.community for h in issues}).values_list("path", "name"))
    for h in issues:
        h.community_name = names.get(h.community, "")
        h.category = h.cases[0].category
    return render(request, "console/hot.html", {
        "title": "热点问题", "menu": _menu(request.user), "active": "hot", "issues": issues, "days": days,
        "periods": PERIODS})
