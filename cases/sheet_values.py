"""Cell values of the townships' sheets read as people typed them: ID numbers Excel turned into
numbers, full-width digits and stray spaces, dates as Excel dates or as 2023.5.1 / 2023-5-1 /
2023年5月1日 / 2023/05/01, money as 1,200 or 1200元, choices as their Chinese labels with small
variations (男/男性, 户主/本人). Each reader returns the value to store or raises CellError with
the reason in Chinese; the import names the row and column."""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .idcard import normalize_id_number, validate_id_number
from .money import normalize_yuan


class CellError(ValueError):
    """A value that cannot be read: ``message`` says why, in Chinese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, *, max_length=None):
    """A text cell: trimmed, full-width spaces out; a formula is refused (it is not what was typed)."""
    if is_blank(value):
        return ""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).replace("\u3000", " ").strip()
    if result.startswith("="):
        raise CellError(_("单元格里是公式，请改为直接填写内容。"))
    if max_length and len(result) > max_length:
        raise CellError(_("内容太长（最多%(n)s个字）。") % {"n": max_length})
    return result


def id_number(value):
    """An ID number as text. One that Excel stored as a number has already lost its last digits
    (Excel keeps 15 significant digits): it cannot be recovered from the cell, only retyped."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(_(
            "身份证号被Excel存成了数字，后几位已经丢失，无法恢复。请在Excel中把该列设置为“文本”格式"
            "（或在号码前加英文单引号 '），再按原始证件重新输入这些身份证号。"
        ))
    raw = text(value)
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", raw):
        raise CellError(_(
            "身份证号显示为科学计数法（如5.32526E+17），后几位已经丢失。请把该列设置为“文本”格式后按原始证件重新输入。"
        ))
    number = normalize_id_number(raw)
    if number:
        try:
            validate_id_number(number)
        except ValidationError as error:
            raise CellError(error.messages[0]) from None
    return number


_DATE_TEXT = re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?")
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def date(value):
    """A date: an Excel date cell, an Excel serial number, or text such as 2023.5.1, 2023-5-1,
    2023年5月1日, 2023/05/01 or 20230501. None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # a date cell that lost its date format shows its serial number (45047 is 2023-05-01)
        if 20000 <= value <= 80000:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("日期格式不正确，请填写如 2023-05-01。"))
    raw = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TEXT.fullmatch(raw) or _DATE_DIGITS.fullmatch(raw)
    if not match:
        raise CellError(_("日期格式不正确，请填写如 2023-05-01、2023.5.1 或 2023年5月1日。"))
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(_("不是一个真实的日期。")) from None


def money(value):
    """An amount in yuan as a Decimal (blank is zero): 1200, 1,200, 1200元, ¥1,200.50."""
    if is_blank(value):
        return Decimal("0.00")
    if isinstance(value, bool):
        raise CellError(_("请填写金额（元），如 1200 或 1,200。"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Excel's numbers are binary floats: their shortest decimal form is what was typed
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    plain = normalize_yuan(str(value))
    if plain is None:
        raise CellError(_("请填写金额（元），如 1200、1,200 或 1200元。"))
    try:
        amount = Decimal(plain or "0")
    except InvalidOperation:
        raise CellError(_("请填写金额（元），如 1200、1,200 或 1200元。")) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("金额最多精确到分（小数点后两位）。"))
    return amount


def decimal(value, *, places=2):
    """A plain number (an area): blank is None."""
    if is_blank(value):
        return None
    try:
        if isinstance(value, float):
            return Decimal(repr(value)).quantize(Decimal(10) ** -places)
        return Decimal(unicodedata.normalize("NFKC", str(value)).strip().rstrip("㎡平方米m²"))
    except InvalidOperation:
        raise CellError(_("请填写数字。")) from None


def whole_number(value):
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raw = unicodedata.normalize("NFKC", str(value)).strip().rstrip("年")
    if not raw.isdigit():
        raise CellError(_("请填写整数，如 2024。"))
    return int(raw)


def _choice_key(value):
    return re.sub(r"[\s()（）/、,，]", "", unicodedata.normalize("NFKC", str(value))).lower()


class Choices:
    """A choice column read by its Chinese label (or stored value), with the variations people
    type: ``aliases`` maps extra spellings to a value; a text that contains exactly one label,
    or is contained in exactly one, is that label."""

    def __init__(self, choices, aliases=None, *, default=""):
        self.labels = [(value, str(label)) for value, label in choices]
        self.default = default
        self.lookup = {}
        for value, label in self.labels:
            self.lookup[_choice_key(label)] = value
            self.lookup[_choice_key(value)] = value
        for alias, value in (aliases or {}).items():
            self.lookup[_choice_key(alias)] = value

    def __call__(self, value):
        if is_blank(value):
            return self.default
        key = _choice_key(value)
        if key in self.lookup:
            return self.lookup[key]
        near = {v for v, label in self.labels if _choice_key(label) in key or key in _choice_key(label)}
        if len(near) == 1:
            return near.pop()
        raise CellError(_("“%(value)s”不是可选的值；可填：%(labels)s。")
                        % {"value": str(value)[:30], "labels": "、".join(label for _v, label in self.labels)})

    def listed(self):
        return "、".join(label for _v, label in self.labels)


YES_NO = Choices([(True, "是"), (False, "否")], {"y": True, "n": False, "√": True, "×": False, "有": True, "无": False,
                                               "yes": True, "no": False, "1": True, "0": False}, default=False)
