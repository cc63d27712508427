"""Reading the published rules. A version applies from its `effective_from` on and never to what happened
before it: `rule_version_at(code, at)` is the version a decision made at `at` was (or will be) made under."""

from __future__ import annotations

import datetime as dt

from fairdesk.core import clock
from fairdesk.transparency.models import RuleDocument


def rule_version_at(code: str, at: dt.datetime | None = None) -> RuleDocument | None:
    """The version of rule `code` in force at `at` (default now): the latest whose effective_from is not
    after `at`; None when no version was in force yet."""
    at = at or clock.now()
    return (
        RuleDocument.objects.filter(code=code, effective_from__lte=at)
        .order_by("-effective_from", "-version")
        .first()
    )


def rules_current(at: dt.datetime | None = None) -> list[RuleDocument]:
    """Every rule's version in force at `at` (default now), by code. A rule whose first version is not in
    force yet is left out."""
    at = at or clock.now()
    current: dict[str, RuleDocument] = {}
    for doc in RuleDocument.objects.filter(effective_from__lte=at).order_by(
        "code", "-effective_from", "-version"
    ):
        current.setdefault(doc.code, doc)
    return list(current.values())


def rule_versions(code: str) -> list[RuleDocument]:
    """Every version of a rule, newest first (future ones included: they are announced before they apply)."""
    return list(RuleDocument.objects.filter(code=code).order_by("-effective_from", "-version"))


def rule_upcoming(code: str, at: dt.datetime | None = None) -> RuleDocument | None:
    """The next announced version not in force yet, if any."""
    at = at or clock.now()
    return RuleDocument.objects.filter(code=code, effective_from__gt=at).order_by("effective_from").first()
