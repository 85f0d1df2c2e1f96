"""A referral's outcome (what happened at a health or legal service) becomes encrypted at rest.

The column turns from varchar to text, then every plain value already there is read with raw SQL
(the field would try to decrypt it) and written back through the field, which encrypts it. An
empty outcome becomes NULL, the field's "not given". Going back decrypts into plain text again,
NULL as "" since the plain column is NOT NULL.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.db import migrations

import members.fields
from members.crypto import field_fernet


def _is_token(value: str) -> bool:
    """Already ciphertext (a migration run again on rows it encrypted): leave it."""
    try:
        field_fernet().decrypt(value.encode())
    except (InvalidToken, ValueError):
        return False
    return True


def encrypt_outcomes(apps: Any, schema_editor: Any) -> None:
    Referral = apps.get_model("outreach", "Referral")
    table = schema_editor.quote_name(Referral._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        # The model's own table name, quoted: no input reaches this SQL.
        cursor.execute(f"SELECT id, outcome FROM {table} WHERE outcome IS NOT NULL")  # noqa: S608 # nosec B608
        rows = cursor.fetchall()
    for pk, plain in rows:
        if plain and _is_token(plain):
            continue
        # update() sends the value through the field's get_prep_value: it is stored encrypted.
        Referral.objects.filter(pk=pk).update(outcome=plain or None)


def decrypt_outcomes(apps: Any, schema_editor: Any) -> None:
    Referral = apps.get_model("outreach", "Referral")
    table = schema_editor.quote_name(Referral._meta.db_table)
    rows = list(Referral.objects.values_list("pk", "outcome"))  # decrypted by the field
    with schema_editor.connection.cursor() as cursor:
        for pk, outcome in rows:
            # The model's own table name, quoted: no input reaches this SQL.
            cursor.execute(
                f"UPDATE {table} SET outcome = %s WHERE id = %s",  # noqa: S608 # nosec B608
                [outcome or "", pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0004_default_risk_factors"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="outcome",
            field=members.fields.EncryptedCharField(blank=True, null=True, verbose_name="outcome"),
        ),
        migrations.RunPython(encrypt_outcomes, decrypt_outcomes),
    ]
