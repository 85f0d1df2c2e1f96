from __future__ import annotations

from django.db import migrations

# Not even the application may rewrite who looked at whom. TRUNCATE stays possible: it needs the
# table owner, who could drop the trigger anyway, and test databases are emptied with it.
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION members_accesslog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER members_accesslog_append_only
    BEFORE UPDATE OR DELETE ON members_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION members_accesslog_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS members_accesslog_append_only ON members_accesslog;
DROP FUNCTION IF EXISTS members_accesslog_refuse_change();
"""


def run_on_postgresql(sql: str):  # noqa: ANN201
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0003_people")]

    operations = [migrations.RunPython(run_on_postgresql(APPEND_ONLY), run_on_postgresql(DROP))]
