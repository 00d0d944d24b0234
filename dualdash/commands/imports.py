"""``dualdash import …``: bulk loads from CSV files."""
import sys
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import click
from flask.cli import with_appcontext

from dualdash.db import DISK_FULL_IMPORT, OPERATIONAL_ERRORS, get_db, is_disk_full
from dualdash.kpis import measurement_import
from dualdash.org.people_import import PeopleImportError, import_people

#: Files with more lines than this show progress bars (on stderr, so the report stays clean).
PROGRESS_LINES = 10_000
#: The command line has no signed-in person: it acts as an admin, recorded as nobody.
COMMAND_LINE_ACTOR = SimpleNamespace(id=None, is_admin=True)


@click.group("import")
def import_group():
    """Import data from CSV files (all-or-nothing)."""


@import_group.command("people")
@click.argument("csv_file", metavar="FILE.csv",
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@with_appcontext
def import_people_command(csv_file):
    """Create or update people from FILE.csv, matched by email.

    \b
    Header row, columns in any order (email and name required):
      email,name,team,role,level,manager,start_date,active
    team, role and level by name, manager by email, start_date as YYYY-MM-DD,
    active as yes/no. Any bad row: every problem is listed and nothing is written."""
    db = get_db()
    with db.connection_context(), _disk_full_refused():
        try:
            result = import_people(csv_file)
        except PeopleImportError as exc:
            _refuse(exc.errors, csv_file)
    click.echo(f"Created {result.created}, updated {result.updated} people.")


@import_group.command("measurements")
@click.argument("csv_file", metavar="FILE.csv",
                type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@with_appcontext
def import_measurements_command(csv_file):
    """Create, change or remove measurements from FILE.csv.

    \b
    Header row, columns in any order (note optional):
      person,kpi,period,value,note
    person by email, kpi by key, period as a date inside it (2026-11-18),
    a week (2026-W47), a month (2026-11), a quarter (2026-Q4) or a year;
    an empty value means no data (a stored value is removed, never zero).
    Any bad line: nothing is written, and the problems are listed (the
    first 1,000 of them). Importing the same file again changes nothing."""
    lines = measurement_import.count_lines(csv_file)
    bars = _ProgressBars(lines, csv_file.name) if lines > PROGRESS_LINES else None
    db = get_db()
    try:
        with _disk_full_refused(), db.connection_context(), open(csv_file, "rb") as stream:
            report = measurement_import.import_measurements(stream, COMMAND_LINE_ACTOR,
                                                            source=f"command line: {csv_file.name}",
                                                            progress=bars)
    finally:
        if bars:
            bars.close()
    if not report.ok:
        _refuse(report.problems, csv_file, total=report.problem_count)
    click.echo(f"Imported {csv_file.name}: {report.summary()} "
               f"({report.lines} line{'s' if report.lines != 1 else ''}).")
    if report.warning():
        click.echo(f"Warning: {report.warning()} (imported anyway: check those periods and start dates).")


@contextmanager
def _disk_full_refused():
    """A full disk ends the import with that said, not a traceback: the transaction wrote nothing."""
    try:
        yield
    except OPERATIONAL_ERRORS as exc:
        if not is_disk_full(exc):
            raise
        raise click.ClickException(DISK_FULL_IMPORT) from None


def _refuse(problems, csv_file, total=None):
    """List the problems of ``csv_file`` on stderr (``total``: how many there are, when only the first
    are listed), say nothing was imported and exit with status 1."""
    for problem in problems:
        click.echo(str(problem), err=True)
    count = len(problems) if total is None else total
    if count > len(problems):
        more = count - len(problems)
        click.echo(f"… and {more} more problem{'s' if more != 1 else ''} (fix these and import again to see them).",
                   err=True)
    click.echo(f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in {csv_file.name}.", err=True)
    raise click.exceptions.Exit(1)


class _ProgressBars:
    """click progress bars for the two steps of an import: checking lines, then writing values."""

    LABELS = {"check": "Checking {}", "write": "Writing {}"}

    def __init__(self, lines, name):
        self.lines, self.name = lines, name
        self.step = self.bar = None
        self.done = 0

    def __call__(self, step, done, total):
        if step != self.step:
            self.close()
            self.step, self.done = step, 0
            self.bar = click.progressbar(length=total or self.lines, label=self.LABELS[step].format(self.name),
                                         file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(max(0, done - self.done))
        self.done = done

    def close(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
