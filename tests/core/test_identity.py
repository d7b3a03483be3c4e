"""身份证号 (GB 11643), 统一社会信用代码 and mobile numbers: validation, derivation and masking."""

import datetime as dt

import pytest

from gridgov.core import pii
from gridgov.core.identity import parse_id_number, validate_mobile, validate_uscc


def test_valid_id_number_derives_birth_gender_region():
    info = parse_id_number("11010519491231002x")
    assert info.number == "11010519491231002X"
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.gender == "female"
    assert info.region_code == "110105"
    assert parse_id_number("110105199003070017").gender == "male"


@pytest.mark.parametrize("value,reason", [
    ("", "不能为空"),
    ("11010519491231002", "18位"),
    ("110105194912310021", "校验位"),
    ("1101051949123100AX", "格式"),
    ("110105194913310021", "出生日期"),
    ("000000199003070014", "行政区划"),
])
def test_invalid_id_numbers_are_refused_with_a_reason(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_id_number(value)


def test_future_birth_date_is_refused():
    from stdnum.cn import ric

    body = "11010520991231001"
    with pytest.raises(ValueError, match="晚于今天"):
        parse_id_number(body + ric.calc_check_digit(body + "0"))


def test_uscc():
    assert validate_uscc("91110000600037341l".upper()) == "91110000600037341L"
    with pytest.raises(ValueError, match="校验位"):
        validate_uscc("91110000600037341M")
    with pytest.raises(ValueError, match="18位"):
        validate_uscc("9111000060003734")


def test_mobile():
    assert validate_mobile("+86 138-0013-8000") == "13800138000"
    with pytest.raises(ValueError, match="11位"):
        validate_mobile("1234567")


def test_masking():
    assert pii.mask("id_number", "11010519491231002X") == "1101**********002X"
    assert pii.mask("phone", "13812345678") == "138****5678"
    assert pii.mask_from_last4("phone", "5678").endswith("5678")
    assert pii.mask("phone", "") == ""
