"""What the knowledge base plugs into lower apps at start-up (hooks they expose; they never import it)."""

from __future__ import annotations


def learning_articles(service_type_code: str, language: str):
    """bookings.learning source: the published articles related to a service type, in the reader's
    language."""
    from fairdesk.bookings.learning import LearningLink
    from fairdesk.knowledge import selectors

    return [
        LearningLink(kind="article", title=title, path=path)
        for title, path in selectors.articles_for_service_type(service_type_code, language=language)
    ]


def connect() -> None:
    from fairdesk.bookings import learning
    from fairdesk.core import demo
    from fairdesk.knowledge.demo import load_demo

    demo.register("knowledge.articles", lambda *, verbosity=1: [f"knowledge: {load_demo()}"])
    learning.learning_source_register("knowledge", learning_articles)
