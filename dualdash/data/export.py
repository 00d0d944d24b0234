"""``dualdash export``: every table as a CSV file, plus one JSON manifest that describes them.

The export is the whole organization in plain files: one ``<table>.csv`` per table (a header of
column names, ids kept), read in one transaction so the files agree with each other, and
``dualdash-export.json``: the app version, the schema's migrations, when, and each table's file,
row count and columns with their types. :mod:`dualdash.data_import` loads it back.

In the CSV files an empty value is an empty string and ``\\N`` is NULL (a text that starts with a
backslash gets one more in front). Times are ISO 8601 (UTC, as stored), booleans ``true``/``false``,
numbers as Python writes them (floats round-trip exactly)."""
import csv
import datetime
import decimal
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from peewee import ForeignKeyField, PostgresqlDatabase

from dualdash import db as dbmod
from dualdash.db import schema_status

MANIFEST = "dualdash-export.json"
FORMAT = "dualdash-export"
FORMAT_VERSION = 1
NULL = "\\N"
#: Rows read per query (keyset pages by id, so a large table never sits in memory).
BATCH = 5000


class ExportError(Exception):
    """The export could not be written; the message says why."""


@dataclass(frozen=True)
class TableExport:
    table: str
    file: str
    rows: int


def app_version():
    try:
        return metadata.version("dualdash")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown"


def encode(value):
    """One value as CSV text (see the module docstring)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, decimal.Decimal)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        raise ExportError("binary columns are not supported")
    text = str(value)
    return "\\" + text if text.startswith("\\") else text


def columns_of(model):
    """A model's columns as the manifest lists them."""
    columns = []
    for field in model._meta.sorted_fields:
        column = {"name": field.column_name, "type": field.field_type, "null": bool(field.null)}
        if isinstance(field, ForeignKeyField):
            column["references"] = field.rel_model._meta.table_name
        columns.append(column)
    return columns


def prepare_folder(folder, force=False):
    """Make sure ``folder`` may receive an export: new or empty, or anything with ``force`` (files
    of the same names are replaced, others are left alone)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a folder.")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ExportError(f"{folder} is not empty: choose a new or empty folder, or add --force to write "
                          "into it (files of the same names are replaced).")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_all(db, folder, force=False, models=None):
    """Write every table of ``db`` into ``folder`` and the manifest last; returns the manifest (a dict).

    Refuses a database with pending migrations (the files must describe one known schema)."""
    models = models or dbmod.tables()
    applied, pending = schema_status(db)
    if not applied:
        raise ExportError("The database has no Dual Dash schema: there is nothing to export.")
    if pending:
        raise ExportError(f"The database schema is out of date ({', '.join(pending)} pending): "
                          "run 'dualdash migrate' first.")
    folder = prepare_folder(folder, force)
    started = datetime.datetime.now(datetime.UTC)
    tables = []
    # One transaction: every file is read from the same snapshot (REPEATABLE READ on PostgreSQL; a
    # read transaction on SQLite in WAL mode sees one moment too).
    options = {"isolation_level": "REPEATABLE READ"} if isinstance(db, PostgresqlDatabase) else {}
    with db.atomic(**options):
        for model in models:
            table = model._meta.table_name
            rows = _write_table(model, folder / f"{table}.csv")
            tables.append({"table": table, "model": model.__name__, "file": f"{table}.csv", "rows": rows,
                           "primary_key": model._meta.primary_key.column_name, "columns": columns_of(model)})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app": "dualdash",
        "app_version": app_version(),
        "exported_at": started.isoformat(),
        "database": "postgresql" if isinstance(db, PostgresqlDatabase) else "sqlite",
        "schema": {"level": applied[-1], "migrations": applied},
        "null": NULL,
        "encoding": "utf-8",
        "tables": tables,
    }
    with open(folder / MANIFEST, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    return manifest


def _write_table(model, path):
    """Stream one table into ``path`` a batch at a time, in id order; the number of rows."""
    fields = model._meta.sorted_fields
    pk = model._meta.primary_key
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([f.column_name for f in fields])
        last = None
        while True:
            query = model.select(*fields).order_by(pk).limit(BATCH)
            if last is not None:
                query = query.where(pk > last)
            batch = list(query.tuples())
            if not batch:
                break
            writer.writerows([encode(v) for v in row] for row in batch)
            count += len(batch)
            last = batch[-1][fields.index(pk)]
    return count
