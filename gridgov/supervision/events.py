"""The timeline of supervision: one constructor per kind of row; every `SupervisionEvent` is written here."""

from __future__ import annotations

from gridgov.supervision.models import SupervisionEvent

KINDS = {"schedule": "安排检查", "submit": "提交检查结果", "reinspect": "提交复查结果", "cancel": "取消检查"}


def record(inspection, action: str, *, from_state: str = "", actor=None, note: str = "", data: dict | None = None,
           at=None) -> SupervisionEvent:
    return SupervisionEvent.record("inspection", inspection, action, from_state=from_state,
                                   to_state=inspection.state, actor=actor, note=note, data=data, at=at)


ADJUSTMENT_KINDS = {"add": "登记加减分", "appeal": "申诉", "uphold": "维持", "revoke": "撤销"}


def adjustment(a, action: str, *, actor=None, note: str = "", from_state: str = "", at=None) -> SupervisionEvent:
    return SupervisionEvent.record("adjustment", a, action, from_state=from_state, to_state=a.state, actor=actor,
                                   note=note, data={"points": a.points, "month": a.month}, at=at)


def smart_checked(compound, *, actor, met: dict, score: float, stars: int, at=None) -> SupervisionEvent:
    return SupervisionEvent.record("compound", compound, "smart_check", actor=actor, at=at,
                                   note=f"智慧小区核查:{stars} 星({score} 分)",
                                   data={"met": {k: bool(v) for k, v in met.items()}, "score": score, "stars": stars})


def published(p, *, actor=None, at=None) -> SupervisionEvent:
    """通报: a company's month published (by hand or by the schedule)."""
    return SupervisionEvent.record("score", p, "publish", actor=actor, at=at,
                                   note=f"{p.month} 物业信用分通报:第 {p.rank} 名 {p.score} 分",
                                   data={"month": p.month, "company": p.company_id, "rank": p.rank, "score": p.score})
