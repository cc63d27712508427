"""What complaints plugs into lower apps at start-up (hooks they expose; they never import complaints)."""

from __future__ import annotations


def connect() -> None:
    from fairdesk.bookings import console
    from fairdesk.complaints.demo import complaints_load_demo
    from fairdesk.complaints.services import complaints_escalate
    from fairdesk.complaints.views import hotline_panel
    from fairdesk.core import demo, periodic

    # The escalation ladder: half-way alerts, missed deadlines, the hard limit (each step once per complaint).
    periodic.register("complaints.escalate", complaints_escalate)
    console.panel_register("complaints", hotline_panel)  # the pages': open complaints, the caller's, the desk
    demo.register("complaints.demo", complaints_load_demo)
