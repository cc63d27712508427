from fairdesk.core.errors import DomainError, InvalidInput, NotFound


class SlotFull(DomainError):
    code = "slot_full"
    status = 409


class SlotUnavailable(DomainError):
    code = "slot_unavailable"
    status = 409


class NotCovered(DomainError):
    code = "not_covered"
    status = 422


class BookingNotFound(NotFound):
    code = "booking_not_found"


class IllegalTransition(DomainError):
    code = "illegal_transition"
    status = 409


__all__ = [
    "BookingNotFound",
    "IllegalTransition",
    "InvalidInput",
    "NotCovered",
    "SlotFull",
    "SlotUnavailable",
]
