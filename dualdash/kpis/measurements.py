"""Writing measurements: one validation and one upsert for the grid, the CSV import and the API.

Every way in goes through :func:`validate` (which also checks who may write for whom) and then
:func:`write`; nothing is written unless every entry is valid."""
import datetime
import math
import operator
from dataclasses import dataclass
from typing import NamedTuple, Optional

from dualdash.db import utcnow, write_transaction
from dualdash.kpis import periods
from dualdash.kpis.measurement_store import Store
from dualdash.kpis.models import KPI
from dualdash.org import audit
from dualdash.org import settings as org_settings
from dualdash.org.access import subtree_ids
from dualdash.org.models import Person

NON_NEGATIVE_UNITS = ("count", "duration", "percent")
CHUNK = 500
#: Lookups a :class:`Writer` remembers (raw text -> its meaning); forgotten past this many, so a
#: file of a million distinct mistakes cannot fill the memory.
CACHE_LIMIT = 50_000


class Entry(NamedTuple):
    """A valid value to store: ``value`` None means "no data" (any stored value is removed).

    A named tuple: an import makes millions of them."""

    person_id: int
    kpi_id: int
    period_start: datetime.date
    value: Optional[float]
    note: Optional[str] = None


@dataclass(frozen=True)
class Problem:
    """Why an input could not be used: where (a line number, an item index, a cell), which field."""

    where: object
    field: str
    message: str


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


class Writer:
    """Validates raw inputs for one actor, with the lookups it needs loaded once (a fixed number
    of queries however many rows), and what it has worked out (an email's person, a period's
    start) remembered, since a long input repeats the same few texts.

    ``remember_keys``: report a second value for the same person, KPI and period. A streamed
    import turns it off and checks that with :class:`dualdash.kpis.measurement_store.SeenKeys`
    instead (same message, see :func:`repeated`), so that its memory does not grow with the file."""

    def __init__(self, actor, noun="line", remember_keys=True):
        self.actor = actor
        self.noun = noun
        self.remember_keys = remember_keys
        self._person_cache, self._kpi_cache, self._period_cache = {}, {}, {}
        self.settings = org_settings.get()
        self.people, self.started = {}, {}
        for email, pid, started in (Person.select(Person.email, Person.id, Person.start_date)
                                    .where(Person.active == True).tuples()):  # noqa: E712
            self.people[email] = pid
            if started:
                self.started[pid] = datetime.date.fromisoformat(started) if isinstance(started, str) else started
        #: Values (not "no data") of a period that ended before the person's start date: a warning,
        #: never a refusal (a start date may be wrong, or a value carried over from a former job).
        self.before_start = 0
        self._end_cache = {}
        self.kpis = {k.key: k for k in KPI.select().where(KPI.active == True)}  # noqa: E712
        self.allowed = None if actor.is_admin else subtree_ids(actor.id)
        self.seen = {}

    def may_write_for(self, person_id):
        """Admins write for anyone, managers for the people below them, members for themselves
        only when the organization allows self-reporting."""
        if self.allowed is None or person_id in self.allowed:
            return True
        return person_id == self.actor.id and self.settings.self_reporting

    def entry(self, where, person, kpi, period, value, note=None):
        """An :class:`Entry` from raw texts, or the list of :class:`Problem` found in them."""
        # What a text means is looked up in the caches first (a long input repeats the same texts).
        problems = []
        person_id, message = self._person_cache.get(person) or self._person(person)
        if message:
            problems.append(Problem(where, "person", message))
        kpi_obj, kpi_id, cadence, message = self._kpi_cache.get(kpi) or self._kpi(kpi)
        if message:
            problems.append(Problem(where, "kpi", message))
        period_start = None
        if kpi_obj is not None:
            period_start, message = self._period_cache.get((period, cadence)) or self._period(period, cadence)
            if message:
                problems.append(Problem(where, "period", message))
        number, message = parse_value(value, kpi_obj)
        if message:
            problems.append(Problem(where, "value", message))
        if note:
            note = note.strip() or None
            if note and len(note) > 2000:
                problems.append(Problem(where, "note", "the note is longer than 2,000 characters"))
        else:
            note = None
        if problems:
            return problems
        if self.remember_keys:
            key = (person_id, kpi_id, period_start)
            if key in self.seen:
                return [repeated(where, self.seen[key], self.noun)]
            self.seen[key] = where
        started = self.started.get(person_id)
        if started is not None and number is not None and started > period_start:
            end = self._end_cache.get((period_start, cadence))
            if end is None:
                end = periods.containing(period_start, cadence, self.settings.week_start,
                                         self.settings.fiscal_year_start_month).end
                _remember(self._end_cache, (period_start, cadence), end)
            if end < started:
                self.before_start += 1
        return Entry(person_id, kpi_id, period_start, number, note)

    def _person(self, raw):
        """``(person id, problem message)`` for a raw email."""
        found = self._person_cache.get(raw)
        if found is None:
            email = (raw or "").strip().lower()
            person_id = self.people.get(email)
            if not email:
                found = (None, "the person's email is missing")
            elif person_id is None:
                found = (None, f"no active person has the email “{email}”")
            elif not self.may_write_for(person_id):
                found = (None, f"you may not enter values for {email}")
            else:
                found = (person_id, None)
            _remember(self._person_cache, raw, found)
        return found

    def _kpi(self, raw):
        """``(KPI, its id, its cadence, problem message)`` for a raw KPI key."""
        found = self._kpi_cache.get(raw)
        if found is None:
            key = (raw or "").strip()
            kpi = self.kpis.get(key)
            if kpi is not None:
                found = (kpi, kpi.id, kpi.cadence, None)
            else:
                found = (None, None, None, f"no active KPI has the key “{key}”" if key else "the KPI key is missing")
            _remember(self._kpi_cache, raw, found)
        return found

    def _period(self, raw, cadence):
        """``(period start, problem message)`` for a raw period of a KPI of ``cadence``."""
        found = self._period_cache.get((raw, cadence))
        if found is None:
            try:
                found = (periods.parse(str(raw or ""), cadence, self.settings.week_start,
                                       self.settings.fiscal_year_start_month).start, None)
            except ValueError as exc:
                found = (None, str(exc))
            _remember(self._period_cache, (raw, cadence), found)
        return found


