"""Idempotency-Key handling for mutating API calls.

The record is inserted first, inside the same transaction as the work: a concurrent request with the same key
waits on the unique index and then finds the finished response. Errors are remembered too, so a replay
always returns exactly the first answer.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fairdesk.core.errors import DomainError
from fairdesk.core.models import IdempotencyRecord

MAX_KEY = 120
_request: contextvars.ContextVar[str] = contextvars.ContextVar("fairdesk_idempotent_request", default="")


def request_identity() -> str:
    """The idempotent request being run, as "<scope>|<key>" ("" without a key). Services tie what they send to
    an outside provider to it, so that the same request retried after a crash is recognised there too."""
    return _request.get()


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    status = 422


def run_idempotent(
    *, key: str | None, scope: str, payload: dict, handler: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """Run `handler` (returning status and JSON body) at most once per (scope, key)."""
    if not key:
        return _run(handler)
    if len(key) > MAX_KEY:
        raise IdempotencyConflict(_("Idempotency-Key 太长（最多 %(n)d 个字符）。") % {"n": MAX_KEY})
    fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(scope=scope, key=key, fingerprint=fingerprint)
        except IntegrityError:
            record = IdempotencyRecord.objects.get(scope=scope, key=key)
            if record.fingerprint != fingerprint:
                raise IdempotencyConflict(
                    _("这个 Idempotency-Key 已用于另一个请求。"), code="idempotency_key_reused"
                ) from None
            return record.status_code, record.body
        token = _request.set(f"{scope}|{key}")
        try:
            status, body = _run(handler)
        finally:
            _request.reset(token)
        record.status_code, record.body = status, body
        record.save(update_fields=["status_code", "body"])
        return status, body


def _run(handler: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    try:
        with transaction.atomic():
            return handler()
    except DomainError as exc:
        body = {"code": exc.code, "message": str(exc.message)}
        return exc.status, body


def idempotent_response(request, *, body, key: str | None, handler: Callable[[], tuple[int, dict]]):
    """The API side of `run_idempotent`: the caller's scope, the request's path and body as the fingerprint,
    plain JSON stored (datetimes as ISO 8601), and a JsonResponse with the first answer."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.http import JsonResponse

    def as_json() -> tuple[int, dict]:
        status, data = handler()
        return status, json.loads(json.dumps(data, cls=DjangoJSONEncoder))

    payload = {"path": request.path, "body": body.dict() if body is not None else None}
    status, data = run_idempotent(key=key, scope=request.api_scope, payload=payload, handler=as_json)
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
