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
import codecs
import csv
from dataclasses import asdict, dataclass, field
from typing import Optional

from . import measurements
from .audit import record
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


@dataclass(frozen=True)
class LineProblem:
    """One problem: the file's line number (header = 1), the column (or None) and why."""

    line: int
    column: Optional[str]
    message: str

    def __str__(self):
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


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


class _FileProblem(Exception):
    """The file as a whole cannot be read further."""

    def __init__(self, problem=None):
        self.problem = problem


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
        reader = csv.reader(_decoded_lines(stream))
        columns = _read_header(reader, report.problems)
        reported = 0
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise _FileProblem(LineProblem(line, None, f"this line cannot be read as CSV ({exc}).")) from None
            if progress and reader.line_num - reported >= PROGRESS_EVERY:
                reported = reader.line_num
                progress("check", reported, None)
            if not any(v.strip() for v in values):
                continue  # blank lines are harmless
            report.lines += 1
            cells = _cells(line, columns, values, report.problems)
            if cells is None:
                continue
            result = writer.entry(line, cells["person"], cells["kpi"], cells["period"], cells["value"],
                                  cells.get("note"))
            if isinstance(result, measurements.Entry):
                entries.append(result)
            else:
                report.problems.extend(LineProblem(p.where, p.field, _sentence(p.message)) for p in result)
        if progress:
            progress("check", reader.line_num, None)
    except _FileProblem as problem:
        if problem.problem:
            report.problems.append(problem.problem)
        return [], report
    if not report.lines and not report.problems:
        report.problems.append(LineProblem(1, None, "the file has a header but no measurements after it."))
    return entries, report


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


def _decoded_lines(stream):
    """The stream's lines as text; a BOM at the start is dropped.

    Decoded line by line (not by a text wrapper) so that a bad byte is reported with its line."""
    for number, raw in enumerate(iter(stream.readline, b""), start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _FileProblem(LineProblem(number, None, (
                "the file is not UTF-8 text. Save it as “CSV UTF-8” (in Excel: Save As, "
                "CSV UTF-8) and try again."))) from None


def _read_header(reader, problems):
    """The header's column names (lower case), in file order; header problems go to ``problems``.

    Raises _FileProblem when the lines cannot be understood without a better header."""
    try:
        header = next(reader)
    except StopIteration:
        raise _FileProblem(LineProblem(1, None, (
            "the file is empty. The first line must name the columns: " + ",".join(COLUMNS) + "."))) from None
    except csv.Error as exc:
        raise _FileProblem(LineProblem(1, None, f"the header cannot be read as CSV ({exc}).")) from None
    columns = [name.strip().lower() for name in header]
    if len(columns) == 1 and ";" in columns[0]:
        raise _FileProblem(LineProblem(1, None, "the columns are separated by semicolons: save the file "
                                                "with commas (CSV, comma-separated)."))
    fatal = False
    for index, name in enumerate(columns):
        if name in columns[:index]:
            problems.append(LineProblem(1, name, "this column appears twice."))
            fatal = True
        elif name not in COLUMNS:
            label = name or f"(column {index + 1} has no name)"
            problems.append(LineProblem(1, label, "unknown column; the columns are: " + ", ".join(COLUMNS) + "."))
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(LineProblem(1, name, "this required column is missing."))
            fatal = True
    if fatal:
        # Without these columns every line would be reported for the header's one mistake.
        raise _FileProblem()
    return columns


def _cells(line, columns, values, problems):
    """``{column: text}`` of one line, or None (with the problem noted) when it has too many values."""
    if len(values) > len(columns) and any(v.strip() for v in values[len(columns):]):
        problems.append(LineProblem(line, None, (
            f"this line has {len(values)} values but the header names {len(columns)} columns.")))
        return None
    cells = dict(zip(columns, values))
    # A short line (trailing empty cells cut off): the missing cells are empty.
    for name in columns[len(values):]:
        cells[name] = ""
    return cells
