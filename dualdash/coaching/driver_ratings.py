"""Performance Driver ratings: checking and recording them on each driver's own scale, and reading a
person's latest manager and self-ratings and their history.

Drivers, their scales and the job roles they apply to come from the plugins
(:func:`dualdash.plugins.manager.current`); a rating stores only the driver's key and a score, so a score is
always read against the scale the driver defines now. Everything a person's page needs is read in a
fixed number of queries, whatever the number of drivers and ratings."""
import datetime
from dataclasses import dataclass, field
from typing import Optional

from peewee import SQL, fn

from dualdash.coaching.models import DriverRating
from dualdash.db import write_transaction
from dualdash.org import audit
from dualdash.org.models import Person
from dualdash.plugins import manager as plugins
from dualdash.shared.formats import date_text

#: Days of history (and of the trend chart) shown on a person's drivers page.
WINDOW_DAYS = 365
COMMENT_MAX = 2000
#: The key of an error that belongs to no single driver.
GENERAL = "_general"


class Invalid(ValueError):
    """Ratings that cannot be recorded: ``errors`` is ``{driver key or GENERAL: message}``."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Entry:
    """One rating to record: a driver's key, a score on its scale and an optional comment."""

    driver_key: str
    score: int
    comment: str = ""


def applies_to(driver, person):
    """Whether ``driver`` applies to ``person``'s job role (a driver without roles is for everyone).

    Role names are compared as written, as the 1:1 agenda compares them."""
    if not driver.roles:
        return True
    return bool(person.role_id) and person.role.name in driver.roles


def drivers_for(person, drivers=None):
    """The drivers that apply to ``person``, in the order the plugins define them."""
    drivers = plugins.current().drivers if drivers is None else drivers
    return [d for d in drivers.values() if applies_to(d, person)]


def scale_point(driver, score):
    """The :class:`ScalePoint` of ``score`` on the driver's scale, or None when it is not on it."""
    return next((p for p in driver.scale if p.value == score), None) if driver else None


def score_text(driver, score):
    """A score as people read it: "4 — Consistently" (or "7 — not on the current scale")."""
    point = scale_point(driver, score)
    return f"{score} — {point.label}" if point else f"{score} — not on the current scale"


def scale_range(driver):
    """The scale in words, for messages: "1 (Not yet) to 5 (Role model)"."""
    low, high = driver.scale[0], driver.scale[-1]
    return f"{low.value} ({low.label}) to {high.value} ({high.label})"


def validate(person, entries, drivers=None):
    """``{driver key or GENERAL: message}`` for every problem with ``entries`` (empty when none):
    an unknown driver, a driver not for the person's role, a score not on the driver's scale, a
    comment too long, the same driver twice, or nothing to record."""
    drivers = plugins.current().drivers if drivers is None else drivers
    errors, seen = {}, set()
    if not entries:
        errors[GENERAL] = "Choose a rating for at least one driver."
    for entry in entries:
        key = entry.driver_key
        driver = drivers.get(key)
        if driver is None:
            errors[key] = f"There is no Performance Driver “{key}”."
        elif not applies_to(driver, person):
            role = person.role.name if person.role_id else "people without a job role"
            errors[key] = f"{driver.name} does not apply to {role}."
        elif key in seen:
            errors[key] = f"{driver.name} is rated twice."
        elif isinstance(entry.score, bool) or not isinstance(entry.score, int) \
                or scale_point(driver, entry.score) is None:
            errors[key] = (f"“{entry.score}” is not on the scale of {driver.name}: choose from "
                           f"{scale_range(driver)}.")
        elif len(entry.comment or "") > COMMENT_MAX:
            errors[key] = f"The comment is {len(entry.comment)} characters; keep it to {COMMENT_MAX}."
        seen.add(key)
    return errors


def before_start_warning(person, on=None):
    """A warning when a rating of ``person`` made ``on`` (default: today) is dated before their
    start date (it is recorded all the same: the start date may be wrong); None otherwise."""
    on = on or datetime.date.today()
    if person.start_date and on < person.start_date:
        return (f"{person.name}'s start date is {date_text(person.start_date)}: a rating made on "
                f"{date_text(on)} is dated before it")
    return None


