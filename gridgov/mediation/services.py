"""Every change of a dispute: one function per action of the table in `mediation.workflow`, atomic, with one
compare-and-set commit that writes the timeline row in the same transaction (the engine of `core.workflow`).
Refusals are ApplicationError with a stable code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction

from gridgov.cases import events as case_events
from gridgov.cases.models import Case
from gridgov.cases.routing import district_path_for
from gridgov.core.errors import ApplicationError, PermissionDenied
from gridgov.core.identity import parse_id_number, validate_mobile
from gridgov.core.pii import set_pii
from gridgov.core.timeutil import local_today, now
from gridgov.mediation import events
from gridgov.mediation.models import (
    Dispute,
    DisputeParty,
    DisputeType,
    RiskLevel,
    Scale,
    Source,
    State,
    Station,
)
from gridgov.mediation.workflow import TABLE
from gridgov.orgs.models import OrgUnit, UnitKind
from gridgov.regions.locator import get_locator
from gridgov.regions.models import Region

MEDIATION_DAYS = getattr(settings, "MEDIATION_DAYS", 30)  # 人民调解工作若干规定 art. 33: within one month
MAX_EXTENSION_DAYS = 30


# -- clock effects named by the table ---------------------------------------------------------------------


def _start_clock(d: Dispute, at: dt.datetime, **_) -> None:
    d.due_at = at + dt.timedelta(days=MEDIATION_DAYS)


def _extend_clock(d: Dispute, at: dt.datetime, *, days: int = 0, **_) -> None:
    d.due_at = (d.due_at or at) + dt.timedelta(days=days)
    d.extension_days += days


def _stop_clock(d: Dispute, at: dt.datetime, **_) -> None:
    d.due_at = None


EFFECTS: dict[str, Callable[..., None]] = {"start_clock": _start_clock, "extend_clock": _extend_clock,
                                           "stop_clock": _stop_clock}
CLOCK_FIELDS = ["due_at", "extension_days"]


def run_effect(d: Dispute, effect: str, at: dt.datetime, **params) -> list[str]:
    try:
        EFFECTS[effect](d, at, **params)
    except KeyError:
        raise ValueError(f"unknown clock effect {effect!r}") from None
    return CLOCK_FIELDS


TABLE.effect_runner = run_effect


# -- registration --------------------------------------------------------------------------------------


def _dispute_type(code) -> DisputeType:
    found = DisputeType.objects.filter(code=str(code or "").strip()).first()
    if found is None:
        raise ApplicationError("invalid_dispute_type", "请选择纠纷类型(GB/T 31000 事件类型)",
                               fields={"dispute_type": "取值无效"})
    return found


def _risk_level(code) -> RiskLevel:
    if code in (None, ""):
        level = RiskLevel.objects.filter(is_active=True).order_by("rank").first()
    else:
        level = RiskLevel.objects.filter(code=str(code), is_active=True).first()
    if level is None:
        raise ApplicationError("invalid_risk_level", "风险等级无效", fields={"risk_level": "取值无效"})
    return level


def _party(dispute: Dispute, values: dict, row: int) -> DisputeParty:
    name = str(values.get("name") or "").strip()
    if not name:
        raise ApplicationError("party_name_required", f"第{row}位当事人须填写姓名或名称",
                               fields={f"parties.{row}.name": "必填"})
    role = values.get("role") or DisputeParty.Role.OTHER
    if role not in DisputeParty.Role.values:
        raise ApplicationError("invalid_party_role", f"第{row}位当事人的身份无效", fields={f"parties.{row}.role": "取值无效"})
    party = DisputeParty(dispute=dispute, role=role, name=name[:50], address=str(values.get("address") or "")[:200])
    if id_number := str(values.get("id_number") or "").strip():
        try:
            parse_id_number(id_number)
        except ValueError as exc:
            raise ApplicationError("invalid_id_number", f"第{row}位当事人的身份证号:{exc}",
                                   fields={f"parties.{row}.id_number": str(exc)}) from None
        set_pii(party, "id_number", "id_number", id_number)
    if phone := str(values.get("phone") or "").strip():
        try:
            validate_mobile(phone)
        except ValueError as exc:
            raise ApplicationError("invalid_phone", f"第{row}位当事人的手机号:{exc}",
                                   fields={f"parties.{row}.phone": str(exc)}) from None
        set_pii(party, "phone", "phone", phone)
    return party


@transaction.atomic
def dispute_register(*, actor, title: str, dispute_type, source: str, summary: str, occurred_on: dt.date,
                     parties: Iterable[dict], place: str = "", lon: float | None = None, lat: float | None = None,
                     grid: Region | None = None, people_involved: int = 2, scale: str = Scale.INDIVIDUAL,
                     risk_level=None, source_ref: str = "", organisations: str = "",
                     case: Case | None = None, window: bool = False) -> Dispute:
    """登记 a dispute: from a walk-in, an application, a hand-over by court, police or petition office (with its
    document number), or a grid case (`dispute_from_case`). It lands in the grid of its place."""
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title:
        raise ApplicationError("title_required", "请填写事件名称", fields={"title": "必填"})
    if not summary:
        raise ApplicationError("summary_required", "请填写事件简述", fields={"summary": "必填"})
    if len(summary) > 2000:
        raise ApplicationError("summary_too_long", "事件简述不能超过2000字", fields={"summary": "超过2000字"})
    if source not in Source.values:
        raise ApplicationError("invalid_source", "案件来源无效", fields={"source": "取值无效"})
    if scale not in Scale.values:
        raise ApplicationError("invalid_scale", "事件规模无效", fields={"scale": "取值无效"})
    if source in (Source.POLICE, Source.COURT, Source.PETITION, Source.PROCURATORATE) and not source_ref.strip():
        raise ApplicationError("source_ref_required", "移交或委托的纠纷须填写文书号", fields={"source_ref": "必填"})
    if not isinstance(people_involved, int) or people_involved < 1:
        raise ApplicationError("invalid_people_involved", "涉及人数至少为1", fields={"people_involved": "取值无效"})
    if occurred_on > local_today():
        raise ApplicationError("occurred_in_future", "发生日期不能晚于今天", fields={"occurred_on": "晚于今天"})
    kind, level = _dispute_type(dispute_type), _risk_level(risk_level)
    located = None
    if grid is None and lon is not None and lat is not None:
        located = get_locator().locate(lon, lat)
        grid = Region.objects.filter(pk=located.grid.id).first() if located.grid is not None else None
    # a place in no grid is a district's (its center sees it), as for cases
    region_path = grid.path if grid is not None else district_path_for(located=located, actor=actor)
    from gridgov.mediation.access import may_register

    if not may_register(actor, region_path):
        raise PermissionDenied("只有纠纷发生地的综治中心或调解组织可以登记矛盾纠纷")
    t = now()
    dispute = Dispute(title=title[:100], dispute_type=kind, scale=scale, source=source, source_ref=source_ref.strip(),
                      risk_level=level, grid=grid, region_path=region_path, occurred_on=occurred_on, place=place[:200],
                      lon=lon, lat=lat, people_involved=people_involved, summary=summary,
                      organisations=organisations[:200], case=case, created_at=t, updated_at=t, window=bool(window),
                      created_by=actor if getattr(actor, "pk", None) else None)
    rows = [(i, p) for i, p in enumerate(parties or [], start=1)]
    if not rows:
        raise ApplicationError("parties_required", "请至少登记一位当事人", fields={"parties": "必填"})
    checked = [_party(dispute, p, i) for i, p in rows]  # every party is checked before anything is written
    dispute.save()
    for party in checked:
        party.dispute = dispute
    DisputeParty.objects.bulk_create(checked)
    events.registered(dispute, actor=actor, at=t)
    if case is not None:
        events.converted(dispute, actor=actor, case_id=case.pk, at=t)
    _report_up(dispute, t)
    return dispute


def _units_to_tell(d: Dispute, *, district: bool, police: bool) -> list[OrgUnit]:
    """The town's center over the dispute's place, and as asked the district's center and the town's police
    stations."""
    from gridgov.cases.routing import center_for

    codes = [c for c in d.region_path.strip("/").split("/") if c]
    town_path = "/" + "/".join(codes[:2]) + "/"
    units = [center_for(town_path)]
    if district:
        units.append(center_for("/" + codes[0] + "/"))
    if police:
        units += list(OrgUnit.objects.filter(kind=UnitKind.POLICE_STATION, is_active=True,
                                             region__path__startswith=town_path))
    return [u for u in dict.fromkeys(units) if u is not None]


def _tell(units: list[OrgUnit], subject: str, d: Dispute) -> None:
    from gridgov.cases.reference import unit_staff
    from gridgov.notify.services import notify_users

    notify_users([uid for u in units for uid in unit_staff(u.pk)], subject=subject[:200], data={"dispute": d.pk})


def _report_up(d: Dispute, at: dt.datetime) -> None:
    """What the colour asks (三色预警): a level with a report deadline is reported to the town's center at once; one
    to report immediately (0 minutes) also to the district's center and the town's police stations."""
    level = d.risk_level
    if level.report_within_minutes is None:
        return
    immediate = level.report_within_minutes == 0
    found = _units_to_tell(d, district=immediate, police=immediate)
    _tell(found, f"【{level.name}矛盾纠纷】{d.title}", d)
    events.reported_up(d, units=[u.pk for u in found], at=at)


@transaction.atomic
def dispute_from_case(*, actor, case: Case, dispute_type, parties: Iterable[dict], risk_level=None,
                      title: str = "", people_involved: int = 2) -> Dispute:
    """转为矛盾纠纷: a grid case of category 矛盾纠纷 becomes a dispute in one step, the two linked both ways; the
    case's timeline says so."""
    from gridgov.cases.access import actor_kinds
    from gridgov.cases.workflow import CENTER

    if CENTER not in actor_kinds(actor, case):
        raise ApplicationError("not_center", "只有责任综治中心可以将事件转为矛盾纠纷", status=403)
    if case.category is None or not case.category.code.startswith("21"):
        # the request is fine; the case it names is not one (409, as for a case already converted)
        raise ApplicationError("not_a_dispute", "只有「矛盾纠纷」类事件可以转为矛盾纠纷", status=409,
                               fields={"case": "类别不符"})
    if Dispute.objects.filter(case=case).exists():
        raise ApplicationError("already_converted", "该事件已转为矛盾纠纷", status=409)
    occurred = case.created_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    dispute = dispute_register(
        actor=actor, title=title or case.title, dispute_type=dispute_type, source=Source.CASE,
        summary=case.description[:2000], occurred_on=occurred, parties=parties, place=case.address,
        lon=case.lon, lat=case.lat, grid=case.grid, people_involved=people_involved, risk_level=risk_level,
        source_ref=case.number, case=case)
    case_events.converted_to_dispute(case, actor=actor, dispute_id=dispute.pk)
    return dispute


