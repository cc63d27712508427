"""Public transparency over JSON: the published rules and the report computed from the event log."""

from ninja import Router

from fairdesk.transparency.api_report import router as report_router
from fairdesk.transparency.api_rules import router as rules_router

router = Router(tags=["transparency"])
router.add_router("", report_router)  # GET /transparency/report (transparency/api_report.py)
router.add_router("", rules_router)  # GET /rules (transparency/api_rules.py)