def record(person, rater, entries, *, is_self=False, meeting=None, today=None, drivers=None):
    """Check and store ``entries`` (a list of :class:`Entry`) as ratings of ``person`` by ``rater``,
    all or none, each recorded in the audit trail; returns the new :class:`DriverRating` rows.

    Raises :class:`Invalid` (nothing written) when :func:`validate` finds a problem. Permissions are
    the caller's to check (see :mod:`dualdash.org.access`)."""
    errors = validate(person, entries, drivers)
    if errors:
        raise Invalid(errors)
    today = today or datetime.date.today()
    with write_transaction():
        created = [DriverRating.create(person=person.id, rated_by=rater.id, driver_key=e.driver_key,
                                       score=e.score, comment=(e.comment or "").strip(),
                                       meeting=meeting.id if meeting else None, rated_on=today,
                                       is_self=is_self)
                   for e in entries]
        audit.record_many(audit.entry("create", r, None, audit.snapshot(r), actor=rater.id) for r in created)
    return created


@dataclass
class DriverHistory:
    """One driver for one person: the latest manager rating and self-rating (whenever they were
    made) and the ratings inside the window, newest first. Ratings carry ``rater`` (a Person)."""

    driver: object
    latest_manager: Optional[DriverRating] = None
    latest_self: Optional[DriverRating] = None
    history: list = field(default_factory=list)


def histories(person, drivers, start, end):
    """A :class:`DriverHistory` for each of ``drivers`` (in that order), with the ratings of
    ``person`` made from ``start`` to ``end`` (dates, inclusive). Two queries in all."""
    by_key = {d.key: DriverHistory(driver=d) for d in drivers}
    if not by_key:
        return []
    keys = list(by_key)
    for rating in _latest(person, keys):
        found = by_key[rating.driver_key]
        if rating.is_self:
            found.latest_self = rating
        else:
            found.latest_manager = rating
    rows = (_with_rater().where((DriverRating.person == person.id) & DriverRating.driver_key.in_(keys)
                                & (DriverRating.rated_on >= start) & (DriverRating.rated_on <= end))
            .order_by(DriverRating.rated_on.desc(), DriverRating.id.desc()))
    for rating in rows:
        by_key[rating.driver_key].history.append(rating)
    return list(by_key.values())


def _with_rater():
    Rater = Person.alias()
    return (DriverRating.select(DriverRating, Rater)
            .join(Rater, on=(DriverRating.rated_by == Rater.id), attr="rater"))


def _latest(person, keys):
    """The newest rating of each (driver, self or not) of ``person``, in one query: a rating for
    which no later one exists (same day: the later id wins)."""
    Newer = DriverRating.alias()
    newer = (Newer.select(SQL("1"))
             .where((Newer.person == DriverRating.person) & (Newer.driver_key == DriverRating.driver_key)
                    & (Newer.is_self == DriverRating.is_self)
                    & ((Newer.rated_on > DriverRating.rated_on)
                       | ((Newer.rated_on == DriverRating.rated_on) & (Newer.id > DriverRating.id)))))
    return _with_rater().where((DriverRating.person == person.id) & DriverRating.driver_key.in_(keys)
                               & ~fn.EXISTS(newer))


def window(today=None):
    """The first and last day of the page's history: the :data:`WINDOW_DAYS` days ending today."""
    today = today or datetime.date.today()
    return today - datetime.timedelta(days=WINDOW_DAYS - 1), today



def trend(history):
    """How the manager's ratings in ``history`` (newest first, as :func:`histories` gives them) moved
    between the last two: "up", "down" or "steady"; None with fewer than two."""
    scores = [r.score for r in history if not r.is_self][:2]
    if len(scores) < 2:
        return None
    latest, before = scores
    return "up" if latest > before else "down" if latest < before else "steady"
