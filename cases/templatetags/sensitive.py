from django import template

from ..sensitive import shown_account, shown_birth_date, shown_id, shown_phone

register = template.Library()


@register.filter
def id_number(value, unmasked=False):
    """{{ member.id_number|id_number:unmasked }}: masked unless ``unmasked``."""
    return shown_id(value, unmasked)


@register.filter
def birth_date(value, unmasked=False):
    """{{ member.birth_date|birth_date:unmasked }}: the year alone unless ``unmasked``."""
    return shown_birth_date(value, unmasked)


@register.filter
def phone(value, unmasked=False):
    return shown_phone(value, unmasked)


@register.filter
def account(value, unmasked=False):
    return shown_account(value, unmasked)
