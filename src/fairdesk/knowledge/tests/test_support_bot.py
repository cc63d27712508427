"""Support's bot answers from the help centre (support's wiring registers the articles through the bot's
seam; knowledge never imports support), links the article, and a person asked for after reading is
recorded (`kb.human_after_article`)."""

import pytest

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core.models import Event
from fairdesk.knowledge.models import Article
from fairdesk.support import bot
from fairdesk.support import services as support
from fairdesk.support.models import Author
from fairdesk.support.selectors import link_views

pytestmark = pytest.mark.django_db


def test_the_bot_answers_from_an_article_and_links_it(demo_articles):
    reply = bot.bot_reply("保险柜打不开怎么办", language="zh-hans")
    article = Article.objects.get(slug="safe-will-not-open")
    assert reply.answer_id == -article.pk and "kb:safe-will-not-open" in reply.links
    assert reply.text.startswith("保险柜打不开时")
    english = bot.bot_reply("My safe won't open", language="en")
    assert english.answer_id == -article.pk and english.text.startswith("When a safe won't open")


def test_a_lockout_answer_leads_with_the_emergency_link(demo_articles):
    reply = bot.bot_reply("钥匙丢了进不了门", language="zh-hans")
    assert reply.links[0] == "help_now"


def test_article_links_are_drawn_with_the_articles_title(demo_articles):
    views = link_views(["kb:broken-key", "book", "kb:"])
    assert views[0] == {"code": "kb:broken-key", "label": "钥匙断在锁里怎么办", "url": "/help/broken-key/"}
    assert [v["code"] for v in views] == ["kb:broken-key", "book"]


def test_asking_for_a_person_after_the_bot_linked_an_article_is_recorded(demo_articles):
    customer = customer_get_or_create(phone="13800000077")
    conversation = support.conversation_start(customer=customer, text="保险柜打不开怎么办")
    bot_links = conversation.messages.filter(author=Author.BOT).values_list("links", flat=True)
    assert any("kb:safe-will-not-open" in links for links in bot_links)
    support.human_request(conversation=conversation)
    event = Event.objects.get(kind="kb.human_after_article")
    assert event.payload == {
        "conversation": conversation.pk,
        "articles": [Article.objects.get(slug="safe-will-not-open").pk],
        "language": "zh-hans",
    }


def test_no_article_linked_no_such_event(demo_articles):
    customer = customer_get_or_create(phone="13800000078")
    conversation = support.conversation_start(customer=customer, text="人工")
    assert conversation.status == "waiting_human"
    assert not Event.objects.filter(kind="kb.human_after_article").exists()
