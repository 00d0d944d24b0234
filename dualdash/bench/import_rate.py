"""The CSV import's rate and memory: a file of N measurements imported into the live database through
the real import code (parse, check, write), in a child process, so its peak memory is its own and
nothing else runs beside it.

The file holds values for the weeks just before the organization's first week, so the import adds
rows to a table that already holds every other value and all its indexes; they are deleted again
afterwards (and before, should an earlier run have stopped half-way), so the organization stays
as it was built."""
import datetime
import multiprocessing
import random
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Optional

from dualdash.bench.memory import peak_rss_since, start_peak_rss
from dualdash.bench.pages import BenchError
from dualdash.db import write_transaction


@dataclass
class ImportResult:
    rows: int
    seconds: float
    peak_bytes: Optional[int]
    summary: str

    @property
    def rate(self):
        return self.rows / self.seconds if self.seconds else None


def write_csv(path, db, rows, before, seed=7):
    """Write ``rows`` weekly values to ``path``: every active person's role-scorecard KPIs, week by
    week backwards from the week before ``before``. Returns the first day of the earliest week used."""
    pairs = db.execute_sql(
        # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
        "SELECT p.email, k.key FROM person p"  # nosec B608
        " JOIN scorecard s ON s.role_id = p.role_id AND s.person_id IS NULL"
        " JOIN scorecard_kpi sk ON sk.scorecard_id = s.id JOIN kpi k ON k.id = sk.kpi_id"
        f" WHERE p.active = {db.param} AND k.active = {db.param} AND k.cadence = 'weekly'"
        " ORDER BY p.id, sk.position, sk.id", (True, True)).fetchall()
    if not pairs:
        raise BenchError("The organization has nobody with weekly KPIs to import values for.")
    rng = random.Random(seed)
    written, week = 0, before
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("person,kpi,period,value\n")
        while written < rows:
            week -= datetime.timedelta(weeks=1)
            day = week.isoformat()
            for email, key in pairs[:rows - written]:
                out.write(f"{email},{key},{day},{rng.randint(0, 2000) / 10}\n")
            written += min(len(pairs), rows - written)
    return week


def remove_before(db, day):
    """Delete every value of a period starting before ``day`` (what the import added)."""
    with write_transaction(db):
        # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
        db.execute_sql(f"DELETE FROM measurement WHERE period_start < {db.param}", (day.isoformat(),))  # nosec B608


def measure_import(app, subjects, rows, folder, config):
    """Import ``rows`` generated values into the app's database in a child process; an
    :class:`ImportResult`. ``config`` is the app configuration the child builds its app from."""
    from dualdash.db import get_db
    db = get_db(app)
    path = Path(folder) / f"bench-import-{rows}.csv"
    try:
        with app.app_context(), db.connection_context():
            remove_before(db, subjects.first_week)
            write_csv(path, db, rows, subjects.first_week)
        context = multiprocessing.get_context("spawn")
        answers = context.Queue()
        factory = app.extensions["dualdash.create_app"]
        child = context.Process(target=_import_in_child, args=(factory, config, str(path), answers))
        child.start()
        answer = answers.get()
        child.join()
    finally:
        path.unlink(missing_ok=True)
        with app.app_context(), db.connection_context():
            remove_before(db, subjects.first_week)
    if "error" in answer:
        raise BenchError(f"The import failed: {answer['error']}")
    return ImportResult(**answer)


def _import_in_child(create_app, config, path, answers):
    """The child process: build the app with the factory it is given, import the file, send back what
    happened."""
    try:
        from dualdash.db import get_db
        from dualdash.kpis.measurement_import import import_measurements
        app = create_app(config)
        db = get_db(app)
        actor = SimpleNamespace(id=None, is_admin=True)
        with app.app_context(), db.connection_context():
            start_peak_rss()
            started = time.perf_counter()
            with open(path, "rb") as stream:
                report = import_measurements(stream, actor, source="dualdash bench")
            seconds = time.perf_counter() - started
            peak = peak_rss_since()
        if not report.ok:
            answers.put({"error": "; ".join(str(p) for p in report.problems[:5])})
            return
        answers.put({"rows": report.lines, "seconds": seconds, "peak_bytes": peak, "summary": report.summary()})
    except Exception as exc:  # reported by the parent as a clear error
        answers.put({"error": f"{type(exc).__name__}: {exc}"})
