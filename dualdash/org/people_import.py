"""Import people from a CSV file: shared by ``dualdash import people`` and the upload page.

The file
--------
UTF-8 text (a byte order mark is fine), comma-separated, first line a header naming the columns.
Column order is free; ``email`` and ``name`` are required, the others optional; an unknown column
is an error::

    email,name,team,role,level,manager,start_date,active
    dana@example.com,Dana Director,Company,,,,2019-03-01,yes
    maria@example.com,Maria Manager,Sales,Account Executive,Senior,dana@example.com,2021-06-14,yes

- ``email``: the person's email; it identifies them. A person with that email (in any letter case)
  is updated, anyone else is created. Stored in lower case.
- ``name``: the name shown everywhere.
- ``team``, ``role``: a team's / job role's name (any letter case).
- ``level``: a level's name within the row's job role (or, without a ``role`` column, within the
  person's current job role).
- ``manager``: the manager's email: someone earlier or later in the same file, or already in
  Dual Dash.
- ``start_date``: ``YYYY-MM-DD``.
- ``active``: yes/no, true/false or 1/0. Empty: yes for a new person, unchanged for an existing one.
- ``effective_from``: ``YYYY-MM-DD``, the date a change of team, role or level takes effect from
  (empty or left out: today). Periods before it stay judged by what the person held then; the
  assignment history is listed on the person's admin page. For a new person it is the date their
  first assignment counts from (empty: their start date).

Dates must lie between 1900-01-01 and 2100-12-31.

An empty cell clears that value (no team, no manager…); a column left out of the file leaves that
value unchanged for existing people.

All or nothing: every row is checked first and every problem is reported as
``(line, column, why)``, the line counted in the file with the header as line 1. Any problem and
nothing is written; otherwise every change is written in one transaction and recorded in the audit
trail. A change that would give the organization a manager cycle (A manages B manages A, through
the file, the database, or both) is refused.
"""
import datetime
import os
import re

from email_validator import EmailNotValidError, validate_email
from peewee import fn

from dualdash.org import assignments, people_writer
from dualdash.org.models import JobRole, Level, Person, Team
from dualdash.org.people_writer import KEEP
from dualdash.shared.csv_files import CsvFile, FileProblem, LineProblem

COLUMNS = ("email", "name", "team", "role", "level", "manager", "start_date", "active", "effective_from")
REQUIRED_COLUMNS = ("email", "name")
TRUE_WORDS = frozenset({"yes", "true", "1", "y"})
FALSE_WORDS = frozenset({"no", "false", "0", "n"})
#: Longest value a CharField takes on PostgreSQL (varchar(255)).
MAX_TEXT = 255
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Rows of existing people are loaded this many emails at a time (bounded SQL parameter lists).
CHUNK = 500

#: Shown on the upload page; docs/people-example.csv holds the same text.
EXAMPLE_CSV = """\
email,name,team,role,level,manager,start_date,active
dana@example.com,Dana Director,Company,,,,2019-03-01,yes
maria@example.com,Maria Manager,Sales,Account Executive,Senior,dana@example.com,2021-06-14,yes
sam@example.com,Sam Seller,Sales,Account Executive,Ramping,maria@example.com,2024-02-05,
pat@example.com,Pat Helper,Support,Support Agent,Junior,dana@example.com,2023-09-18,yes
"""

#: A cell that could not be understood (already reported).
BAD = object()


class PeopleImportError(Exception):
    """The file was refused; ``errors`` lists every problem, in file order. Nothing was written."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=_error_order)
        super().__init__(f"{len(self.errors)} problem(s) in the people file")


class _Row:
    """One parsed row. Optional values are KEEP when their column is not in the file."""

    __slots__ = ("line", "ok", "email", "name", "team", "role", "level", "manager", "start_date", "active",
                 "effective_from", "existing")

    def __init__(self, line):
        self.line = line


def import_people(source):
    """Import people from ``source`` (a path, or a binary file object) and return an
    :class:`~dualdash.org.people_writer.ImportResult`; raise :class:`PeopleImportError` (with every problem) and write
    nothing when anything is wrong. Needs an open database connection."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            return import_people(stream)
    rows = validate(source)
    return people_writer.write(rows)


