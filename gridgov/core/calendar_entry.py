"""Entering a year's holiday arrangement (全年节假日安排) in one go, from the State Council notice as published
(国务院办公厅关于某年部分节假日安排的通知) or typed line by line:

    一、元旦:1月1日(周五)至3日(周日)放假调休,共3天。
    二、春节:2月6日(农历除夕、周六)至13日(农历正月初六、周六)放假调休,共8天。2月14日(周日)、2月20日(周六)上班。
    清明节 4月3日至5日
    劳动节 2027-05-01~2027-05-05;上班 2027-04-25、2027-05-08

One holiday per line: its name (before a colon or the first space), the days off (a date or a range: 1月1日至3日,
1月30日至2月2日, 2027-05-01~2027-05-05), and in a sentence or part that says 上班 the weekend days worked in exchange.
Parenthesised remarks (周五, 农历除夕) are ignored. Nothing is written unless every line is understood and the days
make sense (days off in the year, days worked on a Saturday or Sunday, no day both).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from gridgov.core.errors import ApplicationError
from gridgov.core.models import CalendarDay, CalendarYear, audit
from gridgov.core.workingtime import reset_calendar_cache

_FULL = r"(?:(?P<y>\d{4})\s*[年\-/.]\s*)?(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?"
_TOKEN = re.compile(rf"(?P<full>{_FULL})|(?P<day>(?P<dd>\d{{1,2}})\s*日)|(?P<to>至|到|~|\uff5e|\u2014|\u2013|-)")
_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|\d+\s*[、.．)]|[（(][一二三四五六七八九十\d]+[）)])\s*")
_REMARK = re.compile(r"[（(][^（）()]*[）)]")
MAX_RANGE_DAYS = 15
WEEKDAYS = "一二三四五六日"


def _dates(segment: str, year: int) -> list[dt.date]:
    """Every date a segment names, ranges expanded. ValueError (in Chinese) for what it cannot read."""
    out: list[dt.date] = []
    tokens = list(_TOKEN.finditer(segment))
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t["full"] is None:
            if t["day"] is not None:
                raise ValueError(f"「{t['day']}」前面缺少月份")
            i += 1  # a stray dash: not a date
            continue
        start = _date(int(t["y"] or year), int(t["m"]), int(t["d"]), t["full"])
        end = start
        if i + 2 < len(tokens) and tokens[i + 1]["to"] is not None and tokens[i + 2]["to"] is None:
            nxt = tokens[i + 2]
            if nxt["full"] is not None:
                end = _date(int(nxt["y"] or start.year), int(nxt["m"]), int(nxt["d"]), nxt["full"])
            else:
                end = _date(start.year, start.month, int(nxt["dd"]), f"{start.month}月{nxt['dd']}日")
            i += 2
        if end < start:
            raise ValueError(f"{start:%-m月%-d日}至{end:%-m月%-d日}:结束早于开始")
        if (end - start).days >= MAX_RANGE_DAYS:
            raise ValueError(f"{start:%-m月%-d日}至{end:%-m月%-d日}:超过{MAX_RANGE_DAYS}天,请检查")
        out += [start + dt.timedelta(days=k) for k in range((end - start).days + 1)]
        i += 1
    return out


def _date(y: int, m: int, d: int, text: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"「{text.strip()}」不是有效日期") from None


def parse_arrangement(year: int, text: str) -> tuple[list[tuple[dt.date, str, str]], list[dict]]:
    """(days, errors): days as (date, kind, name) sorted by date; errors as {"row", "reason"} by line number."""
    days: dict[dt.date, tuple[str, str]] = {}
    errors: list[dict] = []
    for row, raw in enumerate((text or "").splitlines(), start=1):
        line = _REMARK.sub("", _NUMBERING.sub("", raw.strip()))
        line = line.replace("\uff1a", ":").replace("\u3000", " ").strip()
        tokens = list(_TOKEN.finditer(line))
        if not any(t["full"] for t in tokens) and not any(t["day"] for t in tokens):
            continue  # prose: the notice's title, preamble and closing words
        name, sep, rest = line.partition(":")
        if not sep:
            name, _, rest = line.partition(" ")
        name, rest = name.strip()[:40], rest.strip()
        first = _TOKEN.match(rest) if rest else None
        compact = first is not None and first["full"] is not None
        if not ("放假" in line or "上班" in line or compact):
            continue  # a dated line that arranges nothing (the notice's date of issue)
        if not name or not rest or any(t["full"] for t in _TOKEN.finditer(name)):
            errors.append({"row": row, "reason": "应为「节日名称:放假日期」,如「元旦:1月1日至3日」"})
            continue
        off: list[dt.date] = []
        work: list[dt.date] = []
        try:
            for segment in re.split("[\u3002;\uff1b]", rest):
                (work if "上班" in segment else off).extend(_dates(segment, year))
        except ValueError as exc:
            errors.append({"row": row, "reason": f"{name}:{exc}"})
            continue
        if not off:
            errors.append({"row": row, "reason": f"{name}:没有找到放假日期"})
            continue
        problems = []
        for d in off:
            if d.year != year:
                problems.append(f"放假日期 {d:%Y-%m-%d} 不在{year}年")
        for d in work:
            if abs((d - dt.date(year, 1, 1)).days) > 400 or d.year not in (year - 1, year, year + 1):
                problems.append(f"调休上班日 {d:%Y-%m-%d} 离{year}年太远")
            elif d.weekday() < 5:
                problems.append(f"调休上班日 {d:%Y-%m-%d} 是周{WEEKDAYS[d.weekday()]},应为周六或周日")
        for d, kind, label in [(d, "holiday", name) for d in off] + [(d, "workday", f"{name}调休上班") for d in work]:
            seen = days.get(d)
            if seen is not None and seen[0] != kind:
                problems.append(f"{d:%Y-%m-%d} 既是放假日又是上班日")
            days.setdefault(d, (kind, label))
        if problems:
            errors.append({"row": row, "reason": f"{name}:" + ";".join(dict.fromkeys(problems))})
    if not days and not errors:
        errors.append({"row": 0, "reason": "没有填写任何节假日安排"})
    return sorted((d, k, n) for d, (k, n) in days.items()), errors


def calendar_year_enter(*, actor, year: int, source: str, text: str, replace: bool = False,
                        dry_run: bool = False) -> dict:
    """Check the arrangement and, unless `dry_run` or anything is wrong, write the year and its days in one
    transaction (audited; deadlines waiting for the year are filled in by the next sweep). With `replace`, a year
    entered before has its days in that year replaced. Returns {"days", "errors", "written"}."""
    if not 2000 <= int(year) <= 2100:
        raise ApplicationError("invalid_year", "年份应在2000至2100之间", fields={"year": "取值无效"})
    source = (source or "").strip()
    if not source:
        raise ApplicationError("source_required", "请填写来源(如国务院办公厅通知文号)", fields={"source": "必填"})
    days, errors = parse_arrangement(year, text)
    existing = CalendarYear.objects.filter(year=year).first()
    if existing and not replace:
        errors.insert(0, {"row": 0, "reason": f"{year}年已录入(来源:{existing.source});如需重录请勾选「覆盖已录入的安排」"})
    result = {"days": days, "errors": errors, "written": False}
    if errors or dry_run:
        return result
    with transaction.atomic():
        removed = 0
        if existing:
            removed, _ = CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.filter(date__in=[d for d, _, _ in days]).delete()  # an adjacent year's 调休 day moved here
        CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name=n) for d, k, n in days])
        CalendarYear.objects.update_or_create(year=year, defaults={"source": source[:100]})
        audit(actor=actor, action="calendar.enter", object_type="core.calendaryear", object_id=str(year),
              object_repr=f"{year}年", detail={"source": source, "holidays": sum(k == "holiday" for _, k, _ in days),
                                               "workdays": sum(k == "workday" for _, k, _ in days),
                                               "replaced_days": removed})
        transaction.on_commit(reset_calendar_cache)
    reset_calendar_cache()
    result["written"] = True
    return result
