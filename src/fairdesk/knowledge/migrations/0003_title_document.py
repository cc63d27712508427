"""PostgreSQL: a second, small generated tsvector of the title alone (`title_document`, GIN-indexed). A query
whose terms are common searches the titles first and reads the whole `document` of only the best title
matches (ranking reads each candidate's document, and a body tsvector is large: reading thousands per query
is what made common words slow). Nothing on SQLite (FTS5 filters a column itself)."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE knowledge_searchentry ADD COLUMN title_document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_terms), 'A')) STORED",
    "CREATE INDEX knowledge_searchentry_title_document ON knowledge_searchentry USING GIN (title_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_searchentry_title_document",
    "ALTER TABLE knowledge_searchentry DROP COLUMN IF EXISTS title_document",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