def validate(stream):
    """Check every row of a binary CSV stream against the file and the database.

    Returns the parsed rows, ready to write; raises :class:`PeopleImportError` with every problem."""
    lookups = _Lookups()
    errors = []
    rows = []
    try:
        csv_file = CsvFile(stream, COLUMNS, REQUIRED_COLUMNS, errors)
        seen = {}
        for line, values in csv_file:
            row = _parse_row(csv_file, line, values, lookups, seen, errors)
            if row is not None:
                rows.append(row)
    except FileProblem as problem:
        raise PeopleImportError(errors + ([problem.problem] if problem.problem else [])) from None
    if not rows and not errors:
        errors.append(LineProblem(1, None, "the file has a header but no people after it."))
    if errors and not rows:
        raise PeopleImportError(errors)
    _check_against_database(rows, lookups, errors)
    if errors:
        raise PeopleImportError(errors)
    return rows


def _parse_row(csv_file, line, values, lookups, seen, errors):
    """Check what can be checked within one row; problems go to ``errors``."""
    cells = csv_file.cells(line, values)
    if cells is None:
        return None
    cells = {name: value.strip() for name, value in cells.items() if name in COLUMNS}
    row = _Row(line)
    row.ok = True

    def fail(column, message):
        row.ok = False
        errors.append(LineProblem(line, column, message))

    email = cells["email"]
    row.email = None
    if not email:
        fail("email", "missing: every person needs an email.")
    else:
        try:
            row.email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            fail("email", f"“{email}” is not a valid email address ({str(exc).rstrip('.')}).")
    if row.email:
        if row.email in seen:
            fail("email", f"{row.email} is also on line {seen[row.email]}.")
            row.email = None  # the first line with this email speaks for it
        else:
            seen[row.email] = line

    row.name = cells["name"]
    if not row.name:
        fail("name", "missing: every person needs a name.")
    elif len(row.name) > MAX_TEXT:
        fail("name", f"longer than {MAX_TEXT} characters.")

    row.team = _lookup(cells, "team", lookups.teams, "no team is named “{}”.", fail)
    row.role = _lookup(cells, "role", lookups.roles, "no job role is named “{}”.", fail)
    # Resolved against the database later: the role may be the person's current one.
    row.level = cells.get("level", KEEP)

    row.manager = cells.get("manager", KEEP)
    if row.manager is not KEEP:
        row.manager = row.manager.lower() or None
        if row.manager and row.manager == row.email:
            fail("manager", "a person cannot be their own manager.")
            row.manager = None

    row.start_date = cells.get("start_date", KEEP)
    if row.start_date is not KEEP:
        row.start_date = _parse_date(row.start_date, fail)

    row.effective_from = cells.get("effective_from", KEEP)
    if row.effective_from is not KEEP:
        row.effective_from = _parse_date(row.effective_from, fail, "effective_from")

    row.active = cells.get("active", KEEP)
    if row.active is not KEEP:
        word = row.active.lower()
        if not word:
            row.active = None  # yes for a new person, unchanged for an existing one
        elif word in TRUE_WORDS:
            row.active = True
        elif word in FALSE_WORDS:
            row.active = False
        else:
            fail("active", f"“{row.active}” is not yes or no (use yes/no, true/false or 1/0).")
            row.active = BAD
    return row


def _lookup(cells, column, table, message, fail):
    value = cells.get(column, KEEP)
    if value is KEEP or value == "":
        return None if value == "" else KEEP
    found = table.get(value.lower())
    if found is None:
        fail(column, message.format(value))
        return BAD
    return found


def _parse_date(value, fail, column="start_date"):
    if not value:
        return None
    if DATE_PATTERN.match(value):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            problem = assignments.date_problem(day)
            if problem is None:
                return day
            fail(column, problem)
            return BAD
    fail(column, f"“{value}” is not a date in the form YYYY-MM-DD.")
    return BAD


class _Lookups:
    """Names → ids of teams, roles and levels, and the reporting line of everyone in the database."""

    def __init__(self):
        self.teams = {name.lower(): id_ for id_, name in Team.select(Team.id, Team.name).tuples()}
        roles = list(JobRole.select(JobRole.id, JobRole.name).tuples())
        self.roles = {name.lower(): id_ for id_, name in roles}
        self.role_names = dict(roles)
        self.levels = {}        # (role id, level name lower) -> level id
        self.level_info = {}    # level id -> (role id, level name)
        for id_, role_id, name in Level.select(Level.id, Level.role, Level.name).tuples():
            self.levels[(role_id, name.lower())] = id_
            self.level_info[id_] = (role_id, name)
        self.level_names = {name.lower() for _, name in self.level_info.values()}
        self._graph = None

    def graph(self):
        """``(ids, managers)``: email → id and email → manager's email for everyone stored."""
        if self._graph is None:
            rows = list(Person.select(Person.id, Person.email, Person.manager).tuples())
            email_of = {id_: email.lower() for id_, email, _ in rows}
            ids = {email.lower(): id_ for id_, email, _ in rows}
            managers = {email.lower(): email_of.get(manager_id) for _, email, manager_id in rows}
            self._graph = ids, managers
        return self._graph


