"""The event vocabulary: every kind an app can record is declared here by that app, with its payload.

An app lists its kinds in its own `events.py` (found at start-up, like admin.py):

    BOOKING_CREATED = declare(
        "booking.created",
        app="bookings",
        description="A customer or an agent booked a visit slot.",
        payload={"slot": "int", "service_type": "code"},
        label=_("预约成功"),
    )

and records them through the one writer, `core.services.event_record(kind=BOOKING_CREATED, ...)` (a kind's
string works too). The writer refuses an undeclared kind, a payload missing a declared field, a field that is
not declared, and a value of the wrong type. Payloads hold codes, ids, amounts and times, never prose: what a
person types (a cancellation's or a handover's reason) is kept on its record (`Booking.cancel_note`,
`Job.end_note`) and the event says which code was chosen and whether a note was written. There is no free-text
field type. `python manage.py event_kinds --json` prints the catalogue.

Field types (a trailing `?` allows null):
- `int` (ids, counts, integer fen), `bool`
- `code`: an identifier string (letters, digits and `_ . : + - / @ # *`, no spaces, at most 120 characters)
- `datetime`: ISO 8601 with offset (a datetime is accepted and stored as UTC ISO text); `date`: YYYY-MM-DD
- `int[]`, `code[]`: lists of those
- `json`: an opaque JSON value (the admin audit's field values)

History stays readable: a kind that was renamed keeps its old spellings in `aliases`, a payload field its old
name in `renamed`, a field old rows lack a value in `defaults`, a field old rows carried that today's readers
never see in `dropped` (the typed reasons that moved onto the records), and `read()` maps a stored (kind,
payload) to its declaration and today's field names (`legacy` resolvers map families such as the admin
audit's old `<model>.changed`). The table itself is append-only (a trigger on PostgreSQL), so old rows are
never rewritten.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

TYPES = ("int", "bool", "code", "datetime", "date", "int[]", "code[]", "json")
CODE_RE = re.compile(r"^[A-Za-z0-9_.:+\-/@#*]{0,120}$")


class EventError(ValueError):
    """A programming error: an undeclared kind or a payload that does not match its declaration."""


@dataclass(frozen=True)
class EventKind:
    kind: str
    app: str
    description: str
    payload: Mapping[str, str] = field(default_factory=dict)
    label: Any = ""  # what a timeline shows (a lazy translation, rendered in the reader's language)
    aliases: tuple[str, ...] = ()
    renamed: Mapping[str, str] = field(default_factory=dict)  # old payload field -> today's, for old rows
    # For old rows without a field: its value (or a function of the old payload), applied by read().
    defaults: Mapping[str, Any] = field(default_factory=dict)
    # Fields old rows carried that read() leaves out (prose that moved onto the records).
    dropped: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.kind

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "app": self.app,
            "description": self.description,
            "payload": dict(self.payload),
        }

    def validate(self, payload: Mapping[str, Any] | None) -> dict:
        """The payload as stored (datetimes as UTC ISO text), or EventError."""
        payload = dict(payload or {})
        missing = sorted(set(self.payload) - set(payload))
        if missing:
            raise EventError(f"{self.kind}: payload misses {', '.join(missing)}")
        extra = sorted(set(payload) - set(self.payload))
        if extra:
            raise EventError(f"{self.kind}: payload field(s) not declared: {', '.join(extra)}")
        return {name: _check(self.kind, name, type_, payload[name]) for name, type_ in self.payload.items()}


_REGISTRY: dict[str, EventKind] = {}
_ALIASES: dict[str, str] = {}
_LEGACY: list[Callable[[str, dict], str | None]] = []
_discovered = False


def declare(
    kind: str,
    *,
    app: str,
    description: str,
    payload: Mapping[str, str] | None = None,
    label: Any = "",
    aliases: tuple[str, ...] = (),
    renamed: Mapping[str, str] | None = None,
    defaults: Mapping[str, Any] | None = None,
    dropped: tuple[str, ...] = (),
) -> EventKind:
    """Declare a kind (once; declaring the same kind again with another shape is an error)."""
    for name, type_ in (payload or {}).items():
        if type_.rstrip("?") not in TYPES:
            raise EventError(f"{kind}: field {name} has unknown type {type_!r} (one of {', '.join(TYPES)})")
    decl = EventKind(
        kind,
        app,
        description,
        dict(payload or {}),
        label,
        tuple(aliases),
        dict(renamed or {}),
        dict(defaults or {}),
        tuple(dropped),
    )
    known = _REGISTRY.get(kind)
    if known is not None and known.as_dict() != decl.as_dict():
        raise EventError(f"{kind} is declared twice ({known.app} and {app})")
    _REGISTRY[kind] = decl
    for alias in aliases:
        _ALIASES[alias] = kind
    return decl


def legacy(resolver: Callable[[str, dict], str | None]) -> Callable[[str, dict], str | None]:
    """Register a function mapping an old stored (kind, payload) to today's kind, or None."""
    _LEGACY.append(resolver)
    return resolver


def discover() -> None:
    """Import every installed app's `events` module (idempotent)."""
    global _discovered
    if _discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("events")
    _discovered = True


def get(kind: str | EventKind) -> EventKind:
    """The declaration of a kind being recorded; EventError when it is not declared."""
    if isinstance(kind, EventKind):
        return kind
    discover()
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise EventError(f"event kind {kind!r} is not declared (declare it in its app's events.py)") from None


def catalogue() -> list[EventKind]:
    discover()
    return sorted(_REGISTRY.values(), key=lambda decl: (decl.app, decl.kind))


