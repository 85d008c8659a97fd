"""Money in templates: stored fen shown as yuan with two decimals and thousands separators."""

from django import template

from cases.money import yuan as yuan_of

register = template.Library()


@register.filter
def yuan(fen):
    """``600000`` (fen) → ``6,000.00``; blank for None."""
    if fen is None or fen == "":
        return ""
    return f"{yuan_of(fen):,.2f}"
