"""Tags every page uses to show a case's state and light the same way: each state has its colour (new work
purple, with a handler blue, suspended grey, waiting for verification orange, closed green, set aside grey);
the light is shown only while a case is open — a finished case says whether it was done on time."""
from __future__ import annotations

from django import template
from django.utils.html import format_html

from gridgov.cases.models import OPEN_STATES, State

register = template.Library()

STATE_TONES = {
    State.REPORTED: "new", State.ACCEPTED: "new",
    State.DISPATCHED: "work", State.HANDLING: "work",
    State.SUSPENDED: "paused",
    State.DONE_REPORTED: "check",
    State.CLOSED: "closed",
    State.REJECTED: "off", State.MERGED: "off", State.WITHDRAWN: "off",
}


@register.simple_tag
def state_tag(case) -> str:
    tone = STATE_TONES.get(case.state, "off")
    return format_html('<span class="tag tag-st-{}">{}</span>', tone, case.get_state_display())


def finish_label(case) -> tuple[str, str]:
    """For a finished case, what replaces the light: (label, tone)."""
    if case.state != State.CLOSED:
        return "", ""
    if case.handle_due_at and case.done_reported_at:
        return ("按期办结", "done") if case.done_reported_at <= case.handle_due_at else ("超期办结", "late")
    return "已办结", "done"


@register.simple_tag
def light_tag(case) -> str:
    """The light of an open case (未计时 only before a clock runs); for a closed one 按期/超期办结; else nothing."""
    if case.state in OPEN_STATES:
        return format_html('<span class="tag tag-{}">{}</span>', case.light, case.get_light_display())
    label, tone = finish_label(case)
    return format_html('<span class="tag tag-{}">{}</span>', tone, label) if label else ""


@register.filter
def percent(rate) -> str:
    """A rate of 0–1 as a percentage with two decimals (化解率 83.90%); "-" where there is nothing to divide."""
    return "-" if rate is None else f"{rate * 100:.2f}%"


@register.simple_tag(takes_context=True)
def duty_links(context) -> str:
    """On the phone's home pages: 关爱看望 for someone paired with a care target (or keeping the grid's plans),
    物业检查 for those who inspect compounds, 应急出警 with a count of open callouts for a member of an emergency
    unit."""
    from django.utils.html import format_html_join

    from gridgov.accounts.scoping import jurisdiction_of
    from gridgov.analytics import assessment
    from gridgov.care.models import Pairing
    from gridgov.emergency.access import member_unit_ids
    from gridgov.emergency.models import OPEN_CALLOUT_STATES, Callout

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    links = []
    if Pairing.objects.filter(user=user, is_active=True).exists() or jurisdiction_of(user).has_perm("care:plan:edit"):
        links.append(("/m/care/", "关爱看望"))
    if jurisdiction_of(user).has_perm("supervision:inspection:do"):
        links.append(("/m/inspect/", "物业检查"))
    if jurisdiction_of(user).has_perm("case:case:verify"):
        links.append(("/m/work/patrol/", "巡查轨迹"))
    if assessment.assessed(user):
        links.append(("/m/work/assessment/", "我的考核"))
    units = member_unit_ids(user)
    if units:
        n = Callout.objects.filter(units__unit_id__in=units, state__in=OPEN_CALLOUT_STATES).distinct().count()
        links.append(("/m/emergency/", f"应急出警{f'({n})' if n else ''}"))
    if not links:
        return ""
    return format_html('<div class="card tabs" id="duty-links">{}</div>',
                       format_html_join("", '<a href="{}">{}</a>', links))
