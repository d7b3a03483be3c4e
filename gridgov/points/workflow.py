"""The lifecycles of the points module, on the engine of `core.workflow` (the pattern of `cases.workflow`):

- a volunteer: 申请 → 认证 (by an officer of their community) or 不通过 (they may apply again); 暂停 and 恢复;
- a claim for a manual item: 提交 → 通过 (the award is written in the same step) or 驳回;
- a redemption: 兑换 (points spent, stock taken) → 领取 (with its code, at the station), or 取消 / 逾期 (both
  given back);
- a volunteer task: 招募中 → 结束 or 取消 (by an officer); a volunteer's part in it: 接单 → 上报完成 → 确认 (the
  award is written in the same step) or 未通过; 退出 while taken;
- a credit record (诚信红灰榜): 登记 → 审核通过 (公示) or 驳回; a grey record 申诉 by the resident → 维持 or 撤销;
  到期 by the sweep.

Row attribute ``danger``: a step that refuses or takes away (its button is red)."""

from __future__ import annotations

from gridgov.core.workflow import Field, Guard, T, Table
from gridgov.points.models import (
    ClaimState,
    CreditState,
    RedemptionState,
    TakeState,
    TaskState,
    VolunteerState,
)

# Who may act (points.access decides):
SELF = "self"  # the volunteer / claimant / redeemer themself
OFFICER = "officer"  # staff over the place with the step's permission (认证, 审核, 核销)
SYSTEM = "system"

NOTE = Field("note", "说明", "textarea")
REASON = Field("reason", "原因", "textarea", required=True)

V = VolunteerState
VOLUNTEER = Table(
    name="volunteer",
    transitions=(
        T("verify", "认证通过", [V.APPLIED], V.VERIFIED, [OFFICER], fields=[NOTE]),
        T("reject", "不予认证", [V.APPLIED], V.REJECTED, [OFFICER], fields=[REASON], danger=True),
        T("reapply", "重新申请", [V.REJECTED], V.APPLIED, [SELF], fields=[NOTE]),
        T("suspend", "暂停资格", [V.VERIFIED], V.SUSPENDED, [OFFICER], fields=[REASON], danger=True),
        T("reinstate", "恢复资格", [V.SUSPENDED], V.VERIFIED, [OFFICER], fields=[NOTE]),
    ),
    kinds=lambda actor, v: _kinds("volunteer", actor, v),
    state_labels={s.value: str(s.label) for s in V},
)

C = ClaimState
CLAIM = Table(
    name="claim",
    transitions=(
        T("approve", "审核通过", [C.SUBMITTED], C.APPROVED, [OFFICER], fields=[NOTE]),
        T("reject", "驳回", [C.SUBMITTED], C.REJECTED, [OFFICER], fields=[REASON], danger=True),
    ),
    kinds=lambda actor, c: _kinds("claim", actor, c),
    state_labels={s.value: str(s.label) for s in C},
)

R = RedemptionState
REDEMPTION = Table(
    name="redemption",
    transitions=(
        T("pick_up", "核销领取", [R.RESERVED], R.PICKED_UP, [OFFICER],
          fields=[Field("code", "兑换码", "text", required=True, max_length=12)]),
        T("cancel", "取消兑换", [R.RESERVED], R.CANCELLED, [SELF, OFFICER], fields=[NOTE], danger=True),
        T("lapse", "逾期未领", [R.RESERVED], R.LAPSED, [SYSTEM]),
    ),
    kinds=lambda actor, r: _kinds("redemption", actor, r),
    state_labels={s.value: str(s.label) for s in R},
)

G = CreditState
GREY = Guard("grey", lambda r: r.list == "grey", "not_grey", "只有灰榜记录可以申诉")
CREDIT = Table(
    name="credit",
    transitions=(
        T("approve", "审核通过(公示)", [G.PROPOSED], G.PUBLISHED, [OFFICER], fields=[NOTE]),
        T("reject", "驳回", [G.PROPOSED], G.REJECTED, [OFFICER], fields=[REASON], danger=True),
        T("appeal", "提出申诉", [G.PUBLISHED], G.APPEALED, [SELF], guards=[GREY],
          fields=[Field("reason", "申诉理由", "textarea", required=True)]),
        T("uphold", "维持(驳回申诉)", [G.APPEALED], G.PUBLISHED, [OFFICER], fields=[REASON]),
        T("remove", "撤销", [G.PUBLISHED, G.APPEALED], G.REMOVED, [OFFICER], fields=[REASON], danger=True),
        T("expire", "到期", [G.PUBLISHED, G.APPEALED], G.EXPIRED, [SYSTEM]),
    ),
    kinds=lambda actor, r: _kinds("credit", actor, r),
    state_labels={s.value: str(s.label) for s in G},
)


K = TaskState
TASK = Table(
    name="task",
    transitions=(
        T("close", "结束招募", [K.OPEN], K.CLOSED, [OFFICER], fields=[NOTE]),
        T("cancel", "取消任务", [K.OPEN], K.CANCELLED, [OFFICER], fields=[REASON], danger=True),
    ),
    kinds=lambda actor, t: _kinds("task", actor, t),
    state_labels={s.value: str(s.label) for s in K},
)

P = TakeState
TAKE = Table(
    name="take",
    transitions=(
        T("report", "上报完成", [P.TAKEN], P.DONE, [SELF], fields=[Field("note", "完成情况", "textarea", required=True)]),
        T("withdraw", "退出任务", [P.TAKEN], P.WITHDRAWN, [SELF], fields=[NOTE], danger=True),
        T("confirm", "确认完成", [P.DONE], P.CONFIRMED, [OFFICER], fields=[NOTE]),
        T("reject", "未完成", [P.DONE], P.REJECTED, [OFFICER], fields=[REASON], danger=True),
        T("cancelled", "任务取消", [P.TAKEN, P.DONE], P.WITHDRAWN, [SYSTEM]),
    ),
    kinds=lambda actor, t: _kinds("take", actor, t),
    state_labels={s.value: str(s.label) for s in P},
)


def _kinds(table: str, actor, obj) -> set[str]:
    from gridgov.points.access import actor_kinds

    return actor_kinds(table, actor, obj)
