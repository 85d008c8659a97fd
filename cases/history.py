"""The change history of a dossier and its members, as rows a person can read: who, when, which
field, old value, new value (django-simple-history keeps the records)."""

import datetime
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EDIT_REASONS, ChangeReason, Household, Member
from .sensitive import SENSITIVE

_HIDDEN = {"name_initials", "in_active_dossier", "updated_at", "last_aided_at"}
_TYPES = {"+": _("新建"), "~": _("修改"), "-": _("删除")}


def _differences(old_record, new_record):
    """(field, old, new) for every tracked field that changed. Not simple-history's diff_against,
    which leaves out non-editable fields: status, number and the computed income are exactly the
    changes the center wants to see."""
    for field in new_record.tracked_fields:
        if field.name in _HIDDEN or field.primary_key:
            continue
        old, new = getattr(old_record, field.attname), getattr(new_record, field.attname)
        if old != new:
            yield field, old, new


def _display(field, value, unmasked, related):
    if value in (None, ""):
        return "—"
    if field.is_relation:
        return str(related[field.related_model].get(value, f"#{value}"))
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    sensitive = SENSITIVE.fields(field.model).get(field.name)  # as the registry shows it (cases.sensitive)
    if sensitive is not None:
        return sensitive(value if isinstance(value, datetime.date) else str(value), unmasked)
    if isinstance(value, datetime.datetime):
        # stored in UTC: read in local time, to the minute, like every other time on the pages
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _operation(record):
    """What was done, said once: the workflow move when the record is one (提交, 退回, …), else
    新建, 修改 or 删除 (a person's own save has that same word as its change reason: not twice)."""
    reason = record.history_change_reason or ""
    if record.history_type == "~" and reason and reason not in EDIT_REASONS:
        return ChangeReason.label_of(reason)
    return _TYPES.get(record.history_type, record.history_type)


def _entries(records, subject):
    """The raw rows: each record with the fields that changed since the previous one."""
    by_object, rows = {}, []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        previous = by_object.get(record.id)
        changes = list(_differences(previous, record)) if previous is not None else []
        by_object[record.id] = record
        if previous is not None and not changes and record.history_type == "~":
            continue
        rows.append((record, subject(record), changes))
    return rows


def describe_changes(changes_per_record, unmasked):
    """Readable {field, old, new} dicts for lists of (field, old, new) differences, related rows
    looked up by name with one query per related model."""
    wanted = defaultdict(set)
    for changes in changes_per_record:
        for field, old, new in changes:
            if field.is_relation:
                wanted[field.related_model].update(v for v in (old, new) if v is not None)
    related = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}
    return [
        [
            {
                "field": field.verbose_name,
                "old": _display(field, old, unmasked, related),
                "new": _display(field, new, unmasked, related),
            }
            for field, old, new in changes
        ]
        for changes in changes_per_record
    ]


def record_changes(records, unmasked):
    """Sets ``history_delta_changes`` on each record of one object (newest first, as the admin
    lists them) to what changed since the record before it."""
    pairs = list(zip(records, records[1:]))
    described = describe_changes([list(_differences(older, newer)) for newer, older in pairs], unmasked)
    for (newer, _older), changes in zip(pairs, described):
        newer.history_delta_changes = changes


def dossier_history(household, unmasked):
    """Every recorded change to the dossier and its members, newest first, related rows by name."""
    household_records = Household.history.filter(id=household.pk).select_related("history_user")
    member_records = Member.history.filter(household_id=household.pk).select_related("history_user")
    raw = _entries(household_records, lambda r: _("档案"))
    raw += _entries(member_records, lambda r: _("成员 %(name)s") % {"name": r.name})
    described = describe_changes([changes for _record, _subject, changes in raw], unmasked)
    rows = [
        {
            "at": record.history_date,
            "user": record.history_user,
            "type": _operation(record),
            "subject": subject,
            "changes": changes,
        }
        for (record, subject, _raw), changes in zip(raw, described)
    ]
    return sorted(rows, key=lambda row: row["at"], reverse=True)
