"""Money: Decimal to the fen, rounded half-up, the one rounding helper of the project; the form
field that reads an amount as people type it."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_fen(value):
    """Rounds ``value`` (Decimal, int or str; never a float) half-up to the fen."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal or a string")
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def fen_of(value):
    """An amount in yuan (Decimal, int or str) as whole fen, rounded half-up: how balances and
    ledger amounts are stored (integer arithmetic is exact on every database)."""
    return int(to_fen(value) * 100)


def yuan(fen):
    """Whole fen as the Decimal yuan amount shown to people (two decimals)."""
    return (Decimal(int(fen)) / 100).quantize(FEN)


# what people write around an amount: a currency sign before it, 元 or 块 after it
_YUAN_AROUND = re.compile(r"^(?:¥|RMB|人民币)|(?:元整|元|块钱|块)$", re.IGNORECASE)
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")


def normalize_yuan(text):
    """An amount as people type it (``6000``, ``6,000``, ``6000元``, ``６０００``, ``¥6,000.50``) as
    the plain number it means (``"6000.50"``); ``""`` for a blank; None when it is not an amount.
    static/js/household_form.js reads amounts the same way for the live computation."""
    value = re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).replace("，", ",")
    value = _YUAN_AROUND.sub("", value)
    if "," in value:
        # a comma only as a thousands separator: 6,000 but never 6,00 or 1,2,3
        if not _GROUPED.fullmatch(value):
            return None
        value = value.replace(",", "")
    if value == "":
        return ""
    return value if _PLAIN.fullmatch(value) else None


class YuanField(forms.DecimalField):
    """A money input in yuan, to the fen: a text box (a number box cannot hold "6,000") that reads
    what people type (see normalize_yuan), where blank means zero and a zero shows blank.
    The model field's own validators (bounds, not negative) still apply on the model's clean."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("请填写金额（元），如 6000、6,000 或 6000.50。"),
        "max_decimal_places": _("金额最多精确到分（小数点后两位）。"),
        "max_digits": _("金额太大，请核对（单位是元）。"),
        "max_whole_digits": _("金额太大，请核对（单位是元）。"),
    }

    def __init__(self, **kwargs):
        kwargs["required"] = False
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_yuan(value)
            if value is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if value in self.empty_values:
            return ZERO
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool) and value == 0:
            return ""
        return super().prepare_value(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs
