"""The event kinds complaints records (declared for core.events; see `manage.py event_kinds`).

Subject: the complaint. The published complaint statistics and the regulator export read these payloads and
the complaint's own columns: codes, times, amounts; never what anyone wrote (ComplaintMessage keeps that)."""

from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import declare

RECEIVED = declare(
    "complaint.received",
    app="complaints",
    description="A customer's complaint was received, with the deadlines computed under rule_version.",
    payload={
        "category": "code",
        "green_channel": "bool",
        "channel": "code",
        "subject_type": "code?",
        "rule_version": "code",
        "first_contact_by": "datetime",
        "final_response_by": "datetime",
        "hard_limit_by": "datetime",
        # Years no official calendar covered yet: every day of them counted as a working day (never later
        # than the official schedule can make the deadline); empty when the deadlines are the official ones.
        "provisional_years": "int[]",
    },
    label=_("投诉已受理"),
)
CONTACTED = declare(
    "complaint.contacted",
    app="complaints",
    description="A person first contacted the customer about the complaint (timely: by first_contact_by).",
    payload={"contacted_at": "datetime", "first_contact_by": "datetime", "timely": "bool"},
    label=_("工作人员已联系您"),
)
INFO_REQUESTED = declare(
    "complaint.info_requested",
    app="complaints",
    description="Staff asked the customer for information: the final-response clock pauses (rule: the clause "
    "that allows it, reason: why) until the customer replies. The first-contact clock never pauses.",
    payload={"paused_at": "datetime", "reason": "code", "rule": "code"},
    label=_("请您补充信息（答复期限暂停）"),
)
CUSTOMER_REPLIED = declare(
    "complaint.customer_replied",
    app="complaints",
    description="The customer wrote in the case (resumed: it ended a pause; paused_seconds: that pause's "
    "length).",
    payload={"resumed": "bool", "paused_seconds": "int"},
    label=_("您补充了信息"),
)
RESPONDED = declare(
    "complaint.responded",
    app="complaints",
    description="The final response: outcome upheld|partly_upheld|not_upheld, redress in fen, whether it was "
    "given by the final-response deadline (paused time added).",
    payload={"outcome": "code", "redress_fen": "int", "final_response_by": "datetime", "timely": "bool"},
    label=_("已正式答复"),
)
ACCEPTED = declare(
    "complaint.accepted",
    app="complaints",
    description="The customer accepted the final response.",
    payload={},
    label=_("您已接受答复"),
)
DISPUTED = declare(
    "complaint.disputed",
    app="complaints",
    description="The customer disputed the final response (they are told how to take it further).",
    payload={},
    label=_("您不同意答复"),
)
REFERRED = declare(
    "complaint.referred",
    app="complaints",
    description="The customer was told how to take the complaint to an outside body (route: 12315) and given "
    "the case record (reason: disputed|missed_final).",
    payload={"route": "code", "reason": "code"},
    label=_("已告知外部投诉途径（12315）"),
)
ESCALATED = declare(
    "complaint.escalated",
    app="complaints",
    description="The ladder moved (level 1: team lead alerted at half the time to a deadline without "
    "progress; "
    "2: a deadline missed, the manager; 3: the 45-working-day hard limit missed). reason: half_first_contact|"
    "half_final|missed_first_contact|missed_final|missed_hard_limit.",
    payload={"level": "int", "reason": "code", "deadline": "datetime"},
    label=_("已升级处理"),
)
