"""The change history of a dossier and its members, as rows a person can read: who, when, which
field, old value, new value (django-simple-history keeps the records)."""

from django.utils.translation import gettext as _

from .models import Household, Member
from .sensitive import shown_account, shown_id, shown_phone

_SENSITIVE = {"id_number": shown_id, "phone": shown_phone, "bank_account": shown_account}
_HIDDEN = {"name_initials", "in_active_dossier", "updated_at", "last_aided_at"}
_TYPES = {"+": _("新建"), "~": _("修改"), "-": _("删除")}


def _display(model, field_name, value, unmasked):
    if value in (None, ""):
        return "—"
    field = model._meta.get_field(field_name)
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    if field_name in _SENSITIVE:
        return _SENSITIVE[field_name](str(value), unmasked)
    if field.is_relation:
        return f"#{value}"
    return str(value)


def _entries(records, model, subject, unmasked):
    by_object, rows = {}, []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous = by_object.get(record.id)
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                if change.field in _HIDDEN:
                    continue
                changes.append(
                    {
                        "field": model._meta.get_field(change.field).verbose_name,
                        "old": _display(model, change.field, change.old, unmasked),
                        "new": _display(model, change.field, change.new, unmasked),
                    }
                )
        by_object[record.id] = record
        if previous is not None and not changes and record.history_type == "~":
            continue
        rows.append(
            {
                "at": record.history_date,
                "user": record.history_user,
                "type": _TYPES.get(record.history_type, record.history_type),
                "subject": subject(record),
                "changes": changes,
                "reason": record.history_change_reason or "",
            }
        )
    return rows


def dossier_history(household, unmasked):
    """Every recorded change to the dossier and its members, newest first."""
    household_records = Household.history.filter(id=household.pk).select_related("history_user")
    member_records = Member.history.filter(household_id=household.pk).select_related("history_user")
    rows = _entries(household_records, Household, lambda r: _("档案"), unmasked)
    rows += _entries(member_records, Member, lambda r: _("成员 %(name)s") % {"name": r.name}, unmasked)
    return sorted(rows, key=lambda row: row["at"], reverse=True)
