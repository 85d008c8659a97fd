import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.idcard import birth_date_of, mask_id_number, mask_phone, normalize_id_number, sex_of, validate_id_number

VALID = "11010519491231002X"  # the standard's own example (GB 11643-1999)


@pytest.mark.parametrize(
    "raw, normalised",
    [
        (VALID, VALID),
        ("11010519491231002x", VALID),
        ("１１０１０５１９４９１２３１００２Ｘ", VALID),
        ("110105 19491231 002x", VALID),
        ("110105-19491231-002X", VALID),
    ],
)
def test_id_numbers_are_normalised_before_checking(raw, normalised):
    value = normalize_id_number(raw)
    assert value == normalised
    validate_id_number(value)


@pytest.mark.parametrize(
    "value, code, message_part",
    [
        ("110105194912310021", "check_digit", "校验位"),
        ("110105194902300026", "birth_date", "出生日期"),
        ("110105194913310028", "birth_date", "出生日期"),
        ("110105209912310023", "birth_date", "不能晚于今天"),
        ("110105491231002", "old_format", "15位"),
        ("11010519491231002", "format", "18位"),
        ("1101051949123100AX", "format", "18位"),
        ("990105194912310020", "region", "地区代码"),
    ],
)
def test_invalid_id_numbers_are_refused_with_a_chinese_reason(value, code, message_part):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(value, today=datetime.date(2026, 11, 30))
    assert caught.value.code == code
    assert message_part in caught.value.messages[0]


def test_birth_date_and_sex_are_read_from_the_id_number():
    assert birth_date_of(VALID) == datetime.date(1949, 12, 31)
    assert sex_of(VALID) == "F"
    assert sex_of("110105194912310010"[:17] + "0") == "M"


def test_masking_keeps_the_region_and_the_last_four_characters():
    assert mask_id_number("53252619800101123X") == "532526********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == ""
