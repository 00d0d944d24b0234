"""What else in the app uses a job role, a level or a team, so that the admin pages can refuse to delete
one that is still in use.

The org domain cannot know the tables of the packages built on it (KPIs, coaching, plugins), so each
of them registers a counter here: ``uses_of_role(counter)`` where ``counter(role, level_ids)`` returns
``[(count, "one", "many")]``. The database would cascade those rows away with the role; making an admin
remove them first keeps a delete deliberate."""

_COUNTERS = {"role": [], "level": [], "team": []}


def _register(kind):
    def register(counter):
        if counter not in _COUNTERS[kind]:
            _COUNTERS[kind].append(counter)
        return counter
    return register


#: ``@uses_of_role`` on ``counter(role, level_ids) -> [(count, one, many)]``.
uses_of_role = _register("role")
#: ``@uses_of_level`` on ``counter(level) -> [(count, one, many)]``.
uses_of_level = _register("level")
#: ``@uses_of_team`` on ``counter(team) -> [(count, one, many)]``.
uses_of_team = _register("team")


def count(kind, *args):
    """Every registered use of an object of ``kind`` ("role", "level" or "team"): ``[(count, one, many)]``
    with a count above zero, in the order the counters were registered."""
    return [use for counter in _COUNTERS[kind] for use in counter(*args) if use[0]]
