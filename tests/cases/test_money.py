"""cases/money.py on its own: the one rounding helper (half-up to the fen, never a float) and the
reading of an amount as people type it."""

from decimal import Decimal

import pytest
from django import forms

from cases.money import YuanField, normalize_yuan, to_fen


@pytest.mark.parametrize(
    "value, fen",
    [
        (Decimal("2.345"), "2.35"),  # half-up, where the bankers' rounding would give 2.34
        (Decimal("2.335"), "2.34"),
        (Decimal("2.3449"), "2.34"),
        (Decimal("-2.345"), "-2.35"),  # half away from zero
        (Decimal("0.005"), "0.01"),
        (Decimal("0.004"), "0.00"),
        ("266.666666", "266.67"),
        (7, "7.00"),
        ("1e3", "1000.00"),
    ],
)
def test_to_fen_rounds_half_up_to_two_places(value, fen):
    result = to_fen(value)
    assert result == Decimal(fen) and str(result) == fen


def test_to_fen_refuses_a_float():
    with pytest.raises(TypeError, match="never a float"):
        to_fen(0.1)


@pytest.mark.parametrize(
    "typed, plain",
    [
        ("6000", "6000"),
        ("6,000", "6000"),
        ("1,234,567.89", "1234567.89"),
        ("6000元", "6000"),
        ("6000元整", "6000"),
        ("300块", "300"),
        ("300块钱", "300"),
        ("¥6,000.50", "6000.50"),
        ("￥88", "88"),  # the full-width sign, as a Chinese keyboard types it
        ("RMB 120", "120"),
        ("人民币120元", "120"),
        ("６０００", "6000"),
        ("１，２００", "1200"),
        (" 6 000 ", "6000"),
        (".5", ".5"),
        ("-100", "-100"),  # read as typed; the model's bounds refuse it beside the field
        ("", ""),
        ("   ", ""),
        ("元", ""),
    ],
)
def test_normalize_yuan_reads_what_people_type(typed, plain):
    assert normalize_yuan(typed) == plain


@pytest.mark.parametrize("typed", ["6,00", "1,2,3", ",600", "六千", "6000美元", "12.3.4", "abc", "6 000元 整x", "--5"])
def test_normalize_yuan_says_none_when_it_is_not_an_amount(typed):
    assert normalize_yuan(typed) is None


@pytest.mark.parametrize(
    "typed, cleaned",
    [("6,000元", "6000"), ("", "0"), (None, "0"), ("0", "0"), ("12.50", "12.5"), (Decimal("12.5"), "12.5"), (3, "3")],
)
def test_the_yuan_field_cleans_to_a_decimal_and_blank_is_zero(typed, cleaned):
    value = YuanField().clean(typed)
    assert isinstance(value, Decimal) and value == Decimal(cleaned)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("六千", "请填写金额（元）"),
        ("6,00", "请填写金额（元）"),
        ("12.345", "最多精确到分"),
        ("12345678901", "金额太大"),
    ],
)
def test_the_yuan_field_refuses_in_chinese(typed, message):
    with pytest.raises(forms.ValidationError) as excinfo:
        YuanField().clean(typed)
    assert message in " ".join(excinfo.value.messages)


def test_the_yuan_field_shows_a_zero_blank_and_an_amount_as_it_is():
    field = YuanField()
    assert field.prepare_value(Decimal("0.00")) == "" and field.prepare_value(0) == ""
    assert field.prepare_value(Decimal("6000.50")) == Decimal("6000.50")
    assert field.prepare_value(False) is False  # a bool is no amount: not blanked as a zero


def test_the_yuan_field_is_a_text_box_for_decimals_and_never_required():
    field = YuanField()
    html = field.widget.render("income", "", attrs=field.widget_attrs(field.widget))
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'autocomplete="off"' in html
    assert not field.required
