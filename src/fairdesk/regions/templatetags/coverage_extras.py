"""`{% coverage_extras station %}`: the registered extras (regions/coverage_extras.py) for a station."""

from django import template
from django.utils.safestring import mark_safe

from fairdesk.regions import coverage_extras as registry

register = template.Library()


@register.simple_tag
def coverage_extras(station):
    return mark_safe("".join(registry.extras(station)))  # noqa: S308 - each extra is rendered from its template
