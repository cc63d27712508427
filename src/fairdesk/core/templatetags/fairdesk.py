"""Template helpers shared by the apps' pages."""

from django import template

from fairdesk.core import events
from fairdesk.core.money import format_fen

register = template.Library()


@register.filter
def event_label(event) -> str:
    """What a timeline shows for an event (or a kind): the label its app declared (core/events.py), in the
    reader's language; an old kind is mapped to today's through the registry's aliases; unknown kinds show
    as recorded."""
    kind, payload = (event, None) if isinstance(event, str) else (event.kind, event.payload)
    return events.label_for(kind, payload)


@register.filter
def fen(amount) -> str:
    """Integer fen as yuan for people (see core.money.format_fen); empty for a missing amount."""
    try:
        return format_fen(int(amount))
    except (TypeError, ValueError):
        return ""
