"""The lifecycle of a dispute, on the engine of `core.workflow` (the pattern of `cases.workflow`):
登记 → 受理 (a committee and mediator, the one-month clock starts) → 调解 (rights and duties told, sessions
recorded) → 达成协议 (written or oral) → 履行, 回访 → 结案; or 调解未成, 移交 (court, police, petition office),
不予受理. The risk colour is re-rated on any open dispute, each time on the timeline.

Row attributes of this table: ``resolved`` (the outcome it records for 化解率: True, False or absent), ``danger``
(a step that ends the mediation without agreement: its button is red)."""

from __future__ import annotations

from gridgov.core.workflow import UNCHANGED, Field, Guard, T, Table
from gridgov.mediation.models import OPEN_STATES, State, Station

# Who may act, relative to a dispute (mediation.access.actor_kinds decides):
CENTER = "center"  # a governance center's dispatcher over the dispute's place
MEDIATOR = "mediator"  # the dispute's mediator, or a mediator of its committee
GRID_WORKER = "grid_worker"  # the grid worker of its grid (回访)
SYSTEM = "system"

S = State
NOTE = Field("note", "说明", "textarea")
REASON = Field("reason", "原因", "textarea", required=True)

# Named clock effects (mediation.services.EFFECTS executes them)
START_CLOCK = "start_clock"  # 受理: the time limit (MEDIATION_DAYS, one month by default) starts
EXTEND_CLOCK = "extend_clock"  # both parties consented: the limit moves by the days agreed
STOP_CLOCK = "stop_clock"  # finished one way or another

def _written_unconfirmed(d) -> bool:
    return d.agreement_kind == "written" and not d.judicial_confirmation


# 司法确认 (人民调解法 art. 33): for a written agreement, recorded once
WRITTEN_UNCONFIRMED = Guard("written_unconfirmed", _written_unconfirmed, "no_written_agreement",
                            "只有尚未司法确认的书面调解协议可以登记司法确认结果")

def _at_station(d) -> bool:
    return bool(d.station)


# 一窗受理: only a dispute passed to a stationed office can be concluded there
AT_STATION = Guard("at_station", _at_station, "not_at_station", "该纠纷未转入驻单位办理")
WINDOW_STATES = [S.REGISTERED, S.ACCEPTED, S.MEDIATING]
STATION_OUTCOMES = (("mediated", "调解化解"), ("arbitrated", "仲裁裁决"), ("judged", "诉讼判决、裁定"),
                    ("supervised", "检察监督办结"), ("answered", "信访事项答复办结"), ("other", "依法以其他方式办结"))

