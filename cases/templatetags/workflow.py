from django import template

from ..worklist import returned_step

register = template.Library()


@register.filter
def returned_by(household):
    """{% with step=household|returned_by %}: the step that sent this draft back, or None."""
    return returned_step(household)
