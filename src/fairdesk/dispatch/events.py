"""The event kinds dispatch records (declared for core.events; see `manage.py event_kinds`).

Emergencies (urgent requests and their jobs) and booked visits. Status changes carry the old and the new
status; an arrival carries the promise and the fact (`promised_at`, `arrived_at`, `within_promise`), so the
on-time rates are computed from declared fields, never from a loosely named flag."""

from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import declare

_STEP = {"old_status": "code?", "new_status": "code"}

URGENT_CREATED = declare(
    "urgent.created",
    app="dispatch",
    description="A customer asked for help now (an urgent request), queued or held for a call-back.",
    payload={**_STEP, "station": "int?"},
    label=_("收到报修"),
)
URGENT_HELD = declare(
    "urgent.held",
    app="dispatch",
    description="An urgent request over a limit waits for an agent's call-back (reason: phone|address).",
    payload={"reason": "code", "station": "int?"},
    label=_("等待热线人员回电确认"),
)
URGENT_CONFIRMED = declare(
    "urgent.confirmed",
    app="dispatch",
    description="A hotline agent confirmed a held urgent request; it is queued for dispatch.",
    payload={**_STEP, "reason": "code", "station": "int?"},
    label=_("热线人员已确认"),
)
URGENT_OFFERED = declare(
    "urgent.offered",
    app="dispatch",
    description=(
        "The best technician was offered an urgent request's job: the arrival promised (promised_at) and"
        " whether that promise keeps the public 30-minute promise (within_promise); rule: the published"
        " allocation rule that chose the technician (null on rows older than its publication)."
    ),
    payload={
        "job": "int",
        "technician": "int",
        "eta_minutes": "int",
        "promised_at": "datetime",
        "within_promise": "bool",
        "rule": "code?",
    },
    label=_("已派给技师"),
    defaults={"promised_at": None, "rule": None},
)
URGENT_REASSIGNED = declare(
    "urgent.reassigned",
    app="dispatch",
    description="A dispatcher sent another technician (the new job, its promise, the jobs it replaced).",
    payload={
        "job": "int",
        "technician": "int",
        "eta_minutes": "int",
        "promised_at": "datetime",
        "replaced": "int[]",
    },
    defaults={"promised_at": None, "replaced": []},
    label=_("已改派技师"),
)
URGENT_NO_TECHNICIAN = declare(
    "urgent.no_technician",
    app="dispatch",
    description="No technician could be offered an urgent request (it stays queued).",
    label=_("暂无空闲技师"),
)
URGENT_ESCALATED = declare(
    "urgent.escalated",
    app="dispatch",
    description=(
        "An urgent request waited longer than the escalation threshold (threshold_minutes) with no accepted"
        " job and went to the top of the dispatcher's board with a sound: how long it had waited, its status"
        " and the job on offer, if any."
    ),
    payload={
        "station": "int?",
        "status": "code",
        "waited_minutes": "int",
        "threshold_minutes": "int",
        "job": "int?",
    },
    label=_("等待过久，已提醒调度员"),
    defaults={"job": None},
)
URGENT_ASSIGNED = declare(
    "urgent.assigned",
    app="dispatch",
    description="An urgent request went from queued (or held) to assigned: its first job was offered.",
    payload={**_STEP, "job": "int"},
    label=_("已派单"),
)
URGENT_CLOSED = declare(
    "urgent.closed",
    app="dispatch",
    description="An urgent request was closed: its job is done.",
    payload={**_STEP, "job": "int"},
    label=_("报修已关闭"),
)
JOB_ACCEPTED = declare(
    "job.accepted",
    app="dispatch",
    description="The technician accepted the offered job (subject: the urgent request).",
    payload={"job": "int", "technician": "int", **_STEP},
    label=_("技师已接单"),
)
_ARRIVAL = {
    "job": "int",
    "technician": "int",
    **_STEP,
    "requested_at": "datetime",
    "promised_at": "datetime",
    "arrived_at": "datetime?",
    "within_promise": "bool?",
    "within_30_minutes": "bool?",
}
_ARRIVAL_NOTE = (
    " requested_at: the request; promised_at: the arrival promised to the customer; once arrived (null"
    " before): arrived_at, within_promise (arrived by promised_at), within_30_minutes (of the request)."
)
JOB_EN_ROUTE = declare(
    "job.en_route",
    app="dispatch",
    description="The technician set off to an emergency." + _ARRIVAL_NOTE,
    payload=_ARRIVAL,
    label=_("师傅已出发"),
)
JOB_ON_SITE = declare(
    "job.on_site",
    app="dispatch",
    description="The technician arrived at an emergency." + _ARRIVAL_NOTE,
    payload=_ARRIVAL,
    label=_("师傅已到达"),
    renamed={"within_30": "within_30_minutes"},
)
JOB_DONE = declare(
    "job.done",
    app="dispatch",
    description="The technician finished an emergency; the request is closed." + _ARRIVAL_NOTE,
    payload=_ARRIVAL,
    label=_("服务完成"),
)
JOB_DECLINED = declare(
    "job.declined",
    app="dispatch",
    description=(
        "The technician declined the offer; has_note: they wrote why (the words stay on the job, end_note)."
        " The next best one is offered."
    ),
    payload={"job": "int", "technician": "int", **_STEP, "has_note": "bool"},
    label=_("技师未能接单，正在改派"),
    # Until issue 10 the typed reason was stored here as `reason` (and on the job).
    defaults={"has_note": lambda old: bool((old.get("reason") or "").strip())},
    dropped=("reason",),
)
JOB_EXPIRED = declare(
    "job.expired",
    app="dispatch",
    description="Nobody answered the offer in time; the next best technician is offered.",
    payload={"job": "int", "technician": "int", **_STEP},
    label=_("技师未及时接单，正在改派"),
    dropped=("reason",),  # until issue 10: always "no answer"
)
JOB_NOTE = declare(
    "job.note",
    app="dispatch",
    description="The technician added a note (and maybe a photo) to a job.",
    payload={"job": "int", "note": "int", "photo": "bool"},
    label=_("师傅添加了记录"),
)
JOB_HANDED_OVER = declare(
    "job.handed_over",
    app="dispatch",
    description=(
        "The technician handed the job to a colleague (old job, new job, colleague); the reason they had to"
        " write stays on the old job (end_note)."
    ),
    payload={"from": "int", "to": "int", "technician": "int"},
    label=_("转由同事上门"),
    dropped=("reason",),  # until issue 10 the typed reason was copied here
)
_VISIT = {
    "visit": "int",
    "technician": "int",
    **_STEP,
    "window_start": "datetime",
    "window_end": "datetime",
    "arrived_at": "datetime?",
    "within_promise": "bool?",
}
_VISIT_NOTE = " The window promised; arrived_at and within_promise (inside the window) once arrived."
VISIT_EN_ROUTE = declare(
    "visit.en_route",
    app="dispatch",
    description="The technician set off to a booked visit (subject: the booking)." + _VISIT_NOTE,
    payload=_VISIT,
    label=_("师傅已出发"),
)
VISIT_ON_SITE = declare(
    "visit.on_site",
    app="dispatch",
    description="The technician arrived at a booked visit (subject: the booking)." + _VISIT_NOTE,
    payload=_VISIT,
    label=_("师傅已到达"),
    renamed={"within_window": "within_promise"},
)
VISIT_DONE = declare(
    "visit.done",
    app="dispatch",
    description="A booked visit was done; the booking is completed (subject: the booking)." + _VISIT_NOTE,
    payload=_VISIT,
    label=_("上门完成"),
)
STATION_PLANNED = declare(
    "station.planned",
    app="dispatch",
    description="A station's booked visits for a day were planned onto technicians (counts; unplanned refs).",
    payload={"day": "date", "visits": "int", "technicians": "int", "planned": "int", "unassigned": "code[]"},
)
JOB_STEPS = {"en_route": JOB_EN_ROUTE, "on_site": JOB_ON_SITE, "done": JOB_DONE}
VISIT_STEPS = {"en_route": VISIT_EN_ROUTE, "on_site": VISIT_ON_SITE, "done": VISIT_DONE}

# Opening records (开锁登记): that one was written and when it was purged. Never the document's digits, a
# name or a phone: the record (and its photo) is deleted after keep_until, these events stay.
_OPENING = {
    "record": "int",
    "job": "int?",
    "visit": "int?",
    "station": "int",
    "province": "code",
    "document_type": "code",
    "witness": "bool",
    "created_at": "datetime",
    "keep_until": "datetime",
}
OPENING_RECORD_CREATED = declare(
    "opening_record.created",
    app="dispatch",
    description=(
        "A technician wrote the opening record (开锁登记) of an opening job or visit: the document type code,"
        " whether a witness signed, the station and its province, and until when the record is kept."
    ),
    payload=_OPENING,
    label=_("已完成开锁登记"),
)
OPENING_RECORD_PURGED = declare(
    "opening_record.purged",
    app="dispatch",
    description=(
        "An opening record and its proof photo were deleted after their retention period (keep_until);"
        " this event is what remains of it."
    ),
    payload={**_OPENING, "purged_at": "datetime"},
    label=_("开锁登记已按期删除"),
)
