"""The staff console (/console/): the intake queue, case lists, case detail with exactly the actions the
workflow allows, and the handler's inbox. Views are thin: parse, call one service or selector, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.cases import services
from gridgov.cases.access import handler_units
from gridgov.cases.models import OPEN_STATES, Case, Category, Channel, Light, State, Urgency
from gridgov.cases.selectors import (
    ORDERING_LABELS,
    case_get,
    case_list,
    case_photo_groups,
    case_timeline,
    cases_of_caller,
)
from gridgov.cases.sla import clock_summary
from gridgov.cases.workflow import action_label
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.paging import Paginator
from gridgov.core.routing import reads_from_replica, replica_reads
from gridgov.core.timeutil import now
from gridgov.web.action_panel import action_panel
from gridgov.web.pages import done_redirect, staff_required


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True
    next_page = "/console/"

    def form_valid(self, form):
        """A right password; staff with a second factor (or who must set one up) go on to 动态口令."""
        from gridgov.accounts import totp
        from gridgov.web import security

        user = form.get_user()
        if totp.applies_to(user):
            return security.start(self.request, user, self.get_success_url())
        return super().form_valid(form)


def _menu(user) -> list[dict]:
    j = jurisdiction_of(user)
    items = []
    if j.has_perm("case:case:dispatch"):
        items.append({"label": "受理台", "url": reverse("console-queue"), "key": "queue"})
        items.append({"label": "来电来访登记", "url": reverse("console-intake"), "key": "intake"})
    if j.has_perm("case:case:list"):
        items.append({"label": "案件列表", "url": reverse("console-cases"), "key": "cases"})
    if handler_units(user):
        items.append({"label": "我的待办", "url": reverse("console-inbox"), "key": "inbox"})
    if j.has_perm("case:case:list") or handler_units(user):
        items.append({"label": "督办看板", "url": reverse("console-board"), "key": "board"})
        items.append({"label": "网格地图", "url": reverse("console-map"), "key": "map"})
    if j.has_perm("case:case:list"):
        items.append({"label": "热点问题", "url": reverse("console-hot"), "key": "hot"})
    if "mediator" in j.roles:
        items.append({"label": "我的调解", "url": reverse("console-dispute-inbox"), "key": "dispute-inbox"})
    if j.has_perm("case:case:list") or "mediator" in j.roles:
        items.append({"label": "矛盾纠纷", "url": reverse("console-disputes"), "key": "disputes"})
    if j.has_perm("case:case:list"):
        items.append({"label": "纠纷看板", "url": reverse("console-dispute-board"), "key": "dispute-board"})
    if j.has_perm("case:case:dispatch"):
        items.append({"label": "一窗受理", "url": reverse("console-dispute-window"), "key": "dispute-window"})
    if j.has_perm("case:kpi:view") or "mediator" in j.roles:
        items.append({"label": "调解月报", "url": reverse("console-dispute-report"), "key": "dispute-report"})
    if any(j.has_perm(p) for p in ("points:volunteer:verify", "points:claim:approve", "points:redemption:handle",
                                   "points:credit:propose", "points:credit:approve")):
        items.append({"label": "积分审核", "url": reverse("console-points"), "key": "points"})
    if j.has_perm("points:ledger:view"):
        items.append({"label": "积分统计", "url": reverse("console-points-report"), "key": "points-report"})
    if j.has_perm("care:plan:list"):
        items.append({"label": "关爱看板", "url": reverse("console-care"), "key": "care"})
        items.append({"label": "设备地图", "url": reverse("console-care-devices"), "key": "care-devices"})
    if j.has_perm("portal:chat:handle"):
        items.append({"label": "我要办事", "url": reverse("console-ask-list"), "key": "ask"})
    if j.has_perm("portal:article:edit"):
        items.append({"label": "社区发布", "url": reverse("console-articles"), "key": "portal"})
    if j.has_perm("portal:slot:edit"):
        items.append({"label": "预约管理", "url": reverse("console-appointments"), "key": "appointments"})
    from gridgov.supervision.models import LeaderLink

    if LeaderLink.objects.filter(leader_id=user.pk, is_active=True).exists():
        items.append({"label": "我联系的网格", "url": reverse("console-my-grids"), "key": "my-grids"})
    if any(j.has_perm(p) for p in ("supervision:score:view", "supervision:inspection:manage")):
        items.append({"label": "监督考核", "url": reverse("console-supervision"), "key": "supervision"})
        items.append({"label": "考核评星", "url": reverse("console-assessment"), "key": "assessment"})
    if j.has_perm("deliberation:topic:list"):
        items.append({"label": "协商议事", "url": reverse("console-topics"), "key": "topics"})
    if j.has_perm("emergency:callout:command") or j.has_perm("emergency:alert:send"):
        items.append({"label": "应急指挥", "url": reverse("console-emergency"), "key": "emergency"})
    if j.has_perm("case:kpi:view"):
        items.append({"label": "统计考核", "url": reverse("console-stats"), "key": "stats"})
        items.append({"label": "综治一张图", "url": reverse("screen"), "key": "screen"})
    if j.has_perm("case:kpi:view") or any(g.unit_id and "case:case:handle" in g.permissions for g in j.grants):
        items.append({"label": "统计报表", "url": reverse("console-reports"), "key": "reports"})
    return items


def _page(request, qs, per_page=20):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


@staff_required
def home(request):
    menu = _menu(request.user)
    return redirect(menu[0]["url"] if menu else reverse("console-cases"))


class FilterForm(forms.Form):
    q = forms.CharField(label="关键字", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + list(State.choices))
    light = forms.ChoiceField(label="亮灯", required=False, choices=[("", "全部")] + list(Light.choices))
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部")] + list(Channel.choices))
    urgency = forms.ChoiceField(label="紧急程度", required=False, choices=[("", "全部")] + list(Urgency.choices))
    category = forms.CharField(label="类别编码", required=False)
    region = forms.CharField(label="区划/网格编码", required=False)
    created_after = forms.DateField(label="上报起", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    created_before = forms.DateField(label="上报止", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ordering = forms.ChoiceField(label="排序", required=False,
                                 choices=[("", "默认")] + list(ORDERING_LABELS.items()))


SAVED_FILTERS_KEY = "console_saved_filters"


def _list(request, *, title: str, key: str, base_filters: dict | None = None):
    saved = request.session.get(SAVED_FILTERS_KEY, {})
    if request.method == "POST" and request.POST.get("save_as"):
        name = request.POST["save_as"].strip()[:30]
        saved[name] = request.GET.urlencode()
        request.session[SAVED_FILTERS_KEY] = saved
        messages.success(request, f"已保存筛选「{name}」")
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    form = FilterForm(request.GET or None)
    filters = {k: v for k, v in (form.data.items() if form.is_bound else []) if v and k not in ("page", "export")}
    filters.update(base_filters or {})
    status = 200
    try:
        qs = case_list(actor=request.user, filters=filters)
    except ApplicationError as exc:
        named = [f"「{form.fields[name].label}」{why}" for name, why in exc.fields.items() if name in form.fields]
        hint = "(日期请按 2026-01-31 的格式填写)" if "格式无效" in exc.fields.values() else ""
        messages.error(request, f"筛选条件{'、'.join(named)},已忽略全部筛选条件{hint}" if named else exc.message)
        qs = case_list(actor=request.user, filters=base_filters or {})
        status = 400
    if request.GET.get("export") == "xlsx":
        with replica_reads():  # an export: from the replica when there is one
            return _export(qs)
    qs = qs.prefetch_related("attachments")
    return render(request, "console/case_list.html", {
        "title": title, "menu": _menu(request.user), "active": key, "form": form, "page": _page(request, qs),
        "saved": saved, "query": request.GET.urlencode(),
    }, status=status)


EXPORT_COLUMNS = ["编号", "标题", "类别", "网格", "渠道", "紧急程度", "状态", "亮灯", "承办单位", "处置时限", "上报时间",
                  "结案时间"]


def _export(qs):
    from gridgov.core.files import XLSX, document_response
    from gridgov.core.timeutil import local
    from gridgov.core.xlsx import write_rows

    def fmt(v):
        return local(v).strftime("%Y-%m-%d %H:%M") if v else ""

    rows = ([c.number, c.title, c.category.name if c.category_id else "", c.grid.name if c.grid_id else "未落入网格",
             c.get_channel_display(), c.get_urgency_display(), c.get_state_display(), c.get_light_display(),
             c.handling_unit.name if c.handling_unit_id else "", fmt(c.handle_due_at), fmt(c.created_at),
             fmt(c.closed_at)] for c in qs[:50000])
    return document_response(write_rows(EXPORT_COLUMNS, rows, title="案件"), XLSX, "cases.xlsx")


@staff_required
def queue(request):
    return _list(request, title="受理台", key="queue", base_filters={"state": "reported"})


@staff_required
def cases(request):
    return _list(request, title="案件列表", key="cases")


@staff_required
def inbox(request):
    return _list(request, title="我的待办", key="inbox", base_filters={"inbox": "1"})


INTAKE_CHANNELS = (Channel.HOTLINE, Channel.WALK_IN, Channel.SUPERIOR, Channel.WECHAT)


class IntakeForm(forms.Form):
    """来电来访登记: what a center's staff type in when a caller, a visitor or a higher office reports."""

    channel = forms.ChoiceField(label="来源", choices=[(c.value, c.label) for c in INTAKE_CHANNELS])
    description = forms.CharField(label="反映内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label="事件类别", required=False)
    urgency = forms.ChoiceField(label="紧急程度", required=False, choices=[("", "按类别默认")] + list(Urgency.choices))
    address = forms.CharField(label="地址", required=False, max_length=200,
                              help_text="在地图上点出位置可自动落入网格;只填地址的进入区级待分拨")
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    reporter_name = forms.CharField(label="反映人", required=False, max_length=50)
    reporter_phone = forms.CharField(label="联系电话", required=False, max_length=20,
                                     help_text="填写后,办理结果经短信告知反映人;该号码以前的反映会列在下面",
                                     widget=forms.TextInput(attrs={
                                         # POST: a phone number never goes into a URL (and so into access logs)
                                         "hx-post": "/console/intake/caller/", "hx-target": "#caller-history",
                                         "hx-include": "this", "hx-trigger": "keyup changed delay:400ms, change",
                                         "autocomplete": "off"}))
    reporter_email = forms.CharField(label="电子邮件", required=False, max_length=254)
    external_ref = forms.CharField(label="外部编号", required=False, max_length=64, help_text="12345工单号、上级交办文号等")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "暂不分类(受理时确定)")] + [
            (c.code, f"{c.parent.name} · {c.name}")
            for c in Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")]


@staff_required
@require_POST
def caller_history(request):
    """重复诉求: while the operator types the caller's number, their earlier reports (htmx partial)."""
    from gridgov.cases.selectors import cases_of_caller

    if not jurisdiction_of(request.user).has_perm("case:case:dispatch"):
        raise PermissionDenied
    cases = cases_of_caller(actor=request.user, phone=request.POST.get("reporter_phone", ""))
    return render(request, "console/_caller_history.html", {"cases": cases, "open_states": OPEN_STATES})


@staff_required
def intake(request):
    if not jurisdiction_of(request.user).has_perm("case:case:dispatch"):
        raise PermissionDenied
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case, created = services.case_report(
                actor=request.user, channel=d["channel"], description=d["description"],
                category=d["category"] or None, urgency=d["urgency"] or None, lon=d["lon"], lat=d["lat"],
                address=d["address"], reporter_name=d["reporter_name"], reporter_phone=d["reporter_phone"],
                reporter_email=d["reporter_email"], external_ref=d["external_ref"],
                photos=request.FILES.getlist("photos"), idempotency_key=request.POST.get("submission_id") or None)
        except ApplicationError as exc:
            placed = False
            for name, why in exc.fields.items():
                name = {"location": "address", "photos": "description"}.get(name, name)
                if name in form.fields:
                    form.add_error(name, why if why not in ("必填", "取值无效") else exc.message)
                    placed = True
            if not placed:
                form.add_error(None, exc.message)
        else:
            where = case.grid.name if case.grid_id else "区级待分拨(未落入网格)"
            messages.success(request, f"已登记,编号 {case.number},{where}" if created else f"该登记已提交过,编号 {case.number}")
            return done_redirect(request, "console-case", case.pk)
    from django.conf import settings

    return render(request, "console/intake.html", {
        "title": "来电来访登记", "menu": _menu(request.user), "active": "intake", "form": form,
        "tile_url": getattr(settings, "GRIDGOV_TILE_URL", ""),
    }, status=400 if form.errors else 200)


@staff_required
def case_detail(request, pk, action: str | None = None):
    try:
        case = case_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("事件不存在或不在您的管辖范围内")
    response, panel = action_panel(request, case, action, success_url=reverse("console-case", args=[pk]))
    if response is not None:
        return response
    actions, suggested = panel["actions"], panel["suggested"]
    status = 400 if panel["invalid"] else 200
    return render(request, "console/case_detail.html", {
        "title": f"案件详情 {case.number}", "menu": _menu(request.user), "active": "cases", "case": case,
        "grid_geometry": case.grid.geometry if case.grid_id else None,
        "timeline": [{"e": e, "label": action_label(e.action)} for e in case_timeline(case)], "actions": actions, "suggested": suggested,
        **_dispute_context(request.user, case),
        "photo_groups": case_photo_groups(case), "clocks": clock_summary(case, now()),
        "caller_cases": cases_of_caller(actor=request.user, case=case), "open_states": OPEN_STATES,
        "can_reveal_phone": bool(case.reporter_phone_enc) and jurisdiction_of(request.user).covers(
            "case:case:reveal", case.region_path),
    }, status=status)


def _dispute_context(user, case) -> dict:
    """转为矛盾纠纷 for a center on a 矛盾纠纷 case not yet converted; else the dispute it became."""
    from gridgov.cases.access import actor_kinds
    from gridgov.cases.workflow import CENTER
    from gridgov.mediation.models import Dispute
    from gridgov.web.disputes import FromCaseForm

    if case.category is None or not case.category.code.startswith("21"):
        return {}
    existing = Dispute.objects.filter(case=case).first()
    if existing is not None:
        return {"case_dispute": existing}
    if CENTER not in actor_kinds(user, case):
        return {}
    return {"dispute_form": FromCaseForm(initial={"applicant": case.reporter_name})}


@staff_required
def reveal_phone(request, pk):
    """查看完整号码: the reporter's phone once, in a message, for a call back; the reason goes to the audit log."""
    if request.method != "POST":
        return redirect("console-case", pk)
    try:
        case = case_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("事件不存在或不在您的管辖范围内")
    try:
        phone = services.case_reveal_reporter_phone(actor=request.user, case=case,
                                                    reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, f"上报人电话:{phone}(已记录查看事由)")
    return redirect("console-case", pk)


# -- SLA board, statistics, grid map ----------------------------------------------------------------------


def _board_data(user) -> dict:
    from django.db.models import Count, Q

    from gridgov.cases.models import OPEN_STATES

    qs = case_list(actor=user, filters={}).filter(state__in=OPEN_STATES)
    counts = {"green": Count("id", filter=Q(light="green")), "yellow": Count("id", filter=Q(light="yellow")),
              "red": Count("id", filter=Q(light="red"))}
    totals_extra = {"waiting_calendar": Count("id", filter=~Q(clock_error=""))}
    by_unit = list(qs.exclude(handling_unit__isnull=True).values("handling_unit__name").annotate(**counts)
                   .order_by("-red", "-yellow", "handling_unit__name"))
    by_grid = list(qs.exclude(grid__isnull=True).values("grid__name").annotate(**counts)
                   .order_by("-red", "-yellow", "grid__name")[:30])
    red = list(qs.filter(light="red").select_related("handling_unit", "grid", "owner_center__region")
               .order_by("due_at")[:50])
    # 督办 opens the form for those who may press the case; the others see it. Only a center's or a leader's
    # account can be a case's LEADER: for anyone else no per-case check (and no query) is made.
    j = jurisdiction_of(user)
    may_press = j.is_global or j.has_perm("case:case:supervise") or j.has_perm("case:case:dispatch")
    for c in red:
        c.can_supervise = may_press and services.permits(c, user, "supervise")
    escalated = list(qs.filter(escalation_level__gt=0).select_related("owner_center").order_by("-updated_at")[:20])
    totals = qs.aggregate(**counts, **totals_extra)
    return {"by_unit": by_unit, "by_grid": by_grid, "red": red, "escalated": escalated, "totals": totals}


@staff_required
def board(request):
    data = _board_data(request.user)
    template = "console/_board.html" if request.headers.get("HX-Request") else "console/board.html"
    return render(request, template, {"title": "督办看板", "menu": _menu(request.user), "active": "board", **data})


@staff_required
@reads_from_replica
def stats(request):
    import datetime as dt

    from gridgov.analytics.selectors import GROUP_LABELS, GROUPS, kpis, top_categories
    from gridgov.core.timeutil import local_today

    today = local_today()
    start_s = request.GET.get("start") or (today - dt.timedelta(days=30)).isoformat()
    end_s = request.GET.get("end") or today.isoformat()
    group_by = request.GET.get("group_by") or "town"
    rows, top, error = [], [], ""
    try:
        from gridgov.cases.selectors import parse_moment

        start, end = parse_moment(start_s, "start"), parse_moment(end_s, "end", end=True)
        rows = kpis(actor=request.user, start=start, end=end, group_by=group_by)
        top = top_categories(actor=request.user, start=start, end=end)
    except ApplicationError as exc:
        error = exc.message
    names = dict(_group_names(rows, group_by))
    for r in rows:
        r["label"] = names.get(r["group"], r["group"])
    if request.GET.get("export") == "xlsx" and not error:
        return _export_kpis(rows, f"考核统计 {start_s} 至 {end_s} {GROUP_LABELS[group_by]}",
                            f"kpi-{start_s}-{end_s}-{group_by}.xlsx")
    return render(request, "console/stats.html", {
        "title": "统计考核", "menu": _menu(request.user), "active": "stats", "rows": rows, "error": error, "top": top,
        "start": start_s, "end": end_s, "group_by": group_by, "groups": [(g, GROUP_LABELS[g]) for g in GROUPS],
        "chart": {"labels": [r["label"] for r in rows], "closure": [r["closure_rate"] or 0 for r in rows],
                  "on_time": [r["on_time_closure_rate"] or 0 for r in rows]},
    }, status=400 if error else 200)


KPI_COLUMNS = [("label", "分组"), ("received", "受理数"), ("accepted", "立案数"), ("due", "应结案数"), ("closed", "结案数"),
               ("closure_rate", "结案率"), ("on_time_closure_rate", "按期结案率"), ("timely_ack_rate", "及时签收率"),
               ("rework_rate", "返工率"), ("extensions", "延期数"), ("returns", "退回数"), ("overtime_ratio", "超时倍数"),
               ("satisfaction_rate", "满意率"), ("disputes_accepted", "纠纷受理数"), ("disputes_resolved", "化解成功数"),
               ("resolution_rate", "化解率")]
RATES = {"closure_rate", "on_time_closure_rate", "timely_ack_rate", "rework_rate", "satisfaction_rate",
         "resolution_rate"}


def _export_kpis(rows, title: str, filename: str):
    """The KPI table as a workbook: rates as percentages (a number with a % format, so sums and charts work)."""
    from gridgov.core.files import XLSX, document_response
    from gridgov.core.xlsx import write_rows

    body = ([r[key] if r[key] is not None else "" for key, _ in KPI_COLUMNS] for r in rows)
    data = write_rows([label for _, label in KPI_COLUMNS], body, title="考核统计", caption=title,
                      percent_columns=[i for i, (key, _) in enumerate(KPI_COLUMNS) if key in RATES])
    return document_response(data, XLSX, filename)


def _group_names(rows, group_by):
    from gridgov.cases.models import Category
    from gridgov.regions.models import Region

    keys = [r["group"] for r in rows]
    if group_by in ("town", "community", "grid"):
        return Region.objects.filter(code__in=keys).values_list("code", "name")
    if group_by == "category":
        return Category.objects.filter(code__in=keys).values_list("code", "name")
    if group_by == "channel":
        return [(k, str(Channel(k).label)) for k in keys if k in Channel.values]
    return []


@staff_required
def grid_map(request):
    from django.conf import settings

    return render(request, "console/map.html", {"title": "网格地图", "menu": _menu(request.user), "active": "map",
                                                "tile_url": getattr(settings, "GRIDGOV_TILE_URL", "")})


@staff_required
def map_data(request):
    """GeoJSON for the map: the grids and the open cases the user may see, cases coloured by light."""
    from django.http import JsonResponse

    from gridgov.cases.models import OPEN_STATES
    from gridgov.regions.selectors import region_list

    grids = region_list(actor=request.user, filters={"level": "grid"}).exclude(geometry__isnull=True)
    features = [{"type": "Feature", "geometry": g.geometry,
                 "properties": {"kind": "grid", "code": g.code, "name": g.name, "special": g.grid_kind == "special"}}
                for g in grids]
    light = request.GET.get("light", "")
    cases = case_list(actor=request.user, filters={"light": light} if light else {}).filter(
        state__in=OPEN_STATES, lon__isnull=False)[:2000]
    features += [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                  "properties": {"kind": "case", "id": c.pk, "title": c.title, "light": c.light,
                                 "state": str(State(c.state).label), "url": reverse("console-case", args=[c.pk])}}
                 for c in cases]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@staff_required
