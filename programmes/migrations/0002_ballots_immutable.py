from __future__ import annotations

from django.db import migrations

# Ballots are immutable (voting.md R2): no UPDATE ever. DELETE only while the round is being
# sealed, which sets `programmes.sealing` for its own transaction (SET LOCAL) before rewriting.
IMMUTABLE = """
CREATE OR REPLACE FUNCTION programmes_ballot_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('programmes.sealing', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'ballots are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER programmes_ballot_immutable
    BEFORE UPDATE OR DELETE ON programmes_ballot
    FOR EACH ROW EXECUTE FUNCTION programmes_ballot_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS programmes_ballot_immutable ON programmes_ballot;
DROP FUNCTION IF EXISTS programmes_ballot_refuse_change();
"""


def run_on_postgresql(sql: str):  # noqa: ANN201
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(run_on_postgresql(IMMUTABLE), run_on_postgresql(DROP))]