def resolve(kind: str, payload: Mapping[str, Any] | None = None) -> EventKind | None:
    """Today's declaration for a stored event (its kind, an alias, or a legacy family), None when unknown."""
    discover()
    if kind in _REGISTRY:
        return _REGISTRY[kind]
    if kind in _ALIASES:
        return _REGISTRY[_ALIASES[kind]]
    for resolver in _LEGACY:
        mapped = resolver(kind, dict(payload or {}))
        if mapped is not None and mapped in _REGISTRY:
            return _REGISTRY[mapped]
    return None


def read(kind: str, payload: Mapping[str, Any] | None = None) -> tuple[EventKind | None, dict]:
    """A stored event as today's vocabulary: its declaration and its payload with renamed fields under
    today's names and without its dropped fields (old rows are never rewritten; this is how statistics read
    them). Defaults are computed from the old payload before its dropped fields go."""
    decl = resolve(kind, payload)
    payload = dict(payload or {})
    if decl is not None:
        for old, new in decl.renamed.items():
            if old in payload and new not in payload:
                payload[new] = payload.pop(old)
        for name, value in decl.defaults.items():
            if name not in payload:
                payload[name] = value(payload) if callable(value) else value
        for name in decl.dropped:
            payload.pop(name, None)
    return decl, payload


def label_for(kind: str, payload: Mapping[str, Any] | None = None) -> str:
    """What a timeline shows for a stored event, in the active language; the kind itself when unlabelled."""
    decl = resolve(kind, payload)
    if decl is None or not decl.label:
        return kind
    return str(decl.label)


def _check(kind: str, name: str, type_: str, value: Any) -> Any:
    nullable = type_.endswith("?")
    base = type_.rstrip("?")
    if value is None:
        if nullable:
            return None
        raise EventError(f"{kind}: {name} may not be null")

    def wrong() -> EventError:
        return EventError(f"{kind}: {name} should be {type_}, got {type(value).__name__} {value!r:.60}")

    if base == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong()
        return value
    if base == "bool":
        if not isinstance(value, bool):
            raise wrong()
        return value
    if base == "code":
        if not isinstance(value, str) or not CODE_RE.match(value):
            raise wrong()
        return value
    if base == "int[]":
        if not isinstance(value, (list, tuple)) or any(
            isinstance(v, bool) or not isinstance(v, int) for v in value
        ):
            raise wrong()
        return list(value)
    if base == "code[]":
        if not isinstance(value, (list, tuple)) or any(
            not isinstance(v, str) or not CODE_RE.match(v) for v in value
        ):
            raise wrong()
        return list(value)
    if base == "datetime":
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise wrong()
            return value.astimezone(dt.UTC).isoformat()
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                raise wrong() from None
            if parsed.tzinfo is None:
                raise wrong()
            return value
        raise wrong()
    if base == "date":
        if isinstance(value, dt.datetime):
            raise wrong()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise wrong() from None
            return value
        raise wrong()
    # json: anything JSON can hold
    return value


# The channel of the request being served (set by core.middleware.ClientAddressMiddleware): "api" under /api/,
# else "self_service"; "system" outside a request (periodic jobs, commands).
REQUEST_CHANNEL: ContextVar[str] = ContextVar("fairdesk_request_channel", default="system")
CHANNELS = ("self_service", "api", "agent", "system")


def channel_for(actor) -> str:
    """How a change came in: `agent` when staff acted (for a customer), else the request's channel."""
    role = getattr(actor, "role", None) if getattr(actor, "is_authenticated", False) else None
    if role is not None and role != "customer":
        return "agent"
    return REQUEST_CHANNEL.get()


PROSE_RE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[A-Za-z]{2,}\s+[A-Za-z]{2,}")


def prose_in(payload: Any) -> list[str]:
    """The strings in a payload that read as prose (CJK characters, or words separated by spaces)."""
    found: list[str] = []
    if isinstance(payload, str):
        if PROSE_RE.search(payload):
            found.append(payload)
    elif isinstance(payload, Mapping):
        for value in payload.values():
            found += prose_in(value)
    elif isinstance(payload, (list, tuple)):
        for value in payload:
            found += prose_in(value)
    return found


# --- core's own kinds -------------------------------------------------------------------------------------

TEST_CLOCK_ADVANCED = declare(
    "test_clock.advanced",
    app="core",
    description="The demo's test clock moved forward.",
    payload={"seconds": "int", "offset": "int"},
)
TEST_CLOCK_RESET = declare(
    "test_clock.reset",
    app="core",
    description="The demo's test clock went back to real time (what happened during the jump stays).",
    payload={"offset_before": "int"},
)
ADMIN_CREATED = declare(
    "admin.created",
    app="core",
    description="A record was added through the admin (model label; field -> value as entered).",
    payload={"model": "code", "fields": "json"},
)
ADMIN_CHANGED = declare(
    "admin.changed",
    app="core",
    description="A record was changed through the admin (model label; changed field -> new value).",
    payload={"model": "code", "fields": "json"},
)
ADMIN_DELETED = declare(
    "admin.deleted",
    app="core",
    description="A record was deleted through the admin (model label; field -> last value).",
    payload={"model": "code", "fields": "json"},
)


@legacy
def _admin_audit_before_issue_10(kind: str, payload: dict) -> str | None:
    """Until issue 10 the admin recorded `<model>.created|changed|deleted` with {"via": "admin", ...}."""
    action = kind.rpartition(".")[2]
    if payload.get("via") == "admin" and action in ("created", "changed", "deleted"):
        return f"admin.{action}"
    return None
