"""Domain errors raised by services; the API maps them to 4xx JSON {"code", "message"}."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the business was not met. `message` is lazily translated, `code` is stable for clients."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str | Promise, *, code: str | None = None, **details: object) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.details = details


class InvalidInput(DomainError):
    code = "invalid"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class BadRequest(DomainError):
    """The request itself is malformed (unreadable body, characters no field may hold)."""

    code = "bad_request"
    status = 400


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class Throttled(DomainError):
    code = "throttled"
    status = 429
