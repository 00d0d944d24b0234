"""Loading many rows fast: the bulk insert path of the demo and of large synthetic organizations.

Rows are plain tuples handed to the database driver itself (``executemany`` on SQLite, ``COPY`` on
PostgreSQL), all in one transaction: building a peewee model instance per row would cost many times
the insert. The secondary indexes of the big tables (and, on PostgreSQL, their foreign keys) are
dropped for the load and rebuilt afterwards from the database's own definitions of them, so the
schema ends exactly as the migrations made it; building an index once over sorted data is much
faster than updating it row by row. An error rolls the whole load back. SQLite's durability
settings are relaxed for the load and put back afterwards: the load only fills an empty database,
so should the machine crash half-way the file is simply built again.

    with bulk_load(db, big_tables=[Measurement]) as loader:
        loader.insert(Team, ("id", "name", "parent"), [(1, "Northwind", None)])
"""
import datetime
import io
from contextlib import contextmanager

from peewee import BooleanField, DateField, DateTimeField, ForeignKeyField, PostgresqlDatabase, SqliteDatabase

from dualdash.db import reset_id_sequences, write_transaction

#: SQLite settings for the load (restored afterwards): no fsync, a rollback journal kept in memory
#: instead of copying every page through the write-ahead log, a larger page cache, foreign keys
#: unchecked (the generator only writes ids it made), and index builds sorting in memory, on a
#: second core when there is one.
SQLITE_LOAD_PRAGMAS = {"synchronous": "OFF", "cache_size": -131072, "temp_store": "MEMORY",
                       "foreign_keys": 0, "threads": 2}
#: Rows per batch sent to ``COPY``.
COPY_BATCH = 2000


def is_postgres(db):
    """True for PostgreSQL (else SQLite)."""
    return isinstance(db, PostgresqlDatabase)


@contextmanager
def bulk_load(db, big_tables=()):
    """A :class:`BulkLoader` for ``db`` inside one transaction.

    The secondary indexes of ``big_tables`` (models) are dropped first and rebuilt when the block
    ends; nothing is committed if it raises. Outside a transaction, SQLite's settings are relaxed
    for the load and restored afterwards."""
    sqlite = isinstance(db, SqliteDatabase)
    restore = _relax_sqlite(db) if sqlite and not db.in_transaction() else None
    try:
        with write_transaction(db):
            loader = BulkLoader(db)
            if not sqlite:
                db.execute_sql("SET LOCAL synchronous_commit TO OFF")
                db.execute_sql("SET LOCAL maintenance_work_mem TO '256MB'")
            rebuild = _drop_secondary_indexes(db, [m._meta.table_name for m in big_tables])
            yield loader
            for sql in rebuild:
                db.execute_sql(sql)
            if not sqlite:
                reset_id_sequences(db, [(m._meta.table_name, m._meta.primary_key.column_name) for m in loader.loaded])
        if not sqlite:
            for model in big_tables:
                db.execute_sql(f'ANALYZE "{model._meta.table_name}"')
    finally:
        if restore:
            restore()


class BulkLoader:
    """Inserts rows given as tuples; hands out ids for rows that others refer to."""

    def __init__(self, db):
        self.db = db
        self.postgres = is_postgres(db)
        self._next_ids = {}
        self.loaded = set()

    def next_id(self, model):
        """The id the next row of ``model`` will get (call :meth:`take_ids` to reserve them)."""
        table = model._meta.table_name
        if table not in self._next_ids:
            sql = f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"'  # nosec B608 (a model's table)
            self._next_ids[table] = self.db.execute_sql(sql).fetchone()[0]
        return self._next_ids[table]

    def take_ids(self, model, count):
        """Reserve ``count`` consecutive ids of ``model``: returns the first."""
        first = self.next_id(model)
        self._next_ids[model._meta.table_name] = first + count
        return first

    def insert(self, model, columns, rows, *, prepared=False):
        """Insert ``rows`` (an iterable of tuples, consumed once) into ``model``'s table.

        ``columns`` names the model's fields in the tuples' order (foreign keys by field name, given
        as ids). Fields left out take their model default (the same value for every row) or NULL.
        With ``prepared``, dates and times are already text (``2026-11-16``), as stored: the fast
        path for huge tables. Returns the number of rows."""
        fields = [model._meta.fields[name] for name in columns]
        constants = self._defaults(model, columns)
        self.loaded.add(model)
        if self.postgres:
            return self._copy(model, fields, constants, rows, prepared)
        return self._executemany(model, fields, constants, rows, prepared)

    # -- SQLite ----------------------------------------------------------------------------------

    def _executemany(self, model, fields, constants, rows, prepared):
        names = [f.column_name for f in fields] + [f.column_name for f, _ in constants]
        # The defaults are the same for every row: written into the statement once, not bound per row.
        values = ["?"] * len(fields) + [_sqlite_literal(value) for _, value in constants]
        sql = (f'INSERT INTO "{model._meta.table_name}" ({", ".join(_quote(n) for n in names)}) '  # nosec B608
               f'VALUES ({", ".join(values)})')
        if not prepared:
            convert = [_sqlite_converter(f) for f in fields]
            if any(convert):
                rows = (_converted(row, convert) for row in rows)
        cursor = self.db.cursor()
        cursor.executemany(sql, rows)
        return cursor.rowcount  # summed over the rows

    # -- PostgreSQL --------------------------------------------------------------------------------

    def _copy(self, model, fields, constants, rows, prepared):
        names = [f.column_name for f in fields] + [f.column_name for f, _ in constants]
        tail = "".join("\t" + _copy_text(value) for _, value in constants) + "\n"
        convert = [_copy_converter(f) for f in fields]
        stream = _CopyStream(rows, convert, tail)
        sql = f'COPY "{model._meta.table_name}" ({", ".join(_quote(n) for n in names)}) FROM STDIN'
        self.db.cursor().copy_expert(sql, stream)
        return stream.count

    # -- both ------------------------------------------------------------------------------------

    def _defaults(self, model, columns):
        """``[(field, value)]`` for the fields not in ``columns`` that need a value."""
        constants = []
        for field in model._meta.sorted_fields:
            if field.name in columns or field is model._meta.primary_key:
                continue
            default = field.default() if callable(field.default) else field.default
            if default is None:
                if not field.null:
                    raise ValueError(f"{model.__name__}.{field.name} needs a value")
                continue
            constants.append((field, default))
        return constants


