"""The knowledge-base search index (see `lotse.questions.search`).

- An index for the knowledge base without a query (newest published entries first).
- PostgreSQL: the IMMUTABLE function `lotse_regconfig(language)`, two STORED generated tsvector
  columns on `questions_entry` (not model fields: ORM reads never fetch them) —
  `search_vector` (title A, question B, answer C) and `title_vector`, kept in the row
  (`STORAGE MAIN`) — and partial GIN indexes on each (published entries only, German entries
  and the others apart, `fastupdate = off`).
- SQLite: the FTS5 table `questions_entry_fts` (stems of title, question, answer; filter tokens
  in `meta`; rowid = entry id), kept by `services.knowledge`, and a trigger that deletes an
  entry's row with the entry.

The SQL is written out here (not imported) so that the migration stays as it was applied.
Entries published before the index existed get their FTS rows with `manage.py search_reindex`
(PostgreSQL computes the generated columns itself).
"""

from django.db import migrations, models

_VECTOR = "to_tsvector(lotse_regconfig(language), {column})"
POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION lotse_regconfig(lang text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE lang
        WHEN 'de' THEN 'german'::regconfig
        WHEN 'en' THEN 'english'::regconfig
        WHEN 'ru' THEN 'russian'::regconfig
        WHEN 'tr' THEN 'turkish'::regconfig
        WHEN 'ar' THEN 'arabic'::regconfig
        ELSE 'simple'::regconfig
      END
    $$
    """,
    "ALTER TABLE questions_entry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    f"setweight({_VECTOR.format(column='title')}, 'A') || "
    f"setweight({_VECTOR.format(column='question')}, 'B') || "
    f"setweight({_VECTOR.format(column='answer')}, 'C')) STORED",
    "ALTER TABLE questions_entry ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ("
    f"{_VECTOR.format(column='title')}) STORED",
    # Keep the vectors in the row and move the texts out instead: ranking reads a vector per
    # candidate, and a TOAST lookup each would cost more than the ranking itself. A vector
    # of an entry of average length is about 2 KB, more than PostgreSQL keeps in a row by
    # default (toast_tuple_target 2032).
    "ALTER TABLE questions_entry ALTER COLUMN search_vector SET STORAGE MAIN",
    "ALTER TABLE questions_entry ALTER COLUMN title_vector SET STORAGE MAIN",
    "ALTER TABLE questions_entry SET (toast_tuple_target = 4080)",
    # German entries (the majority) and the others have separate partial indexes: a German
    # entry is matched with the German stems only, the others with every language's.
    *(
        f"CREATE INDEX entry_{column}_{name}_gin ON questions_entry USING gin ({column}) "
        f"WITH (fastupdate = off) WHERE status = 'published' AND language {operator} 'de'"
        for column in ("search_vector", "title_vector")
        for name, operator in (("de", "="), ("other", "<>"))
    ),
]
POSTGRES_REVERSE = [
    "ALTER TABLE questions_entry RESET (toast_tuple_target)",
    *(
        f"DROP INDEX IF EXISTS entry_{column}_{name}_gin"
        for column in ("search_vector", "title_vector")
        for name in ("de", "other")
    ),
    "ALTER TABLE questions_entry DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE questions_entry DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS lotse_regconfig(text)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE questions_entry_fts USING fts5(title, question, answer, meta, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER questions_entry_fts_delete AFTER DELETE ON questions_entry "
    "BEGIN DELETE FROM questions_entry_fts WHERE rowid = old.id; END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS questions_entry_fts_delete",
    "DROP TABLE IF EXISTS questions_entry_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                fields=["status", "-published_at", "-id"], name="entry_status_newest"
            ),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
