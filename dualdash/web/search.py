"""The header's search: people and KPIs whose name (or email, or key) holds the words typed, among what
the viewer may see (:func:`dualdash.org.access.visible_people_query`: admins everyone, managers their
line and themselves, members themselves). Case-insensitive, ``%`` and ``_`` taken literally, on SQLite
and PostgreSQL alike (peewee's ``contains`` escapes them). Two queries, each capped."""
from dataclasses import dataclass, field

from peewee import JOIN

from dualdash.kpis.models import KPI
from dualdash.org import access
from dualdash.org.models import JobRole, Person, Team

#: At most this many people, and as many KPIs, are shown.
LIMIT = 50
#: Longer queries are cut to this length (nothing real is longer).
MAX_LENGTH = 100


@dataclass
class Results:
    query: str
    people: list = field(default_factory=list)
    kpis: list = field(default_factory=list)
    more_people: bool = False
    more_kpis: bool = False

    @property
    def empty(self):
        return not self.people and not self.kpis


def clean(text):
    """The query as searched: trimmed, inner runs of spaces made one, at most :data:`MAX_LENGTH`."""
    return " ".join((text or "").split())[:MAX_LENGTH]


def search(text, viewer):
    """People and KPIs matching ``text`` that ``viewer`` may see (KPIs: the active ones; admins also
    the retired ones), by name; nothing for an empty query."""
    query = clean(text)
    found = Results(query)
    if not query:
        return found
    people = list(access.visible_people_query(viewer)
                  .select(Person, Team, JobRole)
                  .join_from(Person, Team, JOIN.LEFT_OUTER)
                  .join_from(Person, JobRole, JOIN.LEFT_OUTER)
                  .where(Person.name.contains(query) | Person.email.contains(query))
                  .order_by(Person.active.desc(), Person.name, Person.id).limit(LIMIT + 1))
    kpis = KPI.select().where(KPI.name.contains(query) | KPI.key.contains(query))
    if not viewer.is_admin:
        kpis = kpis.where(KPI.active == True)  # noqa: E712
    kpis = list(kpis.order_by(KPI.active.desc(), KPI.name, KPI.id).limit(LIMIT + 1))
    found.people, found.more_people = people[:LIMIT], len(people) > LIMIT
    found.kpis, found.more_kpis = kpis[:LIMIT], len(kpis) > LIMIT
    return found
