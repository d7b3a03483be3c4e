"""What every page of the web layer shares: who may open staff pages, and where a successful POST goes."""
from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from gridgov.accounts.services import is_staff_account


def staff_required(view):
    """Staff pages are for staff: a signed-in resident (or volunteer) is sent to 掌上社区 instead."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "/console/login/")
        if not is_staff_account(request.user):
            return redirect("/m/")
        return view(request, *args, **kwargs)

    return wrapper


def need_perm(request, code: str) -> None:
    """A page for holders of a permission: to anyone else it does not exist."""
    from django.http import Http404

    from gridgov.accounts.scoping import jurisdiction_of

    if not jurisdiction_of(request.user).has_perm(code):
        raise Http404("页面不存在")


def done_redirect(request, to: str, *args, **kwargs):
    """After a successful POST: a redirect, or for the upload-progress script the address to go to."""
    url = reverse(to, args=args, kwargs=kwargs) if not to.startswith("/") else to
    if request.headers.get("X-Upload-Progress"):
        return JsonResponse({"redirect": url})
    return redirect(url)


def recent_months(n: int = 24) -> list[str]:
    """The last `n` months as YYYY-MM, this month first (the month pickers of the reports)."""
    from gridgov.core.timeutil import local_today

    today = local_today()
    months, y, mo = [], today.year, today.month
    for _ in range(n):
        months.append(f"{y}-{mo:02d}")
        y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
    return months


def place_errors(form, exc) -> None:
    """A service's refusal on the form: next to each field it names that the form has, else above the form."""
    placed = False
    for name in exc.fields:
        if name in form.fields:
            form.add_error(name, exc.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def list_export(request, qs, title: str, columns):
    """导出 on a console list (?export=xlsx): the whole filtered list, not just the page shown, as a workbook;
    `columns` are (heading, function of a row). None when no export is asked for."""
    if request.GET.get("export") != "xlsx":
        return None
    from gridgov.core.files import XLSX, document_response
    from gridgov.core.routing import replica_reads
    from gridgov.core.xlsx import write_rows

    with replica_reads():  # an export reads from the replica when there is one (core/routing.py)
        rows = ([fn(obj) for _, fn in columns] for obj in qs[:50000])
        data = write_rows([c for c, _ in columns], rows, title=title[:31], caption=title)
    return document_response(data, XLSX, f"{title}.xlsx")


def when(value) -> str:
    """A moment as the exports write it (local time, to the minute); "" for none."""
    from gridgov.core.timeutil import local

    return f"{local(value):%Y-%m-%d %H:%M}" if value else ""
