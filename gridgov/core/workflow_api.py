"""The API of a workflow table (`core.workflow`): one POST endpoint per row, its input a serializer made from the
fields the row declares, its answer the object as it is after the step. Every module with a lifecycle (cases,
disputes, and those to come) builds its action endpoints here, so they take the same input the same way:

    SERIALIZERS = input_serializers(TABLE, suffix="DisputeIn", extra=_mediation_kinds)
    urls = [path(f"disputes/<id:pk>/{a}/", action_endpoint(TABLE.get(a), serializer=SERIALIZERS[a], ...))
            for a in TABLE.actions]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.workflow import Field, Table, Transition

ID_MAX = 10**18 - 1
TEXT_MAX = 2000


def field_serializer(f: Field, extra: Callable[[Field, dict], serializers.Field | None] | None = None
                     ) -> serializers.Field | None:
    """The serializer field of a row's form field, by its kind: text and textarea (blank allowed unless required),
    choice, int and unit (an id), units (a list of ids), bool, date; photos come as multipart parts named "photos" (None
    here). `extra(f, common)` answers for the kinds of one module (a category code, a duration…) first."""
    common: dict[str, Any] = {"required": f.required, "help_text": f.help or f.label}
    if extra is not None and (made := extra(f, common)) is not None:
        return made
    if f.kind in ("text", "textarea"):
        if not f.required:
            common["default"] = ""
        return serializers.CharField(allow_blank=not f.required, max_length=f.max_length or TEXT_MAX, **common)
    if f.kind == "choice":
        return serializers.ChoiceField(choices=list(f.choices), **common)
    if f.kind in ("int", "unit"):
        return serializers.IntegerField(min_value=1, max_value=ID_MAX, allow_null=not f.required, **common)
    if f.kind == "units":
        return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
                                     min_length=1 if f.required else 0, **common)
    if f.kind == "bool":
        return serializers.BooleanField(default=False, required=False, help_text=f.label)
    if f.kind == "date":
        return serializers.DateField(allow_null=not f.required, **common)
    if f.kind == "photos":
        return None
    raise ValueError(f"unknown field kind {f.kind}")


def input_serializers(table: Table, *, suffix: str = "In",
                      extra: Callable[[Field, dict], serializers.Field | None] | None = None
                      ) -> dict[str, type[serializers.Serializer]]:
    """action → the serializer of its input, named after the action (`record_session` → RecordSessionDisputeIn)."""
    out = {}
    for t in table.transitions:
        attrs = {f.name: made for f in t.fields if (made := field_serializer(f, extra)) is not None}
        name = "".join(p.capitalize() for p in t.action.split("_")) + suffix
        out[t.action] = type(name, (serializers.Serializer,), attrs)
    return out


def uploaded_photos(request) -> list:
    return request.FILES.getlist("photos") if hasattr(request, "FILES") else []


def action_endpoint(t: Transition, *, serializer: type[serializers.Serializer], out: type[serializers.Serializer],
                    get: Callable[..., Any], run: Callable[..., Any], tag: str, operation_id: str,
                    description: str = "", photos_help: str = "照片以 multipart/form-data 的 photos 部分上传。"):
    """POST …/{pk}/{action}/: `get(actor=, pk=)` finds the object within what the user may see (404 otherwise),
    `run(obj, actor, values, photos)` takes the step (the service checks the table and refuses with a stable
    code), and the answer is `out` of the object read again."""

    class _View(APIView):
        parser_classes = [JSONParser, MultiPartParser, FormParser]

        @extend_schema(tags=[tag], request=serializer, responses=out, summary=t.label, operation_id=operation_id,
                       description=f"{description or '工作流表中的'}「{t.label}」。{photos_help if t.takes_photos else ''}")
        def post(self, request, pk):
            obj = get(actor=request.user, pk=pk)
            data = serializer(data=request.data)
            data.is_valid(raise_exception=True)
            run(obj, request.user, dict(data.validated_data), uploaded_photos(request) if t.takes_photos else [])
            return Response(out(get(actor=request.user, pk=pk), context={"request": request}).data)

    return _View.as_view()


def action_paths(table: Table, *, url: str, name: str, serializers_by_action: dict[str, type[serializers.Serializer]],
                 out: type[serializers.Serializer], get: Callable[..., Any], act: Callable[..., Any], tag: str,
                 operation: str, description: str = "") -> list:
    """The URL patterns of a table's rows a person may take (rows only the system takes have none):
    `{url}{action}/` named `{name}-{action}`, each running `act(obj, actor, action, values)`."""
    from django.urls import path

    def view(t: Transition):
        def run(obj, actor, values, photos):
            act(obj, actor, t.action, values)

        return action_endpoint(t, serializer=serializers_by_action[t.action], out=out, get=get, run=run, tag=tag,
                               operation_id=f"{operation}_{t.action}", description=description)

    return [path(f"{url}{t.action}/", view(t), name=f"{name}-{t.action}") for t in table.transitions
            if t.actors - {"system"}]
