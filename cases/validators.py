"""Bounds on what a person can really type into a dossier: each refuses, in Chinese, the value
that cannot be true (a ten-billion income, a household of 30,000, a year 2099, a name that is only
an invisible character), so that it is never stored."""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# the first year an enrolment can belong to, and the first year of hardship dossiers (the national
# union's 送温暖工程 and the first dossiers date from the mid-1990s)
FIRST_YEAR = 1950
FIRST_FILING_YEAR = 1995
# a household is its listed members; a household larger than this is a typing error
MAX_HOUSEHOLD_SIZE = 20
# a hardship worker's or family member's income per month, and any yearly amount of the form
MAX_MONTHLY_INCOME = Decimal("100000.00")
MAX_YEARLY_AMOUNT = Decimal("2000000.00")
# free text of an opinion, finding or remark: a long page of a paper form
TEXT_MAX = 2000

# letters of any script, the middle dots of transcribed minority names (阿依古丽·买买提) and spaces
_NAME_PUNCTUATION = "·•・‧.． "


def validate_person_name(value):
    """A person's name: letters (any script) with a middle dot or a space between them, nothing
    invisible (format or control characters such as a right-to-left mark)."""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") for ch in value):
        raise ValidationError(_("姓名中含有不可见的控制字符，请重新输入。"), code="invisible")
    stripped = value.strip()
    if not stripped or not any(unicodedata.category(ch).startswith("L") for ch in stripped):
        raise ValidationError(_("请填写姓名。"), code="blank")
    if any(not unicodedata.category(ch).startswith("L") and ch not in _NAME_PUNCTUATION for ch in stripped):
        raise ValidationError(_("姓名只能由文字组成（少数民族姓名可用“·”分隔）。"), code="characters")


_PHONE = re.compile(r"\+?[\d\- ()]+")


def validate_phone(value):
    """A mobile or landline number: digits with the usual + - ( ) and spaces, 7 to 20 digits."""
    digits = re.sub(r"\D", "", value)
    if not _PHONE.fullmatch(value) or not 7 <= len(digits) <= 20:
        raise ValidationError(_("电话号码只能填写数字（可带区号和“-”），如 13812345678 或 0873-6123456。"),
                              code="phone")


def validate_bank_account(value):
    """A bank card or account number: 8 to 32 digits (spaces are taken out before saving)."""
    if not re.fullmatch(r"\d{8,32}", value):
        raise ValidationError(_("银行账号只能是8至32位数字。"), code="bank_account")


def validate_not_future(value):
    if value > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"), code="future")


def validate_since_first_year(value):
    year = value.year if isinstance(value, datetime.date) else value
    if year < FIRST_YEAR:
        raise ValidationError(_("年份不能早于%(year)s年。") % {"year": FIRST_YEAR}, code="too_early")


def validate_filing_date(value):
    if value.year < FIRST_FILING_YEAR:
        raise ValidationError(_("建档日期不能早于%(year)s年。") % {"year": FIRST_FILING_YEAR}, code="too_early")
    validate_not_future(value)


def validate_not_after_this_year(value):
    if value > timezone.localdate().year:
        raise ValidationError(_("年度不能晚于今年。"), code="future")


def validate_year_not_future(value):
    if value > timezone.localdate().year + 1:
        raise ValidationError(_("年份不能晚于明年。"), code="future")
