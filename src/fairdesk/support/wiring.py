"""What support plugs into lower apps at start-up (hooks they expose; they never import support)."""

from __future__ import annotations


def _can_follow_conversation(actor, topic: str) -> bool:
    """The customer whose conversation it is, or staff who read customers' records."""
    from fairdesk.accounts import permissions
    from fairdesk.support.models import Conversation

    try:
        conversation_id = int(topic.rsplit(".", 1)[1])
    except (IndexError, ValueError):
        return False
    owner = Conversation.objects.filter(pk=conversation_id).values_list("customer_id", flat=True).first()
    return owner is not None and actor is not None and permissions.may_read_customer_record(actor, owner)


def _can_follow_queue(actor, topic: str) -> bool:
    from fairdesk.accounts import permissions

    return topic == "support.queue" and permissions.has(actor, permissions.READ_CUSTOMERS)


def _can_follow_agent(actor, topic: str) -> bool:
    from fairdesk.accounts import permissions

    return (
        actor is not None
        and permissions.has(actor, permissions.HOTLINE)
        and topic == f"support.agent.{actor.pk}"
    )


def hotline_panel(request) -> str:
    """The hotline console's written-support box: who waits, take next, and a conversation for the caller."""
    from django.template.loader import render_to_string

    from fairdesk.support import selectors

    phone = request.GET.get("phone", "").strip()
    return render_to_string(
        "support/_hotline_panel.html",
        {"waiting": len(selectors.queue_positions()), "phone": phone},
        request=request,
    )


def connect() -> None:
    from fairdesk.bookings import console
    from fairdesk.core import demo, live, periodic
    from fairdesk.notify import inbound
    from fairdesk.support.demo import load_demo
    from fairdesk.support.services import queue_dispatch, sms_inbound

    live.topic_register("support.conversation.", _can_follow_conversation)
    live.topic_register("support.queue", _can_follow_queue)
    live.topic_register("support.agent.", _can_follow_agent)
    console.panel_register("support.queue", hotline_panel)
    inbound.handler_register("support", sms_inbound)
    # The safety net under "assigned the moment an agent frees up": every few seconds (core.periodic).
    periodic.register("support.queue_dispatch", queue_dispatch)
    demo.register("support.bot_answers", lambda *, verbosity=1: [f"support: {load_demo()}"])
