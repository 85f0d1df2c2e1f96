"""Rows into a table fast, for the benchmark data (demo.scale): PostgreSQL COPY, bulk_create
elsewhere, with a progress line on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from io import TextIOBase
from typing import Any, TextIO, TypeAlias

from django.db import connection, models

from members.fields import EncryptedField

BATCH = 2000  # bulk_create batch size where COPY is not available


# Where progress is written: sys.stderr, or a management command's wrapped stderr.
Stream: TypeAlias = TextIO | TextIOBase


def _column(field: Any) -> str:
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{field} is not a column")
    return field.column


class Progress:
    """A plain-text progress line on stderr, redrawn in place: no dependency, no terminal codes
    beyond a carriage return."""

    def __init__(self, stream: Stream, label: str, total: int) -> None:
        self.stream, self.label, self.total = stream, label, max(total, 1)
        self.done = 0
        self.every = max(self.total // 200, 1)
        self.next_at = self.every

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.done >= self.next_at:
            self.next_at = self.done + self.every
            self.draw()

    def draw(self) -> None:
        percent = self.done * 100 // self.total
        self.stream.write(f"\r{self.label:<12} {self.done:>11,}/{self.total:,}  {percent:3d}%")
        self.stream.flush()

    def close(self) -> None:
        self.draw()
        self.stream.write("\n")
        self.stream.flush()


class Sink:
    """Rows (plain Python values, in `attnames` order) into one table: COPY on PostgreSQL, where
    encrypted and JSON columns are converted here by the field itself; bulk_create elsewhere,
    where the model does it."""

    def __init__(self, model: type[models.Model], attnames: Sequence[str], progress: Progress):
        self.model, self.attnames, self.progress = model, list(attnames), progress
        self.postgres = connection.vendor == "postgresql"
        fields = [model._meta.get_field(name.removesuffix("_id")) for name in self.attnames]
        self.columns = [_column(f) for f in fields]
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        for index, f in enumerate(fields):
            if isinstance(f, EncryptedField):
                self.converters.append((index, f.get_prep_value))
            elif isinstance(f, models.JSONField):
                self.converters.append((index, json.dumps))
        self.batch: list[models.Model] = []
        self.count = 0

    def __enter__(self) -> Sink:
        if self.postgres:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(c) for c in self.columns)
            self._cursor = connection.cursor()
            self._copy_block = self._cursor.cursor.copy(
                f"COPY {quote(self.model._meta.db_table)} ({columns}) FROM STDIN"
            )
            self._copy = self._copy_block.__enter__()
        return self

    def write(self, row: Sequence[Any]) -> None:
        self.count += 1
        if self.postgres:
            if self.converters:
                row = list(row)
                for index, convert in self.converters:
                    if row[index] is not None:
                        row[index] = convert(row[index])
            self._copy.write_row(row)
        else:
            self.batch.append(self.model(**dict(zip(self.attnames, row, strict=True))))
            if len(self.batch) >= BATCH:
                self._flush()
        self.progress.step()

    def _flush(self) -> None:
        self.model.objects.bulk_create(self.batch, batch_size=BATCH)  # type: ignore[attr-defined]
        self.batch = []

    def __exit__(self, *exc: Any) -> None:
        if self.postgres:
            self._copy_block.__exit__(*exc)
            self._cursor.close()
        elif exc[0] is None and self.batch:
            self._flush()
        if exc[0] is None:
            self.progress.close()
