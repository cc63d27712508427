"""What complaints plugs into lower apps at start-up (hooks they expose; they never import complaints)."""

from __future__ import annotations


def connect() -> None:
    from fairdesk.complaints.services import complaints_escalate
    from fairdesk.core import periodic

    # The escalation ladder: half-way alerts, missed deadlines, the hard limit (each step once per complaint).
    periodic.register("complaints.escalate", complaints_escalate)
