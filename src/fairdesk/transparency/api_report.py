"""`GET /api/v1/transparency/report?from=YYYY-MM-DD&to=YYYY-MM-DD`: the public transparency report, exactly
the canonical bytes of `report.render_json` (the same as `manage.py transparency_report --json`)."""

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from fairdesk.core.errors import InvalidInput
from fairdesk.transparency import report

router = Router(tags=["transparency"])
FROM = Query(..., alias="from", description="first business date (YYYY-MM-DD, Asia/Shanghai), inclusive")
TO = Query(..., alias="to", description="last business date (YYYY-MM-DD, Asia/Shanghai), inclusive")


def range_or_invalid(date_from: dt.date, date_to: dt.date) -> None:
    """A 422 in the caller's language for a range the report refuses."""
    problem = report.check_range(date_from, date_to)
    if problem == "range_invalid":
        raise InvalidInput(_("结束日期早于开始日期。"), code=problem)
    if problem == "range_too_long":
        raise InvalidInput(_("报告期最长十年。"), code=problem)
    if date_to >= dt.date.max or date_from <= dt.date.min:
        raise InvalidInput(_("日期超出范围。"), code="date_invalid")


@router.get(
    "/transparency/report",
    response={200: None},
    summary="Public: the transparency report for business dates [from, to] computed from the event log "
    "alone (plan changes, support, complaints, emergencies, bookings), with its event count and SHA-256",
)
def transparency_report(request, date_from: dt.date = FROM, date_to: dt.date = TO):
    range_or_invalid(date_from, date_to)
    return HttpResponse(report.report_bytes(date_from, date_to), content_type="application/json")
