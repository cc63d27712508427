"""What transparency plugs into lower apps at start-up (hooks they expose; they never import transparency)."""

from __future__ import annotations


def connect() -> None:
    from fairdesk.core import demo
    from fairdesk.regions import coverage_extras
    from fairdesk.transparency.demo import rules_load_demo
    from fairdesk.transparency.views_rules import coverage_score_snippet

    # rules: the published rules' first versions; the station's score next to it on the coverage result
    demo.register("transparency.rules", rules_load_demo)
    # report: a little history inside the last complete half-year, so /transparency/ opens on numbers
    from fairdesk.transparency.demo_history import history_load_demo

    demo.register("transparency.history", history_load_demo)
    coverage_extras.extra_register("transparency.provider_score", coverage_score_snippet)

    # audit: forbidden format clauses (clauses.py, data/forbidden_clauses.json) through core's registry: every
    # admin form holding customer-facing text refuses them; plans' `audit_fairness` reports these sources.
    from fairdesk.core import text_audit
    from fairdesk.transparency import clauses

    text_audit.auditor_register(clauses.audit_text, name="transparency.clauses")
    text_audit.source_register("plans", clauses.held_plans)
    text_audit.source_register("bookings.service_types", clauses.held_service_types)
    text_audit.source_register("support.bot_answers", clauses.held_bot_answers)
    text_audit.source_register("transparency.rules", clauses.held_rule_documents)
    text_audit.source_register("locale.page_texts", clauses.held_page_texts)
