"""Import measurements from a CSV file: shared by ``dualdash import measurements`` and the upload page.

The file
--------
UTF-8 text (a byte order mark is fine), comma-separated, first line a header naming the columns,
in any order. ``person``, ``kpi``, ``period`` and ``value`` are required, ``note`` is optional; any
other column is an error::

    person,kpi,period,value,note
    mo@example.com,calls,2026-W47,14,
    mo@example.com,revenue,2026-11-18,1250.50,Two renewals
    mia@example.com,calls,2026-W47,,

- ``person``: the person's email.
- ``kpi``: the KPI's key.
- ``period``: a date inside the period (2026-11-18), an ISO week (2026-W47), a month (2026-11), a
  quarter (2026-Q4) or a year (2026); a week, month, quarter or year must match the KPI's cadence.
- ``value``: a number. Empty means "no data": a stored value is removed, never set to zero.
- ``note``: an optional annotation kept with the value.

All or nothing: every line is checked (with :mod:`dualdash.measurements`, the same checks and
permissions as the grid and the API) and every problem is reported as ``(line, column, why)``, the
line counted in the file with the header as line 1. Any problem and nothing is written; otherwise
everything is written in one transaction. Importing the same file again changes nothing.

The file is read line by line, so a large file is never held in memory as text; only the valid
values are kept until they are written.
"""
from dataclasses import asdict, dataclass, field
from typing import Optional

from . import measurements
from .audit import record
from .csv_files import CsvFile, FileProblem, LineProblem
from .db import database

COLUMNS = ("person", "kpi", "period", "value", "note")
REQUIRED_COLUMNS = ("person", "kpi", "period", "value")
#: Values written per call of measurements.write (progress is reported between them).
WRITE_CHUNK = 5000
#: Progress is reported every this many lines while checking.
PROGRESS_EVERY = 1000
#: What the audit trail calls an import.
AUDIT_ACTION = "measurements.import"

#: Shown on the upload page; docs/measurements-example.csv holds the same text. The people and
#: KPIs are those of ``dualdash demo``; the empty value removes whatever was stored for that week.
EXAMPLE_CSV = """\
person,kpi,period,value,note
member@example.com,calls_made,2026-W47,52,
member@example.com,revenue,2026-W47,6400.50,Two renewals signed early
member@example.com,deals_closed,2026-11-18,2,
member@example.com,calls_made,2026-W46,,
"""


@dataclass
class ImportReport:
    """What an import found and did: ``problems`` (nothing was written when there are any) or
    ``counts`` (a :class:`dualdash.measurements.Counts`)."""

    lines: int = 0
    problems: list = field(default_factory=list)
    counts: Optional[measurements.Counts] = None

    @property
    def ok(self):
        return not self.problems

    def summary(self):
        """"3 new, 1 changed, 10 unchanged, 2 removed"."""
        c = self.counts or measurements.Counts()
        return f"{c.created} new, {c.updated} changed, {c.unchanged} unchanged, {c.removed} removed"


def import_measurements(stream, actor, *, source="", progress=None):
    """Check every line of the binary CSV ``stream`` as ``actor`` and, when all are valid, write
    them in one transaction and record one audit entry. Returns an :class:`ImportReport`.

    ``actor`` needs ``is_admin`` and ``id`` (the command line passes an admin with id None).
    ``progress(step, done, total)`` is called now and then: step "check" (done = lines of the
    file read, total None) and step "write" (done = values written, total = all of them).
    Needs an open database connection."""
    entries, report = check(stream, actor, progress=progress)
    if not report.ok:
        return report
    counts = measurements.Counts()
    with database.atomic():
        for start in range(0, len(entries), WRITE_CHUNK):
            chunk = entries[start:start + WRITE_CHUNK]
            done = measurements.write(chunk, getattr(actor, "id", None))
            for name in ("created", "updated", "removed", "unchanged"):
                setattr(counts, name, getattr(counts, name) + getattr(done, name))
            if progress:
                progress("write", start + len(chunk), len(entries))
        record(AUDIT_ACTION, "Measurement", after={"source": source, "lines": report.lines, **asdict(counts)},
               actor=getattr(actor, "id", None))
    report.counts = counts
    return report


def check(stream, actor, *, progress=None):
    """``(entries, report)``: the valid entries of the file and an :class:`ImportReport` listing
    every problem in file order. Writes nothing."""
    writer = measurements.Writer(actor, noun="line")
    entries, report = [], ImportReport()
    try:
        csv_file = CsvFile(stream, COLUMNS, REQUIRED_COLUMNS, report.problems,
                           on_read=_every(PROGRESS_EVERY, progress) if progress else None)
        for line, values in csv_file:
            report.lines += 1
            cells = csv_file.cells(line, values)
            if cells is None:
                continue
            result = writer.entry(line, cells["person"], cells["kpi"], cells["period"], cells["value"],
                                  cells.get("note"))
            if isinstance(result, measurements.Entry):
                entries.append(result)
            else:
                report.problems.extend(LineProblem(p.where, p.field, _sentence(p.message)) for p in result)
        if progress:
            progress("check", csv_file.lines_read, None)
    except FileProblem as problem:
        if problem.problem:
            report.problems.append(problem.problem)
        return [], report
    if not report.lines and not report.problems:
        report.problems.append(LineProblem(1, None, "the file has a header but no measurements after it."))
    return entries, report


def _every(step, progress):
    """An ``on_read`` hook that reports the "check" step's progress every ``step`` lines."""
    reported = 0

    def on_read(lines_read):
        nonlocal reported
        if lines_read - reported >= step:
            reported = lines_read
            progress("check", reported, None)
    return on_read


def count_lines(path):
    """How many lines a file has, read in blocks (for a progress bar's length)."""
    count = 0
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            count += block.count(b"\n")
    return count


def _sentence(message):
    """The core's messages are phrases ("“x” is not a number"); reports show sentences."""
    return message if message.endswith(".") else message + "."
