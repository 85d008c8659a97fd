"""Sensitive data: ID and phone numbers are masked unless the user may see them and asks to.

Every reveal is logged (SensitiveAccess: who, which dossier, through which channel). Pages, PDFs
and exports all decide through ``reveal``."""

import datetime
import re

from django.utils.translation import gettext_lazy as _

from .idcard import mask_id_number, mask_phone, normalize_id_number
from .models import SensitiveAccess


# where full numbers were seen, as the access log names it
CHANNELS = {
    "page": _("档案页"), "edit": _("编辑表单"), "pdf": _("档案表打印"), "export": _("花名册导出"), "admin": _("后台"),
}


def may_unmask(user):
    return user.has_perm("cases.view_sensitive")


def full_id_number(term):
    """True when a search term is a whole ID number (18 characters once normalised): the only ID
    search answered to users who may not see full numbers, as a part would confirm hidden digits."""
    return re.fullmatch(r"\d{17}[\dX]", normalize_id_number(term)) is not None


def reveal(request, household, channel):
    """True when the request asks for full numbers (``?unmask=1``) and the user may see them;
    the reveal is logged. False (masked) otherwise."""
    if request.GET.get("unmask") != "1" or not may_unmask(request.user):
        return False
    log_access(request.user, household, channel)
    return True


def log_access(user, household, channel, *, detail="", row_count=None):
    """Logs a reveal. One dossier's reveal is scoped to its node; a bulk one (``household`` None)
    to the user's own node, so that the center above him reads it."""
    node_id = household.node_id if household is not None else user.node_id
    limit = SensitiveAccess._meta.get_field("detail").max_length
    detail = detail if len(detail) <= limit else detail[: limit - 1] + "…"
    SensitiveAccess.objects.create(
        user=user, household=household, node_id=node_id, channel=channel, detail=detail, row_count=row_count
    )


def shown_id(value, unmasked):
    return value if unmasked else mask_id_number(value)


def shown_birth_date(value, unmasked):
    """A birth date as shown beside an ID number: in full (``1980-01-01``) only where the number
    is shown in full, else the year alone (``1980年``), because the masked digits of an ID number
    are exactly its birth date. Takes a date, a datetime or an ISO string; "" for none."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value if unmasked else ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat() if unmasked else f"{value.year}年"


def shown_phone(value, unmasked):
    return value if unmasked else mask_phone(value)


def shown_account(value, unmasked):
    """Bank accounts are masked like ID numbers: the bank's prefix and the last four digits."""
    return value if unmasked else mask_id_number(value)
