"""What pages share: the one way to show a refused action to a person."""

from __future__ import annotations

from django.shortcuts import render

from fairdesk.core.errors import DomainError


def error_page(request, error: DomainError | str, *, back: str = "", status: int | None = None):
    """The message in the user's language where the action was, with a way back; the status from the
    domain error (404, 409, 422 …) unless given."""
    message = str(error.message) if isinstance(error, DomainError) else str(error)
    code = status or (error.status if isinstance(error, DomainError) else 422)
    return render(request, "bookings/error.html", {"error": message, "back": back}, status=code)
