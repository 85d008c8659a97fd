from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, field, label):
    """A column heading that sorts the list by ``field`` (again: the other way), keeping the filters."""
    query = context["request"].GET.copy()
    current = query.get("ordering", "")
    query["ordering"] = f"-{field}" if current == field else field
    query.pop("page", None)
    arrow = " ▲" if current == field else " ▼" if current == f"-{field}" else ""
    return format_html('<a class="sort" href="?{}">{}{}</a>', query.urlencode(), label, arrow)