# -- the table's actions ---------------------------------------------------------------------------------


def _lock(dispute: Dispute) -> Dispute:
    return Dispute.objects.select_related("risk_level", "committee").get(pk=dispute.pk)


def _logged(d: Dispute, actor, action: str, *, note: str = "", data: dict | None = None):
    return lambda from_state: events.action(d, action, from_state, actor=actor, note=note, data=data)


def _text(value, label: str, name: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(f"{name}_required", f"请填写{label}", fields={name: "必填"})
    return value


@transaction.atomic
def dispute_accept(*, dispute: Dispute, actor, committee, mediator=None, note: str = "") -> Dispute:
    """受理: the center gives it to a mediation committee (and a mediator); the one-month clock starts."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "accept")
    unit = committee if isinstance(committee, OrgUnit) else OrgUnit.objects.filter(pk=committee).first()
    if unit is None or unit.kind != UnitKind.MEDIATION_COMMITTEE or not unit.is_active:
        raise ApplicationError("invalid_committee", "请选择人民调解委员会", fields={"committee": "取值无效"})
    if mediator not in (None, ""):
        from gridgov.accounts.models import Membership, RoleCode

        mid = getattr(mediator, "pk", mediator)
        if not Membership.objects.filter(user_id=mid, unit=unit, role__code=RoleCode.MEDIATOR, is_active=True).exists():
            raise ApplicationError("invalid_mediator", "调解员须是该调委会的调解员", fields={"mediator": "取值无效"})
        d.mediator_id = mid
    d.committee = unit
    d.accepted_at = now()
    TABLE.commit(d, t, fields=["committee", "mediator", "accepted_at"], at=d.accepted_at,
                 event=_logged(d, actor, "accept", note=note, data={"committee": unit.pk, "mediator": d.mediator_id}))
    return d


@transaction.atomic
def dispute_reject(*, dispute: Dispute, actor, reason: str) -> Dispute:
    d = _lock(dispute)
    t = TABLE.check(actor, d, "reject")
    reason = _text(reason, "不予受理的原因", "reason")
    d.closed_at = now()
    TABLE.commit(d, t, fields=["closed_at"], at=d.closed_at, event=_logged(d, actor, "reject", note=reason))
    return d


@transaction.atomic
def dispute_start(*, dispute: Dispute, actor, note: str = "") -> Dispute:
    """告知权利义务 (art. 30) and begin."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "start")
    TABLE.commit(d, t, event=_logged(d, actor, "start", note=note or "已告知当事人权利义务"))
    return d


@transaction.atomic
def dispute_attach(*, dispute: Dispute, actor, kind: str, photos=(), note: str = "") -> Dispute:
    """上传材料: photographed or scanned papers of the file (证据, 身份证明, 委托书, 履行凭证), checked by content
    before anything is written, kept private, named on the timeline."""
    from gridgov.cases.photos import check_photos, keep_original
    from gridgov.mediation.models import DisputeAttachment

    d = _lock(dispute)
    t = TABLE.check(actor, d, "attach")
    if kind not in DisputeAttachment.Kind.values:
        raise ApplicationError("invalid_kind", "请选择材料类别", fields={"kind": "取值无效"})
    checked = check_photos(photos)
    if not checked:
        raise ApplicationError("photos_required", "请选择要上传的材料(照片或扫描件)", fields={"photos": "必填"})
    saved: list = []

    def logged(from_state):
        row = events.action(d, "attach", from_state, actor=actor, note=(note or "").strip()[:2000],
                            data={"kind": kind, "count": len(checked)})
        for data, _name, content_type, _w, _h in checked:
            att = DisputeAttachment(dispute=d, event=row, kind=kind,
                                    uploaded_by=actor if getattr(actor, "pk", None) else None)
            keep_original(att, data, content_type)
            att.save()
            saved.append(att)
        return row

    TABLE.commit(d, t, event=logged)
    return d


def _meeting(dispute: Dispute, actor, action: str, note: tuple[str, str], **texts: tuple[str, str, bool]) -> Dispute:
    """A record of one meeting kept on the timeline (调查, 会商, 调解): `note` is (text, label); each of `texts` is
    (text, label, required), kept in the event's data (place and participants to 200 characters)."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, action)
    body = _text(note[0], note[1], "note")
    data = {name: _text(value, label, name, required=required)[:200 if name in ("place", "participants") else 4000]
            for name, (value, label, required) in texts.items()}
    TABLE.commit(d, t, event=_logged(d, actor, action, note=body, data=data))
    return d


@transaction.atomic
def dispute_record_investigation(*, dispute: Dispute, actor, note: str, place: str = "",
                                 participants: str = "") -> Dispute:
    """调查记录 (人民调解工作若干规定 art. 31: 查明事实): where, whom the mediator heard, what was found."""
    return _meeting(dispute, actor, "record_investigation", (note, "调查情况"), place=(place, "地点", False),
                    participants=(participants, "被调查人及在场人", False))


@transaction.atomic
def dispute_consult(*, dispute: Dispute, actor, participants: str, note: str, decision: str,
                    place: str = "") -> Dispute:
    """联合会商: the meeting a dispute led jointly calls for (红色预警: 一会三室, "1+1+1" — 司法所, 派出所, 法庭,
    信访, 律师…): who was there, what they found, who does what next."""
    return _meeting(dispute, actor, "consult", (note, "会商情况"), participants=(participants, "参加单位及人员", True),
                    place=(place, "地点", False), decision=(decision, "会商意见及分工", True))


@transaction.atomic
def dispute_record_session(*, dispute: Dispute, actor, note: str, place: str = "", participants: str = "") -> Dispute:
    """调解记录: one session — where, who took part (mediator, 民警, 律师…), what was said."""
    return _meeting(dispute, actor, "record_session", (note, "调解经过"), place=(place, "地点", False),
                    participants=(participants, "参加人员", False))


@transaction.atomic
def dispute_rerate(*, dispute: Dispute, actor, risk_level, reason: str) -> Dispute:
    """风险研判: the colour changes (红 → 黄 → 蓝, or up), with the reason, on the timeline."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "rerate")
    reason = _text(reason, "研判理由", "reason")
    level = _risk_level(risk_level)
    old, old_rank = d.risk_level.code, d.risk_level.rank
    if level.code == old:
        raise ApplicationError("same_risk_level", f"当前已是{level.name}", fields={"risk_level": "未改变"})
    d.risk_level = level
    at = now()
    TABLE.commit(d, t, fields=["risk_level"], at=at,
                 event=lambda from_state: events.rerated(d, actor=actor, old_level=old, new_level=level.code,
                                                         reason=reason, at=at))
    if level.rank > old_rank:  # rated up: reported as the new colour asks
        _report_up(d, at)
    return d


@transaction.atomic
def dispute_extend(*, dispute: Dispute, actor, days: int, reason: str) -> Dispute:
    """延期 with both parties' consent (the reason says so)."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "extend")
    reason = _text(reason, "延期理由(须经双方当事人同意)", "reason")
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ApplicationError("invalid_days", f"延长天数应为1至{MAX_EXTENSION_DAYS}天", fields={"days": "取值无效"})
    if d.extension_days + days > MAX_EXTENSION_DAYS:
        raise ApplicationError("extension_limit", f"累计延长不能超过{MAX_EXTENSION_DAYS}天", fields={"days": "超过上限"})
    TABLE.commit(d, t, effect_params={"days": days}, event=_logged(d, actor, "extend", note=reason, data={"days": days}))
    return d


def _amount(amount) -> Decimal | None:
    if amount in (None, ""):
        return None
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ApplicationError("invalid_amount", "金额应为数字", fields={"amount": "应为数字"}) from None
    if value < 0 or value >= Decimal("1e12"):
        raise ApplicationError("invalid_amount", "金额超出范围", fields={"amount": "超出范围"})
    return value


@transaction.atomic
def dispute_agree(*, dispute: Dispute, actor, kind: str, content: str, amount=None, duties: str = "",
                  prevented_crime: bool = False, prevented_petition: bool = False) -> Dispute:
    """达成协议: written (协议书, art. 29) or oral (口头协议登记); the amount and what it prevented (防止民转刑,
    防止群体性上访) for the monthly report."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "agree")
    if kind not in ("written", "oral"):
        raise ApplicationError("invalid_agreement_kind", "协议形式应为书面或口头", fields={"kind": "取值无效"})
    content = _text(content, "协议内容、履行方式和期限", "content")
    value = _amount(amount)
    d.agreement_kind, d.agreement_amount, d.agreed_at, d.resolved = kind, value, now(), True
    d.prevented_crime, d.prevented_petition = bool(prevented_crime), bool(prevented_petition)
    TABLE.commit(d, t, fields=["agreement_kind", "agreement_amount", "agreed_at", "resolved", "prevented_crime",
                               "prevented_petition"], at=d.agreed_at,
                 event=_logged(d, actor, "agree", note=content,
                               data={"kind": kind, "amount": str(value) if value is not None else None,
                                     "duties": (duties or "").strip()[:2000],
                                     "prevented_crime": d.prevented_crime,
                                     "prevented_petition": d.prevented_petition}))
    return d


@transaction.atomic
def dispute_fail(*, dispute: Dispute, actor, reason: str, may_escalate: bool = False) -> Dispute:
    """调解未成: the parties are told of litigation and the other channels; where it may escalate, the town's center
    and police station are told at once (人民调解工作若干规定 art. 37), and the timeline names them."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "fail")
    reason = _text(reason, "未成原因及告知的其他途径", "reason")
    d.resolved, d.closed_at = False, now()
    told = _units_to_tell(d, district=False, police=True) if may_escalate else []
    TABLE.commit(d, t, fields=["resolved", "closed_at"], at=d.closed_at,
                 event=_logged(d, actor, "fail", note=reason,
                               data={"may_escalate": bool(may_escalate), "told": [u.pk for u in told]}))
    if told:
        _tell(told, f"【调解未成,可能激化】{d.title}", d)
    return d


@transaction.atomic
def dispute_hand_over(*, dispute: Dispute, actor, to: str, reason: str, receipt: str = "") -> Dispute:
    """移交 to a court, the police or the petition office (诉调/警调/访调对接), with their receipt."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "hand_over")
    if to not in ("court", "police", "petition"):
        raise ApplicationError("invalid_hand_over", "请选择移交的机关", fields={"to": "取值无效"})
    reason = _text(reason, "移交原因", "reason")
    d.handed_to, d.closed_at = to, now()
    TABLE.commit(d, t, fields=["handed_to", "closed_at"], at=d.closed_at,
                 event=_logged(d, actor, "hand_over", note=reason, data={"to": to, "receipt": (receipt or "")[:64]}))
    return d


@transaction.atomic
def dispute_record_performance(*, dispute: Dispute, actor, note: str = "") -> Dispute:
    """履行情况 (收条, 汇款单…) of an agreement."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "record_performance")
    TABLE.commit(d, t, event=_logged(d, actor, "record_performance", note=_text(note, "履行情况", "note")))
    return d


@transaction.atomic
def dispute_follow_up(*, dispute: Dispute, actor, note: str, performed: bool = False) -> Dispute:
    """回访 and 结案: whether the agreement was carried out."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "follow_up")
    note = _text(note, "回访情况", "note")
    d.closed_at = now()
    TABLE.commit(d, t, fields=["closed_at"], at=d.closed_at,
                 event=_logged(d, actor, "follow_up", note=note, data={"performed": bool(performed)}))
    return d


@transaction.atomic
def dispute_record_confirmation(*, dispute: Dispute, actor, court: str, result: str, note: str = "") -> Dispute:
    """司法确认 (art. 33): which court, and whether it confirmed the written agreement."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "record_confirmation")
    court = _text(court, "人民法院", "court")
    if result not in ("confirmed", "refused"):
        raise ApplicationError("invalid_result", "请选择确认结果", fields={"result": "取值无效"})
    d.judicial_confirmation = result
    TABLE.commit(d, t, fields=["judicial_confirmation"],
                 event=_logged(d, actor, "record_confirmation", note=note, data={"court": court[:100], "result": result}))
    return d


@transaction.atomic
def dispute_relay(*, dispute: Dispute, actor, to: str, note: str, receipt: str = "") -> Dispute:
    """一窗受理: the county center's window passes the 诉求 to a stationed office (调裁审检), or on from one office
    to the next, with the receipt and what the last one did; the first such step is its 受理."""
    d = _lock(dispute)
    t = TABLE.check(actor, d, "relay")
    if to not in Station.values:
        raise ApplicationError("invalid_station", "请选择入驻单位", fields={"to": "取值无效"})
    if to == d.station:
        raise ApplicationError("same_station", f"该纠纷已由{d.get_station_display()}承办", status=409,
                               fields={"to": "未改变"})
    note = _text(note, "转办理由及前一环节办理情况", "note")
    at = now()
    previous = d.station
    d.window, d.station, d.station_since = True, to, at
    d.accepted_at = d.accepted_at or at
    TABLE.commit(d, t, fields=["window", "station", "station_since", "accepted_at"], at=at,
                 event=_logged(d, actor, "relay", note=note,
                               data={"from": previous, "to": to, "receipt": (receipt or "").strip()[:64]}))
    return d


@transaction.atomic
def dispute_station_close(*, dispute: Dispute, actor, outcome: str, note: str, amount=None) -> Dispute:
    """入驻单位办结: the office that has it concludes it — settled by mediation there (化解, counted as an
    agreement), or by an arbitral award, a judgment, the procuratorate, a petition answer."""
    from gridgov.mediation.workflow import STATION_OUTCOMES

    d = _lock(dispute)
    t = TABLE.check(actor, d, "station_close")
    if outcome not in dict(STATION_OUTCOMES):
        raise ApplicationError("invalid_outcome", "请选择办结方式", fields={"outcome": "取值无效"})
    note = _text(note, "办理结果", "note")
    value = _amount(amount)
    d.closed_at = now()
    d.resolved = outcome == "mediated"
    fields = ["closed_at", "resolved"]
    if d.resolved:
        d.agreed_at, d.agreement_amount = d.closed_at, value
        fields += ["agreed_at", "agreement_amount"]
    TABLE.commit(d, t, fields=fields, at=d.closed_at,
                 event=_logged(d, actor, "station_close", note=note,
                               data={"station": d.station, "outcome": outcome,
                                     "amount": str(value) if value is not None else None}))
    return d


# The service of each row of the table, called with the row's fields by name.
ACTION_SERVICES: dict[str, Callable[..., Dispute]] = {
    "accept": dispute_accept, "reject": dispute_reject, "start": dispute_start,
    "attach": dispute_attach, "record_investigation": dispute_record_investigation,
    "consult": dispute_consult, "record_session": dispute_record_session, "rerate": dispute_rerate,
    "extend": dispute_extend,
    "agree": dispute_agree, "fail": dispute_fail, "hand_over": dispute_hand_over,
    "record_performance": dispute_record_performance, "follow_up": dispute_follow_up,
    "record_confirmation": dispute_record_confirmation, "relay": dispute_relay,
    "station_close": dispute_station_close,
}

__all__ = ["ACTION_SERVICES", "State", "dispute_from_case", "dispute_register"]
