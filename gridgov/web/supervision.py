"""监督考核 pages. On the phone (/m/inspect/, grid workers): the inspections waiting for me, a checklist to go through
item by item — 合格 / 不合格 with a photo taken there ("拍照即留痕") —, the re-inspection of what failed. In the console
(/console/supervision/): the month's property-company ranking with every deduction and its evidence, the pass
rate and problem rates, the inspections with their results and rectification cases; 安排检查 for a compound."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.timeutil import local, month_bounds, now
from gridgov.supervision import access, score, services, smart
from gridgov.supervision.api import inspection_get
from gridgov.supervision.events import KINDS
from gridgov.supervision.models import InspectionState
from gridgov.supervision.workflow import INSPECTION
from gridgov.web.console import _menu
from gridgov.web.mobile import LOGIN
from gridgov.web.pages import done_redirect, list_export, need_perm, recent_months, staff_required, when

S = InspectionState


@login_required(login_url=LOGIN)
def inspect_home(request):
    """物业检查 on the phone: waiting (nearest due first) and to re-inspect."""
    mine = access.visible_inspections(request.user).filter(state__in=[S.SCHEDULED, S.RECTIFYING])
    rows = [i for i in mine.order_by("due_on", "pk")[:100]
            if INSPECTION.allowed(request.user, i)]
    return render(request, "mobile/inspect.html", {"rows": rows, "today": local(now()).date()})


@staff_required
def patrol_page(request):
    """巡查轨迹 on the phone: 开始巡查 records the phone's positions (kept on the phone when there is no network,
    sent in batches), 结束巡查 stops; today's rounds of the worker's grids."""
    from gridgov.supervision.patrol import grid_day

    if not jurisdiction_of(request.user).has_perm("case:case:verify"):
        raise Http404("页面不存在")
    grids = [m.region for m in request.user.memberships.filter(is_active=True, role__code="grid_worker")
             .select_related("region")]
    today = local(now()).date()
    return render(request, "mobile/patrol.html", {
        "grids": [{"grid": g, "rounds": grid_day(g, today)["rounds"]} for g in grids[:5]]})


@login_required(login_url=LOGIN)
def inspect_page(request, pk: int):
    try:
        inspection = inspection_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("检查不存在")
    items = list(inspection.checklist.items.all())
    failed = list(inspection.results.filter(passed=False).select_related("item", "case"))
    if request.method == "POST":
        try:
            if inspection.state == S.SCHEDULED:
                results = {i.code: request.POST.get(f"r_{i.code}") == "pass" if request.POST.get(f"r_{i.code}")
                           else None for i in items}
                done = services.inspection_submit(
                    actor=request.user, inspection=inspection, results=results,
                    photos={i.code: request.FILES[f"p_{i.code}"] for i in items if f"p_{i.code}" in request.FILES},
                    notes={i.code: request.POST.get(f"n_{i.code}", "") for i in items})
                messages.success(request, "检查结果已提交,全部合格" if done.failed_count == 0
                                 else f"检查结果已提交,{done.failed_count} 项不合格已转整改事件")
            else:
                fixed = {r.item.code: request.POST.get(f"f_{r.item.code}") == "yes"
                         if request.POST.get(f"f_{r.item.code}") else None for r in failed}
                services.inspection_reinspect(actor=request.user, inspection=inspection, fixed=fixed,
                                              notes={r.item.code: request.POST.get(f"n_{r.item.code}", "")
                                                     for r in failed})
                messages.success(request, "复查结果已提交")
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return render(request, "mobile/inspect_form.html", {"i": inspection, "items": items, "failed": failed,
                                                                "posted": request.POST}, status=400)
        return done_redirect(request, reverse("m-inspect"))
    return render(request, "mobile/inspect_form.html", {"i": inspection, "items": items, "failed": failed,
                                                        "posted": {}})


class ScheduleForm(forms.Form):
    compound = forms.ChoiceField(label="小区")
    due_on = forms.DateField(label="应检日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        q = jurisdiction_of(user).q(access.MANAGE, "region_path")
        qs = access.visible_compounds(user).filter(is_active=True)
        qs = qs.filter(q) if q is not None else qs
        self.fields["compound"].choices = [(c.pk, f"{c.name}({c.grid.name})") for c in qs[:300]]


@staff_required
def supervision_home(request):
    """监督考核: the month's ranking with its deductions, pass and problem rates, inspections; 安排检查."""
    j = jurisdiction_of(request.user)
    if not any(j.has_perm(code) for code in (access.VIEW, access.MANAGE, access.DO)):
        raise Http404("页面不存在")
    months = recent_months(12)
    month = request.GET.get("month") if request.GET.get("month") in months else months[0]
    form = ScheduleForm(request.POST or None, user=request.user, initial={"due_on": local(now()).date()})
    if request.method == "POST" and request.POST.get("step") == "publish":
        need_perm(request, access.MANAGE)
        try:
            published = score.publish(actor=request.user, compounds=access.visible_compounds(request.user),
                                      month=month, region_path=_publish_path(request.user))
            messages.success(request, f"已发布 {month} 物业信用分通报({len(published)} 家企业)")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return done_redirect(request, f"{reverse('console-supervision')}?month={month}")
    if request.method == "POST":
        need_perm(request, access.MANAGE)
        if form.is_valid():
            from gridgov.supervision.models import Compound

            try:
                services.inspection_schedule(actor=request.user,
                                             compound=Compound.objects.get(pk=form.cleaned_data["compound"]),
                                             due_on=form.cleaned_data["due_on"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已安排检查")
                return done_redirect(request, reverse("console-supervision"))
    start, end = month_bounds(month)
    done_in_month = access.visible_inspections(request.user).filter(submitted_at__gte=start, submitted_at__lt=end)
    exported = list_export(request, done_in_month.select_related("compound", "property_company", "inspector").order_by(
        "submitted_at"), f"物业检查{month}", [
        ("小区", lambda i: i.compound.name), ("物业服务企业", lambda i: i.property_company.name if i.property_company else ""),
        ("检查人", lambda i: i.inspector.display_name if i.inspector else ""), ("应检日期", lambda i: str(i.due_on)),
        ("检查时间", lambda i: when(i.submitted_at)), ("不合格项", lambda i: i.failed_count),
        ("扣分", lambda i: i.deducted), ("状态", lambda i: i.get_state_display()),
        ("复查时间", lambda i: when(i.reinspected_at))])
    if exported is not None:
        return exported
    inspections = list(done_in_month)
    compounds = access.visible_compounds(request.user)
    published = _published(request.user, month)
    if published:  # the 通报 as it was published, not recomputed
        ranking = [{"company": p.company, "score": p.score, "inspections": p.inspections, "pass_rate": p.pass_rate,
                    "found": [{"d": {"points": d["points"], "text": d["text"], "case_id": d["case"]}, "label": d["kind"]}
                              for d in p.deductions]} for p in published]
    else:
        ranking = score.ranking(compounds, month) if j.has_perm(access.VIEW) else []
        for row in ranking:
            row["found"] = [{"d": d, "label": score.KIND_LABELS[d.kind]} for d in row["found"]]
    waiting = access.visible_inspections(request.user).filter(state__in=[S.SCHEDULED, S.RECTIFYING]).order_by(
        "due_on")[:100]
    patrols = _patrols(request.user, start, end)
    compound_rows = list(compounds.filter(is_active=True).select_related("grid", "property_company")[:200])
    ratings = smart.ratings(compound_rows)
    smart_rows = [{"c": c, **ratings[c.pk]} for c in compound_rows]
    return render(request, "console/supervision.html", {
        "title": "监督考核", "menu": _menu(request.user), "active": "supervision", "month": month, "months": months,
        "ranking": ranking, "figures": score.month_figures(inspections), "waiting": waiting,
        "done": sorted(inspections, key=lambda i: i.submitted_at or now(), reverse=True)[:100],
        "form": form if j.has_perm(access.MANAGE) else None, "patrols": patrols,
        "published": published, "month_over": end <= now(), "smart": smart_rows,
        "can_manage": j.has_perm(access.MANAGE)},
        status=400 if form.errors else 200)


def _publish_path(user) -> str:
    """Where a 通报 is published: the widest place the user manages."""
    paths = jurisdiction_of(user).paths_for(access.MANAGE)
    return min(paths, key=len) if paths else "/"


def _published(user, month: str) -> list:
    from gridgov.supervision.models import PublishedScore

    q = jurisdiction_of(user).q(access.VIEW, "region_path")
    rows = PublishedScore.objects.filter(month=month).select_related("company", "published_by")
    return list((rows.filter(q) if q is not None else rows).order_by("rank"))


@staff_required
def published_report(request, month: str):
    """The published 通报 of a month as .xlsx: rank, company, score, inspections, pass rate, deductions."""
    from gridgov.core.files import XLSX, document_response
    from gridgov.core.xlsx import write_rows

    rows = _published(request.user, month)
    if not rows:
        raise Http404("该月尚未发布通报")
    body = [(r.rank, r.company.name, r.score, r.inspections,
             (r.pass_rate / 100) if r.pass_rate is not None else None,
             "\n".join(f"{d['points']} {d['kind']}:{d['text']}" for d in r.deductions) or "无扣分") for r in rows]
    data = write_rows(["名次", "物业服务企业", "信用分", "检查次数", "合格率", "扣分明细"], body, title="物业信用分通报",
                      caption=f"{month} 物业服务企业信用分通报", percent_columns=[4])
    return document_response(data, XLSX, f"property-scores-{month}.xlsx")


def _patrols(user, start, end) -> list[dict]:
    """巡查覆盖 of the month so far, for the grids of the user's place that have patrol points."""
    import datetime as dt

    from gridgov.supervision.models import PatrolPoint
    from gridgov.supervision.patrol import grid_summary

    grids = access.patrol_grids(user).filter(pk__in=PatrolPoint.objects.filter(is_active=True).values("grid_id"))
    last = min(local(now()).date(), (end - dt.timedelta(days=1)).date())
    return [grid_summary(g, start.date(), last) for g in grids.order_by("path")[:50]] if last >= start.date() else []


@staff_required
def patrol_map(request, pk: int):
    """巡查轨迹: a grid's day on a map — its patrol points (green when visited), each worker's tracks, the
    check-ins — and the day's rounds."""
    import datetime as dt

    from gridgov.supervision.patrol import grid_day

    grid = access.patrol_grids(request.user).filter(pk=pk).first()
    if grid is None:
        raise Http404("网格不存在或不在您的管辖范围内")
    today = local(now()).date()
    days = [today - dt.timedelta(days=i) for i in range(14)]
    try:
        day = dt.date.fromisoformat(request.GET.get("day") or today.isoformat())
    except ValueError:
        day = today
    if day not in days:
        day = today
    data = grid_day(grid, day)
    return render(request, "console/patrol_map.html", {
        "title": f"巡查轨迹 · {grid.name}", "menu": _menu(request.user), "active": "supervision", "grid": grid,
        "day": day, "days": days, "data": data, "tile_url": getattr(settings, "GRIDGOV_TILE_URL", "")})


@staff_required
def inspection_page(request, pk: int, action: str | None = None):
    try:
        inspection = inspection_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("检查不存在或不在您的管辖范围内")
    if request.method == "POST" and action == "cancel":
        try:
            services.inspection_cancel(actor=request.user, inspection=inspection, reason=request.POST.get("reason", ""))
            messages.success(request, "已取消检查")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return done_redirect(request, reverse("console-inspection", args=[pk]))
    from gridgov.supervision.models import SupervisionEvent

    timeline = [{"e": e, "label": KINDS.get(e.action, e.action)} for e in
                SupervisionEvent.objects.filter(subject="inspection", subject_id=pk).select_related("actor")]
    return render(request, "console/inspection.html", {
        "title": f"物业检查 · {inspection.compound.name}", "menu": _menu(request.user), "active": "supervision",
        "i": inspection, "results": inspection.results.select_related("item", "case"), "timeline": timeline,
        "can_cancel": any(t.action == "cancel" for t in INSPECTION.allowed(request.user, inspection))})


@login_required(login_url=LOGIN)
def result_photo(request, pk: int):
    """An inspection photo, for those who may see the inspection (private)."""
    from gridgov.core.files import serve_file
    from gridgov.supervision.models import Result

    r = Result.objects.filter(pk=pk).first()
    if r is None or not r.photo or not access.visible_inspections(request.user).filter(pk=r.inspection_id).exists():
        raise Http404("照片不存在")
    return serve_file(r.photo, content_type="image/jpeg", filename=f"inspection-{r.inspection_id}-{pk}.jpg")



class VisitForm(forms.Form):
    grid = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="走访情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


@staff_required
def my_grids(request):
    """我联系的网格: a leader's grids with their figures (open cases, red lights, the last 30 days, satisfaction),
    the red cases to look at, and a visit to record."""
    from gridgov.regions.models import Region
    from gridgov.supervision import leaders

    rows = leaders.my_grids(request.user)
    if not rows:
        raise Http404("您没有联系的网格")
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grid = Region.objects.filter(pk=form.cleaned_data["grid"]).first()
        try:
            leaders.visit(actor=request.user, grid=grid, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已记录走访:{grid.name}")
        return done_redirect(request, reverse("console-my-grids"))
    return render(request, "console/my_grids.html", {
        "title": "我联系的网格", "menu": _menu(request.user), "active": "my-grids", "rows": rows})


class AdjustmentForm(forms.Form):
    target = forms.ChoiceField(label="对象")
    points = forms.IntegerField(label="加减分(−20…+20)", min_value=-20, max_value=20)
    reason = forms.CharField(label="事由", max_length=500)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets


@staff_required
def assessment_page(request):
    """考核评星: the month's communities by stars and grid workers by score, each component with its figure; the
    manual items (加减分) with their appeals."""
    from gridgov.accounts.models import User
    from gridgov.analytics import assessment
    from gridgov.regions.models import Level, Region
    from gridgov.supervision.models import Adjustment
    from gridgov.supervision.workflow import ADJUSTMENT

    j = jurisdiction_of(request.user)
    if not (j.has_perm(access.VIEW) or j.has_perm(access.MANAGE)):
        raise Http404("页面不存在")
    months = recent_months(12)
    month = request.GET.get("month") if request.GET.get("month") in months else months[0]
    q = j.q(access.VIEW, "path")
    communities = Region.objects.filter(level=Level.COMMUNITY, is_active=True)
    communities = list((communities.filter(q) if q is not None else communities).order_by("path")[:30])
    grids = list(Region.objects.filter(parent__in=communities, level=Level.GRID, is_active=True))
    workers = assessment.workers(grids, month)
    staff = assessment.community_workers(communities, month)
    targets = [(f"c{c.pk}", f"社区:{c.name}") for c in communities] + \
              [(f"u{r['user'].pk}-{r['grid'].pk}", f"网格员:{r['user']}({r['grid'].name})") for r in workers] + \
              [(f"u{r['user'].pk}-{r['region'].pk}", f"社区工作者:{r['user']}({r['region'].name})") for r in staff]
    form = AdjustmentForm(request.POST if request.POST.get("step") == "add" else None, targets=targets)
    if request.method == "POST":
        try:
            if request.POST.get("step") == "add":
                if form.is_valid():
                    target = form.cleaned_data["target"]
                    if target.startswith("c"):
                        region, user = Region.objects.get(pk=int(target[1:])), None
                    else:
                        uid, gid = target[1:].split("-")
                        region, user = Region.objects.get(pk=int(gid)), User.objects.get(pk=int(uid))
                    services.adjustment_add(actor=request.user, region=region, user=user, month=month,
                                            points=form.cleaned_data["points"], reason=form.cleaned_data["reason"])
                    messages.success(request, "已登记考核加减分")
                    return done_redirect(request, f"{reverse('console-assessment')}?month={month}")
            else:
                a = Adjustment.objects.get(pk=int(request.POST.get("adjustment") or 0))
                services.adjustment_act(actor=request.user, adjustment=a, action=request.POST.get("action", ""),
                                        values={"reason": request.POST.get("reason", ""),
                                                "note": request.POST.get("reason", "")})
                messages.success(request, "已处理")
                return done_redirect(request, f"{reverse('console-assessment')}?month={month}")
        except (ApplicationError, Adjustment.DoesNotExist, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "考核加减分不存在"))
    items = list(Adjustment.objects.filter(month=month, region__in=[*communities, *grids]).select_related(
        "user", "region", "created_by"))
    for a in items:
        a.buttons = [{"action": t.action, "label": t.label, "reason": any(f.required for f in t.fields)}
                     for t in ADJUSTMENT.allowed(request.user, a)]
    return render(request, "console/assessment.html", {
        "title": "考核评星", "menu": _menu(request.user), "active": "assessment", "month": month, "months": months,
        "communities": assessment.communities(communities, month, scored=workers), "workers": workers,
        "staff": staff, "items": items,
        "form": form if j.has_perm(access.MANAGE) else None}, status=400 if form.errors else 200)


@login_required(login_url=LOGIN)
def my_assessment(request):
    """我的考核 on the phone: this month's figures and points, and the manual items — each one can be appealed."""
    from gridgov.analytics import assessment
    from gridgov.regions.models import Level
    from gridgov.supervision.models import Adjustment

    mine = list(request.user.memberships.filter(is_active=True).select_related("region", "role"))
    grids = [m.region for m in mine if m.role.code == "grid_worker"]
    communities = {m.region for m in mine if m.role.code in assessment.weights()["community_roles"]
                   and m.region.level == Level.COMMUNITY}
    if not grids and not communities:
        raise Http404("页面不存在")
    month = f"{local(now()):%Y-%m}"
    if request.method == "POST":
        try:
            a = Adjustment.objects.get(pk=int(request.POST.get("adjustment") or 0), user=request.user)
            services.adjustment_act(actor=request.user, adjustment=a, action="appeal",
                                    values={"reason": request.POST.get("reason", "")})
            messages.success(request, "已提交申诉,等待社区复核")
        except (ApplicationError, Adjustment.DoesNotExist, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "加减分不存在"))
        return done_redirect(request, reverse("m-my-assessment"))
    return render(request, "mobile/my_assessment.html", {
        "rows": [assessment.worker(request.user, g, month) for g in grids]
        + [assessment.community_worker(request.user, c, month) for c in sorted(communities, key=lambda c: c.path)],
        "month": month})


class SmartForm(forms.Form):
    """智慧小区核查: each active criterion, met or not, with a note of what was seen."""

    def __init__(self, *args, compound, **kwargs):
        super().__init__(*args, **kwargs)
        from gridgov.supervision.models import SmartCheck, SmartCriterion

        last = {c.criterion_id: c for c in SmartCheck.objects.filter(compound=compound)}
        self.criteria = list(SmartCriterion.objects.filter(is_active=True))
        for c in self.criteria:
            seen = last.get(c.pk)
            self.fields[f"m_{c.code}"] = forms.ChoiceField(
                label=f"{c.name}({c.points}分)", choices=[("yes", "达到"), ("no", "未达到")], widget=forms.RadioSelect,
                initial=("yes" if seen.met else "no") if seen else None, help_text=c.description)
            self.fields[f"n_{c.code}"] = forms.CharField(label="核查说明", max_length=200, required=False,
                                                          initial=seen.note if seen else "")


@staff_required
def smart_page(request, pk: int):
    """智慧小区核查 of one compound: the criteria to tick, its stars now, and the last checks."""
    need_perm(request, access.MANAGE)
    compound = access.visible_compounds(request.user).filter(pk=pk).select_related("grid").first()
    if compound is None:
        raise Http404("小区不存在或不在您的管辖范围内")
    form = SmartForm(request.POST or None, compound=compound)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        met = {c.code: d[f"m_{c.code}"] == "yes" for c in form.criteria}
        notes = {c.code: d[f"n_{c.code}"] for c in form.criteria}
        try:
            rating = smart.smart_check(actor=request.user, compound=compound, met=met, notes=notes)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已核查:{compound.name} {rating['stars']} 星({rating['score']} 分)")
            return done_redirect(request, reverse("console-supervision") + "#smart")
    return render(request, "console/smart_check.html", {
        "title": f"智慧小区核查 · {compound.name}", "menu": _menu(request.user), "active": "supervision",
        "compound": compound, "form": form, "rating": smart.ratings([compound])[compound.pk],
        "rows": [(form[f"m_{c.code}"], form[f"n_{c.code}"]) for c in form.criteria]},
        status=400 if form.errors else 200)
