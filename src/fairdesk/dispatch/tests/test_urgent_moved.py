"""UrgentRequest moved from bookings to dispatch without touching its table: the migrations are state-only,
the table keeps its name, the foreign key from Job points at the same table, old events still read."""

import pytest
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader

from fairdesk.dispatch.models import Job, UrgentRequest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("app", "name"),
    [("dispatch", "0006_urgentrequest_from_bookings"), ("bookings", "0004_urgentrequest_to_dispatch")],
)
def test_the_move_changes_no_table(app, name):
    """Only state operations (database_operations empty) and the content type's rename (RunPython)."""
    migration = MigrationLoader(None, ignore_no_migrations=True).get_migration(app, name)
    for operation in migration.operations:
        if isinstance(operation, migrations.RunPython):
            continue
        assert isinstance(operation, migrations.SeparateDatabaseAndState), operation
        assert operation.database_operations == []


def test_the_table_and_the_subject_type_keep_their_names():
    assert UrgentRequest._meta.app_label == "dispatch"
    assert UrgentRequest._meta.db_table == "bookings_urgentrequest"
    assert Job._meta.get_field("urgent").related_model is UrgentRequest
    assert "bookings_urgentrequest" in connection.introspection.table_names()
    assert UrgentRequest.event_subject_type == "bookings.urgentrequest"  # the events written before the move
