"""The resident's phone pages (/m/, 掌上社区): log in with a code sent to the phone, 随手拍 with photo and
location, my reports with their progress, rating the result, public cases nearby."""

from __future__ import annotations

import math

from django import forms
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from gridgov.accounts.services import phone_code_login, phone_code_send
from gridgov.cases import services
from gridgov.cases.models import OPEN_STATES, Case, Category, Satisfaction, State
from gridgov.cases.selectors import case_result
from gridgov.cases.triage import suggest_category
from gridgov.cases.workflow import REPORTER_ACTIONS, action_label
from gridgov.core.errors import ApplicationError
from gridgov.core.net import client_ip
from gridgov.core.paging import Paginator
from gridgov.web.pages import done_redirect, place_errors

LOGIN = "/m/login/"
NEARBY_M = 1000  # 附近的事件: public cases within this many metres
MINE_PER_PAGE = 10  # 我的反映, newest first
PUBLIC_ACTIONS = REPORTER_ACTIONS  # the table marks what a reporter's timeline shows


class PhoneForm(forms.Form):
    phone = forms.CharField(label="手机号", max_length=20)
    code = forms.CharField(label="验证码", max_length=6, required=False)


def m_login(request):
    form = PhoneForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        phone, code = form.cleaned_data["phone"], form.cleaned_data["code"]
        try:
            if request.POST.get("step") == "send":
                phone_code_send(phone=phone, ip=client_ip(request))
                sent = True
            else:
                user = phone_code_login(phone=phone, code=code)
                login(request, user, backend="gridgov.accounts.backends.LockoutModelBackend")
                return redirect("/m/")
        except ApplicationError as exc:
            place_errors(form, exc)
    return render(request, "mobile/login.html", {"form": form, "sent": sent}, status=400 if form.errors else 200)


class ReportForm(forms.Form):
    description = forms.CharField(label="发生了什么", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label="问题类别", required=False)
    photos = forms.FileField(label="照片", required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label="地址(无法定位时填写)", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "自动识别")] + [
            (c.code, f"{c.parent.name} · {c.name}")
            for c in Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")]


@login_required(login_url=LOGIN)
def m_home(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        suggested = None if d["category"] else suggest_category(d["description"])
        category = d["category"] or (suggested.code if suggested else None)
        try:
            case, _ = services.case_report(
                actor=request.user, channel="resident_app", description=d["description"], category=category,
                lon=d["lon"], lat=d["lat"], crs="wgs84", address=d["address"],
                photos=request.FILES.getlist("photos"),
                idempotency_key=request.POST.get("submission_id") or None)
        except ApplicationError as exc:
            place_errors(form, exc)
        else:
            return done_redirect(request, "m-case", case.pk)
    mine = Paginator(Case.objects.filter(reporter=request.user).select_related("category")
                     .order_by("-created_at", "-id"), MINE_PER_PAGE).get_page(request.GET.get("page"))
    from gridgov.notify.selectors import inbox

    unread = inbox(request.user).filter(read_at__isnull=True)
    return render(request, "mobile/home.html", {"form": form, "mine": mine, "unread": list(unread[:5]),
                                                "inbox_unread": unread.count()},
                  status=400 if form.errors else 200)


@login_required(login_url=LOGIN)
def m_case(request, pk):
    case = Case.objects.filter(pk=pk, reporter=request.user).select_related("category", "handling_unit").first()
    if case is None:
        raise Http404("没有这条反映")
    error = ""
    if request.method == "POST":
        try:
            services.case_follow_up(case=case, actor=request.user, satisfaction=request.POST.get("satisfaction"),
                                    comment=request.POST.get("comment", ""))
            return redirect("m-case", pk=pk)
        except ApplicationError as exc:
            error = exc.message
    events = [{"at": e.at, "label": action_label(e.action)}
              for e in case.events.filter(action__in=PUBLIC_ACTIONS).order_by("at", "id")]
    can_rate = any(t.action == "follow_up" for t in services.available_actions(case, request.user))
    return render(request, "mobile/case.html", {
        "case": case, "events": events, "can_rate": can_rate, "error": error, "result": case_result(case),
        "ratings": [(v, label) for v, label in Satisfaction.choices],
    }, status=400 if error else 200)


@login_required(login_url=LOGIN)
def m_nearby(request):
    from gridgov.core.coords import haversine_m, validate_lonlat

    try:
        lon, lat = validate_lonlat(request.GET["lon"], request.GET["lat"])
    except (KeyError, ValueError):
        return render(request, "mobile/nearby.html", {"cases": [], "need_location": True, "radius": NEARBY_M})
    # a box around the point first (an index), then the true distance: within NEARBY_M metres, nearest first
    dlat = NEARBY_M / 111_320
    dlon = NEARBY_M / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    candidates = (Case.objects.filter(is_public=True, state__in=OPEN_STATES + (State.CLOSED,),
                                      lon__range=(lon - dlon, lon + dlon), lat__range=(lat - dlat, lat + dlat))
                  .select_related("category").order_by("-created_at")[:500])
    cases = []
    for c in candidates:
        c.distance = round(haversine_m(lon, lat, c.lon, c.lat))
        if c.distance <= NEARBY_M:
            cases.append(c)
    cases = sorted(cases, key=lambda c: c.distance)[:50]
    return render(request, "mobile/nearby.html", {"cases": cases, "need_location": False, "radius": NEARBY_M})
