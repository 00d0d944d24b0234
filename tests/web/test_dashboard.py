"""The manager's dashboard and the admins' follow-through report."""
import csv
import datetime
import io

from html_checks import assert_valid_html

from dualdash.coaching import follow_through
from dualdash.coaching.models import ActionItem, Meeting
from dualdash.org.models import Person
from dualdash.shared.formats import date_text

TODAY = datetime.date.today()


def day(offset, hour=10):
    """A datetime ``offset`` days from today."""
    return datetime.datetime.combine(TODAY + datetime.timedelta(days=offset), datetime.time(hour))


def meeting(manager, report, offset, status="planned", hour=10):
    return Meeting.create(manager=manager, report=report, scheduled_for=day(offset, hour), status=status,
                          held_at=day(offset, hour) if status == "held" else None)


def item(owner, description, due=None, meeting=None, done_offset=None, done_hour=12):
    """An action item due ``due`` days from today; done ``done_offset`` days from today when given."""
    return ActionItem.create(
        owner=owner, description=description, meeting=meeting,
        due_date=None if due is None else TODAY + datetime.timedelta(days=due),
        status="open" if done_offset is None else "done",
        completed_at=None if done_offset is None else day(done_offset, done_hour))


def section(html, heading_id, next_heading_id=None):
    start = html.index(f'id="{heading_id}"')
    end = html.index(f'id="{next_heading_id}"') if next_heading_id else len(html)
    return html[start:end]


# --- the manager's dashboard ---------------------------------------------------------------------

def dashboard_data(org):
    m = org.manager
    return dict(
        soon=meeting(m, org.member, 3),
        later=meeting(m, org.member2, 20),
        missed=meeting(m, org.member2, -5),
        cancelled=meeting(m, org.member, -2, "cancelled"),
        held_recent=meeting(m, org.member, -10, "held"),
        held_old=meeting(m, org.member2, -40, "held"),
        other_led=meeting(org.peer, org.peer_report, 2),
    )


def test_dashboard_shows_upcoming_missed_and_people_not_met(app, sample_org, as_manager):
    with app.app_context():
        data = dashboard_data(sample_org)
    response = as_manager.get("/dashboard")
    assert response.status_code == 200
    assert_valid_html(response)
    html = response.get_data(as_text=True)

    upcoming = section(html, "upcoming-heading", "missed-heading")
    assert f'/meetings/{data["soon"].id}"' in upcoming and "Mo Member" in upcoming
    assert f'/meetings/{data["later"].id}"' not in upcoming  # beyond 14 days
    assert f'/meetings/{data["other_led"].id}"' not in html  # led by someone else

    missed = section(html, "missed-heading", "not-met-heading")
    assert f'/meetings/{data["missed"].id}"' in missed and "Mia Member" in missed
    assert f'/meetings/{data["cancelled"].id}"' not in missed

    not_met = section(html, "not-met-heading", "items-heading")
    assert "Mia Member" in not_met  # last held 40 days ago
    assert "Ian Indirect" in not_met  # below, never met
    assert "Mo Member" not in not_met  # held 10 days ago
    assert "Paula" not in html  # not below this manager
    assert "/meetings/new?report=%d" % sample_org.indirect.id in not_met


def test_dashboard_action_items_overdue_first(app, sample_org, as_manager):
    with app.app_context():
        one_on_one = meeting(sample_org.manager, sample_org.member, -7, "held")
        item(sample_org.member2, "Due later", due=9)
        item(sample_org.member, "No due date")
        item(sample_org.indirect, "Due tomorrow", due=1)
        item(sample_org.member, "Overdue one", due=-3, meeting=one_on_one)
        item(sample_org.member, "Already done", due=-1, done_offset=-2)
        item(sample_org.peer_report, "Item of the peer report", due=-3)
        item(sample_org.manager, "Own item of the manager", due=-3)
    html = as_manager.get("/dashboard").get_data(as_text=True)
    items = section(html, "items-heading")
    order = [items.index(text) for text in ("Overdue one", "Due tomorrow", "Due later", "No due date")]
    assert order == sorted(order)
    assert "Overdue</span>" in items
    assert f'/meetings/{one_on_one.id}"' in items  # linked to the 1:1 where it was agreed
    assert f'/people/{sample_org.member.id}"' in items
    for absent in ("Already done", "Item of the peer report", "Own item of the manager"):
        assert absent not in items


