"""Sensitive data: ID numbers, birth dates, phone numbers and bank accounts are masked unless the
user may see them and asks to.

Which fields are sensitive, and how each is shown, is declared once, below, in the project's
registry (``network.sensitive.SENSITIVE``; importing it from here makes sure the dossier's fields
are in it): the admin, the history, the exports and the template tags read it. Every reveal is logged (SensitiveAccess: who, which dossier, through which channel);
pages, PDFs and exports decide through ``reveal``."""

import datetime
import re
from operator import attrgetter

from django.utils.translation import gettext_lazy as _

from network import audit
from network.models import AuditAction
from network.sensitive import SENSITIVE, Display

from .idcard import mask_id_number, mask_phone, normalize_id_number
from .models import Household, Member, RevealChannel, SensitiveAccess

PERMISSION = "cases.view_sensitive"


def may_unmask(user):
    return user.has_perm(PERMISSION)


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


# the channels whose view writes its own audit entry (the export, naming full numbers in it)
EXPORTED = {RevealChannel.PDF, RevealChannel.EXPORT}


def log_access(user, household, channel, *, detail="", row_count=None):
    """Logs a reveal. One dossier's reveal is scoped to its node; a bulk one (``household`` None)
    to the user's own node, so that the center above him reads it."""
    node_id = household.node_id if household is not None else user.node_id
    limit = SensitiveAccess._meta.get_field("detail").max_length
    detail = detail if len(detail) <= limit else detail[: limit - 1] + "…"
    SensitiveAccess.objects.create(
        user=user, household=household, node_id=node_id, channel=channel, detail=detail, row_count=row_count
    )
    if channel not in EXPORTED:
        # a printed or exported copy is audited once, as the export, by its view
        audit.record(user, AuditAction.REVEAL, household, detail=RevealChannel(channel).label)


def log_admin_reveal(user, household):
    """The back office showed ``household``'s numbers (or its members') in full to ``user``."""
    log_access(user, household, RevealChannel.ADMIN)


def _as_date(value):
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return value.date() if isinstance(value, datetime.datetime) else value


def _birth_year(value):
    # the masked digits of an ID number are exactly its birth date: beside a masked number, the year alone
    date = _as_date(value) if value else None
    return f"{date.year}年" if date else ""


def _birth_date(value):
    if not value:
        return ""
    date = _as_date(value)
    return date.isoformat() if date else value


# how each kind of number is shown; bank accounts are masked like ID numbers (the bank's prefix
# and the last four digits)
ID_NUMBER = Display(mask_id_number)
BIRTH_DATE = Display(_birth_year, full=_birth_date, label=_("出生年份"))
PHONE = Display(mask_phone)
BANK_ACCOUNT = Display(mask_id_number)

SENSITIVE.register(
    Household, {"phone": PHONE, "bank_account": BANK_ACCOUNT, "head_id_number": ID_NUMBER, "head_phone": PHONE},
    permission=PERMISSION, log_reveal=log_admin_reveal,
)
SENSITIVE.register(
    Member, {"id_number": ID_NUMBER, "birth_date": BIRTH_DATE, "phone": PHONE},
    permission=PERMISSION, log_reveal=log_admin_reveal, owner=attrgetter("household"),
)


def shown(model, field, value, unmasked):
    """``value`` of ``model.field`` as the registry shows it: in full only when ``unmasked``."""
    return SENSITIVE.show(model, field, value if value is not None else "", unmasked)


def masked(model, field, value):
    return shown(model, field, value, False)


# the kinds by the names the printed form and the page filters use
shown_id = ID_NUMBER
shown_birth_date = BIRTH_DATE
shown_phone = PHONE
shown_account = BANK_ACCOUNT
