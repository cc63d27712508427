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


@register.filter
def place(name) -> str:
    """A station's or place's name as stored (Chinese pages) or romanised with its kind in English."""
    from fairdesk.core.romanize import place as romanised

    return romanised(str(name or ""))


@register.filter
def person(name) -> str:
    """A person's name as customers see it (赵师傅), or romanised in English (Technician Zhao)."""
    from fairdesk.core.romanize import person as romanised

    return romanised(str(name or ""))


@register.filter
def division_name(division) -> str:
    """A division's full name in the reader's language and order."""
    from fairdesk.core.romanize import division_name as named

    return named(division) if division is not None else ""