def message_list(request):
    """消息: the in-app messages for this user (new cases for their unit, lights, escalations, alerts)."""
    from gridgov.notify.selectors import inbox
    from gridgov.notify.services import mark_read

    if request.method == "POST" and request.POST.get("read_all"):
        done = mark_read(user=request.user)
        messages.success(request, f"已将 {done} 条消息标为已读")
        return redirect("console-messages")
    qs = inbox(request.user)
    return render(request, "console/messages.html", {
        "title": "消息", "menu": _menu(request.user), "active": "messages", "page": _page(request, qs),
        "unread": qs.filter(read_at__isnull=True).count(),
    })


@login_required(login_url="/console/login/")  # also residents: their news links open through here
def message_open(request, pk):
    """Open one message: marked read, then its case (when it has one and the user may see it) or the list; with
    ?m=resident or ?m=work the phone pages' own case page."""
    from gridgov.notify.selectors import inbox
    from gridgov.notify.services import mark_read

    message = inbox(request.user).filter(pk=pk).first()
    if message is None:
        raise Http404("没有这条消息")
    mark_read(user=request.user, ids=[message.pk])
    case_id = (message.data or {}).get("case")
    url = str((message.data or {}).get("url") or "")
    if url.startswith("/") and not url.startswith("//"):
        return redirect(url)  # a page of this platform the message is about (e.g. 录入全年安排)
    page = request.GET.get("m", "")  # "resident": 掌上社区; "work": the grid worker's phone pages
    home = {"resident": "m-home", "work": "m-work"}.get(page, "console-messages")
    if case_id and page == "resident":
        if Case.objects.filter(pk=case_id, reporter=request.user).exists():
            return redirect("m-case", case_id)  # their own report's progress
        return redirect(home)
    if case_id:
        try:
            case_get(actor=request.user, pk=case_id)
        except NotFound:
            messages.info(request, "该事件已不在您的管辖范围内")
            return redirect(home)
        return redirect("m-work-case" if page == "work" else "console-case", case_id)
    return redirect(home)
