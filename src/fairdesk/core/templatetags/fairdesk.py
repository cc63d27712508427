"""Template helpers shared by the apps' pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from fairdesk.core import events
from fairdesk.core.money import format_fen

register = template.Library()

# What customers and staff read in a timeline for an event kind; unknown kinds show as recorded.
EVENT_LABELS = {
    "visit.en_route": _("师傅已出发"),
    "visit.on_site": _("师傅已到达"),
    "visit.done": _("上门完成"),
    "urgent.created": _("收到报修"),
    "urgent.held": _("等待热线人员回电确认"),
    "urgent.confirmed": _("热线人员已确认"),
    "urgent.offered": _("已派给技师"),
    "urgent.reassigned": _("已改派技师"),
    "urgent.no_technician": _("暂无空闲技师"),
    "job.accepted": _("技师已接单"),
    "job.declined": _("技师未能接单，正在改派"),
    "job.expired": _("技师未及时接单，正在改派"),
    "job.en_route": _("师傅已出发"),
    "job.on_site": _("师傅已到达"),
    "job.done": _("服务完成"),
    "job.note": _("师傅添加了记录"),
    "job.handed_over": _("转由同事上门"),
}


@register.filter
def event_label(event) -> str:
    """What a timeline shows for an event (or a kind): the label its app declared (core/events.py), in the
    reader's language; an old kind is mapped to today's through the registry's aliases; unknown kinds show
    as recorded."""
    kind, payload = (event, None) if isinstance(event, str) else (event.kind, event.payload)
    label = events.label_for(kind, payload)
    if label == kind and kind in EVENT_LABELS:  # not yet declared by its app
        return str(EVENT_LABELS[kind])
    return label


@register.filter
def fen(amount) -> str:
    """Integer fen as yuan for people (see core.money.format_fen); empty for a missing amount."""
    try:
        return format_fen(int(amount))
    except (TypeError, ValueError):
        return ""