def _remember(cache, key, value):
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def repeated(where, earlier, noun="line"):
    """The problem of a second value for the same person, KPI and period as ``earlier``."""
    return Problem(where, "period", f"the same person, KPI and period as {noun} {earlier}")


def parse_value(raw, kpi=None):
    """``(number or None, problem message or None)``; empty means no data, never zero."""
    if type(raw) is str:
        try:
            number = float(raw)  # the common case: a plain number (float() ignores spaces around it)
        except ValueError:
            text = raw.strip()
            if not text:
                return None, None
            try:
                number = float(text.replace("\u2212", "-"))  # a typographic minus sign
            except ValueError:
                return None, f"“{raw}” is not a number"
    elif raw is None:
        return None, None
    elif isinstance(raw, bool):
        return None, "the value must be a number"
    else:
        try:
            number = float(raw.strip().replace("\u2212", "-")) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            return None, f"“{raw}” is not a number"
    if not math.isfinite(number):
        return None, f"“{raw}” is not a number"
    if kpi is not None and number < 0 and kpi.unit in NON_NEGATIVE_UNITS:
        return None, f"a {kpi.unit} cannot be negative"
    return number, None


def validate(actor, rows, noun="line"):
    """Check raw rows ``(where, person, kpi, period, value, note)``: ``(entries, problems)``.

    ``noun`` names what ``where`` counts in messages ("line", "item")."""
    entries, problems, _ = check(actor, rows, noun)
    return entries, problems


def check(actor, rows, noun="line"):
    """:func:`validate`, and how many of the values are of a period that ended before the person's
    start date (see :func:`before_start_warning`): ``(entries, problems, before start)``."""
    writer = Writer(actor, noun)
    entries, problems = [], []
    for row in rows:
        result = writer.entry(*row)
        if isinstance(result, Entry):
            entries.append(result)
        else:
            problems.extend(result)
    return entries, problems, writer.before_start


def before_start_warning(count):
    """The warning for ``count`` values dated before their person's start date; None for none."""
    if not count:
        return None
    if count == 1:
        return "1 value is dated before the person's start date"
    return f"{count:,} values are dated before the person's start date"


def write(entries, actor_id, audit_each=False):
    """Store valid entries in one transaction (insert, update, or remove for "no data").

    Writing the same entries twice changes nothing the second time. With ``audit_each`` every
    changed value gets its own audit entry (its value and note before and after), written in the
    same transaction; the grid and the API ask for that, a CSV import records one summary instead."""
    counts = Counts()
    now = utcnow()
    with write_transaction():
        store = Store()
        for start in range(0, len(entries), CHUNK):
            changes = write_chunk(store, entries[start:start + CHUNK], actor_id, now, counts, audit_each)
            audit.record_many([audit.entry(action, "Measurement", before, after, actor=actor_id, at=now,
                                           object_id=row_id) for action, row_id, before, after in changes])
    return counts


def _audited(key, value, note):
    """A stored value as its audit entries show it."""
    person_id, kpi_id, period_start = key
    return {"person": person_id, "kpi": kpi_id, "period_start": period_start, "value": value,
            "note": note or None}


_key = operator.itemgetter(0, 1, 2)


def write_chunk(store, chunk, actor_id, now, counts, track=False):
    """Write one chunk of entries (distinct keys) with ``store`` (a :class:`Store`), adding to
    ``counts``; with ``track``, return its changes as ``(action, measurement id, before, after)``.

    Values that did not change are not written again. Without ``track`` the database counts what
    it does as it writes; with it, what is stored for the chunk's keys is read first (one query),
    for the audit entries' values before."""
    if not track:
        created, updated, unchanged, removed = store.write(sorted(chunk, key=_key), actor_id, now)
        counts.created += created
        counts.updated += updated
        counts.unchanged += unchanged
        counts.removed += removed
        return []
    existing = store.existing(sorted(e[:3] for e in chunk))
    upserts, removals, changes, created = [], [], [], []
    for e in chunk:
        key = e[:3]
        old = existing.get(key)
        if e.value is None:
            if old is not None:
                removals.append(old[0])
                changes.append(("delete", old[0], _audited(key, old[1], old[2]), None))
                counts.removed += 1
            continue
        if old is None:
            counts.created += 1
            created.append(e)
        elif old[1] == e.value and (old[2] or None) == e.note:
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
            changes.append(("update", old[0], _audited(key, old[1], old[2]), _audited(key, e.value, e.note)))
        upserts.append(e)
    if removals:
        store.delete(removals)
    upserts.sort(key=_key)  # in the unique index's order: each write lands near the one before
    store.upsert(upserts, actor_id, now)
    if created:
        # The new rows' ids, for their audit entries (one query for the chunk).
        ids = store.existing([e[:3] for e in created])
        for e in created:
            key = e[:3]
            changes.append(("create", ids[key][0], None, _audited(key, e.value, e.note)))
    return changes
