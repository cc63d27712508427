from __future__ import annotations

from django.db.models import QuerySet

from fairdesk.core.models import Event


def events_for(*, subject_type: str, subject_id: str | int) -> QuerySet[Event]:
    return Event.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by("at", "id")