TABLE = Table(
    name="dispute",
    transitions=(
        T("accept", "受理", [S.REGISTERED], S.ACCEPTED, [CENTER], effect=START_CLOCK,
          fields=[Field("committee", "调解组织", "unit", required=True), Field("mediator", "调解员", "option", help="由调委会指定"), NOTE]),
        T("reject", "不予受理", [S.REGISTERED], S.REJECTED, [CENTER], effect=STOP_CLOCK, fields=[REASON], danger=True),
        T("start", "告知权利义务并开始调解", [S.ACCEPTED], S.MEDIATING, [MEDIATOR], fields=[NOTE]),
        T("record_investigation", "调查记录", [S.ACCEPTED, S.MEDIATING], UNCHANGED, [MEDIATOR],
          fields=[Field("note", "调查情况", "textarea", required=True), Field("place", "地点", "text"),
                  Field("participants", "被调查人及在场人", "text")]),
        T("consult", "联合会商", [S.REGISTERED, S.ACCEPTED, S.MEDIATING], UNCHANGED, [CENTER, MEDIATOR],
          fields=[Field("participants", "参加单位及人员", "text", required=True,
                        help="如 司法所、派出所、法庭、信访办、律师(一会三室、1+1+1)"),
                  Field("place", "地点", "text"), Field("note", "会商情况", "textarea", required=True),
                  Field("decision", "会商意见及分工", "textarea", required=True)]),
        T("attach", "上传材料", [S.REGISTERED, S.ACCEPTED, S.MEDIATING, S.AGREED, S.CLOSED], UNCHANGED,
          [CENTER, MEDIATOR],
          fields=[Field("kind", "材料类别", "choice", required=True,
                        choices=(("evidence", "证据材料"), ("identity", "当事人身份证明"), ("mandate", "授权委托书"),
                                 ("performance", "履行凭证"), ("other", "其他材料"))),
                  Field("photos", "材料照片或扫描件", "photos", help="JPEG、PNG、WebP、HEIC,最多9张"), NOTE]),
        T("record_session", "调解记录", [S.MEDIATING], UNCHANGED, [MEDIATOR],
          fields=[Field("note", "调解经过", "textarea", required=True), Field("place", "地点", "text"),
                  Field("participants", "参加人员", "text")]),
        T("rerate", "风险研判(调整预警颜色)", list(OPEN_STATES), UNCHANGED, [CENTER, MEDIATOR],
          fields=[Field("risk_level", "风险等级", "option", required=True), REASON]),
        T("extend", "经双方同意延长期限", [S.ACCEPTED, S.MEDIATING], UNCHANGED, [MEDIATOR], effect=EXTEND_CLOCK,
          fields=[Field("days", "延长天数", "int", required=True), REASON]),
        T("agree", "达成调解协议", [S.MEDIATING], S.AGREED, [MEDIATOR], effect=STOP_CLOCK,
          fields=[Field("kind", "协议形式", "choice", required=True,
                        choices=(("written", "书面协议"), ("oral", "口头协议"))),
                  Field("duties", "各方责任", "textarea"),
                  Field("content", "协议内容、履行方式和期限", "textarea", required=True),
                  Field("amount", "涉及金额(元)", "text"),
                  Field("prevented_crime", "防止民转刑", "bool", help="化解了可能转化为刑事案件的纠纷"),
                  Field("prevented_petition", "防止群体性上访", "bool")], resolved=True),
        T("fail", "调解未成", [S.MEDIATING], S.FAILED, [MEDIATOR], effect=STOP_CLOCK,
          fields=[Field("reason", "未成原因及告知的其他途径", "textarea", required=True),
                  Field("may_escalate", "可能激化,通知有关部门", "bool",
                        help="通知街道综治中心和辖区派出所(人民调解工作若干规定第37条)")], resolved=False, danger=True),
        T("hand_over", "移交", [S.REGISTERED, S.ACCEPTED, S.MEDIATING], S.HANDED_OVER, [CENTER, MEDIATOR],
          effect=STOP_CLOCK,
          fields=[Field("to", "移交至", "choice", required=True,
                        choices=(("court", "人民法院"), ("police", "公安机关"), ("petition", "信访部门"))),
                  Field("receipt", "回执编号", "text"), REASON], danger=True),
        T("record_performance", "履行情况", [S.AGREED], UNCHANGED, [MEDIATOR], fields=[NOTE]),
        T("follow_up", "回访并结案", [S.AGREED], S.CLOSED, [MEDIATOR, GRID_WORKER],
          fields=[Field("performed", "协议已履行", "bool"), Field("note", "回访情况", "textarea", required=True)]),
        T("record_confirmation", "司法确认结果", [S.AGREED, S.CLOSED], UNCHANGED, [MEDIATOR, CENTER],
          guards=[WRITTEN_UNCONFIRMED],
          fields=[Field("court", "人民法院", "text", required=True),
                  Field("result", "确认结果", "choice", required=True,
                        choices=(("confirmed", "确认调解协议有效"), ("refused", "不予确认"))), NOTE]),
        T("relay", "一窗受理:转入驻单位办理", WINDOW_STATES, UNCHANGED, [CENTER],
          fields=[Field("to", "转至", "choice", required=True, choices=tuple(Station.choices)),
                  Field("receipt", "接收人或回执", "text"),
                  Field("note", "转办理由及前一环节办理情况", "textarea", required=True)]),
        T("station_close", "入驻单位办结", WINDOW_STATES, S.CLOSED, [CENTER], effect=STOP_CLOCK, guards=[AT_STATION],
          fields=[Field("outcome", "办结方式", "choice", required=True, choices=STATION_OUTCOMES),
                  Field("note", "办理结果", "textarea", required=True), Field("amount", "涉及金额(元)", "text")]),
    ),
    kinds=lambda actor, dispute: _kinds(actor, dispute),
    state_labels={s.value: str(s.label) for s in State},
)


def _kinds(actor, dispute) -> set[str]:
    from gridgov.mediation.access import actor_kinds

    return actor_kinds(actor, dispute)


BY_ACTION = {t.action: t for t in TABLE.transitions}
EVENT_KINDS = {"register": "登记", "convert": "由网格事件转为矛盾纠纷", "overdue": "超过调解期限",
               "auto_escalate": "无进展自动升级", "reported_up": "按风险等级上报",
               "confirm_reminder": "司法确认申请期限提醒", "follow_up_due": "回访到期提醒"}


def action_label(action: str) -> str:
    t = BY_ACTION.get(action)
    return t.label if t else EVENT_KINDS.get(action, action)
