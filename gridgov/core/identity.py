"""Validation of Chinese identifiers: 公民身份号码 (GB 11643), 统一社会信用代码 (GB 32100), mobile numbers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

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
