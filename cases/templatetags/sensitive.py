"""Sensitive values in templates, as the registry (cases.sensitive) shows them.

``{% shown member "id_number" unmasked %}`` shows any registered field of any model; the filters
name the kind of number: ``{{ member.id_number|id_number:unmasked }}``."""

from django import template

from network.sensitive import SENSITIVE

from ..sensitive import BANK_ACCOUNT, BIRTH_DATE, ID_NUMBER, PHONE

register = template.Library()


@register.simple_tag
def shown(obj, field, unmasked=False):
    """The field of ``obj`` masked unless ``unmasked``, as the registry declares it for its model."""
    return SENSITIVE.show(type(obj), field, getattr(obj, field), unmasked)


@register.filter
def id_number(value, unmasked=False):
    """{{ member.id_number|id_number:unmasked }}: masked unless ``unmasked``."""
    return ID_NUMBER(value, unmasked)


@register.filter
def birth_date(value, unmasked=False):
    """{{ member.birth_date|birth_date:unmasked }}: the year alone unless ``unmasked``."""
    return BIRTH_DATE(value, unmasked)


@register.filter
def phone(value, unmasked=False):
    return PHONE(value, unmasked)


@register.filter
def account(value, unmasked=False):
    return BANK_ACCOUNT(value, unmasked)
