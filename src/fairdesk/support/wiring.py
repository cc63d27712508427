"""What support plugs into lower apps at start-up (hooks they expose; they never import support)."""

from __future__ import annotations


def connect() -> None:
    pass