def _existing_people(emails):
    """The stored people with these (lower-case) emails, by email."""
    found = {}
    emails = list(emails)
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start:start + CHUNK]
        for person in Person.select().where(fn.LOWER(Person.email).in_(chunk)):
            found[person.email.lower()] = person
    return found


def _check_against_database(rows, lookups, errors):
    """Levels, managers and cycles: the checks that need the whole file and the database."""
    ids, stored_managers = lookups.graph()
    existing = _existing_people(r.email for r in rows if r.email and r.email in ids)
    in_file = {r.email for r in rows if r.email}
    for row in rows:
        row.existing = existing.get(row.email) if row.email else None
        if row.role is not BAD:
            _resolve_level(row, lookups, errors)
        if row.manager not in (KEEP, None) and row.manager not in in_file and row.manager not in ids:
            errors.append(LineProblem(row.line, "manager", f"no person with email {row.manager}."))
            row.manager = None
    _check_cycles(rows, stored_managers, errors)


def _resolve_level(row, lookups, errors):
    person = row.existing
    role_id = row.role if row.role is not KEEP else (person.role_id if person else None)
    if row.level is KEEP:
        if person and person.level_id and row.role is not KEEP:
            level_role, level_name = lookups.level_info.get(person.level_id, (None, ""))
            if level_role != role_id:
                errors.append(LineProblem(row.line, "role", (
                    f"their current level “{level_name}” is not a level of "
                    f"{_role_label(lookups, role_id)}: add a level column to give their new level.")))
        return
    if not row.level:
        row.level = None
        return
    name = row.level
    if role_id is None:
        errors.append(LineProblem(row.line, "level", f"“{name}” is given without a job role: a level "
                                                      "belongs to a role, so give the role too."))
    elif (role_id, name.lower()) in lookups.levels:
        row.level = lookups.levels[(role_id, name.lower())]
        return
    elif name.lower() in lookups.level_names:
        errors.append(LineProblem(row.line, "level",
                                  f"“{name}” is not a level of {_role_label(lookups, role_id)}."))
    else:
        errors.append(LineProblem(row.line, "level", f"no level is named “{name}”."))
    row.level = BAD


def _role_label(lookups, role_id):
    return f"the job role {lookups.role_names[role_id]}" if role_id else "no job role"


def _check_cycles(rows, stored_managers, errors):
    """Refuse any manager cycle the file would create, naming each line of the file in it."""
    managers = dict(stored_managers)
    line_of = {}
    for row in rows:
        if row.email:
            line_of[row.email] = row.line
            if row.manager is not KEEP:
                managers[row.email] = row.manager
            else:
                managers.setdefault(row.email, None)
    # Each person has at most one manager, so walking up from every person of the file finds
    # every cycle in linear time.
    state = {}
    for start in line_of:
        path = []
        node = start
        while node is not None and node not in state:
            state[node] = "walking"
            path.append(node)
            node = managers.get(node)
        if node is not None and state[node] == "walking":
            cycle = path[path.index(node):]
            lines = sorted(line_of[p] for p in cycle if p in line_of)
            if lines:  # a cycle wholly in the database is old damage, not this file's doing
                _report_cycle(cycle, line_of, lines, errors)
        for p in path:
            state[p] = "done"


def _report_cycle(cycle, line_of, lines, errors):
    listed = ", ".join(str(n) for n in lines)
    for index, email in enumerate(cycle):
        if email not in line_of:
            continue
        chain = cycle[index:] + cycle[:index] + [email]
        errors.append(LineProblem(line_of[email], "manager", (
            "this makes a manager cycle (each one managed by the next): " + " → ".join(chain)
            + f" (lines {listed})."
            + ("" if len(lines) == len(cycle) else " Some of them are already in Dual Dash."))))


def _error_order(error):
    column = COLUMNS.index(error.column) if error.column in COLUMNS else -1
    return error.line, column, error.message
