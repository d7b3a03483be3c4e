"""掌上社区 on the phone: what the community publishes by column (通知公告 with 已阅, 政策文件, 办事指南, 社区新闻, 活动 with
报名), 我要办事 (my matters, a new one and its conversation, with photos and voice messages recorded on the phone)
and 预约 (the community's open slots, booking one, my appointments and cancelling them)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gridgov.core.errors import ApplicationError, NotFound
from gridgov.core.files import serve_file
from gridgov.portal import access, selectors, services
from gridgov.portal.models import ACTIVE_APPOINTMENT, ArticleKind, ChatMessage
from gridgov.web.mobile import LOGIN
from gridgov.web.pages import done_redirect, place_errors


@login_required(login_url=LOGIN)
def portal_home(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in ArticleKind.values else ""
    rows = list(selectors.articles_for(request.user, kind=kind)[:50])
    read: set[int] = set()
    if rows:
        from gridgov.portal.models import Receipt

        read = set(Receipt.objects.filter(user=request.user, article__in=rows).values_list("article_id", flat=True))
    for a in rows:
        a.unread = a.requires_receipt and a.pk not in read
    return render(request, "mobile/portal.html", {"rows": rows, "kinds": ArticleKind.choices, "kind": kind,
                                                  "resident": access.home_path(request.user) is not None})


@login_required(login_url=LOGIN)
def portal_article(request, pk: int):
    a = access.published_for(request.user).filter(pk=pk).first()
    if a is None:
        raise Http404("内容不存在")
    if request.method == "POST":
        try:
            do = request.POST.get("do", "")
            if do == "read":
                services.read_receipt(actor=request.user, article=a)
                messages.success(request, "已确认阅读")
            elif do in ("signup", "cancel"):
                services.activity_signup(actor=request.user, article=a, cancel=do == "cancel")
                messages.success(request, "已报名" if do == "signup" else "已取消报名")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return done_redirect(request, reverse("m-article", args=[pk]))
    return render(request, "mobile/portal_article.html", {
        "a": a, "read": a.receipts.filter(user=request.user).exists(),
        "signed": a.signups.filter(user=request.user).exists()})


class AskForm(forms.Form):
    subject = forms.CharField(label="要办什么事", max_length=100,
                              widget=forms.TextInput(attrs={"placeholder": "如:办理居住证、开具证明、咨询低保"}))
    body = forms.CharField(label="详细说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label="照片", required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    voice = forms.FileField(label="语音留言", required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "audio/*", "capture": "user"}))


@login_required(login_url=LOGIN)
def ask_home(request):
    """我要办事: my matters, newest first, and a new one."""
    form = AskForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            c = services.conversation_open(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            place_errors(form, exc)
        else:
            messages.success(request, "已提交,社区工作人员会尽快回复")
            return done_redirect(request, reverse("m-ask", args=[c.pk]))
    mine = selectors.conversations(request.user).filter(resident=request.user)[:30]
    return render(request, "mobile/ask.html", {"form": form, "mine": mine,
                                               "resident": access.home_path(request.user) is not None},
                  status=400 if form.errors else 200)


class ReplyForm(forms.Form):
    body = forms.CharField(label="回复", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label="照片", required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    voice = forms.FileField(label="语音", required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "audio/*", "capture": "user"}))


@login_required(login_url=LOGIN)
def ask_page(request, pk: int):
    try:
        conv = selectors.conversation_get(actor=request.user, pk=pk)
    except NotFound:
        raise Http404("该办事不存在")
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("do") == "close":
            try:
                services.conversation_act(actor=request.user, conversation=conv, action="close",
                                          values={"note": "居民确认已办好"})
                messages.success(request, "已办结,谢谢")
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return done_redirect(request, reverse("m-ask", args=[pk]))
        if form.is_valid():
            try:
                services.message_post(actor=request.user, conversation=conv, **form.cleaned_data)
            except ApplicationError as exc:
                place_errors(form, exc)
            else:
                return done_redirect(request, reverse("m-ask", args=[pk]))
    return render(request, "mobile/ask_detail.html", {
        "c": conv, "msgs": conv.messages.select_related("author"), "form": form,
        "open": conv.state in services.OPEN, "mine": conv.resident_id == request.user.pk},
        status=400 if form.errors else 200)


@login_required(login_url=LOGIN)
def ask_media(request, pk: int, what: str):
    """A message's photo or voice clip, for the resident and the staff of the matter (private, never cached)."""
    msg = ChatMessage.objects.filter(pk=pk).first()
    if msg is None or what not in ("photo", "voice"):
        raise Http404("文件不存在")
    try:
        selectors.conversation_get(actor=request.user, pk=msg.conversation_id)
    except NotFound:
        raise Http404("文件不存在或无权查看")
    f = getattr(msg, what)
    if not f:
        raise Http404("文件不存在")
    return serve_file(f, content_type=msg.content_type if what == "voice" else "image/jpeg",
                      filename=f.name.rsplit("/", 1)[-1])


class BookForm(forms.Form):
    address = forms.CharField(label="上门地址(不填为您的住址)", max_length=200, required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)


@login_required(login_url=LOGIN)
def appointments_home(request):
    """预约: the community's open slots and my appointments."""
    if request.method == "POST":
        try:
            if request.POST.get("do") == "cancel":
                appt = access.visible_appointments(request.user).filter(
                    pk=request.POST.get("appointment") or 0, user=request.user).first()
                if appt is None:
                    raise ApplicationError("appointment_missing", "预约不存在")
                services.appointment_act(actor=request.user, appointment=appt, action="cancel",
                                         values={"reason": request.POST.get("reason") or "居民取消"})
                messages.success(request, "已取消预约")
            else:
                slot = selectors.open_slots(request.user).filter(pk=request.POST.get("slot") or 0).first()
                if slot is None:
                    raise ApplicationError("slot_missing", "该时段已不可预约")
                services.book(actor=request.user, slot=slot, address=request.POST.get("address", ""),
                              note=request.POST.get("note", ""))
                messages.success(request, f"已预约 {slot.service},等待社区确认")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return done_redirect(request, reverse("m-appointments"))
    mine = (access.visible_appointments(request.user).filter(user=request.user, state__in=ACTIVE_APPOINTMENT)
            .order_by("slot__starts_at"))
    taken = set(mine.values_list("slot_id", flat=True))
    slots = list(selectors.open_slots(request.user)[:50])
    for s in slots:
        s.left = max(0, s.capacity - s.booked)
    return render(request, "mobile/appointments.html", {
        "slots": slots, "mine": mine, "taken": taken,
        "resident": access.home_path(request.user) is not None})
