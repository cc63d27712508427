"""The full-text side of SearchEntry, per database (the model does not declare it: Django has no field for an
FTS5 table or a generated tsvector).

PostgreSQL: a generated column `document` = setweight(to_tsvector('simple', title_terms), 'A') ||
setweight(to_tsvector('simple', body_terms), 'B'), with a GIN index: the database keeps it in step with every
insert. SQLite: an external-content FTS5 table `knowledge_searchentry_fts(title_terms, body_terms)` whose
rowid is the entry's id, kept in step by triggers (the terms are already segmented and space-separated, so
the `unicode61` tokenizer only splits on the spaces)."""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE knowledge_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', body_terms), 'B')"
    ") STORED",
    "CREATE INDEX knowledge_searchentry_document ON knowledge_searchentry USING GIN (document)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS knowledge_searchentry_document",
    "ALTER TABLE knowledge_searchentry DROP COLUMN IF EXISTS document",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE knowledge_searchentry_fts USING fts5("
    "title_terms, body_terms, content='knowledge_searchentry', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER knowledge_searchentry_ai AFTER INSERT ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_searchentry_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); END",
    "CREATE TRIGGER knowledge_searchentry_ad AFTER DELETE ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_searchentry_fts(knowledge_searchentry_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER knowledge_searchentry_au AFTER UPDATE ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_searchentry_fts(knowledge_searchentry_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
    "INSERT INTO knowledge_searchentry_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS knowledge_searchentry_au",
    "DROP TRIGGER IF EXISTS knowledge_searchentry_ad",
    "DROP TRIGGER IF EXISTS knowledge_searchentry_ai",
    "DROP TABLE IF EXISTS knowledge_searchentry_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
