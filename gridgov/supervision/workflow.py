"""The lifecycle of an inspection, on the engine of `core.workflow`: 待检查 → 合格 (nothing failed) or 整改中 (each
failure a case) → 复查完成 (what was put right), or 已取消 before it is done."""

from __future__ import annotations

from gridgov.core.workflow import Field, T, Table
from gridgov.supervision.models import AdjustmentState, InspectionState

INSPECTOR = "inspector"  # the compound's inspector, or staff over its grid with supervision:inspection:do
MANAGER = "manager"  # staff over the place with supervision:inspection:manage

S = InspectionState
INSPECTION = Table(
    name="inspection",
    transitions=(
        T("submit", "提交检查结果", [S.SCHEDULED], S.PASSED, [INSPECTOR],
          outcomes={"passed": S.PASSED, "failed": S.RECTIFYING}),
        T("reinspect", "提交复查结果", [S.RECTIFYING], S.CLOSED, [INSPECTOR, MANAGER]),
        T("cancel", "取消检查", [S.SCHEDULED], S.CANCELLED, [MANAGER],
          fields=[Field("reason", "原因", "textarea", required=True, max_length=500)], danger=True),
    ),
    kinds=lambda actor, obj: _kinds(actor, obj),
    state_labels={s.value: str(s.label) for s in S},
)


OWNER = "owner"  # the grid worker an adjustment is about
A = AdjustmentState
ADJUSTMENT = Table(
    name="adjustment",
    transitions=(
        T("appeal", "申诉", [A.EFFECTIVE], A.APPEALED, [OWNER],
          fields=[Field("reason", "申诉理由", "textarea", required=True, max_length=500)]),
        T("uphold", "维持", [A.APPEALED], A.EFFECTIVE, [MANAGER], fields=[Field("note", "说明", "textarea")]),
        T("revoke", "撤销", [A.EFFECTIVE, A.APPEALED], A.REVOKED, [MANAGER],
          fields=[Field("reason", "原因", "textarea", required=True, max_length=500)], danger=True),
    ),
    kinds=lambda actor, obj: _kinds(actor, obj),
    state_labels={s.value: str(s.label) for s in A},
)


def _kinds(actor, obj) -> set[str]:
    from gridgov.supervision.access import actor_kinds

    return actor_kinds(actor, obj)
