"""The action panel shared by the console's case page and the grid worker's phone page: the actions the
workflow table allows this user on this case, each with the form generated from its row, and running one."""
from __future__ import annotations

from django.contrib import messages

from gridgov.cases import services
from gridgov.cases.action_inputs import run_action
from gridgov.cases.models import Category
from gridgov.cases.routing import suggest_unit
from gridgov.cases.triage import suggest_category
from gridgov.cases.workflow import action_label
from gridgov.core.errors import ApplicationError
from gridgov.orgs.models import UnitKind
from gridgov.orgs.selectors import org_unit_list
from gridgov.web.action_forms import action_form
from gridgov.web.pages import done_redirect


def _units(user):
    return list(org_unit_list(actor=user).exclude(kind__in=[UnitKind.GOVERNANCE_CENTER, UnitKind.EMERGENCY_UNIT]))


def panel(request, allowed, action: str | None, *, success_url: str, make_form, run, label_of, hide=(),
          initial=None) -> tuple:
    """The action panel of any workflow table: `allowed` (what the table allows this user now), each with the
    form `make_form(t, data=…, files=…, initial=…)` builds from its row; on POST of `action`, `run(t, cleaned,
    photos)`. Returns (response, None) when the request is answered (done or refused), else (None, context) where
    context holds the action list and the action whose form is open: shown again with its errors after a POST
    (``invalid``), or asked for by a GET of the action's address."""
    bound, open_action = {}, None
    if request.method == "POST" and action:
        by_action = {t.action: t for t in allowed}
        if action not in by_action:
            messages.error(request, f"当前不能执行「{label_of(action)}」")
            return done_redirect(request, success_url), None
        t = by_action[action]
        form = make_form(t, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                run(t, form.cleaned_data, request.FILES.getlist("photos"))
            except ApplicationError as exc:
                placed = False
                for name, message in exc.fields.items():
                    if name in form.fields and name not in hide:
                        form.add_error(name, exc.message if len(exc.fields) == 1 else message)
                        placed = True
                if not placed:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, f"已{t.label}")
                return done_redirect(request, success_url), None
        bound[action], open_action = form, action
    elif action:  # a link to one action (督办 on the board): its form open, ready to fill in
        if any(t.action == action for t in allowed):
            open_action = action
        else:
            messages.error(request, f"当前不能执行「{label_of(action)}」")
    actions = []
    for t in allowed:
        form = bound.get(t.action) or make_form(t, initial=initial or {})
        names = [f.name for f in t.fields if f.name not in hide]
        actions.append({"action": t.action, "label": t.label, "form": form, "open": t.action == open_action,
                        "fields": [form[n] for n in names], "multipart": t.takes_photos,
                        "danger": bool(t.info("danger"))})
    return None, {"actions": actions, "open_action": open_action, "invalid": bool(bound)}


def action_panel(request, case, action: str | None, *, success_url: str, hide=()) -> tuple:
    """The case's panel: the table's actions with units, categories and the suggested unit and category."""
    allowed = services.available_actions(case, request.user)
    kinds = {f.kind for t in allowed for f in t.fields}
    units = _units(request.user) if kinds & {"unit", "units"} else []
    categories = Category.objects.filter(is_active=True, parent__isnull=False) if "category" in kinds else []
    suggested = suggest_unit(case) if units else None
    guess = suggest_category(case.description) if categories and case.category_id is None else None

    def make_form(t, **kw):
        return action_form(t, units=units, categories=categories, **kw)

    def run(t, values, photos):
        run_action(case=case, actor=request.user, action=t.action, values=values, photos=photos)

    response, context = panel(
        request, allowed, action, success_url=success_url, make_form=make_form, run=run, label_of=action_label,
        hide=hide, initial={"unit": str(suggested.pk) if suggested else "", "category": guess.code if guess else ""})
    if context is not None:
        context["suggested"] = suggested
    return response, context
