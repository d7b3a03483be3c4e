"""The lifecycle of a care plan, on the engine of `core.workflow`: 关爱中 → 暂停 (外出、住院, until a date; the sweep
resumes it then) → 关爱中, and 结束 (迁出、去世、不再需要). Check-ins and lights are not steps of the plan: they are
records and a colour the sweep and the check-ins set (see `care.services`).

Row attribute ``danger``: a step that ends (its button is red)."""

from __future__ import annotations

from gridgov.care.models import PlanState
from gridgov.core.workflow import Field, T, Table

OFFICER = "officer"  # staff over the place with care:plan:edit (grid worker, community)
SYSTEM = "system"

REASON = Field("reason", "原因", "textarea", required=True, max_length=500)

P = PlanState
CARE_PLAN = Table(
    name="care_plan",
    transitions=(
        T("pause", "暂停关爱", [P.ACTIVE], P.PAUSED, [OFFICER],
          fields=[Field("until", "暂停至", "date", required=True), REASON]),
        T("resume", "恢复关爱", [P.PAUSED], P.ACTIVE, [OFFICER, SYSTEM], fields=[Field("note", "说明", "textarea")]),
        T("close", "结束关爱", [P.ACTIVE, P.PAUSED], P.CLOSED, [OFFICER], fields=[REASON], danger=True),
    ),
    kinds=lambda actor, plan: _kinds(actor, plan),
    state_labels={s.value: str(s.label) for s in P},
)


def _kinds(actor, plan) -> set[str]:
    from gridgov.care.access import actor_kinds

    return actor_kinds(actor, plan)
