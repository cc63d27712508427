"""The demo loader: the help articles of demo_articles.py, written by the demo agent and reviewed and
published by the demo manager (each a version of its own, as in the back office). Idempotent: an article
whose published text is already the demo's is left alone; a changed demo text becomes a new version."""

from __future__ import annotations

from django.db import transaction

from fairdesk.accounts.models import Role, User
from fairdesk.knowledge import services
from fairdesk.knowledge.demo_articles import ARTICLES
from fairdesk.knowledge.models import Article, ArticleVersion, Language


def _staff(role: str):
    return User.objects.filter(role=role, is_active=True).order_by("pk").first()


@transaction.atomic
def load_demo() -> str:
    author, reviewer = _staff(Role.AGENT), _staff(Role.MANAGER)
    published = 0
    for demo in ARTICLES:
        article = Article.objects.filter(slug=demo.slug).first()
        if article is None:
            article = services.article_create(
                slug=demo.slug, topic=demo.topic, service_types=demo.service_types
            )
        elif article.topic != demo.topic or article.service_types != sorted(demo.service_types):
            article.topic, article.service_types = demo.topic, sorted(demo.service_types)
            article.save(update_fields=["topic", "service_types"])
        for language, title, body in (
            (Language.ZH, demo.title, demo.body),
            (Language.EN, demo.title_en, demo.body_en),
        ):
            current = (
                ArticleVersion.objects.filter(article=article, language=language, published=True)
                .order_by("-version")
                .first()
            )
            if current is not None and current.title == title and current.body == body.strip():
                continue
            version = services.article_version_submit(
                article=article, language=language, title=title, body=body, author=author
            )
            if reviewer is not None and reviewer != author:
                services.article_version_review(version_id=version.pk, reviewer=reviewer)
            else:
                services.article_version_review(version_id=version.pk, system=True)
            published += 1
    return f"{len(ARTICLES)} articles, {published} versions published"
