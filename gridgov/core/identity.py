"""Validation of Chinese identifiers: 公民身份号码 (GB 11643) and the other identity documents a resident may
hold (passports, 港澳/台湾 travel permits, 港澳台居民居住证, 外国人永久居留身份证), 统一社会信用代码 (GB 32100),
mobile numbers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: dt.date
    gender: str  # "male" / "female", from the sequence digit
    region_code: str  # the 6-digit address code


def parse_id_number(value: str) -> IdNumberInfo:
    """Validate an 18-digit 身份证号 and derive birth date, gender and region; ValueError in Chinese."""
    number = (value or "").strip().upper()
    if not number:
        raise ValueError("身份证号不能为空")
    number = ric.compact(number)
    if len(number) != 18:
        raise ValueError("身份证号应为18位(不再接受15位旧号)")
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise ValueError("身份证号格式不正确(前17位应为数字,末位为数字或X)")
    if number[-1] != ric.calc_check_digit(number):
        raise ValueError("身份证号校验位不正确")
    try:
        ric.get_birth_date(number)
    except ValidationError:
        raise ValueError("身份证号中的出生日期无效")
    try:
        ric.get_birth_place(number)
    except ValidationError:
        raise ValueError("身份证号前6位不是有效的行政区划代码")
    birth = ric.get_birth_date(number)
    if birth > dt.date.today():  # noqa: DTZ011 - a calendar date, not a moment
        raise ValueError("身份证号中的出生日期晚于今天")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return IdNumberInfo(number=number, birth_date=birth, gender=gender, region_code=number[:6])


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    RESIDENCE_PERMIT = "residence_permit", "港澳台居民居住证"
    HK_MACAO_PERMIT = "hk_macao_permit", "港澳居民来往内地通行证"
    TAIWAN_PERMIT = "taiwan_permit", "台湾居民来往大陆通行证"
    FOREIGN_PERMANENT = "foreign_permanent", "外国人永久居留身份证"
    PASSPORT = "passport", "护照"


@dataclass(frozen=True)
class IdDocument:
    id_type: str
    number: str
    birth_date: dt.date | None  # derived where the number carries it (身份证号 and its like)
    gender: str | None


def _gb11643_body(number: str, label: str) -> dt.date:
    """Check digit and birth date of an 18-character number built like a 身份证号; returns the birth date."""
    if len(number) != 18 or not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise ValueError(f"{label}应为18位(前17位为数字,末位为数字或X)")
    if number[-1] != ric.calc_check_digit(number):
        raise ValueError(f"{label}校验位不正确")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(f"{label}中的出生日期无效")
    if birth > dt.date.today():  # noqa: DTZ011 - a calendar date, not a moment
        raise ValueError(f"{label}中的出生日期晚于今天")
    return birth


_PATTERNS = {
    IdType.HK_MACAO_PERMIT: (re.compile(r"^[HM]\d{8}(\d{2})?$"), "港澳居民来往内地通行证号码应为H或M加8位或10位数字"),
    IdType.TAIWAN_PERMIT: (re.compile(r"^\d{8}(\d{2})?$"), "台湾居民来往大陆通行证号码应为8位或10位数字"),
    IdType.PASSPORT: (re.compile(r"^[A-Z0-9]{5,17}$"), "护照号码应为5–17位字母或数字"),
}


def parse_id_document(id_type: str, value: str) -> IdDocument:
    """Validate the number of any identity document a resident may hold; ValueError with a Chinese reason."""
    id_type = id_type or IdType.RESIDENT_ID
    if id_type not in IdType.values:
        raise ValueError("证件类型无效")
    label = IdType(id_type).label
    number = re.sub(r"[\s\-]", "", (value or "")).upper()
    if not number:
        raise ValueError(f"{'身份证号' if id_type == IdType.RESIDENT_ID else label + '号码'}不能为空")
    if id_type == IdType.RESIDENT_ID:
        info = parse_id_number(number)
        return IdDocument(id_type, info.number, info.birth_date, info.gender)
    if id_type == IdType.RESIDENCE_PERMIT:
        if number[:6] not in ("810000", "820000", "830000"):
            raise ValueError("港澳台居民居住证号码应以810000(香港)、820000(澳门)或830000(台湾)开头")
        birth = _gb11643_body(number, "居住证号码")
        return IdDocument(id_type, number, birth, "male" if int(number[16]) % 2 else "female")
    if id_type == IdType.FOREIGN_PERMANENT:
        if re.fullmatch(r"[A-Z]{3}\d{12}", number):  # the 2004 card: country code + 12 digits
            return IdDocument(id_type, number, None, None)
        if not number.startswith("9"):
            raise ValueError("外国人永久居留身份证号码应为15位(3位字母加12位数字)或以9开头的18位")
        birth = _gb11643_body(number, "永久居留身份证号码")
        return IdDocument(id_type, number, birth, "male" if int(number[16]) % 2 else "female")
    pattern, reason = _PATTERNS[IdType(id_type)]
    if not pattern.fullmatch(number):
        raise ValueError(reason)
    return IdDocument(id_type, number, None, None)


def id_hash_kind(id_type: str) -> str:
    """The kind under which a document number is hashed: 身份证号 as before, other documents apart, so that
    equal numbers of different documents never match."""
    return "id_number" if not id_type or id_type == IdType.RESIDENT_ID else f"id_number:{id_type}"


def validate_uscc(value: str) -> str:
    """Validate an 18-character 统一社会信用代码; ValueError with a Chinese reason."""
    code = (value or "").strip().upper()
    if not code:
        raise ValueError("统一社会信用代码不能为空")
    try:
        return uscc.validate(code)
    except InvalidLength:
        raise ValueError("统一社会信用代码应为18位")
    except InvalidChecksum:
        raise ValueError("统一社会信用代码校验位不正确")
    except (InvalidFormat, InvalidComponent, ValidationError):
        raise ValueError("统一社会信用代码格式不正确")


def validate_mobile(value: str) -> str:
    from gridgov.core.pii import normalize

    number = normalize("phone", value)
    if not MOBILE_RE.match(number):
        raise ValueError("手机号应为以1开头的11位数字")
    return number
