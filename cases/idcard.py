"""Resident ID numbers (身份证号, GB 11643-1999): normalising, checking, reading, masking."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}


def normalize_id_number(value):
    """Full-width digits and letters to ASCII, spaces and dashes out, a lower-case x to X."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]", "", value).upper()


def check_char(first17):
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def birth_date_of(id_number):
    try:
        return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def sex_of(id_number):
    """"M" or "F": the 17th digit is odd for men, even for women."""
    return "M" if int(id_number[16]) % 2 else "F"


def validate_id_number(value, today=None):
    """Raises ValidationError with a Chinese message unless ``value`` (normalised) is a valid
    18-character resident ID number with a real, past birth date and the right check digit."""
    today = today or timezone.localdate()
    if re.fullmatch(r"\d{15}", value):
        raise ValidationError(_("这是15位的旧身份证号码，请填写18位的新身份证号码。"), code="old_format")
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(_("身份证号码应为18位：前17位是数字，最后一位是数字或X。"), code="format")
    if value[:2] not in _PROVINCES:
        raise ValidationError(_("身份证号码前两位的地区代码不存在。"), code="region")
    birth = birth_date_of(value)
    if birth is None:
        raise ValidationError(_("身份证号码中的出生日期（第7至14位）不是一个真实的日期。"), code="birth_date")
    if birth > today or birth.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期（第7至14位）不可能：不能晚于今天。"), code="birth_date")
    if check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对后重新输入。"), code="check_digit")


def mask_id_number(value):
    """532526198001011234 → 532526********1234."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value):
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * max(len(value) - 2, 0) + value[-2:]
