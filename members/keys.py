"""Key rotation for the encrypted fields: after a new key is put first in FIELD_ENCRYPTION_KEYS,
every stored value is re-encrypted under it, so the old key can then be removed."""

from __future__ import annotations

from collections.abc import Iterator

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast

from members.crypto import field_fernet
from members.fields import EncryptedField

BATCH_SIZE = 500


class UndecryptableValue(Exception):
    """A stored value none of the configured keys can read (a key was removed too early)."""


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedField]]:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedField):
                yield model, field


def rotate_field_keys() -> int:
    """Re-encrypt every value not yet under the newest key; returns how many were rewritten.
    A second run finds nothing left to do and returns 0."""
    return sum(_rotate_column(model, field) for model, field in encrypted_fields())


def _rotate_column(model: type[models.Model], field: EncryptedField) -> int:
    newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0])
    keys = field_fernet()
    manager = model._base_manager
    rotated = 0
    last_pk = None
    while True:
        with transaction.atomic():
            rows = manager.filter(**{f"{field.attname}__isnull": False}).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            # Cast to plain text reads the stored token itself, not the decrypted value; the lock
            # keeps a save made meanwhile from being overwritten by the old value.
            batch = list(
                rows.select_for_update().values_list("pk", Cast(field.attname, models.TextField()))[
                    :BATCH_SIZE
                ]
            )
            for pk, token in batch:
                try:
                    newest.decrypt(token.encode())
                    continue  # already under the newest key
                except InvalidToken:
                    pass
                try:
                    fresh = keys.rotate(token.encode()).decode()
                except InvalidToken as exc:
                    raise UndecryptableValue(
                        f"{model._meta.label}.{field.name} of #{pk} cannot be decrypted with "
                        "the configured keys."
                    ) from exc
                # A plain-text Value, so the field does not encrypt the token a second time.
                manager.filter(pk=pk).update(
                    **{field.attname: models.Value(fresh, output_field=models.TextField())}
                )
                rotated += 1
        if len(batch) < BATCH_SIZE:
            return rotated
        last_pk = batch[-1][0]
