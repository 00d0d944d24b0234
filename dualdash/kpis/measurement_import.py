"""Import measurements from a CSV file: shared by ``dualdash import measurements`` and the upload page.

The file
--------
UTF-8 text (a byte order mark is fine), comma-separated, first line a header naming the columns,
in any order. ``kpi``, ``period`` and ``value`` are required, and ``person`` or ``team`` (or both);
``note`` is optional; any other column is an error::

    person,kpi,period,value,note
    mo@example.com,calls,2026-W47,14,
    mo@example.com,revenue,2026-11-18,1250.50,Two renewals
    mia@example.com,calls,2026-W47,,

- ``person``: the person's email.
- ``team``: instead of a person, a team's name: the value is the team's own, for a KPI on the team's
  scorecard (a line names a person or a team, not both). Team lines are kept in memory until the
  end of the file (a team has few values; people's lines are streamed).
- ``kpi``: the KPI's key.
- ``period``: a date inside the period (2026-11-18), an ISO week (2026-W47), a month (2026-11), a
  quarter (2026-Q4) or a year (2026); a week, month, quarter or year must match the KPI's cadence.
- ``value``: a number. Empty means "no data": a stored value is removed, never set to zero.
- ``note``: an optional annotation kept with the value.

All or nothing: every line is checked (with :mod:`dualdash.kpis.measurements`, the same checks and
permissions as the grid and the API) and every problem is reported as ``(line, column, why)``, the
line counted in the file with the header as line 1 (the first thousand are kept, and how many
there were in all). Any problem and nothing is written; otherwise everything is written in one
transaction and recorded as one audit entry. Importing the same file again changes nothing.

Streamed: the file is read line by line and its values are written in chunks as they are checked,
inside one transaction that is rolled back at the end if any line had a problem. Whatever the
file's size, only one chunk is held in memory; the keys already met (to report a second value for
the same person, KPI and period) wait in a temporary table of the transaction.
"""
import operator
from dataclasses import asdict, dataclass, field
from typing import Optional

from dualdash.db import utcnow, write_transaction
from dualdash.kpis import measurements, team_values
from dualdash.kpis.measurement_store import SeenKeys, Store, import_settings
from dualdash.org.audit import record
from dualdash.org.models import Person
from dualdash.shared.csv_files import CsvFile, FileProblem, LineProblem

COLUMNS = ("person", "kpi", "period", "value", "note", "team")
REQUIRED_COLUMNS = ("kpi", "period", "value")
#: One of these names whose value a line is: a person's or a team's.
SUBJECT_COLUMNS = ("person", "team")
#: Lines checked and written together: a statement to look for repeated keys, one to write them.
WRITE_CHUNK = 5000
#: Progress is reported every this many lines.
PROGRESS_EVERY = 1000
#: Problems a report keeps (in file order); it counts all of them.
PROBLEM_LIMIT = 1000
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


class ProblemList(list):
    """The first ``limit`` problems appended, in the order given, and ``total``: how many were
    appended in all (a file of a million bad lines must not fill the memory with their reports)."""

    def __init__(self, limit=PROBLEM_LIMIT):
        super().__init__()
        self.limit = limit
        self.total = 0

    def append(self, problem):
        self.total += 1
        if len(self) < self.limit:
            super().append(problem)

    def extend(self, problems):
        for problem in problems:
            self.append(problem)

    @property
    def left_out(self):
        """How many problems were counted but not kept."""
        return self.total - len(self)


@dataclass
class ImportReport:
    """What an import found and did: ``problems`` (a :class:`ProblemList`; nothing was written
    when there are any) or ``counts`` (a :class:`dualdash.kpis.measurements.Counts`)."""

    lines: int = 0
    problems: ProblemList = field(default_factory=ProblemList)
    counts: Optional[measurements.Counts] = None
    #: Values of a period that ended before the person's start date (written: a warning only).
    before_start: int = 0

    @property
    def ok(self):
        return not self.problems.total

    @property
    def problem_count(self):
        """How many problems the file has (``problems`` keeps the first :data:`PROBLEM_LIMIT`)."""
        return self.problems.total

    def summary(self):
        """"3 new, 1 changed, 10 unchanged, 2 removed"."""
        c = self.counts or measurements.Counts()
        return f"{c.created} new, {c.updated} changed, {c.unchanged} unchanged, {c.removed} removed"

    def warning(self):
        """"3 values are dated before the person's start date", or None."""
        return measurements.before_start_warning(self.before_start)


def import_measurements(stream, actor, *, source="", progress=None):
    """Check every line of the binary CSV ``stream`` as ``actor`` and write its values, all in one
    transaction that is kept only if every line is valid, with one audit entry. Returns an
    :class:`ImportReport`.

    ``actor`` needs ``is_admin`` and ``id`` (the command line passes an admin with id None).
    ``progress(step, done, total)`` is called now and then: step "check" while lines are read,
    checked and written (done = lines of the file read, total None), then step "write" once the
    values are kept (done = total = values written). Needs an open database connection."""
    report = ImportReport()
    with import_settings(), write_transaction() as transaction:
        importer = _Import(actor, report, progress)
        importer.run(stream)
        if not report.ok:
            transaction.rollback()
            return report
        record(AUDIT_ACTION, "Measurement",
               after={"source": source, "lines": report.lines, **asdict(importer.counts)},
               actor=importer.actor_id)
    report.counts = importer.counts
    report.before_start = importer.writer.before_start
    if progress:
        progress("write", importer.values, importer.values)
    return report


