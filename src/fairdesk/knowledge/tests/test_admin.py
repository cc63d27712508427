"""The back office: a version is added (numbered by itself, unpublished), approved by another manager with
the "approve and publish" action, never edited nor deleted; the auditor reads only."""

import pytest
from django.core.management import call_command

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.knowledge import selectors, services
from fairdesk.knowledge.models import ArticleVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    people = {
        role: staff_create(phone=f"1660000020{n}", name=role, role=role, password="a-long-pass-1")
        for n, role in enumerate((Role.MANAGER, Role.AGENT, Role.AUDITOR))
    }
    people["manager2"] = staff_create(
        phone="16600000209", name="m2", role=Role.MANAGER, password="a-long-pass-1"
    )
    for manager in (people[Role.MANAGER], people["manager2"]):  # the back office's own permissions
        manager.is_superuser = True
        manager.save(update_fields=["is_superuser"])
    return people


def test_add_then_approve_and_publish(client, staff):
    article = services.article_create(slug="admin-test", topic="care")
    client.force_login(staff[Role.MANAGER])
    response = client.post(
        "/admin/knowledge/articleversion/add/",
        {"article": article.pk, "language": "zh-hans", "title": "后台写的", "body": "正文"},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    version = ArticleVersion.objects.get(article=article)
    assert (version.version, version.published, version.author) == (1, False, staff[Role.MANAGER])
    action = {"action": "review_and_publish", "_selected_action": [version.pk]}
    client.post("/admin/knowledge/articleversion/", action)  # the author: refused
    assert not ArticleVersion.objects.get(pk=version.pk).published
    client.force_login(staff["manager2"])
    client.post("/admin/knowledge/articleversion/", action)
    assert ArticleVersion.objects.get(pk=version.pk).published
    assert selectors.article_current("admin-test", language="zh-hans").title == "后台写的"
    client.force_login(staff[Role.AUDITOR])
    assert client.get(f"/admin/knowledge/articleversion/{version.pk}/change/").status_code == 200
    assert client.post(f"/admin/knowledge/articleversion/{version.pk}/delete/").status_code == 403


def test_kb_reindex_command(demo_articles, capsys):
    call_command("kb_reindex")
    assert capsys.readouterr().out.startswith("48 index rows")
