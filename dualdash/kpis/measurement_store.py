"""Stored measurements read and written in bulk with the database driver's own cursor: the one
upsert behind the grid, the API and the CSV import (:func:`dualdash.kpis.measurements.write_chunk`).

Each call is one statement for many rows (``executemany`` on SQLite, arrays passed to ``unnest``
on PostgreSQL), so a chunk of thousands of values costs a few round trips, and no model instance
is built per row. Dates travel as the driver expects them: ISO text on SQLite (as peewee stores
them), ``date`` objects on PostgreSQL; callers only ever see ``date`` objects. The statements are
built from constant parts only (placeholders repeated to a chunk's length); every value is bound."""
import datetime
from contextlib import contextmanager

from peewee import PostgresqlDatabase

from dualdash.db import database

COLUMNS = "person_id, kpi_id, period_start, value, note, entered_by_id, updated_at"
UPDATE = ("value = excluded.value, note = excluded.note, entered_by_id = excluded.entered_by_id, "
          "updated_at = excluded.updated_at")
#: A stored value is rewritten only when it changes (a note stored empty counts as none).
CHANGED = "m.value IS DISTINCT FROM excluded.value OR NULLIF(m.note, '') IS DISTINCT FROM excluded.note"
#: At most this many values per SQLite statement (SQLite allows 32,766 variables).
SQLITE_VARIABLES = 30000


@contextmanager
def import_settings():
    """For a long import on SQLite: its writes' foreign keys are not checked row by row (the
    setting is put back afterwards).

    Checking them doubles the cost of each write, and they are already known to hold: every
    person and KPI id written was looked up in the same transaction (whose snapshot SQLite keeps
    until the commit), and the importer checks the person who enters them. SQLite only changes
    that setting outside a transaction, so inside one it stays on; PostgreSQL changes nothing."""
    db = database.obj
    if isinstance(db, PostgresqlDatabase):
        yield
        return
    if db.in_transaction():
        yield
        return
    checked = db.execute_sql("PRAGMA foreign_keys").fetchone()[0]
    db.execute_sql("PRAGMA foreign_keys = 0")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA foreign_keys = {int(checked)}")


