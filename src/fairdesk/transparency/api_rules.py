"""`GET /api/v1/rules`: every published rule's version in force, its title in the caller's language."""

import datetime as dt

from ninja import Router, Schema

from fairdesk.transparency import selectors
from fairdesk.transparency.views_rules import rule_row

router = Router(tags=["transparency"])


class RuleOut(Schema):
    code: str
    title: str
    version: int
    effective_from: dt.datetime
    url: str


@router.get(
    "/rules",
    response=list[RuleOut],
    summary="Public: the published rules in force (title in the caller's language)",
)
def rules(request):
    return [rule_row(doc) for doc in selectors.rules_current()]
