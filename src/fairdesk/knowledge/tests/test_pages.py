"""The help centre's pages: search with a shareable URL, browse by topic, an article with "was this helpful"
that works without JavaScript, the lock-out page reachable from home and the emergency page, and the
suggestions fragment."""

import re

import pytest

from fairdesk.core.models import Event
from fairdesk.knowledge.models import ArticleFeedback

pytestmark = pytest.mark.django_db


def test_search_page_with_a_shareable_query(client, demo_articles):
    response = client.get("/help/", {"q": "钥匙丢了进不了门"})
    html = response.content.decode()
    assert response.status_code == 200
    titles = re.findall(r'data-testid="hit">([^<]+)<', html)
    assert "被锁在门外、钥匙丢了进不了门怎么办" in titles[:3]
    assert 'value="钥匙丢了进不了门"' in html and "按主题浏览" in html


def test_search_page_without_results_offers_people(client, demo_articles):
    html = client.get("/help/", {"q": "qqxxzz"}).content.decode()
    assert 'data-testid="no-results"' in html and "/support/" in html
    assert Event.objects.filter(kind="kb.search_no_result", payload__channel="page").exists()


def test_help_page_in_english(client, demo_articles):
    client.post("/language/", {"language": "en", "next": "/help/"})
    html = client.get("/help/", {"q": "locked out"}).content.decode()
    assert "Help centre" in html and "Locked out or lost your keys and can&#x27;t get in" in html


def test_an_article_and_helpful_feedback_without_javascript(client, demo_articles):
    html = client.get("/help/broken-key/").content.decode()
    assert "钥匙断在锁里怎么办" in html and "<h2>" in html and 'name="helpful" value="yes"' in html
    response = client.post("/help/broken-key/feedback/", {"helpful": "yes", "comment": "有用"})
    assert (
        response.status_code == 302 and response["Location"] == "/help/broken-key/?feedback=thanks#feedback"
    )
    assert ArticleFeedback.objects.get().helpful is True
    assert 'data-testid="feedback-thanks"' in client.get(response["Location"]).content.decode()
    htmx = client.post("/help/broken-key/feedback/", {"helpful": "no"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="feedback-thanks"' in htmx.content.decode()
    bad = client.post("/help/broken-key/feedback/", {"helpful": "maybe"})
    assert bad.status_code == 422
    assert client.get("/help/nope/").status_code == 404


def test_locked_out_page_has_the_emergency_button_the_hotline_and_three_things(client, demo_articles):
    response = client.get("/help/locked-out/?from=home")
    html = response.content.decode()
    assert 'href="/help-now/"' in html and 'href="tel:' in html
    prepare = html.split('data-testid="lockout-prepare"')[1].split("</ol>")[0]
    assert prepare.count("<li>") == 3 and "身份证件" in prepare and "居住或产权证明" in prepare
    assert "您在哪里" in prepare
    event = Event.objects.get(kind="kb.lockout_page_opened")
    assert event.payload == {"language": "zh-hans", "source": "home"}
    assert client.get("/help/locked-out/").status_code == 200  # also without the demo article's text
    assert client.get("/help/locked-out/").status_code == 200


def test_locked_out_is_one_tap_from_home_and_from_the_emergency_page(client, demo_articles):
    for page in ("/", "/help-now/"):
        html = client.get(page).content.decode()
        assert re.search(r'href="/help/locked-out/\?from=\w+"', html), page


def test_suggestions_fragment(client, demo_articles):
    html = client.get("/help/suggest/", {"q": "我的钥匙断在锁里了"}).content.decode()
    assert 'data-testid="kb-suggestions"' in html and "/help/broken-key/" in html
    assert client.get("/help/suggest/", {"q": "a"}).content.decode().strip() == ""


def test_complaint_form_suggests_articles_without_hiding_submit(client, demo_articles):
    html = client.get("/complaints/new/").content.decode()
    textarea = html.split('id="complaint-text"')[1].split(">")[0]
    assert 'hx-get="/help/suggest/"' in textarea
    # The suggestions come after the submit button: they never cover or push it away.
    assert html.index('data-testid="complaint-submit"') < html.index('id="complaint-kb-suggest"')


def test_support_chat_suggests_articles_without_hiding_send_or_human(client, demo_articles):
    from fairdesk.accounts.services import customer_get_or_create
    from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY

    customer = customer_get_or_create(phone="13800000066")
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = customer.phone
    session.save()
    html = client.get("/support/").content.decode()
    textarea = html.split('id="chat-text"')[1].split(">")[0]
    assert 'hx-get="/help/suggest/"' in textarea and 'hx-target="#chat-kb-suggest"' in textarea
    send, box, human = (
        html.index('data-testid="chat-send"'),
        html.index('id="chat-kb-suggest"'),
        html.index('data-testid="talk-to-human"'),
    )
    assert send < box < human  # after the send button, before "talk to a human": neither is covered
