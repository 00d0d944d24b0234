"""Each page's **floor**: the rows the page needs, fetched with the fewest raw SQL queries through the
database driver alone (sqlite3 or psycopg2: no ORM, no Python work on the rows, no rendering).

"The rows the page needs" includes what every signed-in page reads (the viewer, the organization's
settings, the viewer's reporting line when permissions depend on it), so page / floor measures what
the app adds on top of the database work any implementation must do. Ids learned from one query
(the people's, their roles', their KPIs') are passed to the next as parameters, as the app does: both
databases plan ``IN`` lists of a few dozen ids well, where PostgreSQL plans the equivalent nested
subqueries badly.

The statements are put together from this module's constant fragments, and every value is a query
parameter: bandit's warning about SQL built from strings (B608) is answered line by line."""
import datetime

ACTIVE = True

PERSON_DETAILS = (
    "SELECT p.id, p.email, p.name, p.team_id, p.role_id, p.level_id, p.manager_id, p.start_date, p.active,"
    " p.is_admin, t.name, r.name, l.name FROM person p LEFT JOIN team t ON t.id = p.team_id"
    " LEFT JOIN job_role r ON r.id = p.role_id LEFT JOIN level l ON l.id = p.level_id")
SCORECARD_KPIS = (
    "SELECT s.role_id, s.person_id, sk.position, k.id, k.key, k.name, k.unit, k.direction, k.cadence, k.rollup,"
    " k.band_rule, k.decimals FROM scorecard_kpi sk JOIN scorecard s ON s.id = sk.scorecard_id"
    " JOIN kpi k ON k.id = sk.kpi_id WHERE k.active = ? AND ({cards}) ORDER BY sk.position, sk.id")
LINES = ("SELECT kpi_id, role_id, level_id, effective_from, meets, exceeds FROM benchmark"
         " WHERE kpi_id IN ({kpis}) ORDER BY effective_from DESC, id DESC")
# The scorecards of people: their roles' and their own.
CARDS_OF = "(s.person_id IS NULL AND s.role_id IN ({roles})) OR s.person_id IN ({people})"
TEAM_TREE = ("WITH RECURSIVE tree(id) AS (SELECT id FROM team WHERE id = ?"
             " UNION SELECT t.id FROM team t JOIN tree ON t.parent_id = tree.id) ")
BELOW = ("WITH RECURSIVE below(id) AS (SELECT id FROM person WHERE manager_id = ?"
         " UNION SELECT p.id FROM person p JOIN below b ON p.manager_id = b.id) ")
ROLLUP_SQL = {"sum": "SUM", "mean": "AVG", "min": "MIN", "max": "MAX"}
# The active people of a team and its sub-teams (parameters: the team's id, True).
TEAM_PEOPLE_DETAILS = (TEAM_TREE + PERSON_DETAILS  # nosec B608
                       + " WHERE p.active = ? AND p.team_id IN (SELECT id FROM tree) ORDER BY p.name, p.id")


class Raw:
    """A plain DB-API connection to the benchmark's database, for the floors and nothing else."""

    def __init__(self, url):
        self.postgres = not url.startswith("sqlite")
        if self.postgres:
            import psycopg2
            # libpq reads postgresql://…; the app's "+pool" (peewee's connection pool) is not its business.
            self.conn = psycopg2.connect(url.replace("+pool://", "://", 1))
            self.conn.autocommit = True
        else:
            import sqlite3
            self.conn = sqlite3.connect(url.split(":///", 1)[-1], isolation_level=None)
            self.conn.execute("PRAGMA busy_timeout = 5000")

    def rows(self, sql, params=()):
        """Run one query (``?`` placeholders on either database) and fetch every row."""
        if self.postgres:
            sql = sql.replace("?", "%s")
        cursor = self.conn.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()

    def close(self):
        self.conn.close()


def _marks(ids):
    """``?, ?, ?`` for a list of ids (``NULL`` for none: ``IN (NULL)`` matches nothing)."""
    return ", ".join("?" * len(ids)) or "NULL"


