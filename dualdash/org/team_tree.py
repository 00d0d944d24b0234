"""The team tree. Teams are few (tens, even for thousands of people), so the whole tree is read in
one query and walked in Python."""
from dualdash.org.models import Team


def load():
    """Every team, by id, in one query."""
    return {t.id: t for t in Team.select().order_by(Team.name)}


def path(teams, team_id):
    """"Company / Sales": the team's place in the tree."""
    names, seen = [], set()
    while team_id is not None and team_id in teams and team_id not in seen:  # `seen`: damaged data
        seen.add(team_id)
        names.append(teams[team_id].name)
        team_id = teams[team_id].parent_id
    return " / ".join(reversed(names))


def descendants(teams, team_id):
    """The team and every team below it."""
    children = {}
    for team in teams.values():
        children.setdefault(team.parent_id, []).append(team.id)
    found, todo = set(), [team_id]
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo.extend(children.get(node, []))
    return found


def tree_order(teams):
    """Team ids in the order of their paths (a parent just before its sub-teams)."""
    return sorted(teams, key=lambda team_id: path(teams, team_id).lower())
