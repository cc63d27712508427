"""Support's refusals (the API answers them as {"code", "message"} in the caller's language)."""

from fairdesk.core.errors import DomainError, InvalidInput, NotFound  # noqa: F401 - re-exported


class SupportConflict(DomainError):
    """The conversation is not in a state that allows this (closed, not yours, already rated …)."""

    code = "conflict"
    status = 409
