"""The inputs of the workflow actions, made from the fields each row of the table declares: their API serializers
and the conversion of submitted values into the service's arguments (units, the case to merge into, minutes).
The API, the console and the phone pages all go through `run_action`, so an action is one row of the table and
(where it does real work) one service function — nothing else lists the actions."""

from __future__ import annotations

from rest_framework import serializers

from gridgov.cases import services
from gridgov.cases.models import Case
from gridgov.cases.workflow import TABLE
from gridgov.core.errors import ApplicationError
from gridgov.core.workflow import Field
from gridgov.core.workflow_api import input_serializers
from gridgov.orgs.selectors import unit_named

WORKING_DAY_MINUTES = 8 * 60  # 延期 in working days: a working day of the calendar's 8 hours


def case_by_reference(actor, value) -> Case:
    """A case named by its 15-digit 编号 (as people read it) or by its id, within what the actor may see."""
    from gridgov.cases.selectors import case_get
    from gridgov.core.errors import NotFound

    text = str(value or "").strip()
    if not text.isdigit():
        raise ApplicationError("invalid_case_reference", "请填写15位事件编号", fields={"target": "应为事件编号"})
    pk = int(text[8:]) if len(text) == 15 else int(text)
    try:
        case = case_get(actor=actor, pk=pk) if 0 < pk < 10**18 else None
    except NotFound:
        case = None
    if case is None or (len(text) == 15 and case.number != text):
        raise ApplicationError("unknown_case", f"没有编号为 {text} 的事件(或不在您的管辖范围内)",
                               fields={"target": "没有这个事件"}, status=404)
    return case


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def resolve(actor, action: str, raw: dict, photos=()) -> dict:
    """The service's arguments from submitted values, by the kinds of the action's fields."""
    t = TABLE.get(action)
    out: dict = {}
    for f in t.fields:
        if f.kind == "photos":
            out["photos"] = list(photos or [])
            continue
        value = raw.get(f.name)
        if _empty(value):
            if f.kind in ("text", "textarea") and f.required:
                out[f.name] = ""  # the service refuses it, naming what is missing ("请填写不予立案的原因")
                continue
            if f.required:
                raise ApplicationError(f"{f.name}_required", f"请填写{f.label}", fields={f.name: "必填"})
            continue
        if f.kind == "unit":
            value = unit_named(value, f.name)
        elif f.kind == "units":
            value = [unit_named(v, f.name) for v in (value if isinstance(value, list | tuple) else [value])]
        elif f.kind == "case_number":
            value = case_by_reference(actor, value)
        elif f.kind == "bool":
            value = value in (True, "1", "true", "on", 1)
        out[f.name] = value
    return out


def run_action(*, case: Case, actor, action: str, values: dict, photos=()):
    """Run one action of the table with the values of its fields."""
    return services.ACTION_SERVICES[action](case=case, actor=actor, **resolve(actor, action, values, photos))


def _case_kinds(f: Field, common: dict) -> serializers.Field | None:
    """The API fields of the kinds only cases have: a category code, a duration, a case number."""
    if f.kind == "category":
        return serializers.CharField(allow_blank=not f.required, max_length=f.max_length or 2000,
                                     **({**common, "default": ""} if not f.required else common))
    if f.kind == "duration":
        return serializers.IntegerField(min_value=1, max_value=30 * 24 * 60, **{**common, "help_text": "分钟"})
    if f.kind == "case_number":
        return serializers.RegexField(r"^[0-9]{1,18}$", **{**common, "help_text": "15位事件编号(或事件 id)"})
    return None


SERIALIZERS = input_serializers(TABLE, extra=_case_kinds)