class Store:
    """The measurement table of the bound database, for one batch of work (one transaction)."""

    def __init__(self):
        self.db = database.obj
        self.postgres = isinstance(self.db, PostgresqlDatabase)
        self._dates = {}  # what the driver returns for a period start -> date
        self._texts = {}  # date -> ISO text (a long input has few distinct periods)

    def param(self, day):
        """``day`` as this driver binds it."""
        return day if self.postgres else self._texts.get(day) or self._text(day)

    def _text(self, day):
        text = self._texts[day] = day.isoformat()
        return text

    def _date(self, stored):
        day = self._dates.get(stored)
        if day is None:
            day = self._dates[stored] = stored if isinstance(stored, datetime.date) else \
                datetime.date.fromisoformat(stored)
        return day

    def existing(self, keys):
        """``{(person id, kpi id, period start): (id, value, note)}`` for those of ``keys`` that are stored."""
        found = {}
        if not keys:
            return found
        if self.postgres:
            cursor = self.db.cursor()
            cursor.execute(
                "SELECT m.id, m.person_id, m.kpi_id, m.period_start, m.value, m.note "
                "FROM unnest(%s::int[], %s::int[], %s::date[]) AS w(p, k, s) "
                "JOIN measurement m ON m.person_id = w.p AND m.kpi_id = w.k AND m.period_start = w.s",
                ([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]))
            rows = cursor.fetchall()
        else:
            rows = []
            step = SQLITE_VARIABLES // 3
            for start in range(0, len(keys), step):
                part = keys[start:start + step]
                params = []
                for person_id, kpi_id, day in part:
                    params += (person_id, kpi_id, self.param(day))
                rows += self.db.cursor().execute(
                    # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
                    "WITH w(p, k, s) AS (VALUES " + ", ".join(["(?, ?, ?)"] * len(part)) + ") "  # nosec B608
                    "SELECT m.id, m.person_id, m.kpi_id, m.period_start, m.value, m.note "
                    "FROM w JOIN measurement m ON m.person_id = w.p AND m.kpi_id = w.k AND m.period_start = w.s",
                    params).fetchall()
        date = self._date
        for row_id, person_id, kpi_id, stored, value, note in rows:
            found[(person_id, kpi_id, date(stored))] = (row_id, value, note)
        return found

    def upsert(self, rows, actor_id, now):
        """Insert or replace ``rows`` of ``(person id, kpi id, period start, value, note)``, entered by
        ``actor_id`` at ``now``."""
        if not rows:
            return
        if self.postgres:
            self.db.cursor().execute(
                # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
                f"INSERT INTO measurement ({COLUMNS}) "  # nosec B608
                "SELECT p, k, s, v, n, %s::int, %s::timestamp "
                "FROM unnest(%s::int[], %s::int[], %s::date[], %s::float8[], %s::text[]) AS w(p, k, s, v, n) "
                f"ON CONFLICT (person_id, kpi_id, period_start) DO UPDATE SET {UPDATE}",
                (actor_id, now, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                 [r[3] for r in rows], [r[4] for r in rows]))
            return
        stamp, param = str(now), self.param
        self.db.cursor().executemany(
            # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
            f"INSERT INTO measurement ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "  # nosec B608
            f"ON CONFLICT (person_id, kpi_id, period_start) DO UPDATE SET {UPDATE}",
            [(p, k, param(s), v, n, actor_id, stamp) for p, k, s, v, n in rows])

    def write(self, entries, actor_id, now):
        """Store ``entries`` (:class:`dualdash.kpis.measurements.Entry`, distinct keys) without reading
        them first: new values are inserted, changed ones replaced, unchanged ones left alone and
        "no data" removes what is stored. Returns ``(created, updated, unchanged, removed)``,
        counted by the database as it writes."""
        removals = [e[:3] for e in entries if e.value is None]
        values = [e for e in entries if e.value is not None]
        removed = self._remove(removals) if removals else 0
        created = updated = 0
        if values and self.postgres:
            cursor = self.db.cursor()
            cursor.execute(
                # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
                f"INSERT INTO measurement AS m ({COLUMNS}) "  # nosec B608
                "SELECT p, k, s, v, n, %s::int, %s::timestamp FROM unnest(%s::int[], %s::int[], %s::date[], "
                "%s::float8[], %s::text[]) AS w(p, k, s, v, n) "
                f"ON CONFLICT (person_id, kpi_id, period_start) DO UPDATE SET {UPDATE} WHERE {CHANGED} "
                "RETURNING xmax = 0",
                (actor_id, now, [e[0] for e in values], [e[1] for e in values], [e[2] for e in values],
                 [e[3] for e in values], [e[4] for e in values]))
            inserted = [row[0] for row in cursor.fetchall()]
            created = sum(inserted)
            updated = len(inserted) - created
        elif values:
            # New rows get ids above the largest one: that tells the new from the replaced.
            largest = self.db.execute_sql("SELECT MAX(id) FROM measurement").fetchone()[0] or 0
            stamp, param = str(now), self.param
            cursor = self.db.cursor()
            cursor.executemany(
                # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
                f"INSERT INTO measurement AS m ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "  # nosec B608
                f"ON CONFLICT (person_id, kpi_id, period_start) DO UPDATE SET {UPDATE} "
                f"WHERE {CHANGED.replace('IS DISTINCT FROM', 'IS NOT')}",
                [(p, k, param(s), v, n, actor_id, stamp) for p, k, s, v, n in values])
            written = cursor.rowcount
            created = self.db.execute_sql("SELECT COUNT(*) FROM measurement WHERE id > ?", (largest,)).fetchone()[0]
            updated = written - created
        return created, updated, len(values) - created - updated, removed

    def _remove(self, keys):
        """Delete what is stored for these keys; how many there were."""
        if self.postgres:
            cursor = self.db.cursor()
            cursor.execute("DELETE FROM measurement m USING unnest(%s::int[], %s::int[], %s::date[]) AS w(p, k, s) "
                           "WHERE m.person_id = w.p AND m.kpi_id = w.k AND m.period_start = w.s",
                           ([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]))
            return cursor.rowcount
        cursor = self.db.cursor()
        cursor.executemany("DELETE FROM measurement WHERE person_id = ? AND kpi_id = ? AND period_start = ?",
                           [(p, k, self.param(s)) for p, k, s in keys])
        return cursor.rowcount

    def delete(self, ids):
        """Remove the measurements with these ids."""
        ids = list(ids)
        step = SQLITE_VARIABLES
        for start in range(0, len(ids), step):
            part = ids[start:start + step]
            if self.postgres:
                self.db.cursor().execute("DELETE FROM measurement WHERE id = ANY(%s)", (part,))
            else:
                self.db.cursor().execute(
                    # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
                    f"DELETE FROM measurement WHERE id IN ({', '.join(['?'] * len(part))})", part)  # nosec B608


