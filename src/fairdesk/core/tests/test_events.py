"""Events are append-only: the application refuses changes, and PostgreSQL refuses them too."""

import pytest
from django.db import connection, transaction

from fairdesk.core.events import declare
from fairdesk.core.models import Event
from fairdesk.core.selectors import events_for
from fairdesk.core.services import event_record

pytestmark = pytest.mark.django_db

declare("demo.happened", app="core", description="A test event.", payload={"x": "int?"})


def test_an_event_records_who_what_and_when():
    event = event_record(kind="demo.happened", subject_type="demo", subject_id=7, payload={"x": 1})
    assert event.actor_label == "system"
    assert event.at.tzinfo is not None
    assert list(events_for(subject_type="demo", subject_id=7)) == [event]


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    event = event_record(kind="demo.happened", subject_type="demo", subject_id=1, payload={"x": None})
    event.kind = "demo.rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(kind="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_raw_updates_and_deletes():
    from django.db import DatabaseError

    event = event_record(kind="demo.happened", subject_type="demo", subject_id=2, payload={"x": 2})
    for sql in ("UPDATE core_event SET kind = 'x' WHERE id = %s", "DELETE FROM core_event WHERE id = %s"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [event.pk])
    assert Event.objects.get(pk=event.pk).kind == "demo.happened"
