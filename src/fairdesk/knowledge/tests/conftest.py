import pytest

from fairdesk.knowledge.demo import load_demo


@pytest.fixture
def demo_articles(db):
    """The 24 demo articles, published in both languages."""
    load_demo()
