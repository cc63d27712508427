from __future__ import annotations

from typing import Any

from django.db import models

from fairdesk.core.models import Event


def event_record(
    *,
    kind: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    actor: Any = None,
    actor_label: str = "",
    payload: dict | None = None,
) -> Event:
    """Append one event. Call inside the service's transaction so the event and the change commit together."""
    if subject is not None:
        subject_type = subject._meta.label_lower
        subject_id = subject.pk
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None and not actor_label:
        actor_label = str(actor)
    return Event.objects.create(
        kind=kind,
        subject_type=subject_type,
        subject_id=str(subject_id),
        actor=actor,
        actor_label=actor_label or "system",
        payload=payload or {},
    )