class _Import:
    """One streamed import: lines are checked one by one and written a chunk at a time."""

    def __init__(self, actor, report, progress):
        self.report, self.progress = report, progress
        self.actor_id = getattr(actor, "id", None)
        if self.actor_id is not None and not Person.select().where(Person.id == self.actor_id).exists():
            raise ValueError("the person importing no longer exists")
        self.writer = measurements.Writer(actor, noun="line", remember_keys=False)
        self.actor = actor
        self.team_writer = None    # made at the first team line
        self.team_entries = []
        self.store = Store()
        self.seen = None           # the keys of earlier chunks, once there is more than one
        self.first_keys = None     # the first chunk's keys, until a second chunk needs them
        self.chunk = []            # (line, Entry) of the lines checked since the last write
        self.pending = []          # their problems, reported in file order once the chunk is checked
        self.counts = measurements.Counts()
        self.values = 0
        self.now = utcnow()

    def run(self, stream):
        report, pending, writer, chunk = self.report, self.pending, self.writer, self.chunk
        try:
            # The CSV reader reports the header's problems, and lines with too many values, to ``pending``.
            csv_file = CsvFile(stream, COLUMNS, REQUIRED_COLUMNS, pending,
                               on_read=_every(PROGRESS_EVERY, self.progress) if self.progress else None)
            columns = csv_file.columns
            if not any(name in columns for name in SUBJECT_COLUMNS):
                raise FileProblem(LineProblem(1, "person", (
                    "a column person (the person's email) or team (the team's name) is required: it says "
                    "whose value each line is.")))
            width = len(columns)
            pick = operator.itemgetter(*(columns.index(name) for name in REQUIRED_COLUMNS))
            note_at = columns.index("note") if "note" in columns else None
            person_at = columns.index("person") if "person" in columns else None
            team_at = columns.index("team") if "team" in columns else None
            entry_type, make = measurements.Entry, LineProblem
            for line, values in csv_file:
                report.lines += 1
                if len(values) == width:
                    kpi, period, value = pick(values)
                    note = values[note_at] if note_at is not None else None
                    person = values[person_at] if person_at is not None else ""
                    team = values[team_at] if team_at is not None else ""
                else:
                    cells = csv_file.cells(line, values)
                    if cells is None:
                        continue
                    kpi, period, value = (cells[name] for name in REQUIRED_COLUMNS)
                    note = cells.get("note")
                    person, team = cells.get("person", ""), cells.get("team", "")
                if team and team.strip():
                    self.team_line(line, person, team, kpi, period, value, note)
                    continue
                if team_at is not None and not (person or "").strip():
                    pending.append(make(line, "person", "give the person's email or the team's name."))
                    continue
                result = writer.entry(line, person, kpi, period, value, note)
                if type(result) is entry_type:
                    chunk.append((line, result))
                    if len(chunk) == WRITE_CHUNK:
                        self.flush()
                else:
                    pending.extend(make(p.where, p.field, _sentence(p.message)) for p in result)
            self.flush()
            if report.ok and self.team_entries:
                team_values.write(self.team_entries, self.actor_id, counts=self.counts)
                self.values += len(self.team_entries)
            if self.progress:
                self.progress("check", csv_file.lines_read, None)
        except FileProblem as problem:
            self.flush()
            if problem.problem:
                report.problems.append(problem.problem)
        if self.seen is not None:
            self.seen.close()
        if not report.lines and report.ok:
            report.problems.append(LineProblem(1, None, "the file has a header but no measurements after it."))

    def team_line(self, line, person, team, kpi, period, value, note):
        """Check a line of a team's own value; kept for the end of the file when valid."""
        if (person or "").strip():
            self.pending.append(LineProblem(line, "team", "a line names a person or a team, not both: "
                                                          "leave one of the two empty."))
            return
        if self.team_writer is None:
            self.team_writer = team_values.TeamWriter(self.actor, noun="line")
        result = self.team_writer.entry(line, team, kpi, period, value, note)
        if isinstance(result, team_values.TeamEntry):
            self.team_entries.append(result)
        else:
            self.pending.extend(LineProblem(p.where, p.field, _sentence(p.message)) for p in result)

    def flush(self):
        """Check the chunk's keys against each other and the earlier lines', report the chunk's
        problems in file order, and write its values while the file has no problem."""
        chunk, pending, report = self.chunk, self.pending, self.report
        first, keyed = {}, []
        for line, entry in chunk:
            key = entry[:3]
            earlier = first.get(key)
            if earlier is None:
                first[key] = line
                keyed.append((key, line))
            else:
                pending.append(self._repeated(line, earlier))
        if self.first_keys is None:
            self.first_keys = keyed  # a file of one chunk needs no table of keys
        else:
            if self.seen is None:
                self.seen = SeenKeys(self.store)
                self.seen.add(self.first_keys)
                self.first_keys = []
            pending += [self._repeated(line, earlier) for line, earlier in self.seen.add(keyed)]
        if pending:
            pending.sort(key=operator.attrgetter("line"))
            report.problems.extend(pending)
            pending.clear()
        if report.ok and chunk:
            measurements.write_chunk(self.store, [entry for _, entry in chunk], self.actor_id, self.now,
                                     self.counts)
            self.values += len(chunk)
        chunk.clear()

    @staticmethod
    def _repeated(line, earlier):
        problem = measurements.repeated(line, earlier, "line")
        return LineProblem(problem.where, problem.field, _sentence(problem.message))


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