def _quote(name):
    return f'"{name}"'


def _converted(row, convert):
    return tuple(value if c is None or value is None else c(value) for c, value in zip(convert, row))


def _as_text(value):
    """Dates and times as SQLite stores them (what peewee writes): ``2026-11-16``,
    ``2026-11-16 09:30:00``."""
    return value if isinstance(value, str) else str(value)


def _sqlite_converter(field):
    if isinstance(field, (DateField, DateTimeField)):
        return _as_text
    return None


def _sqlite_literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _copy_escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_text(value):
    """One value in ``COPY``'s text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, datetime.date, datetime.datetime)):
        return str(value)
    return _copy_escape(str(value))


def _copy_converter(field):
    """The fastest correct text conversion for a column's values."""
    if isinstance(field, BooleanField) or field.null or not isinstance(field, ForeignKeyField):
        return _copy_text
    return str  # a required id


class _CopyStream(io.RawIOBase):
    """The rows as ``COPY`` text, produced as the driver reads them (never all in memory)."""

    def __init__(self, rows, convert, tail):
        self.rows = iter(rows)
        self.convert = convert
        self.tail = tail
        self.count = 0
        self.buffer = b""

    def readable(self):
        return True

    def read(self, size=-1):
        if not self.buffer:
            lines = []
            convert, tail = self.convert, self.tail
            for row in self.rows:
                lines.append("\t".join([c(v) for c, v in zip(convert, row)]) + tail)
                if len(lines) == COPY_BATCH:
                    break
            self.count += len(lines)
            self.buffer = "".join(lines).encode("utf-8")
        if size is None or size < 0 or size >= len(self.buffer):
            data, self.buffer = self.buffer, b""
        else:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def readline(self, size=-1):  # pragma: no cover - COPY only calls read()
        return self.read(size)


def _relax_sqlite(db):
    """Apply :data:`SQLITE_LOAD_PRAGMAS` and the in-memory journal; return what puts them back."""
    saved = {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in SQLITE_LOAD_PRAGMAS}
    journal = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
    for name, value in SQLITE_LOAD_PRAGMAS.items():
        db.execute_sql(f"PRAGMA {name} = {value}")
    # Leaving WAL needs the only connection to the file; when others are open it stays WAL (slower).
    db.execute_sql("PRAGMA journal_mode = MEMORY")

    def restore():
        if db.is_closed():
            return
        db.execute_sql(f"PRAGMA journal_mode = {journal}")
        for name, value in saved.items():
            db.execute_sql(f"PRAGMA {name} = {value}")
    return restore


def _drop_secondary_indexes(db, tables):
    """Drop the indexes (PostgreSQL: and foreign keys) of ``tables`` that are not their primary
    key; return the statements that recreate them exactly."""
    if not tables:
        return []
    if not is_postgres(db):
        placeholders = ", ".join("?" for _ in tables)
        indexes = db.execute_sql(
            # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # nosec B608
            f"AND tbl_name IN ({placeholders}) ORDER BY name", tables).fetchall()
        for name, _ in indexes:
            db.execute_sql(f'DROP INDEX "{name}"')
        return [sql for _, sql in indexes]
    keys = db.execute_sql(
        "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace "
        "AND conrelid = ANY(%s::regclass[]) ORDER BY conname", (list(tables),)).fetchall()
    indexes = db.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint "
        "WHERE contype IN ('p', 'u', 'x')) ORDER BY indexname", (list(tables),)).fetchall()
    for name, table, _ in keys:
        db.execute_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        db.execute_sql(f'DROP INDEX "{name}"')
    return ([sql for _, sql in indexes]
            + [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, table, definition in keys])

