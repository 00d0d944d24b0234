"""``dualdash import-all``: load an export made by :mod:`dualdash.data_export` into an empty database.

All or nothing: the manifest and every file's header are checked before anything is touched; then,
in one transaction, the database is brought to the export's schema, every table is loaded (parents
before children; a table that refers to itself gets those references once all its rows are in), the
database is migrated to the current schema, and PostgreSQL's id sequences are moved past the
loaded ids. Any problem (a missing file, a bad value, a broken reference) rolls everything back and
names the file, line and column."""
import csv
import datetime
import decimal
import json
from dataclasses import dataclass
from pathlib import Path

from peewee import DatabaseError, PostgresqlDatabase

from dualdash import db as dbmod
from dualdash.data.export import FORMAT, MANIFEST, NULL
from dualdash.shared import dates

#: Most values bound in one INSERT (SQLite allows 32,766).
MAX_PARAMS = 20_000


class DataImportError(Exception):
    """The export cannot be loaded; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Loaded:
    tables: int
    rows: int
    schema: str
    migrated: list


def _int(text):
    return int(text)


def _bool(text):
    lowered = text.lower()
    if lowered in ("true", "1", "t", "yes"):
        return True
    if lowered in ("false", "0", "f", "no"):
        return False
    raise ValueError


class OutsideWindow(ValueError):
    """A well-formed date outside the dates Dual Dash accepts (which no page could then show)."""


def _in_window(value):
    if not dates.in_window(value):
        raise OutsideWindow(dates.message(value))
    return value


def _datetime(text):
    return _in_window(datetime.datetime.fromisoformat(text))


def _date(text):
    return _in_window(datetime.date.fromisoformat(text))


def _time(text):
    return datetime.time.fromisoformat(text)


def _text(text):
    return text


#: Column type (peewee's field_type) -> how its text becomes a value, and what to call a bad one.
CONVERTERS = {
    "AUTO": (_int, "a whole number"), "BIGAUTO": (_int, "a whole number"), "INT": (_int, "a whole number"),
    "BIGINT": (_int, "a whole number"), "SMALLINT": (_int, "a whole number"),
    "FLOAT": (float, "a number"), "DOUBLE": (float, "a number"), "DECIMAL": (decimal.Decimal, "a number"),
    "BOOL": (_bool, "true or false"), "DATE": (_date, "a date (YYYY-MM-DD)"),
    "DATETIME": (_datetime, "a date and time (ISO 8601)"), "TIME": (_time, "a time"),
    "CHAR": (_text, "text"), "VARCHAR": (_text, "text"), "TEXT": (_text, "text"), "UUID": (_text, "text"),
}


def read_manifest(folder):
    """The manifest of the export in ``folder``, checked for shape; raises :class:`DataImportError`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataImportError(f"{folder} is not a folder.")
    path = folder / MANIFEST
    if not path.is_file():
        raise DataImportError(f"{folder} has no {MANIFEST}: it is not a Dual Dash export "
                              "(made with 'dualdash export').")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataImportError(f"{path} is not valid JSON: {exc}.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DataImportError(f"{path} is not a Dual Dash export manifest.")
    try:
        migrations = list(manifest["schema"]["migrations"])
        tables = manifest["tables"]
        complete = all(isinstance(t, dict) and {"table", "file", "rows", "columns"} <= set(t)
                       and all({"name", "type"} <= set(c) for c in t["columns"]) for t in tables)
    except (KeyError, TypeError) as exc:
        raise DataImportError(f"{path} is incomplete (missing {exc}).") from exc
    if not complete:
        raise DataImportError(f"{path} is incomplete: each table needs its table, file, rows and columns.")
    if not migrations:
        raise DataImportError(f"{path} names no schema migration.")
    if manifest.get("null", NULL) != NULL:
        raise DataImportError(f"{path} uses an unknown NULL marker.")
    for table in tables:
        file = folder / table["file"]
        if Path(table["file"]).name != table["file"] or not file.is_file():
            raise DataImportError(f"The export lists {table['file']} for table {table['table']}, "
                                  f"but {folder} has no such file.")
        unknown = [c["name"] for c in table["columns"] if c["type"] not in CONVERTERS]
        if unknown:
            raise DataImportError(f"{table['file']}: unknown column types for {', '.join(unknown)}.")
        with open(file, encoding="utf-8", newline="") as fh:
            try:
                header = next(csv.reader(fh), None)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise DataImportError(f"{table['file']}: cannot read the header ({exc}).") from exc
        expected = [c["name"] for c in table["columns"]]
        if header != expected:
            raise DataImportError(f"{table['file']}: the header is {', '.join(header or ['empty'])}; the manifest "
                                  f"says {', '.join(expected)}.")
    return manifest


def check_schema(db, manifest):
    """The migrations to bring ``db`` to the export's schema (``("up"|"down"|None, target)``), or
    :class:`DataImportError` when the export comes from a newer Dual Dash."""
    known = [m.name for m in dbmod.runner(db).status() if m.path]
    wanted = manifest["schema"]["migrations"]
    if wanted != known[:len(wanted)]:
        newer = [name for name in wanted if name not in known]
        raise DataImportError(
            "The export comes from a newer Dual Dash (schema "
            f"{', '.join(newer) if newer else wanted[-1]} is unknown here): upgrade Dual Dash, then import it.")
    applied, _ = dbmod.schema_status(db)
    if applied == wanted:
        return None, None
    if applied == known[:len(applied)] and len(applied) < len(wanted):
        return "up", wanted[-1]
    if applied[:len(wanted)] == wanted:
        return "down", applied[len(wanted)]
    raise DataImportError(f"The database's schema history ({', '.join(applied)}) does not match this "
                          "Dual Dash: import into a new, empty database.")


def tables_with_rows(db):
    """Names of Dual Dash tables that hold any row (the migration history does not count)."""
    existing = set(db.get_tables())
    names = [m._meta.table_name for m in dbmod.tables() if m._meta.table_name in existing]
    # The names are the models' own table names, not input.
    return [name for name in names
            if db.execute_sql(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()]  # nosec B608


def load_order(tables):
    """The manifest's tables, each after the tables it refers to (references to itself aside)."""
    by_name = {t["table"]: t for t in tables}
    done, ordered = set(), []

    def visit(name, path):
        if name in done:
            return
        if name in path:
            raise DataImportError(f"The tables {', '.join(path)} refer to each other in a cycle.")
        table = by_name[name]
        for column in table["columns"]:
            ref = column.get("references")
            if ref and ref != name:
                if ref not in by_name:
                    raise DataImportError(f"{table['file']} refers to table {ref}, which the export lacks.")
                visit(ref, path + [name])
        done.add(name)
        ordered.append(table)
    for t in tables:
        visit(t["table"], [])
    return ordered


def import_all(db, folder):
    """Load the export in ``folder`` into the empty database ``db``; returns :class:`Loaded`."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    with db.connection_context():
        busy = tables_with_rows(db)
        if busy:
            named = ", ".join(busy[:4]) + (f" and {len(busy) - 4} more" if len(busy) > 4 else "")
            raise DataImportError(
                f"The database is not empty ({named} hold rows): import-all only loads into an empty "
                "database. Point DATABASE_URL (or DUALDASH_INSTANCE) at a new one.")
        direction, target = check_schema(db, manifest)
        tables = load_order(manifest["tables"])
        total = 0
        with dbmod.write_transaction(db):
            runner = dbmod.runner(db)
            if direction == "up":
                runner.up(target)
            elif direction == "down":
                runner.down(target)
            _check_columns(db, tables)
            for table in tables:
                total += _load_table(db, folder, table)
            migrated = runner.up()
            if isinstance(db, PostgresqlDatabase):
                dbmod.reset_id_sequences(db, [(t["table"], t["primary_key"]) for t in tables if t.get("primary_key")])
    return Loaded(tables=len(tables), rows=total, schema=manifest["schema"]["level"], migrated=migrated)


def _check_columns(db, tables):
    """Every table and column of the export exists in the database (at the export's schema): also
    what makes the names safe to put in SQL."""
    existing = set(db.get_tables())
    for table in tables:
        if table["table"] not in existing:
            raise DataImportError(f"{table['file']}: the database has no table {table['table']}.")
        have = {c.name for c in db.get_columns(table["table"])}
        missing = [c["name"] for c in table["columns"] if c["name"] not in have]
        if table.get("primary_key") and table["primary_key"] not in {c["name"] for c in table["columns"]}:
            missing.append(table["primary_key"])
        if missing:
            raise DataImportError(f"{table['file']}: the table {table['table']} has no column "
                                  f"{', '.join(missing)}.")


def _load_table(db, folder, table):
    """Insert one file's rows in batches; returns how many. References to the table itself are set
    afterwards, once every row they may point at exists."""
    name, columns = table["table"], table["columns"]
    self_refs = [i for i, c in enumerate(columns) if c.get("references") == name]
    pk = table.get("primary_key")
    pk_index = next((i for i, c in enumerate(columns) if c["name"] == pk), None)
    if self_refs and pk_index is None:
        raise DataImportError(f"{table['file']}: a table that refers to itself needs its primary key column.")
    quoted = ", ".join(f'"{c["name"]}"' for c in columns)
    per_insert = max(1, min(1000, MAX_PARAMS // len(columns)))
    converters = [CONVERTERS[c["type"]] for c in columns]
    later = {i: [] for i in self_refs}  # column -> [(row id, referenced id)]
    batch, count = [], 0

    def flush():
        if batch:
            row_sql = "(" + ", ".join([db.param] * len(columns)) + ")"
            # Table and column names were checked against the database (_check_columns); values are bound.
            db.execute_sql(f'INSERT INTO "{name}" ({quoted}) VALUES '  # nosec B608
                           + ", ".join([row_sql] * len(batch)),
                           [v for row in batch for v in row])
            batch.clear()

    with open(folder / table["file"], encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            next(reader)
            for row in reader:
                line = reader.line_num
                if len(row) != len(columns):
                    raise DataImportError(f"{table['file']}, line {line}: {len(row)} values, expected "
                                          f"{len(columns)}.")
                values = [_value(text, column, convert, table["file"], line)
                          for text, column, convert in zip(row, columns, converters)]
                for i in self_refs:
                    if values[i] is not None:
                        later[i].append((values[pk_index], values[i]))
                        values[i] = None
                batch.append(values)
                count += 1
                if len(batch) >= per_insert:
                    _insert(flush, table, line)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise DataImportError(f"{table['file']}: cannot be read ({exc}).") from exc
    _insert(flush, table, "end")
    for i, pairs in later.items():
        _set_references(db, table, columns[i]["name"], pk, pairs)
    if count != table["rows"]:
        raise DataImportError(f"{table['file']} has {count} rows; the manifest says {table['rows']}: "
                              "the export is incomplete.")
    return count


def _set_references(db, table, column, pk, pairs):
    """Set ``column`` of many rows, ``pairs`` of (row id, referenced id), a thousand per UPDATE."""
    p = db.param
    for start in range(0, len(pairs), 1000):
        chunk = pairs[start:start + 1000]
        cases = " ".join([f"WHEN {p} THEN {p}"] * len(chunk))
        # Names checked against the database (_check_columns); the ids are bound parameters.
        sql = (f'UPDATE "{table["table"]}" SET "{column}" = CASE "{pk}" {cases} END '  # nosec B608
               f'WHERE "{pk}" IN ({", ".join([p] * len(chunk))})')
        params = [v for pair in chunk for v in pair] + [row_id for row_id, _ in chunk]
        _run(table, f"the values of {column}", db.execute_sql, sql, params)


def _value(text, column, convert, file, line):
    if text == NULL:
        if not column.get("null", True):
            raise DataImportError(f"{file}, line {line}, column {column['name']}: empty (NULL), but the "
                                  "column requires a value.")
        return None
    function, expected = convert
    if function is _text:
        return text.removeprefix("\\")
    try:
        return function(text)
    except OutsideWindow as exc:
        raise DataImportError(f"{file}, line {line}, column {column['name']}: {exc}.") from None
    except (ValueError, ArithmeticError):
        raise DataImportError(f"{file}, line {line}, column {column['name']}: “{text[:60]}” is not "
                              f"{expected}.") from None


def _insert(flush, table, line):
    _run(table, f"the rows up to line {line}", flush)


def _run(table, what, function, *args):
    """Run a write, turning a database error into a message that names the file."""
    try:
        function(*args)
    except DatabaseError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataImportError(f"{table['file']}: the database refused {what}: {message}.") from exc


