"""Ordered lists the admin rearranges: a job role's levels, its skills, a scorecard's KPIs.

Each list is numbered 1, 2, 3… in one integer column. "Move up" / "Move down" swaps a row with its
neighbour and renumbers the list, inside one transaction that first locks the list's owner, so that
two admins moving rows at once cannot give two rows the same number."""
from dataclasses import dataclass

from dualdash.db import write_transaction


@dataclass(frozen=True)
class Moved:
    """What :func:`move` did: ``row`` is the row asked for; ``moved`` is False when it already was
    at the ``end`` it was asked to go towards ("first" for up, "last" for down)."""

    row: object
    moved: bool
    end: str


def lock_owner(owner):
    """Serialise changes to the list that ``owner`` (a job role, team or person row) owns until the
    transaction ends.

    A no-op UPDATE (its name set to itself) takes the row lock on PostgreSQL and the write lock on
    SQLite, which ``SELECT … FOR UPDATE`` (not in SQLite) would not."""
    model = type(owner)
    model.update(name=model.name).where(model.id == owner.id).execute()


def move(row_id, direction, *, owner, load, renumber):
    """Swap the row ``row_id`` with the one before it (``direction`` "up") or after it ("down").

    The list's ``owner`` is locked first (:func:`lock_owner`); ``load()`` returns the list in its order
    (read after the lock, so it is current), ``renumber(rows)`` stores the new order. Returns a
    :class:`Moved`, or None when the row is no longer in the list (deleted by someone else a moment
    ago), which callers answer with a 404."""
    with write_transaction():
        lock_owner(owner)
        rows = load()
        index = next((i for i, row in enumerate(rows) if row.id == row_id), None)
        if index is None:
            return None
        end = "first" if direction == "up" else "last"
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rows):
            return Moved(rows[index], False, end)
        rows[index], rows[other] = rows[other], rows[index]
        renumber(rows)
        return Moved(rows[other], True, end)


def renumber(rows, column, *, snapshot=None, record=None):
    """Give ``rows``, in their new order, the numbers 1, 2, 3… in ``column`` (a peewee field), writing
    only the rows whose number changes. With ``snapshot`` and ``record`` (the domain's audit functions,
    which this shared module may not import) each change is recorded as an "update" audit entry."""
    model, name = column.model, column.name
    for number, row in enumerate(rows, start=1):
        if getattr(row, name) != number:
            before = snapshot(row) if record else None
            model.update({column: number}).where(model.id == row.id).execute()
            setattr(row, name, number)
            if record:
                record("update", row, before, snapshot(row))
