"""What the knowledge base plugs into lower apps at start-up (hooks they expose; they never import it)."""

from __future__ import annotations


def connect() -> None:
    from fairdesk.core import demo
    from fairdesk.knowledge.demo import load_demo

    demo.register("knowledge.articles", lambda *, verbosity=1: [f"knowledge: {load_demo()}"])
