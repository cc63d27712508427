"""A bot that raises or is too slow hands the conversation to the human queue by itself (Chatwoot PR #12379),
with a system note, and its late answer never lands (Chatwoot PR #13673)."""

from __future__ import annotations

import time

import pytest

from fairdesk.core.models import Event
from fairdesk.support import bot, services
from fairdesk.support.models import Author, HumanHow, Status


def test_the_default_limit_is_five_seconds(settings):
    if hasattr(settings, "FAIRDESK_BOT_TIMEOUT_SECONDS"):
        del settings.FAIRDESK_BOT_TIMEOUT_SECONDS
    assert services.bot_timeout() == 5


def _assert_handed_over(conversation, reason):
    conversation.refresh_from_db()
    assert conversation.status == Status.WAITING_HUMAN
    assert conversation.human_how == HumanHow.BOT_FAILURE
    authors = list(conversation.messages.values_list("author", flat=True))
    assert Author.BOT not in authors
    assert Author.SYSTEM in authors
    failed = Event.objects.get(kind="support.bot_failed", subject_id=str(conversation.pk)).payload
    assert failed["reason"] == reason
    requested = Event.objects.get(kind="support.human_requested", subject_id=str(conversation.pk)).payload
    assert requested["how"] == "bot_failure"


def test_a_bot_error_goes_to_a_human(support_world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the answer service is down")

    monkeypatch.setattr(bot, "bot_reply", broken)
    conversation = services.conversation_start(customer=support_world["a"], text="怎么改预约时间")
    _assert_handed_over(conversation, "error")


def test_a_slow_bot_goes_to_a_human_and_its_late_answer_is_dropped(support_world, monkeypatch, settings):
    settings.FAIRDESK_BOT_TIMEOUT_SECONDS = 0.3
    real = bot.bot_reply
    finished = []

    def slow(*args, **kwargs):
        time.sleep(1.0)
        finished.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(bot, "bot_reply", slow)
    started = time.monotonic()
    conversation = services.conversation_start(customer=support_world["a"], text="怎么改预约时间")
    assert time.monotonic() - started < 1.0  # the customer did not wait for the slow bot
    _assert_handed_over(conversation, "timeout")
    time.sleep(1.2)
    assert finished  # the bot did finish …
    assert not conversation.messages.filter(author=Author.BOT).exists()  # … and said nothing


@pytest.mark.parametrize("step", ["keyword", "button"])
def test_after_the_tap_the_bot_is_silent_even_if_it_was_answering(support_world, monkeypatch, step):
    """The race: the customer taps "talk to a human" while the bot is still working on their last message."""
    conversation = services.conversation_start(customer=support_world["a"], text="发票")
    real = bot.bot_reply

    def tapped_meanwhile(*args, **kwargs):
        answer = real(*args, **kwargs)
        return answer

    def tap():
        services.human_request(conversation=conversation, actor=support_world["a"])

    original_call = services._bot_call

    def call_then_tap(text, language, index):
        reply = original_call(text, language, index)
        tap()  # the tap lands after the bot computed its answer but before it is stored
        return reply

    monkeypatch.setattr(services, "_bot_call", call_then_tap)
    bots_before = conversation.messages.filter(author=Author.BOT).count()
    services.message_post(conversation=conversation, text="怎么退款")
    conversation.refresh_from_db()
    assert conversation.status == Status.WAITING_HUMAN
    assert conversation.messages.filter(author=Author.BOT).count() == bots_before
