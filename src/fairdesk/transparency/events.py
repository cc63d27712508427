"""The event kinds transparency records (declared for core.events; see `manage.py event_kinds`)."""

from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import declare

RULE_PUBLISHED = declare(
    "rule.published",
    app="transparency",
    description=(
        "A version of a published rule was written (code, version, effective_from: from when it applies;"
        " never to what happened before)."
    ),
    payload={"code": "code", "version": "int", "effective_from": "datetime"},
    label=_("发布规则版本"),
)
SCORE_APPEALED = declare(
    "provider_score.appealed",
    app="transparency",
    description=(
        "A manager recorded a station's appeal against its provider score for a period (subject: the appeal;"
        " rule_version: the score formula's version; score: null when not shown); the words stay on the app"
        "eal."
    ),
    payload={
        "station": "int",
        "period_from": "date",
        "period_to": "date",
        "rule_version": "int",
        "score": "int?",
    },
    label=_("网点对服务评分提出申诉"),
)
SCORE_APPEAL_ANSWERED = declare(
    "provider_score.appeal_answered",
    app="transparency",
    description=(
        "A manager answered a score appeal (outcome: upheld|rejected; has_note: an answer was written, kept"
        " on"
        " the appeal)."
    ),
    payload={"station": "int", "outcome": "code", "has_note": "bool"},
    label=_("服务评分申诉已答复"),
)
