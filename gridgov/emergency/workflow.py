"""The lifecycle of a callout (出警), on the engine of `core.workflow` (the pattern of `cases.workflow`):

待响应 → 已响应 (a member of a called unit) → 已到场 → 处置完毕; while nobody acknowledges, the sweep calls the next
ring when the ring's time is up (梯次增援) — or the commander does so at once — and when no unit is left the callout
is 无人响应 (the center is told; any called unit may still respond). The commander (the center over the place)
may stand it down (误报, 已由他人处置); a callout whose case is finished (结案, 合并, 不予立案) ends with it.

Row attribute ``danger``: a step that cancels (its button is red)."""

from __future__ import annotations

from gridgov.core.workflow import UNCHANGED, Field, T, Table
from gridgov.emergency.models import CalloutState

RESPONDER = "responder"  # a member of a unit the callout called
COMMANDER = "commander"  # staff over the place with emergency:callout:command (the governance center)
SYSTEM = "system"

NOTE = Field("note", "说明", "textarea")

S = CalloutState
CALLOUT = Table(
    name="callout",
    transitions=(
        T("acknowledge", "响应出警", [S.ALERTING, S.EXHAUSTED], S.ACKNOWLEDGED, [RESPONDER], fields=[NOTE]),
        T("arrive", "到达现场", [S.ALERTING, S.EXHAUSTED, S.ACKNOWLEDGED], S.ON_SCENE, [RESPONDER], fields=[NOTE]),
        T("finish", "处置完毕", [S.ACKNOWLEDGED, S.ON_SCENE], S.CLOSED, [RESPONDER, COMMANDER],
          fields=[Field("note", "处置情况", "textarea", required=True, max_length=1000)]),
        T("escalate", "梯次增援", [S.ALERTING], UNCHANGED, [SYSTEM, COMMANDER], outcomes={"exhausted": S.EXHAUSTED},
          fields=[NOTE]),
        T("case_closed", "随事件办结", [S.ALERTING, S.ACKNOWLEDGED, S.ON_SCENE, S.EXHAUSTED], S.CLOSED, [SYSTEM]),
        T("stand_down", "撤销出警", [S.ALERTING, S.ACKNOWLEDGED, S.ON_SCENE, S.EXHAUSTED], S.STOOD_DOWN, [COMMANDER],
          fields=[Field("reason", "撤销原因", "textarea", required=True, max_length=500)], danger=True),
    ),
    kinds=lambda actor, c: _kinds(actor, c),
    state_labels={s.value: str(s.label) for s in S},
)


def _kinds(actor, callout) -> set[str]:
    from gridgov.emergency.access import actor_kinds

    return actor_kinds(actor, callout)