class SeenKeys:
    """The keys (person, KPI, period) met so far in a long input, with the line each came from.

    Kept in a temporary table of the transaction rather than in memory, so that checking a file of
    millions of lines for repeated keys needs no more memory than checking a short one."""

    TABLE = "measurement_import_keys"

    def __init__(self, store):
        self.store = store
        db = store.db
        if store.postgres:
            db.execute_sql(f"CREATE TEMP TABLE IF NOT EXISTS {self.TABLE} "
                           "(p int, k int, s date, line int, PRIMARY KEY (p, k, s))")
        else:
            db.execute_sql(f"CREATE TEMP TABLE IF NOT EXISTS {self.TABLE} "
                           "(p INTEGER, k INTEGER, s TEXT, line INTEGER, PRIMARY KEY (p, k, s)) WITHOUT ROWID")
        # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
        db.execute_sql(f"DELETE FROM {self.TABLE}")  # nosec B608

    def add(self, keyed):
        """Remember ``keyed``: ``[((person id, kpi id, period start), line)]``, distinct keys.

        Returns ``[(line, earlier line)]`` for the keys met before (those keep their first line)."""
        if not keyed:
            return []
        store, table = self.store, self.TABLE
        param = store.param
        if store.postgres:
            arrays = ([k[0] for k, _ in keyed], [k[1] for k, _ in keyed], [k[2] for k, _ in keyed],
                      [line for _, line in keyed])
            cursor = store.db.cursor()
            # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
            cursor.execute(f"INSERT INTO {table} SELECT * FROM unnest(%s::int[], %s::int[], %s::date[], %s::int[]) "  # nosec B608
                           "ON CONFLICT DO NOTHING", arrays)
            if cursor.rowcount == len(keyed):
                return []
            # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
            cursor.execute(f"SELECT w.line, t.line FROM unnest(%s::int[], %s::int[], %s::date[], %s::int[]) "  # nosec B608
                           f"AS w(p, k, s, line) JOIN {table} t ON t.p = w.p AND t.k = w.k AND t.s = w.s "
                           "WHERE t.line <> w.line", arrays)
            return sorted(cursor.fetchall())
        rows = [(p, k, param(s), line) for (p, k, s), line in keyed]
        cursor = store.db.cursor()
        cursor.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?, ?, ?, ?)", rows)
        if cursor.rowcount == len(rows):
            return []
        repeated = []
        step = SQLITE_VARIABLES // 4
        for start in range(0, len(rows), step):
            part = rows[start:start + step]
            repeated += cursor.execute(
                # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
                "WITH w(p, k, s, line) AS (VALUES " + ", ".join(["(?, ?, ?, ?)"] * len(part)) + ") "  # nosec B608
                f"SELECT w.line, t.line FROM w JOIN {table} t ON t.p = w.p AND t.k = w.k AND t.s = w.s "
                "WHERE t.line <> w.line", [v for row in part for v in row]).fetchall()
        return sorted(repeated)

    def close(self):
        """Forget the keys (the table goes with the transaction on a rollback anyway)."""
        self.store.db.execute_sql(f"DROP TABLE IF EXISTS {self.TABLE}")
