"""掌上社区 in the console: 社区发布 (drafts, publishing, withdrawing, who has read a notice that needs a receipt),
我要办事 (the matters of the place, waiting first, with the median time to the first answer; a matter's messages
with photos and voice clips played back, a reply, 转交, 办结, 转为事件) and 预约管理 (slots and the appointments
on them, each with the steps its table allows)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gridgov.accounts.models import User
from gridgov.accounts.scoping import jurisdiction_of
from gridgov.core.errors import ApplicationError, NotFound
from gridgov.portal import access, selectors, services
from gridgov.portal.events import KINDS
from gridgov.portal.models import ArticleKind, ArticleState, ConversationState, SlotKind
from gridgov.portal.workflow import APPOINTMENT, ARTICLE, CONVERSATION
from gridgov.regions.models import Level, Region
from gridgov.web.action_forms import action_form
from gridgov.web.action_panel import panel
from gridgov.web.console import _menu
from gridgov.web.pages import done_redirect, list_export, need_perm, place_errors, staff_required, when


def _regions(user, code: str, levels) -> list[tuple[int, str]]:
    q = jurisdiction_of(user).q(code, "path")
    qs = Region.objects.filter(level__in=levels, is_active=True)
    qs = qs.filter(q) if q is not None else qs
    return [(r.pk, r.name) for r in qs.order_by("path")[:300]]


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label="栏目", choices=ArticleKind.choices)
    region = forms.ChoiceField(label="发布范围")
    title = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="正文", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    requires_receipt = forms.BooleanField(label="需居民回执(通知公告)", required=False)
    pinned = forms.BooleanField(label="置顶", required=False)
    guide_materials = forms.CharField(label="所需材料(办事指南)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    guide_steps = forms.CharField(label="办理流程(办事指南)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    guide_where = forms.CharField(label="办理地点(办事指南)", max_length=200, required=False)
    guide_hours = forms.CharField(label="办理时间(办事指南)", max_length=200, required=False)
    starts_at = forms.DateTimeField(label="活动时间(活动)", required=False, input_formats=["%Y-%m-%dT%H:%M"],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label="活动地点(活动)", max_length=200, required=False)
    capacity = forms.IntegerField(label="名额(活动,不填为不限)", min_value=1, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["region"]
        else:
            self.fields["region"].choices = _regions(user, access.EDIT, [Level.COMMUNITY, Level.TOWN, Level.DISTRICT])


@staff_required
def articles(request):
    """社区发布: what the editor keeps, the latest first; 新建 opens a draft."""
    need_perm(request, access.EDIT)
    form = ArticleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        region = Region.objects.get(pk=d.pop("region"))
        try:
            a = services.article_save(actor=request.user, region=region, **d)
        except ApplicationError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, "已保存草稿,确认无误后发布")
            return done_redirect(request, "console-article", a.pk)
    kind = request.GET.get("kind", "")
    rows = access.editable_articles(request.user)
    rows = rows.filter(kind=kind) if kind in ArticleKind.values else rows
    exported = list_export(request, rows, "社区发布", [
        ("栏目", lambda a: a.get_kind_display()), ("标题", lambda a: a.title), ("范围", lambda a: a.region.name),
        ("状态", lambda a: a.get_state_display()), ("发布时间", lambda a: when(a.published_at))])
    if exported is not None:
        return exported
    return render(request, "console/portal_articles.html", {
        "title": "社区发布", "menu": _menu(request.user), "active": "portal", "articles": rows[:200], "form": form,
        "kinds": ArticleKind.choices, "kind": kind}, status=400 if form.errors else 200)


@staff_required
def article_page(request, pk: int, action: str | None = None):
    a = access.editable_articles(request.user).filter(pk=pk).first()
    if a is None:
        raise Http404("内容不存在或不在您的管辖范围内")
    url = reverse("console-article", args=[pk])
    form = None
    if a.state == ArticleState.DRAFT:
        initial = {f: getattr(a, f) for f in services.ARTICLE_FIELDS}
        form = ArticleForm(request.POST if request.method == "POST" and not action else None, user=request.user,
                           editing=True, initial=initial)
        if request.method == "POST" and not action and form.is_valid():
            try:
                services.article_save(actor=request.user, article=a, **form.cleaned_data)
            except ApplicationError as exc:
                place_errors(form, exc)
            else:
                messages.success(request, "已保存")
                return done_redirect(request, url)

    def run(t, values, photos):
        services.article_act(actor=request.user, article=a, action=t.action, values=values)

    response, ctx = panel(request, ARTICLE.allowed(request.user, a), action, success_url=url,
                          make_form=lambda t, **kw: action_form(t, **kw), run=run, label_of=ARTICLE.label)
    if response is not None:
        return response
    return render(request, "console/portal_article.html", {
        "title": f"社区发布 · {a.title}", "menu": _menu(request.user), "active": "portal", "a": a, "form": form,
        "actions": ctx["actions"], "action_base": url,
        "receipts": selectors.receipts(a) if a.requires_receipt else None,
        "signups": a.signups.select_related("user").order_by("at") if a.kind == ArticleKind.ACTIVITY else None,
        "timeline": [{"e": e, "label": KINDS.get(e.action, e.action)} for e in selectors.timeline("article", a)]},
        status=400 if (ctx["invalid"] or (form is not None and form.errors)) else 200)


@staff_required
def ask_list(request):
    """我要办事: the matters of the place, waiting ones first, mine marked; the median time to the first answer."""
    need_perm(request, access.CHAT)
    state = request.GET.get("state", "")
    mine = request.GET.get("mine") == "1"
    rows = selectors.conversations(request.user, state=state if state in ConversationState.values else "", mine=mine)
    rows = rows.order_by("-last_message_at")
    exported = list_export(request, rows.select_related("resident", "assigned_to", "case"), "我要办事", [
        ("事项", lambda c: c.subject), ("居民", lambda c: str(c.resident)), ("状态", lambda c: c.get_state_display()),
        ("经办人", lambda c: str(c.assigned_to or "未分派")), ("转为事件", lambda c: c.case.number if c.case else ""),
        ("发起时间", lambda c: when(c.created_at)), ("首次回复", lambda c: when(c.first_reply_at)),
        ("最近消息", lambda c: when(c.last_message_at))])
    if exported is not None:
        return exported
    waiting = [c for c in rows[:300] if c.state == ConversationState.WAITING]
    others = [c for c in rows[:300] if c.state != ConversationState.WAITING]
    return render(request, "console/ask_list.html", {
        "title": "我要办事", "menu": _menu(request.user), "active": "ask", "rows": waiting + others,
        "stats": selectors.response_stats(request.user), "states": ConversationState.choices, "state": state,
        "mine": mine})


class ReplyForm(forms.Form):
    body = forms.CharField(label="回复", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label="照片", required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    voice = forms.FileField(label="语音", required=False, widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}))


@staff_required
def ask_page(request, pk: int, action: str | None = None):
    try:
        conv = selectors.conversation_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("该办事不存在或不在您的管辖范围内")
    url = reverse("console-ask", args=[pk])
    reply = ReplyForm()
    if request.method == "POST" and not action:
        step = request.POST.get("step", "")
        try:
            if step == "reply":
                reply = ReplyForm(request.POST, request.FILES)
                if reply.is_valid():
                    services.message_post(actor=request.user, conversation=conv, **reply.cleaned_data)
                    messages.success(request, "已回复")
                    return done_redirect(request, url)
            elif step == "assign":
                user = User.objects.filter(pk=request.POST.get("user") or 0, is_active=True).first()
                services.conversation_assign(actor=request.user, conversation=conv, user=user)
                messages.success(request, f"已转交{user}")
                return done_redirect(request, url)
            else:
                raise Http404("页面不存在")
        except ApplicationError as exc:
            if step == "reply":
                place_errors(reply, exc)
            else:
                messages.error(request, exc.message)
                return done_redirect(request, url)
    allowed = [t for t in CONVERSATION.allowed(request.user, conv) if t.action in ("close", "convert")]
    first_words = "\n".join(m.body for m in conv.messages.filter(from_staff=False) if m.body)[:2000]

    def run(t, values, photos):
        services.conversation_act(actor=request.user, conversation=conv, action=t.action, values=values)

    response, ctx = panel(request, allowed, action, success_url=url, make_form=lambda t, **kw: action_form(t, **kw),
                          run=run, label_of=CONVERSATION.label, initial={"description": first_words})
    if response is not None:
        return response
    handler_ids = services.handlers(conv.region_path)
    return render(request, "console/ask_detail.html", {
        "title": f"我要办事 · {conv.subject}", "menu": _menu(request.user), "active": "ask", "c": conv,
        "msgs": conv.messages.select_related("author"), "reply": reply, "actions": ctx["actions"],
        "action_base": url, "open": conv.state in services.OPEN,
        "handlers": User.objects.filter(pk__in=handler_ids).exclude(pk=conv.assigned_to_id).order_by("pk"),
        "timeline": [{"e": e, "label": KINDS.get(e.action, e.action)} for e in selectors.timeline("conversation",
                                                                                                 conv)]},
        status=400 if (ctx["invalid"] or reply.errors) else 200)


class SlotForm(forms.Form):
    region = forms.ChoiceField(label="社区")
    kind = forms.ChoiceField(label="类型", choices=SlotKind.choices)
    service = forms.CharField(label="服务事项", max_length=100)
    starts_at = forms.DateTimeField(label="开始", input_formats=["%Y-%m-%dT%H:%M"],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label="结束", input_formats=["%Y-%m-%dT%H:%M"],
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    capacity = forms.IntegerField(label="可约人数", min_value=1, max_value=100, initial=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _regions(user, access.SLOTS, [Level.COMMUNITY])


@staff_required
def appointments(request, pk: int | None = None, action: str | None = None):
    """预约管理: publish slots; the appointments on them, each with its steps (确认, 完成, 未到, 取消)."""
    need_perm(request, access.SLOTS)
    url = reverse("console-appointments")
    form = SlotForm(request.POST if request.method == "POST" and pk is None else None, user=request.user)
    if request.method == "POST" and pk is None:
        if request.POST.get("step") == "cancel_slot":
            slot = access.visible_slots(request.user).filter(pk=request.POST.get("slot") or 0).first()
            try:
                if slot is None:
                    raise ApplicationError("slot_missing", "时段不存在")
                services.slot_cancel(actor=request.user, slot=slot, reason=request.POST.get("reason", ""))
                messages.success(request, "已取消该时段,已通知预约的居民")
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return done_redirect(request, url)
        if form.is_valid():
            d = dict(form.cleaned_data)
            try:
                services.slot_create(actor=request.user, region=Region.objects.get(pk=d.pop("region")), **d)
            except ApplicationError as exc:
                place_errors(form, exc)
            else:
                messages.success(request, "已发布预约时段")
                return done_redirect(request, url)
    if pk is not None:
        appt = access.visible_appointments(request.user).filter(pk=pk).first()
        if appt is None:
            raise Http404("预约不存在")
        t = next((t for t in APPOINTMENT.allowed(request.user, appt) if t.action == action), None)
        if request.method != "POST" or t is None:
            raise Http404("页面不存在")
        try:
            services.appointment_act(actor=request.user, appointment=appt, action=t.action,
                                     values={"reason": request.POST.get("reason", ""),
                                             "note": request.POST.get("note", "")})
            messages.success(request, f"已{t.label}")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return done_redirect(request, url)
    exported = list_export(request, access.visible_appointments(request.user).select_related("slot", "user").order_by(
        "slot__starts_at"), "预约", [
        ("服务事项", lambda a: a.slot.service), ("类型", lambda a: a.slot.get_kind_display()),
        ("开始", lambda a: when(a.slot.starts_at)), ("预约人", lambda a: str(a.user)),
        ("状态", lambda a: a.get_state_display()), ("上门地址", lambda a: a.address), ("说明", lambda a: a.note),
        ("预约时间", lambda a: when(a.created_at))])
    if exported is not None:
        return exported
    appts = list(access.visible_appointments(request.user).order_by("slot__starts_at")[:300])
    for a in appts:
        a.buttons = [{"action": t.action, "label": t.label, "danger": bool(t.info("danger")),
                      "reason": t.needs_reason} for t in APPOINTMENT.allowed(request.user, a)]
    return render(request, "console/appointments.html", {
        "title": "预约管理", "menu": _menu(request.user), "active": "appointments", "form": form,
        "slots": access.visible_slots(request.user).order_by("-starts_at")[:100], "appts": appts},
        status=400 if form.errors else 200)
