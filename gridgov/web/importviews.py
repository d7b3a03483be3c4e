"""Admin pages for imports: upload, check (dry run), import only a clean file."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from gridgov.accounts.scoping import has_perm


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
        result = importer(form.cleaned_data["file"], actor=request.user, dry_run=form.cleaned_data["dry_run"])
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