def _day(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


# --- what every signed-in page reads --------------------------------------------------------------

def viewer(raw, person_id):
    raw.rows("SELECT * FROM person WHERE id = ? AND active = ?", (person_id, ACTIVE))


def settings(raw):
    raw.rows("SELECT key, value FROM setting")


def subtree(raw, person_id):
    # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
    raw.rows(BELOW + "SELECT id FROM below", (person_id,))  # nosec B608


def signed_in(raw, s, who):
    """The viewer, the settings and, for anyone but an admin, their reporting line."""
    person_id = s.ids[who]
    viewer(raw, person_id)
    settings(raw)
    if who != "admin":
        subtree(raw, person_id)


# --- scorecards ---------------------------------------------------------------------------------

def _scorecards(raw, people, first, last):
    """The KPIs of ``people`` (rows of PERSON_DETAILS), their benchmark lines and the values from
    ``first`` to ``last``: three queries."""
    ids = [row[0] for row in people]
    roles = sorted({row[4] for row in people if row[4] is not None})
    cards = CARDS_OF.format(roles=_marks(roles), people=_marks(ids))
    kpis = sorted({row[3] for row in raw.rows(SCORECARD_KPIS.format(cards=cards), (ACTIVE, *roles, *ids))})
    raw.rows(LINES.format(kpis=_marks(kpis)), kpis)
    # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
    raw.rows("SELECT person_id, kpi_id, period_start, value, note FROM measurement"  # nosec B608
             f" WHERE person_id IN ({_marks(ids)}) AND kpi_id IN ({_marks(kpis)})"
             " AND period_start >= ? AND period_start <= ?", (*ids, *kpis, _day(first), _day(last)))


def person_scorecard(raw, s, viewer_key="manager", history=13):
    """A person's scorecard: the person, their KPIs and lines, ``history`` weeks of their values."""
    signed_in(raw, s, viewer_key)
    person = raw.rows(PERSON_DETAILS + " WHERE p.id = ?", (s.ids["member"],))
    _scorecards(raw, person, s.week_start(-(history - 1)), s.week_end())


def team_scorecard(raw, s):
    """A team (and its sub-teams) as people × KPIs for one week, seen by an admin."""
    signed_in(raw, s, "admin")
    raw.rows("SELECT id, name, parent_id FROM team ORDER BY name")
    people = raw.rows(TEAM_PEOPLE_DETAILS, (s.team_id, ACTIVE))
    _scorecards(raw, people, s.week_start(), s.week_end())


def subtree_scorecard(raw, s):
    """Everyone below the manager (how many in each team, for the page's paging), with their KPIs
    for one week."""
    signed_in(raw, s, "manager")
    raw.rows("SELECT id, name, parent_id FROM team ORDER BY name")
    # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
    raw.rows(BELOW + "SELECT team_id, COUNT(*) FROM person WHERE active = ? AND id IN (SELECT id FROM below)"  # nosec B608
             " GROUP BY team_id", (s.ids["manager"], ACTIVE))
    # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
    people = raw.rows(BELOW + PERSON_DETAILS  # nosec B608
                      + " WHERE p.active = ? AND p.id IN (SELECT id FROM below) ORDER BY p.name, p.id",
                      (s.ids["manager"], ACTIVE))
    _scorecards(raw, people, s.week_start(), s.week_end())


def api_scorecard(raw, s, history=13):
    """The API's scorecard: the token and its owner (and marking it used), then the scorecard."""
    found = raw.rows("SELECT t.id, p.id FROM api_token t JOIN person p ON p.id = t.person_id"
                     " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND p.active = ?", (s.token_hash, ACTIVE))
    raw.rows("UPDATE api_token SET last_used_at = ? WHERE id = ?",
             (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat(" "), found[0][0]))
    raw.rows("SELECT id FROM person WHERE email = ?", (s.emails["member"],))
    subtree(raw, s.ids["manager"])
    settings(raw)
    person = raw.rows(PERSON_DETAILS + " WHERE p.id = ?", (s.ids["member"],))
    _scorecards(raw, person, s.week_start(-(history - 1)), s.week_end())


# --- rank stacks and results × drivers -------------------------------------------------------------

def rank_stack(raw, s):
    """Every active person's value of the KPI over the range, rolled up in SQL, with what a row shows
    and what judging it needs (names, role, level, team); the KPI's benchmark lines. The same rows
    serve a stack by person, by role and by team."""
    signed_in(raw, s, "admin")
    raw.rows("SELECT * FROM kpi WHERE key = ?", (s.kpi_key,))
    aggregate = ROLLUP_SQL.get(s.kpi_rollup, "MAX")
    # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
    raw.rows("SELECT v.person_id, v.value, p.name, p.email, p.start_date, p.role_id, p.level_id,"  # nosec B608
             f" p.team_id, r.name, l.name, t.name FROM (SELECT person_id, {aggregate}(value) AS value FROM measurement"
             " WHERE kpi_id = ? AND period_start >= ? AND period_start <= ? GROUP BY person_id) v"
             " JOIN person p ON p.id = v.person_id LEFT JOIN team t ON t.id = p.team_id"
             " LEFT JOIN job_role r ON r.id = p.role_id LEFT JOIN level l ON l.id = p.level_id"
             " WHERE p.active = ?",
             (s.kpi_id, _day(s.week_start(-(s.stack_weeks - 1))), _day(s.week_end()), ACTIVE))
    raw.rows("SELECT role_id, level_id, effective_from, meets, exceeds FROM benchmark WHERE kpi_id = ?"
             " ORDER BY effective_from DESC, id DESC", (s.kpi_id,))


def results_drivers(raw, s, weeks=13):
    """A team's people with their KPI values and lines over the window, and their driver ratings
    averaged per driver in SQL."""
    signed_in(raw, s, "admin")
    raw.rows("SELECT * FROM team WHERE id = ?", (s.team_id,))
    first, last = s.week_start(-(weeks - 1)), s.week_end()
    people = raw.rows(TEAM_PEOPLE_DETAILS, (s.team_id, ACTIVE))
    _scorecards(raw, people, first, last)
    ids = [row[0] for row in people]
    # Safe: only table/column names from the models and placeholders in the SQL; values are bound.
    raw.rows("SELECT person_id, driver_key, AVG(score), COUNT(id) FROM driver_rating"  # nosec B608
             f" WHERE person_id IN ({_marks(ids)}) AND is_self = ? AND rated_on >= ? AND rated_on <= ?"
             " GROUP BY person_id, driver_key", (*ids, False, _day(first), _day(last)))


# --- the 1:1 ----------------------------------------------------------------------------------

MEETING_PEOPLE = (PERSON_DETAILS  # nosec B608
                  + " WHERE p.id IN (SELECT manager_id FROM meeting WHERE id = ?"
                  " UNION SELECT report_id FROM meeting WHERE id = ?)")


def meeting(raw, s):
    """The meeting page as its manager sees it: the meeting, its two people, agenda, ratings given
    in it, action items and the manager's own private note."""
    signed_in(raw, s, "manager")
    m = s.meeting_id
    raw.rows("SELECT * FROM meeting WHERE id = ?", (m,))
    raw.rows(MEETING_PEOPLE, (m, m))
    raw.rows("SELECT * FROM agenda_item WHERE meeting_id = ? ORDER BY position, id", (m,))
    raw.rows("SELECT r.*, p.name FROM driver_rating r JOIN person p ON p.id = r.rated_by_id WHERE r.meeting_id = ?"
             " ORDER BY r.driver_key, r.id", (m,))
    raw.rows("SELECT a.*, p.name FROM action_item a JOIN person p ON p.id = a.owner_id WHERE (a.owner_id ="
             " (SELECT report_id FROM meeting WHERE id = ?) AND a.status = 'open') OR a.meeting_id = ?"
             " ORDER BY a.status DESC, a.due_date, a.id", (m, m))
    raw.rows("SELECT n.*, p.name FROM private_note n JOIN person p ON p.id = n.author_id"
             " WHERE n.meeting_id = ? AND n.author_id = ?", (m, s.ids["manager"]))


def worksheet(raw, s, history=13):
    """The meeting's worksheet: the meeting and its people, the manager's private note, the stored
    agenda, the report's scorecard over ``history`` weeks, the last held 1:1 and its action items,
    and the report's driver ratings."""
    signed_in(raw, s, "manager")
    m, report = s.meeting_id, s.meeting_report_id
    raw.rows("SELECT * FROM meeting WHERE id = ?", (m,))
    raw.rows("SELECT * FROM private_note WHERE meeting_id = ? AND author_id = ?", (m, s.ids["manager"]))
    people = raw.rows(MEETING_PEOPLE, (m, m))
    raw.rows("SELECT * FROM agenda_item WHERE meeting_id = ? ORDER BY position, id", (m,))
    review = s.meeting_review_week
    _scorecards(raw, [row for row in people if row[0] == report], review - datetime.timedelta(weeks=history - 1),
                review + datetime.timedelta(days=6))
    last = raw.rows("SELECT * FROM meeting WHERE report_id = ? AND status = 'held' AND scheduled_for <"
                    " (SELECT scheduled_for FROM meeting WHERE id = ?) AND id <> ? ORDER BY scheduled_for DESC LIMIT 1",
                    (report, m, m))
    raw.rows("SELECT a.*, p.name FROM action_item a JOIN person p ON p.id = a.owner_id"
             " WHERE (a.owner_id = ? AND a.status = 'open') OR a.meeting_id = ? ORDER BY a.due_date, a.id",
             (report, last[0][0] if last else None))
    raw.rows("SELECT * FROM driver_rating WHERE person_id = ? ORDER BY rated_on, id", (report,))


def fixed_cost(raw, s):
    """A signed-in request that does nothing: the viewer alone."""
    viewer(raw, s.ids["manager"])