def test_dashboard_empty_states(app, sample_org, as_manager):
    html = as_manager.get("/dashboard").get_data(as_text=True)
    assert "No 1:1 planned in the next 14 days." in html
    assert "No missed 1:1s." in html
    assert "Nobody below you has an open action item." in html
    assert "Ian Indirect" in html  # nobody has had a 1:1 yet


def test_members_are_sent_to_their_meetings(as_member, client):
    response = as_member.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].endswith("/meetings/")
    assert client.get("/dashboard").status_code == 302  # anonymous: to sign in
    assert "/login" in client.get("/dashboard").headers["Location"]


def test_admin_without_reports_sees_an_empty_dashboard(as_admin):
    response = as_admin.get("/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Everyone below you has had a 1:1" in html
    assert "/reports/follow-through" in html


def _grow_team(org, size, tag):
    """``size`` more reports of the manager (and one below each), with 1:1s and action items."""
    for i in range(size):
        p = Person.create(email=f"extra-{tag}{i}@example.com", name=f"Extra {tag}{i}", manager=org.manager)
        below = Person.create(email=f"below-{tag}{i}@example.com", name=f"Below {tag}{i}", manager=p)
        item(below, f"Below item {i}", due=2)
        meeting(org.manager, p, 2)
        meeting(org.manager, p, -3)
        done = meeting(org.manager, p, -40, "held")
        item(p, f"Extra item {i}", due=-1, meeting=done)
        item(p, f"Extra item {i} later", due=4)


def test_dashboard_runs_a_fixed_number_of_queries(app, sample_org, login, count_queries):
    client = login(app.test_client(), sample_org.manager)
    with app.app_context():
        dashboard_data(sample_org)
        _grow_team(sample_org, 1, "a")
    small = count_queries(lambda: client.get("/dashboard"))
    with app.app_context():
        _grow_team(sample_org, 12, "b")
    assert count_queries(lambda: client.get("/dashboard")) == small


# --- the follow-through report -------------------------------------------------------------------

def report_data(org):
    """Maria: 5 1:1s in the period (2 held, 1 missed, 1 cancelled, 1 to come) and one before it;
    action items due in it: 2 done on time, 1 late, 1 overdue, 1 not yet due (and one before it).
    Pete: 1 held, 1 missed; one item agreed outside a 1:1 by his report, done late."""
    m, peer = org.manager, org.peer
    held1 = meeting(m, org.member, -50, "held")
    held2 = meeting(m, org.member2, -20, "held")
    meeting(m, org.member, -10)  # missed
    meeting(m, org.member2, -5, "cancelled")
    meeting(m, org.member, 5)  # to come
    meeting(m, org.member, -100, "held")  # before the period
    item(org.member, "on time, early", due=-40, meeting=held1, done_offset=-41)
    item(org.member2, "on time, late that evening", due=-15, meeting=held2, done_offset=-15, done_hour=23)
    item(org.manager, "own item of the manager, late", due=-18, meeting=held2, done_offset=-10)
    item(org.member, "open, overdue", due=-5, meeting=held1)
    item(org.member, "open, not yet due", due=10, meeting=held1)
    item(org.member, "before the period", due=-100, meeting=held1)
    meeting(peer, org.peer_report, -30, "held")
    meeting(peer, org.peer_report, -3)  # missed
    item(org.peer_report, "outside a 1:1, late", due=-20, done_offset=-19)


PERIOD = {"from": (TODAY - datetime.timedelta(days=60)).isoformat(),
          "to": (TODAY + datetime.timedelta(days=30)).isoformat()}


def test_report_counts(app, sample_org):
    with app.app_context():
        report_data(sample_org)
        result = follow_through.report(TODAY - datetime.timedelta(days=60), TODAY + datetime.timedelta(days=30))
    rows = {r.manager.email.split("@")[0]: r for r in result.rows}
    # Everyone with a report has a row, zeros included.
    assert set(rows) == {"director", "manager", "peer", "member2"}
    maria = rows["manager"]
    assert (maria.planned, maria.held, maria.missed, maria.cancelled, maria.upcoming) == (5, 2, 1, 1, 1)
    assert round(maria.held_rate, 3) == round(2 / 3, 3)
    assert (maria.items_due, maria.on_time, maria.late, maria.open_overdue, maria.open_not_due) == (5, 2, 1, 1, 1)
    assert maria.on_time_rate == 0.5
    pete = rows["peer"]
    assert (pete.planned, pete.held, pete.missed, pete.items_due, pete.late) == (2, 1, 1, 1, 1)
    assert pete.on_time_rate == 0
    dana = rows["director"]
    assert (dana.planned, dana.items_due, dana.held_rate, dana.on_time_rate) == (0, 0, None, None)
    totals = result.totals
    assert (totals.planned, totals.held, totals.missed, totals.items_due, totals.on_time, totals.late) == (
        7, 3, 2, 6, 2, 2)


def test_report_page(app, sample_org, as_admin):
    with app.app_context():
        report_data(sample_org)
    response = as_admin.get("/reports/follow-through", query_string=PERIOD)
    assert response.status_code == 200
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    maria = html[html.index("Maria Manager"):]
    maria = maria[:maria.index("</tr>")]
    cells = [c.split(">")[-1] for c in maria.split("</td>")[:-1]]
    assert [c.strip() for c in cells] == ["5", "2", "1", "1", "1", "67%", "5", "2", "1", "1", "1", "50%"]
    assert "All managers" in html
    assert f'value="{PERIOD["from"]}"' in html


def test_report_defaults_to_the_last_90_days(app, sample_org, as_admin):
    with app.app_context():
        meeting(sample_org.manager, sample_org.member, -95, "held")
        meeting(sample_org.manager, sample_org.member, -85, "held")
    html = as_admin.get("/reports/follow-through").get_data(as_text=True)
    start = date_text(TODAY - datetime.timedelta(days=89))
    assert f"From {start} to {date_text(TODAY)}" in html
    with app.app_context():
        result = follow_through.report(TODAY - datetime.timedelta(days=89), TODAY)
    assert [r.held for r in result.rows if r.manager.id == sample_org.manager.id] == [1]


def test_report_csv(app, sample_org, as_admin):
    with app.app_context():
        report_data(sample_org)
    response = as_admin.get("/reports/follow-through", query_string={**PERIOD, "format": "csv"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    maria = next(line for line in lines if line["manager"] == "Maria Manager")
    assert (maria["one_to_ones_planned"], maria["held"], maria["missed"], maria["held_rate_percent"]) == (
        "5", "2", "1", "66.7")
    assert (maria["done_on_time"], maria["done_late"], maria["open_overdue"], maria["on_time_rate_percent"]) == (
        "2", "1", "1", "50.0")
    assert lines[-1]["manager"] == "All managers" and lines[-1]["one_to_ones_planned"] == "7"
    director = next(line for line in lines if line["manager"] == "Dana Director")
    assert director["held_rate_percent"] == ""


def test_report_is_for_admins_only(as_manager, as_member, client):
    assert as_manager.get("/reports/follow-through").status_code == 403
    assert as_member.get("/reports/follow-through").status_code == 403
    assert as_manager.get("/reports/follow-through?format=csv").status_code == 403
    assert client.get("/reports/follow-through").status_code == 302


def test_report_rejects_bad_dates(as_admin):
    response = as_admin.get("/reports/follow-through", query_string={"from": "last tuesday", "to": "2026-02-30"})
    assert response.status_code == 400
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert 'id="from-error"' in html and 'id="to-error"' in html
    assert 'value="last tuesday"' in html  # what was typed is kept
    response = as_admin.get("/reports/follow-through", query_string={"from": "2026-03-01", "to": "2026-02-01"})
    assert response.status_code == 400
    assert "on or after the start" in response.get_data(as_text=True)
    assert as_admin.get("/reports/follow-through",
                        query_string={"from": "1026-03-01", "format": "csv"}).status_code == 400


def _more_managers(org, count, tag):
    for i in range(count):
        boss = Person.create(email=f"boss-{tag}{i}@example.com", name=f"Boss {tag}{i}", manager=org.director)
        report = Person.create(email=f"rep-{tag}{i}@example.com", name=f"Rep {tag}{i}", manager=boss)
        held = meeting(boss, report, -20, "held")
        meeting(boss, report, -2)
        item(report, "x", due=-10, meeting=held, done_offset=-12)
        item(report, "y", due=-3, meeting=held)


def test_report_runs_a_fixed_number_of_queries(app, sample_org, login, count_queries):
    client = login(app.test_client(), sample_org.admin)
    with app.app_context():
        report_data(sample_org)
        _more_managers(sample_org, 1, "a")
    small = count_queries(lambda: client.get("/reports/follow-through", query_string=PERIOD))
    small_csv = count_queries(lambda: client.get("/reports/follow-through", query_string={**PERIOD, "format": "csv"}))
    with app.app_context():
        _more_managers(sample_org, 12, "b")
    assert count_queries(lambda: client.get("/reports/follow-through", query_string=PERIOD)) == small
    assert count_queries(lambda: client.get("/reports/follow-through",
                                            query_string={**PERIOD, "format": "csv"})) == small_csv
