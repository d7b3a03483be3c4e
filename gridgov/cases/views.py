"""Case photos. The public copy (re-encoded, no EXIF) is shown to whoever may see the case, and to anyone when the
case is public (Open311 lists those); the original, with its GPS position and device, only to staff who work on
the case and to whoever uploaded it."""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_GET

from gridgov.cases import workflow as wf
from gridgov.cases.access import actor_kinds, visible_cases
from gridgov.cases.models import Attachment
from gridgov.core.files import serve_file

STAFF_KINDS = {wf.CENTER, wf.LEADER, wf.GRID_WORKER, wf.HANDLER}


def _attachment(pk: int) -> Attachment:
    att = Attachment.objects.select_related("case", "case__owner_center__region").filter(pk=pk).first()
    if att is None:
        raise Http404("照片不存在")
    return att


@require_GET
def photo_public(request, pk: int):
    att = _attachment(pk)
    user = request.user
    if not att.public_file:
        raise Http404("照片不存在")
    if not att.case.is_public and not (user.is_authenticated and visible_cases(user).filter(pk=att.case_id).exists()):
        raise Http404("照片不存在或无权查看")  # the same answer as for a photo that does not exist
    return serve_file(att.public_file, content_type="image/jpeg", filename=f"{att.pk}.jpg")


@require_GET
def photo_original(request, pk: int):
    att = _attachment(pk)
    user = request.user
    allowed = user.is_authenticated and (
        (att.uploaded_by_id is not None and att.uploaded_by_id == user.pk)
        or bool(actor_kinds(user, att.case) & STAFF_KINDS)
    )
    if not allowed:
        raise Http404("照片不存在或无权查看")
    ext = (att.file.name or "").rsplit(".", 1)[-1]
    return serve_file(att.file, content_type=att.content_type, filename=f"{att.pk}-original.{ext}")
