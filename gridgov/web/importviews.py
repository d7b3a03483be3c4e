"""Admin pages for imports: upload, check (dry run), import only a clean file."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from gridgov.accounts.scoping import has_perm
from gridgov.core.imports import REGISTRY, import_job_create


class ImportForm(forms.Form):
    file = forms.FileField(label="文件")
    dry_run = forms.BooleanField(label="仅校验(试导入,不写入数据)", required=False, initial=True)


def import_view(request, *, title: str, importer, permission: str, accept: str, template_url: str = "",
                help_text: str = ""):
    if not has_perm(request.user, permission):
        raise PermissionDenied
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = next((k for k, imp in REGISTRY.items() if imp.run is importer), None)
        if kind and upload.size > settings.IMPORT_INLINE_MAX_BYTES:  # a big file: the worker, with progress
            job = import_job_create(actor=request.user, kind=kind, upload=upload,
                                    dry_run=form.cleaned_data["dry_run"])
            return redirect("import-job", pk=job.pk)
        result = importer(upload, actor=request.user, dry_run=form.cleaned_data["dry_run"])
    context = {
        **admin.site.each_context(request),
        "title": title,
        "form": form,
        "result": result,
        "accept": accept,
        "template_url": template_url,
        "help_text": help_text,
    }
    return TemplateResponse(request, "web/admin_import.html", context)


def import_page(request, kind: str):
    """The import page of a registered importer (core.imports), under its admin list: <list>/import/."""
    imp = REGISTRY[kind]
    return import_view(request, title=imp.title, importer=imp.run, permission=imp.permission, accept=imp.accept,
                       template_url="template.xlsx" if imp.template else "", help_text=imp.help_text)


def import_template(request, kind: str):
    from gridgov.core.files import XLSX, document_response

    imp = REGISTRY[kind]
    if imp.template is None or not has_perm(request.user, imp.permission):
        raise Http404("没有导入模板")
    content, filename = imp.template()
    return document_response(content, XLSX, filename)


def admin_import_urls(site) -> list:
    """The import pages of every registered importer, wired here (web) rather than by the apps below."""
    from django.urls import path

    urls = []
    for kind, imp in REGISTRY.items():
        if imp.admin_path:
            urls.append(path(f"admin/{imp.admin_path}/import/", site.admin_view(import_page), {"kind": kind},
                             name=f"import-{kind}"))
            urls.append(path(f"admin/{imp.admin_path}/import/template.xlsx", site.admin_view(import_template),
                             {"kind": kind}, name=f"import-{kind}-template"))
    return urls


def import_job_view(request, pk: int):
    """A background import: its progress while the worker runs it (the page refreshes itself), then its result."""
    from gridgov.core.models import ImportJob

    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or not (request.user.is_superuser or job.created_by_id == request.user.pk):
        raise Http404("导入任务不存在")
    running = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    context = {**admin.site.each_context(request), "title": f"{job.title}:{job.filename}", "job": job,
               "running": running, "result": job.result or {}}
    return TemplateResponse(request, "web/admin_import_job.html", context)
