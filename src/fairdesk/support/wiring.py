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


def knowledge_answers():
    """The bot's answers: the managers' question table, then every published help-centre article (its
    titles as the questions, its first paragraph as the answer, a link to it; the lock-out topic also gets
    the emergency link). An article's answer id is minus its article id, so the two never collide in the
    index or in `support.bot_answered`'s `answer`."""
    from fairdesk.knowledge import selectors as knowledge
    from fairdesk.support import bot
    from fairdesk.support.links import article_code

    answers = list(bot.DEFAULT_SOURCE.load())
    for article in knowledge.bot_articles():
        links = (article_code(article.slug),)
        if article.topic == "lockout":
            links = ("help_now", *links)
        answers.append(
            bot.Answer(
                id=-article.id,
                questions=article.questions,
                text=article.text,
                text_en=article.text_en,
                links=links,
            )
        )
    return answers


def knowledge_answers_version():
    """One query for both sources' version keys (the reply path reads it on every message)."""
    from django.db import connection

    from fairdesk.knowledge.models import ArticleVersion
    from fairdesk.support.models import BotAnswer

    answers, versions = BotAnswer._meta.db_table, ArticleVersion._meta.db_table
    with connection.cursor() as cursor:
        sql = (  # table names from the models, never input
            f"SELECT (SELECT COUNT(*) FROM {answers}), "  # noqa: S608
            f"(SELECT COUNT(*) FROM {answers} WHERE active = %s), "
            f"(SELECT MAX(updated_at) FROM {answers}), (SELECT MAX(id) FROM {answers}), "
            f"(SELECT COUNT(*) FROM {versions} WHERE published = %s), "
            f"(SELECT MAX(reviewed_at) FROM {versions})"
        )
        cursor.execute(sql, [True, True])
        return ("kb", *cursor.fetchone())


def connect() -> None:
    from fairdesk.bookings import console
    from fairdesk.core import demo, live, periodic
    from fairdesk.notify import inbound
    from fairdesk.support import bot
    from fairdesk.support.demo import load_demo
    from fairdesk.support.services import queue_dispatch, sms_inbound

    live.topic_register("support.conversation.", _can_follow_conversation)
    live.topic_register("support.queue", _can_follow_queue)
    live.topic_register("support.agent.", _can_follow_agent)
    console.panel_register("support.queue", hotline_panel)
    inbound.handler_register("support", sms_inbound)
    # The safety net under "assigned the moment an agent frees up": every few seconds (core.periodic).
    periodic.register("support.queue_dispatch", queue_dispatch)
    # The bot answers from the knowledge base too (the seam bot.answer_source_register).
    bot.answer_source_register(knowledge_answers, version=knowledge_answers_version)
    demo.register("support.bot_answers", lambda *, verbosity=1: [f"support: {load_demo()}"])
