"""What complaints plugs into lower apps at start-up (hooks they expose; they never import complaints)."""

from __future__ import annotations


def connect() -> None:
    pass
