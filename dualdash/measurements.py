"""Writing measurements: one validation and one upsert for the grid, the CSV import and the API.

Every way in goes through :func:`validate` (which also checks who may write for whom) and then
:func:`write`; nothing is written unless every entry is valid."""
import datetime
import math
from dataclasses import dataclass
from typing import Optional

from peewee import EXCLUDED

from . import org_settings, periods
from .access import subtree_ids
from .db import database
from .models import KPI, Measurement, Person, utcnow

NON_NEGATIVE_UNITS = ("count", "duration", "percent")
CHUNK = 500


@dataclass(frozen=True)
class Entry:
    """A valid value to store: ``value`` None means "no data" (any stored value is removed)."""

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
    of queries however many rows)."""

    def __init__(self, actor, noun="line"):
        self.actor = actor
        self.noun = noun
        self.settings = org_settings.get()
        self.people = {email: pid for email, pid in Person.select(Person.email, Person.id)
                       .where(Person.active == True).tuples()}  # noqa: E712
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
        problems = []
        email = (person or "").strip().lower()
        person_id = self.people.get(email)
        if not email:
            problems.append(Problem(where, "person", "the person's email is missing"))
        elif person_id is None:
            problems.append(Problem(where, "person", f"no active person has the email “{email}”"))
        elif not self.may_write_for(person_id):
            problems.append(Problem(where, "person", f"you may not enter values for {email}"))
        kpi_obj = self.kpis.get((kpi or "").strip())
        if kpi_obj is None:
            problems.append(Problem(where, "kpi", f"no active KPI has the key “{(kpi or '').strip()}”"
                                    if (kpi or "").strip() else "the KPI key is missing"))
        period_start = None
        if kpi_obj is not None:
            try:
                period_start = periods.parse(str(period or ""), kpi_obj.cadence, self.settings.week_start,
                                             self.settings.fiscal_year_start_month).start
            except ValueError as exc:
                problems.append(Problem(where, "period", str(exc)))
        number, message = parse_value(value, kpi_obj)
        if message:
            problems.append(Problem(where, "value", message))
        note = (note or "").strip() or None
        if note and len(note) > 2000:
            problems.append(Problem(where, "note", "the note is longer than 2,000 characters"))
        if problems:
            return problems
        key = (person_id, kpi_obj.id, period_start)
        if key in self.seen:
            return [Problem(where, "period",
                            f"the same person, KPI and period as {self.noun} {self.seen[key]}")]
        self.seen[key] = where
        return Entry(person_id, kpi_obj.id, period_start, number, note)


def parse_value(raw, kpi=None):
    """``(number or None, problem message or None)``; empty means no data, never zero."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool):
        return None, "the value must be a number"
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
    writer = Writer(actor, noun)
    entries, problems = [], []
    for row in rows:
        result = writer.entry(*row)
        if isinstance(result, Entry):
            entries.append(result)
        else:
            problems.extend(result)
    return entries, problems


def write(entries, actor_id):
    """Store valid entries in one transaction (insert, update, or remove for "no data").

    Writing the same entries twice changes nothing the second time."""
    counts = Counts()
    now = utcnow()
    with database.atomic():
        for start in range(0, len(entries), CHUNK):
            _write_chunk(entries[start:start + CHUNK], actor_id, now, counts)
    return counts


def _write_chunk(chunk, actor_id, now, counts):
    existing = _existing(chunk)
    upserts, removals = [], []
    for e in chunk:
        old = existing.get((e.person_id, e.kpi_id, e.period_start))
        if e.value is None:
            if old is not None:
                removals.append(old[0])
                counts.removed += 1
            continue
        if old is None:
            counts.created += 1
        elif old[1] == e.value and (old[2] or None) == e.note:
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
        upserts.append({"person": e.person_id, "kpi": e.kpi_id, "period_start": e.period_start,
                        "value": e.value, "note": e.note, "entered_by": actor_id, "updated_at": now})
    if removals:
        Measurement.delete().where(Measurement.id.in_(removals)).execute()
    if upserts:
        (Measurement.insert_many(upserts)
         .on_conflict(conflict_target=[Measurement.person, Measurement.kpi, Measurement.period_start],
                      update={Measurement.value: EXCLUDED.value, Measurement.note: EXCLUDED.note,
                              Measurement.entered_by: EXCLUDED.entered_by_id,
                              Measurement.updated_at: EXCLUDED.updated_at})
         .execute())


def _existing(chunk):
    """``{(person, kpi, period_start): (id, value, note)}`` for the chunk's keys, in one query."""
    people = {e.person_id for e in chunk}
    kpis = {e.kpi_id for e in chunk}
    starts = {e.period_start for e in chunk}
    wanted = {(e.person_id, e.kpi_id, e.period_start) for e in chunk}
    query = (Measurement.select(Measurement.id, Measurement.person, Measurement.kpi, Measurement.period_start,
                                Measurement.value, Measurement.note)
             .where(Measurement.person.in_(list(people)) & Measurement.kpi.in_(list(kpis))
                    & Measurement.period_start.in_(list(starts)))
             .tuples())
    return {(p, k, s): (i, v, n) for i, p, k, s, v, n in query if (p, k, s) in wanted}


