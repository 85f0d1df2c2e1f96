"""Encrypted model fields: contact details and notes about people are unreadable in a database
dump, a backup or a seized disk without the keys held in the environment."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import InvalidToken
from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from members.crypto import field_fernet


class EncryptedField(models.TextField):
    """Stores a Fernet token of the value's JSON, so `""`, `0` and `False` come back exactly as
    they went in; only `None` is stored as NULL. Tokens differ on every save, so the column can
    be neither searched nor sorted, and it is never indexed."""

    python_type: type = str

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        value = self.to_python(value)
        if value is None:  # e.g. a blank boolean: NULL, not an encrypted "null" isnull misses
            return None
        return field_fernet().encrypt(json.dumps(value).encode()).decode()

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        try:
            return json.loads(field_fernet().decrypt(value.encode()))
        except InvalidToken as exc:
            # A missing or revoked key: fail loudly rather than show an empty field.
            raise ValidationError(
                "A value could not be decrypted with the configured keys."
            ) from exc

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, self.python_type):
            return value
        return self.python_type(value)

    def get_lookup(self, lookup_name: str) -> Any:
        # Anything but IS NULL would silently match nothing: refuse it instead.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def _empty(field: EncryptedField) -> dict[str, Any]:
    # A left-blank optional input means "not given" (NULL), not an encrypted empty string.
    return {"empty_value": None} if field.null else {}


class EncryptedTextField(EncryptedField):
    python_type = str

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return models.Field.formfield(
            self,
            **{
                "form_class": forms.CharField,
                "widget": forms.Textarea(attrs={"rows": 3}),
                **kwargs,
            },
        )


class EncryptedCharField(EncryptedField):
    """A short encrypted text (a phone number, an e-mail address): a one-line input."""

    python_type = str

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return models.Field.formfield(
            self, **{"form_class": forms.CharField, **_empty(self), **kwargs}
        )


class EncryptedIntegerField(EncryptedField):
    python_type = int

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return models.Field.formfield(self, **{"form_class": forms.IntegerField, **kwargs})


class EncryptedBooleanField(EncryptedField):
    python_type = bool

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        return forms.NullBooleanField().to_python(value)

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return models.Field.formfield(self, **{"form_class": forms.NullBooleanField, **kwargs})
